/**
 * Moves a stage's metrics counter cells from their first layout (one partition per service
 * area × month × shard: `legacyMetricsKeys`) into the current one (one partition per shard,
 * day first: `metricsKeys`), so what was counted before the change stays in every summary.
 * Run once per stage that counted events before 2026-12-03, after deploying the version
 * that writes the current layout (`npm run metrics:rekey`, docs/operations.md).
 *
 * Each legacy cell moves in one transaction: its counters ADDed to the current cell (which
 * may already hold counts written since the deploy: every counter is a sum, so the two add
 * up) and the legacy item deleted on condition that it still holds exactly the counters
 * read. A cell is therefore never counted twice nor lost: a run may be stopped and started
 * again, two runs at once move each cell once, and a cell a straggling old writer changed
 * meanwhile is read again and moved with its new counts. Reads are Queries of the legacy
 * partitions (no Scan), the most recent month first (the one summaries ask for most).
 *
 * An ops tool: no handler imports it, so no Lambda bundles it.
 */
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  isTransactionCanceled,
  type DocumentClient,
} from '../../platform/dynamodb/document-client.ts';
import { legacyMetricsKeys, metricsKeys, METRICS_SHARDS } from '../../platform/dynamodb/keys.ts';
import { countersOf } from './metrics-repository.ts';

/** What to move. */
export interface RekeyLegacyCellsOptions {
  readonly client: DocumentClient;
  readonly tableName: string;
  /** The months (`YYYY-MM`) whose legacy partitions to read. */
  readonly months: readonly string[];
  readonly serviceAreas: readonly string[];
  /** Count the legacy cells, move nothing. */
  readonly dryRun?: boolean;
  /** Cells moved at once. */
  readonly concurrency?: number;
  /** Told after each month. */
  readonly progress?: (line: string) => void;
}

/** What a run found and did. */
export interface RekeyLegacyCellsResult {
  /** Legacy partitions read (service areas × months × shards). */
  readonly partitions: number;
  /** Legacy cells found. */
  readonly found: number;
  /** Legacy cells moved by this run. */
  readonly moved: number;
  /** Legacy cells another run moved between this run's read and its move. */
  readonly movedElsewhere: number;
}

/** Attempts of one cell's move that keep meeting concurrent writers. */
const MAX_MOVE_ATTEMPTS = 6;

/** Moves every legacy cell of these months and service areas into the current layout. */
export const rekeyLegacyCells = async (options: RekeyLegacyCellsOptions): Promise<RekeyLegacyCellsResult> => {
  const concurrency = options.concurrency ?? 8;
  const months = [...options.months].sort().reverse();
  let partitions = 0;
  let found = 0;
  let moved = 0;
  let movedElsewhere = 0;
  for (const month of months) {
    let foundInMonth = 0;
    for (const serviceArea of options.serviceAreas) {
      for (let shard = 0; shard < METRICS_SHARDS; shard++) {
        partitions++;
        const pk = legacyMetricsKeys.partition(serviceArea, month, shard);
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await options.client.send(
            new QueryCommand({
              TableName: options.tableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': pk },
              ConsistentRead: true,
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          );
          const items = page.Items ?? [];
          found += items.length;
          foundInMonth += items.length;
          if (!options.dryRun) {
            for (let i = 0; i < items.length; i += concurrency) {
              const outcomes = await Promise.all(
                items.slice(i, i + concurrency).map((item) => moveCell(options, { serviceArea, month, shard }, item)),
              );
              moved += outcomes.filter((o) => o === 'moved').length;
              movedElsewhere += outcomes.filter((o) => o === 'gone').length;
            }
          }
          startKey = page.LastEvaluatedKey;
        } while (startKey);
      }
    }
    options.progress?.(`${month}: ${foundInMonth} legacy cells${options.dryRun ? ' (dry run: none moved)' : ' moved'}`);
  }
  return { partitions, found, moved, movedElsewhere };
};

/** Moves one legacy cell: 'moved', or 'gone' when another run moved it first. */
const moveCell = async (
  options: RekeyLegacyCellsOptions,
  where: { readonly serviceArea: string; readonly month: string; readonly shard: number },
  first: Record<string, unknown>,
): Promise<'moved' | 'gone'> => {
  const cell = legacyMetricsKeys.cellOf(where.serviceArea, where.month, String(first.sk));
  const legacyKey = legacyMetricsKeys.counter(cell, where.shard);
  let item: Record<string, unknown> | undefined = first;
  for (let attempt = 1; ; attempt++) {
    const counters = Object.entries(countersOf(item));
    const adds = counters.filter(([, value]) => value !== 0);
    // The legacy item is deleted only if it still holds exactly what is being added.
    const deletion = {
      Delete: {
        TableName: options.tableName,
        Key: legacyKey,
        ConditionExpression: ['attribute_exists(pk)', ...counters.map((_, i) => `#k${i} = :k${i}`)].join(' AND '),
        ...(counters.length > 0
          ? {
              ExpressionAttributeNames: Object.fromEntries(counters.map(([name], i) => [`#k${i}`, name])),
              ExpressionAttributeValues: Object.fromEntries(counters.map(([, value], i) => [`:k${i}`, value])),
            }
          : {}),
      },
    };
    const addition = {
      Update: {
        TableName: options.tableName,
        Key: metricsKeys.counter(cell, where.shard),
        UpdateExpression: `ADD ${adds.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(adds.map(([name], i) => [`#c${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(adds.map(([, value], i) => [`:c${i}`, value])),
      },
    };
    try {
      await options.client.send(new TransactWriteCommand({ TransactItems: adds.length > 0 ? [addition, deletion] : [deletion] }));
      return 'moved';
    } catch (error) {
      if (!isTransactionCanceled(error) || attempt >= MAX_MOVE_ATTEMPTS) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) {
        // Changed or moved since it was read: read it again.
        item = (await options.client.send(new GetCommand({ TableName: options.tableName, Key: legacyKey, ConsistentRead: true }))).Item;
        if (!item) return 'gone';
        continue;
      }
      if (!reasons.some((r) => r.Code === 'TransactionConflict')) throw error;
      // A concurrent writer held the current cell: nothing was written; try again shortly.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
};
