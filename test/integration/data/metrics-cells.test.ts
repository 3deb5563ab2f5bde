/**
 * The metrics counter cells on DynamoDB Local: a period of every service area is read with
 * one Query per shard (a page that ends early splits the rest of its days, and nothing is
 * read twice or missed), and `npm run metrics:rekey` moves cells of the first layout into the
 * current one exactly once, whatever else writes meanwhile.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DocumentClient } from '#shared/platform/dynamodb/document-client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_AREAS } from '#shared/core/reference-data.ts';
import { cellKeyOf, type MetricCell } from '#shared/metrics/domain/counters.ts';
import { rekeyLegacyCells } from '#shared/metrics/data/legacy-cells.ts';
import { DynamoMetricsRepository } from '#shared/metrics/data/metrics-repository.ts';
import { legacyMetricsKeys, METRICS_SHARDS, metricsKeys } from '#shared/platform/dynamodb/keys.ts';
import { createDocumentClient } from '#shared/platform/dynamodb/dynamo-client.ts';
import { probe, type ClientProbe } from '#test/support/referral-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;
let client: DocumentClient;
let calls: ClientProbe;

beforeAll(async () => {
  table = await createTestTable('metrics-cells');
  client = createDocumentClient({ endpoint: table.endpoint });
  calls = probe(client);
});

afterAll(async () => {
  client?.destroy();
  await table?.drop();
});

const ORGS = ['provide', 'ecc', 'meht', 'ageuk-essex'];

/** Every day from `from` to `to`. */
const days = (from: string, to: string): string[] => {
  const list: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    list.push(new Date(t).toISOString().slice(0, 10));
  return list;
};

/** A cell per day × service area × a few org pairs, each in its own shard; a count that tells them apart. */
const cellsOf = (from: string, to: string) =>
  days(from, to).flatMap((day, d) =>
    SERVICE_AREAS.flatMap((serviceArea, a) =>
      [0, 1, 2].map((p) => ({
        cell: { day, serviceArea, fromOrg: ORGS[p]!, toOrg: ORGS[p + 1]!, priority: 'urgent' },
        shard: (d + a + p) % METRICS_SHARDS,
        counters: { st_submitted: 1 + ((d * 7 + a * 3 + p) % 5), acc: p },
      })),
    ),
  );

/** Writes cells as items of the current layout, or of the first (`legacyMetricsKeys`). */
const put = (
  cells: readonly { cell: MetricCell; shard: number; counters: Record<string, number> }[],
  keys: Pick<typeof metricsKeys, 'counter'> = metricsKeys,
) =>
  Promise.all(
    cells.map(({ cell, shard, counters }) =>
      client.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.counter(cell, shard), ...counters } })),
    ),
  );

/** Rows summed per cell (shards merged), so two readings compare whatever their order; a counter at 0 reads as none. */
const byCell = (rows: readonly { cell: MetricCell; counters: Record<string, number> }[]) => {
  const sums = new Map<string, Record<string, number>>();
  for (const { cell, counters } of rows) {
    const sum = sums.get(cellKeyOf(cell)) ?? {};
    for (const [name, value] of Object.entries(counters)) if (value !== 0) sum[name] = (sum[name] ?? 0) + value;
    sums.set(cellKeyOf(cell), sum);
  }
  return Object.fromEntries([...sums].sort(([a], [b]) => (a < b ? -1 : 1)));
};

describe('reading a period', () => {
  it('reads every service area of a period across a month end with one Query per shard', async () => {
    // Prepare: the period and a day either side of it
    const cells = cellsOf('2030-03-27', '2030-04-04');
    await put(cells);
    const repository = new DynamoMetricsRepository({ client, tableName: table.tableName });
    calls.reset();

    // Act
    const rows = await repository.readCells({ serviceAreas: SERVICE_AREAS, from: '2030-03-28', to: '2030-04-03' });

    // Assess
    expect(calls.calls).toEqual(Array.from({ length: METRICS_SHARDS }, () => 'Query'));
    const inPeriod = cells.filter(({ cell }) => cell.day >= '2030-03-28' && cell.day <= '2030-04-03');
    expect(byCell(rows)).toEqual(byCell(inPeriod));
  });

  it('keeps only the service areas asked for', async () => {
    // Prepare
    const cells = cellsOf('2030-05-01', '2030-05-03');
    await put(cells);
    const repository = new DynamoMetricsRepository({ client, tableName: table.tableName });

    // Act
    const rows = await repository.readCells({ serviceAreas: ['crisis-prevention'], from: '2030-05-01', to: '2030-05-03' });

    // Assess
    expect(byCell(rows)).toEqual(byCell(cells.filter(({ cell }) => cell.serviceArea === 'crisis-prevention')));
  });

  it('reads a period larger than a page whole: the days after a page are split off, none read twice', async () => {
    // Prepare: two cells a page, so every shard's range pages and splits
    const cells = cellsOf('2030-07-01', '2030-07-20');
    await put(cells);
    const paged = new DynamoMetricsRepository({ client, tableName: table.tableName, pageSize: 2, readConcurrency: 4 });
    calls.reset();

    // Act
    const rows = await paged.readCells({ serviceAreas: SERVICE_AREAS, from: '2030-07-02', to: '2030-07-19' });

    // Assess: each cell once (a cell read twice would double its counts)
    const inPeriod = cells.filter(({ cell }) => cell.day >= '2030-07-02' && cell.day <= '2030-07-19');
    expect(rows).toHaveLength(inPeriod.length);
    expect(byCell(rows)).toEqual(byCell(inPeriod));
    expect(calls.calls.length).toBeGreaterThan(METRICS_SHARDS);
    expect(new Set(calls.calls)).toEqual(new Set(['Query']));
  });
});

describe('npm run metrics:rekey', () => {
  const legacyItems = async (months: readonly string[]) => {
    const items: Record<string, unknown>[] = [];
    for (const month of months)
      for (const serviceArea of SERVICE_AREAS)
        for (let shard = 0; shard < METRICS_SHARDS; shard++) {
          const page = await client.send(
            new QueryCommand({
              TableName: table.tableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': legacyMetricsKeys.partition(serviceArea, month, shard) },
            }),
          );
          items.push(...(page.Items ?? []));
        }
    return items;
  };

  it('moves the first layout into the current one, adding to what was counted since, and a second run finds nothing', async () => {
    // Prepare: legacy cells across a month end, and counts written since the change on some of the same cells
    const legacy = cellsOf('2029-01-30', '2029-02-02');
    await put(legacy, legacyMetricsKeys);
    const since = legacy.filter((_, i) => i % 4 === 0).map((c) => ({ ...c, counters: { st_submitted: 10, ovd: 1 } }));
    await put(since);
    const repository = new DynamoMetricsRepository({ client, tableName: table.tableName });
    const rekey = (dryRun = false) =>
      rekeyLegacyCells({ client, tableName: table.tableName, months: ['2029-01', '2029-02'], serviceAreas: SERVICE_AREAS, dryRun });

    // Act
    const dry = await rekey(true);
    const afterDryRun = await legacyItems(['2029-01', '2029-02']);
    const run = await rekey();
    const again = await rekey();

    // Assess
    expect(dry).toMatchObject({ partitions: 2 * SERVICE_AREAS.length * METRICS_SHARDS, found: legacy.length, moved: 0 });
    expect(afterDryRun).toHaveLength(legacy.length);
    expect(run).toMatchObject({ found: legacy.length, moved: legacy.length, movedElsewhere: 0 });
    expect(again).toMatchObject({ found: 0, moved: 0 });
    expect(await legacyItems(['2029-01', '2029-02'])).toEqual([]);
    const rows = await repository.readCells({ serviceAreas: SERVICE_AREAS, from: '2029-01-30', to: '2029-02-02' });
    expect(byCell(rows)).toEqual(byCell([...legacy, ...since]));
  });

  it('moves each cell once when two runs race', async () => {
    // Prepare
    const legacy = cellsOf('2029-06-10', '2029-06-12');
    await put(legacy, legacyMetricsKeys);
    const otherClient = createDocumentClient({ endpoint: table.endpoint });
    const rekey = (runClient: DocumentClient) =>
      rekeyLegacyCells({ client: runClient, tableName: table.tableName, months: ['2029-06'], serviceAreas: SERVICE_AREAS, concurrency: 3 });

    // Act
    const [first, second] = await Promise.all([rekey(otherClient), rekey(client)]);
    otherClient.destroy();

    // Assess: every cell moved by one run or the other, none twice
    expect(first.moved + second.moved).toBe(legacy.length);
    expect(await legacyItems(['2029-06'])).toEqual([]);
    const rows = await new DynamoMetricsRepository({ client, tableName: table.tableName }).readCells({
      serviceAreas: SERVICE_AREAS,
      from: '2029-06-10',
      to: '2029-06-12',
    });
    expect(byCell(rows)).toEqual(byCell(legacy));
  });

  it('reads a cell again when an old writer added to it between its read and its move, so the late counts move too', async () => {
    // Prepare: an old consumer adds to one legacy cell just before the run moves it
    const legacy = cellsOf('2029-09-10', '2029-09-11');
    await put(legacy, legacyMetricsKeys);
    const straggler = legacy[4]!;
    const stragglerKey = legacyMetricsKeys.counter(straggler.cell, straggler.shard);
    const runClient = createDocumentClient({ endpoint: table.endpoint });
    const runCalls = probe(runClient);
    let interfered = false;
    runClient.intercept('call', async (context, next) => {
      // The interceptor sees the request as sent: keys in DynamoDB's attribute-value form.
      const items = (context.input as { TransactItems?: { Delete?: { Key?: Record<string, { S?: string }> } }[] }).TransactItems ?? [];
      const movesStraggler = items.some((i) => i.Delete?.Key?.pk?.S === stragglerKey.pk && i.Delete?.Key?.sk?.S === stragglerKey.sk);
      if (context.operation === 'TransactWriteItems' && movesStraggler && !interfered) {
        interfered = true;
        await client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: stragglerKey,
            UpdateExpression: 'ADD st_submitted :one, acc :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        );
      }
      return next();
    });

    // Act
    const run = await rekeyLegacyCells({ client: runClient, tableName: table.tableName, months: ['2029-09'], serviceAreas: SERVICE_AREAS });
    runClient.destroy();

    // Assess: the straggler's first move refused, read again and moved with its late counts
    expect(interfered).toBe(true);
    expect(run).toMatchObject({ found: legacy.length, moved: legacy.length });
    expect(runCalls.calls.filter((c) => c === 'TransactWriteItems')).toHaveLength(legacy.length + 1);
    expect(runCalls.calls.filter((c) => c === 'GetItem')).toHaveLength(1);
    const moved = await client.send(
      new GetCommand({ TableName: table.tableName, Key: metricsKeys.counter(straggler.cell, straggler.shard) }),
    );
    expect(moved.Item).toMatchObject({ st_submitted: straggler.counters.st_submitted + 1, acc: straggler.counters.acc + 1 });
    expect(await legacyItems(['2029-09'])).toEqual([]);
  });
});
