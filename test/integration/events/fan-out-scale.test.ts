/**
 * Fan-out of one event to thousands of subscriptions on DynamoDB Local: served in pages
 * with bounded concurrency, paused before the invocation's time runs out, resumed from
 * the recorded progress when the message is redelivered (also twice at once), and every
 * live subscription gets exactly one alert or one delivery job; expired and disabled
 * subscriptions get nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryRepository } from '#shared/subscriptions/data/delivery-repository.ts';
import { userKeys } from '#shared/platform/dynamodb/keys.ts';
import { DynamoSubscriptionRepository } from '#shared/subscriptions/data/subscription-repository.ts';
import type { Subscription } from '#shared/subscriptions/domain/subscription.ts';
import type { DeliveryJob } from '#shared/core/messaging-ports.ts';
import { fanOut, FanOutPausedError, type FanOutResult } from '#shared/subscriptions/domain/fan-out.ts';
import { CapturingQueue, itemsUnder, publishedEvent, subscription } from '#test/support/event-fixtures.ts';
import { seed } from '#test/support/subscription-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '#infra/local/dynamodb-local.ts';

let dynamo: DynamoDbLocal;
let table: TestTable;
let repository: DynamoDeliveryRepository;

const OWNERS = Array.from({ length: 10 }, (_, i) => `scale-owner-${i}`);

beforeAll(async () => {
  // Its own DynamoDB Local: 3,000 subscriptions' items would slow the shared one for later files.
  dynamo = await startDynamoDbLocal();
  table = await createTestTable('fanoutscale', dynamo.endpoint);
  repository = new DynamoDeliveryRepository({ client: table.documentClient, tableName: table.tableName });
});

afterAll(async () => {
  await table?.drop();
  await dynamo?.stop();
});

/** Writes subscriptions' match entries (as the API files them) with BatchWriteItem. */
const file = (subscriptions: readonly Subscription[]) =>
  seed(table.documentClient, table.tableName, subscriptions.flatMap(DynamoSubscriptionRepository.toMatchItems));

const alertCount = async () => {
  let total = 0;
  for (const owner of OWNERS)
    total += (await itemsUnder(table.documentClient, table.tableName, `USER#${owner}`, userKeys.alertPrefix)).length;
  return total;
};

describe('fan-out at scale', () => {
  it('3,000 subscriptions: paused mid-way, redelivered as two copies at once, each live one served exactly once', {
    timeout: 300_000,
  }, async () => {
    // Prepare: 3,000 live subscriptions over two orgs and programme-wide (some filed under both orgs), every 10th a webhook
    const N = 3000;
    const [a, b] = [`scale-a-${Date.now()}`, `scale-b-${Date.now()}`];
    const live = Array.from({ length: N }, (_, i) =>
      subscription({
        ownerSub: OWNERS[i % OWNERS.length]!,
        filters: i < N * 0.4 ? { orgs: [a] } : i < N * 0.66 ? { orgs: [a, b] } : i < N * 0.86 ? { orgs: [b] } : {},
        channel: i % 10 === 0 ? { type: 'webhook', url: 'https://hooks.example.org/in', sealedSecret: 'sealed' } : { type: 'inbox' },
      }),
    );
    const past = new Date(Date.now() - 1000).toISOString();
    const silent = [
      ...Array.from({ length: 5 }, () => subscription({ ownerSub: OWNERS[0]!, filters: { orgs: [a] }, expiresAt: past })),
      ...Array.from({ length: 5 }, () =>
        subscription({ ownerSub: OWNERS[1]!, filters: { orgs: [b] }, status: 'disabled', disabledBy: { sub: 'pm', org: 'meht' } }),
      ),
    ];
    await file([...live, ...silent]);
    const event = publishedEvent({
      data: { status: 'submitted', fromOrg: a, toOrg: b, ownerOrg: a, serviceArea: 'rapid-response', priority: 'urgent', parties: [a, b] },
    });
    const inboxCount = live.filter((s) => s.channel.type === 'inbox').length;
    const queue = new CapturingQueue<DeliveryJob>();
    let pagesAllowed = Math.ceil(N / 75);
    const shortOnTime = { remainingTimeMs: () => (pagesAllowed-- > 0 ? 60_000 : 1_000) };

    // Act: the first delivery runs out of time; then the message arrives twice at once
    const first = await Promise.allSettled([fanOut(event, { repository, deliveryQueue: queue, ...shortOnTime })]);
    const alertsAfterPause = await alertCount();

    // Two copies at once may meet on a delivery claim: the loser reports failure and SQS delivers it again.
    let copyPages = 8;
    const retries = await Promise.allSettled([
      fanOut(event, { repository, deliveryQueue: queue }),
      fanOut(event, { repository, deliveryQueue: queue, remainingTimeMs: () => (copyPages-- > 0 ? 60_000 : 1_000) }),
    ]);
    let last: PromiseSettledResult<FanOutResult> | undefined;
    for (let i = 0; i < 5 && last?.status !== 'fulfilled'; i++)
      [last] = await Promise.allSettled([fanOut(event, { repository, deliveryQueue: queue })]);
    const late = await fanOut(event, { repository, deliveryQueue: queue });

    // Assess
    expect(first[0]).toMatchObject({ status: 'rejected', reason: expect.any(FanOutPausedError) });
    expect(alertsAfterPause).toBeGreaterThan(0);
    expect(alertsAfterPause).toBeLessThan(inboxCount);
    const webhooks = live
      .filter((s) => s.channel.type === 'webhook')
      .map((s) => s.id)
      .sort();
    expect(await alertCount()).toBe(inboxCount);
    expect(queue.sent.map((s) => s.job.subscriptionId).sort()).toEqual(webhooks);
    const silentIds = new Set(silent.map((s) => s.id));
    expect(queue.sent.some((s) => silentIds.has(s.job.subscriptionId))).toBe(false);
    // Which copy finishes is a race (one may lose a claim, the other may pause again); whichever does resumed from the progress.
    expect([...retries, last].some((r) => r?.status === 'fulfilled' && r.value.resumed)).toBe(true);
    expect(last?.status).toBe('fulfilled');
    expect(late).toMatchObject({ alerted: 0, jobsQueued: 0, matched: 0, resumed: true });
  });
});
