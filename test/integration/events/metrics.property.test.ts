/**
 * The metrics consumer and the summary through their deployed handlers on DynamoDB
 * Local (issue 8's property): for randomised multi-org workloads — referral stories driven
 * through the real domain rules across Provide, ECC, MEHT and Age UK — every event is
 * delivered in shuffled batches, some several times (redelivered, and twice within one
 * batch), and `GET /metrics/summary` for every grouping equals a brute-force replay of
 * the histories. Also: one TransactWriteItems per batch, transaction conflicts retried,
 * only Queries to answer a summary, one per shard.
 */
import type { DocumentClient } from '#shared/platform/dynamodb/document-client.ts';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createDocumentClient } from '#shared/platform/dynamodb/dynamo-client.ts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_SHARDS } from '#shared/platform/dynamodb/keys.ts';
import { GROUP_BY } from '#shared/metrics/domain/summary.ts';
import type { MetricFigures } from '#shared/metrics/domain/figures.ts';
import { SERVICE_AREAS } from '#shared/core/reference-data.ts';
import type { PublishedEvent } from '#shared/core/event-envelope.ts';
import { busMessage, invokeSqs, type SqsHandler } from '#test/support/event-fixtures.ts';
import { httpEvent, lambdaContext } from '#test/support/http-event.ts';
import {
  bruteForce,
  compareFigures,
  deliveriesArbitrary,
  expectedGroups,
  groupIdOf,
  storyOf,
  workloadArbitrary,
} from '#test/support/metrics-workload.ts';
import { probe, transactionConflict, type ClientProbe } from '#test/support/referral-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

type ApiHandler = (
  event: ReturnType<typeof httpEvent>,
  context: ReturnType<typeof lambdaContext>,
) => Promise<APIGatewayProxyStructuredResultV2>;

let table: TestTable;
let consume: SqsHandler;
let summaryHandler: ApiHandler;
/** Commands sent by the consumer's client and by the summary's. */
let consumerCalls: ClientProbe;
let summaryCalls: ClientProbe;

beforeAll(async () => {
  table = await createTestTable('metrics');
  Object.assign(process.env, { JOINTLY_TABLE_NAME: table.tableName, DYNAMODB_ENDPOINT: table.endpoint, POWERTOOLS_LOG_LEVEL: 'ERROR' });
  // The consumer built by its composition root on a probed client, as the local runtime builds it on its own.
  const consumerClient = createDocumentClient({ endpoint: table.endpoint });
  consumerCalls = probe(consumerClient);
  consume = (await import('#shared/wiring/metrics.ts')).metricsHandler({ documentClient: consumerClient });
  ({ handler: summaryHandler } = (await import('#functions/api/metrics/get-metrics-summary.ts')) as { handler: ApiHandler });
  summaryCalls = probe((await import('#shared/wiring/evaluation.ts')).evaluationDocumentClient as DocumentClient);
});

afterAll(async () => {
  await table?.drop();
});

/** Every run gets its own month, so runs never share a counter cell. */
let months = 0;
const freshMonth = (): string => {
  const index = months++;
  return `${2031 + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
};

const PM_CLAIMS = { sub: 'pm-1', token_use: 'id', 'custom:org': 'ecc', 'cognito:groups': '[programme_manager]' };

const summary = async (query: string, claims: Record<string, string> = PM_CLAIMS) => {
  const result = await summaryHandler(
    httpEvent({ path: `/metrics/summary?${query}`, routeKey: 'GET /metrics/summary', claims }),
    lambdaContext(),
  );
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') };
};

/** Delivers batches a few at a time (concurrent invocations, as Lambda would run them). */
const deliver = async (batches: readonly (readonly PublishedEvent[])[]) => {
  const failed: string[] = [];
  for (let i = 0; i < batches.length; i += 3) {
    const runs = await Promise.all(batches.slice(i, i + 3).map((batch) => invokeSqs(consume, batch.map(busMessage))));
    failed.push(...runs.flatMap((r) => r.failed));
  }
  return failed;
};

describe('metrics: incremental, idempotent, order-independent', () => {
  it('summaries equal a brute-force replay of the histories, under shuffled, batched and redelivered events', {
    timeout: 240_000,
  }, async () => {
    const runs: { events: number; deliveries: number }[] = [];
    await fc.assert(
      fc.asyncProperty(
        workloadArbitrary(8)
          .map((plans) => ({ plans, month: freshMonth() }))
          .chain(({ plans, month }) => {
            const histories = plans.map((plan) => storyOf(plan, month));
            // A few events also twice within one batch.
            return fc
              .tuple(
                deliveriesArbitrary(histories.flat()),
                fc.subarray(histories.flat(), { maxLength: Math.min(3, histories.flat().length) }),
              )
              .map(([batches, doubled]) => ({
                month,
                histories,
                batches: [...batches, doubled.flatMap((e) => [e, e])].filter((b) => b.length > 0),
              }));
          }),
        async ({ month, histories, batches }) => {
          // Act
          const failed = await deliver(batches);
          runs.push({ events: histories.flat().length, deliveries: batches.flat().length });

          // Assess
          expect(failed).toEqual([]);
          const oracle = bruteForce(histories);
          for (const groupBy of GROUP_BY) {
            const reply = await summary(`from=${month}-01&to=${month}-28&groupBy=${groupBy}`);
            expect(reply.status).toBe(200);
            const expected = expectedGroups(oracle, groupBy);
            const empty = expectedGroups([], groupBy).total;
            const problems = [
              ...(reply.body.groups as { key: Record<string, string>; figures: MetricFigures }[]).flatMap((g) =>
                compareFigures(g.figures, expected.groups.get(groupIdOf(g.key)) ?? empty, `${groupBy} ${groupIdOf(g.key)}`),
              ),
              ...compareFigures(reply.body.total, expected.total, `${groupBy} total`),
            ];
            expect(problems).toEqual([]);
          }
          // An org filter keeps the cells where the org is either end.
          const ecc = await summary(`from=${month}-01&to=${month}-28&groupBy=serviceArea&org=ecc`);
          const eccExpected = expectedGroups(oracle, 'serviceArea', (cell) => cell.fromOrg === 'ecc' || cell.toOrg === 'ecc');
          expect(compareFigures(ecc.body.total, eccExpected.total, 'org=ecc total')).toEqual([]);
        },
      ),
      { numRuns: 12 },
    );
    // The runs were real workloads, with redeliveries.
    expect(runs.reduce((s, r) => s + r.events, 0)).toBeGreaterThan(50);
    expect(runs.some((r) => r.deliveries > r.events)).toBe(true);
  });

  it('writes one TransactWriteItems per batch, and retries a transaction that met a concurrent writer', async () => {
    // Prepare
    const month = freshMonth();
    const events = storyOf(
      { from: 0, to: 0, serviceArea: 0, priority: 0, startMinute: 60, steps: [{ choice: 0, pick: 0, delayMinutes: 30 }] },
      month,
    );
    consumerCalls.reset();
    consumerCalls.failNext('TransactWriteItems', 1, transactionConflict);

    // Act
    const first = await invokeSqs(consume, events.map(busMessage));
    const again = await invokeSqs(consume, events.map(busMessage));

    // Assess: the conflict retried (2 calls); the redelivery is one call whose two markers fail, writing nothing
    expect(first.failed).toEqual([]);
    expect(again.failed).toEqual([]);
    expect(consumerCalls.calls).toEqual(['TransactWriteItems', 'TransactWriteItems', 'TransactWriteItems']);
    const reply = await summary(`from=${month}-01&to=${month}-28`);
    expect(reply.body.total).toMatchObject({
      referrals: 1,
      byStatus: { accepted: 1 },
      accepted: 1,
      acceptedWithinTarget: 1,
      timeToAccept: { count: 1, meanMinutes: 30 },
    });
  });

  it('answers a summary with Queries only: one per shard, whatever its period, months and service areas', async () => {
    // Prepare
    const commandsOf = async (query: string) => {
      summaryCalls.reset();
      const reply = await summary(query);
      return { reply, commands: [...summaryCalls.calls] };
    };
    const oneQueryPerShard = Array.from({ length: METRICS_SHARDS }, () => 'Query');

    // Act
    const oneArea = await commandsOf('from=2031-01-20&to=2031-03-05&serviceArea=crisis-prevention&groupBy=day');
    const weekAcrossMonths = await commandsOf('from=2031-01-28&to=2031-02-03');
    const year = await commandsOf('from=2031-01-01&to=2031-12-31&groupBy=priority');
    const defaultWeek = await commandsOf('groupBy=day');

    // Assess: 8 Queries each (a per-day, per-month or per-service-area read would be 24 to 2,928)
    expect(oneArea.reply.status).toBe(200);
    expect(oneArea.reply.body.groups).toHaveLength(45);
    expect(oneArea.commands).toEqual(oneQueryPerShard);
    expect(weekAcrossMonths.reply.body.groups).toHaveLength(SERVICE_AREAS.length);
    expect(weekAcrossMonths.commands).toEqual(oneQueryPerShard);
    expect(year.reply.status).toBe(200);
    expect(year.commands).toEqual(oneQueryPerShard);
    expect(defaultWeek.reply.body.groups).toHaveLength(7);
    expect(defaultWeek.commands).toEqual(oneQueryPerShard);
  });

  it('is for programme managers: a practitioner gets 403 problem+json and nothing is read', async () => {
    // Prepare
    summaryCalls.reset();

    // Act
    const reply = await summary('groupBy=serviceArea', {
      sub: 'p-1',
      token_use: 'id',
      'custom:org': 'provide',
      'cognito:groups': '[practitioner]',
    });

    // Assess
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ status: 403, type: 'https://jointly.dev/problems/forbidden' });
    expect(summaryCalls.calls).toEqual([]);
  });
});
