/**
 * Fault injection (`JOINTLY_FAULT_RATE=0.5` in the local runtime): half of all delivery
 * attempts fail on purpose before calling out. Across 200 jobs, driven through the deployed
 * handler — built by its composition root with the runtime's fault injector, as the runtime
 * builds it — as SQS would (re-queued jobs fed back in batches), every job ends delivered or
 * dead-lettered exactly once, every failed attempt is recorded, and nothing is sent twice.
 */
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionKeys } from '#shared/platform/dynamodb/keys.ts';
import type { Subscription } from '#shared/subscriptions/domain/subscription.ts';
import { MAX_ATTEMPTS } from '#shared/subscriptions/domain/delivery.ts';
import type { DeliveryJob } from '#shared/core/messaging-ports.ts';
import { LocalSealer } from '#infra/local/adapters/local-sealer.ts';
import { failingAttempts } from '#infra/local/event-faults.ts';
import {
  CapturingQueue,
  capturingMailer,
  invokeSqs,
  itemsUnder,
  publishedEvent,
  startReceiver,
  storeSubscriptions,
  subscription,
  type Receiver,
  type SqsHandler,
} from '#test/support/event-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

const SUBSCRIPTIONS = 20;
const EVENTS = 10;
const BATCH = 10;
const CONCURRENT_BATCHES = 10;

let table: TestTable;
let handler: SqsHandler;
let hook: Receiver;
const queue = new CapturingQueue<DeliveryJob>();
const mailer = capturingMailer();
const sealer = new LocalSealer(randomBytes(32).toString('hex'));

beforeAll(async () => {
  table = await createTestTable('faults');
  hook = await startReceiver();
  Object.assign(process.env, {
    JOINTLY_TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    JOINTLY_WEBHOOK_POLICY: 'allow-loopback',
    JOINTLY_DELIVERY_BACKOFF_BASE_MS: '50',
  });
  const { deliverHandler } = await import('#shared/wiring/deliver.ts');
  handler = deliverHandler({ deliveryQueue: queue, sealer, mailer, callOut: failingAttempts(0.5) });
});

afterAll(async () => {
  await hook?.close();
  await table?.drop();
});

/** Feeds jobs to the handler in SQS-sized batches, a few batches at a time, until the queue is empty. */
const pump = async (initial: DeliveryJob[]) => {
  let pending = initial;
  const delays: (number | undefined)[] = [];
  while (pending.length > 0) {
    const batches: DeliveryJob[][] = [];
    for (let i = 0; i < pending.length; i += BATCH) batches.push(pending.slice(i, i + BATCH));
    for (let i = 0; i < batches.length; i += CONCURRENT_BATCHES) {
      const runs = await Promise.all(batches.slice(i, i + CONCURRENT_BATCHES).map((batch) => invokeSqs(handler, batch)));
      expect(runs.flatMap((r) => r.failed)).toEqual([]);
    }
    const requeued = queue.drain();
    delays.push(...requeued.map((r) => r.delaySeconds));
    pending = requeued.map((r) => r.job);
  }
  return delays;
};

describe('deliver with injected faults', () => {
  it('ends every one of 200 jobs delivered or dead-lettered exactly once, with every failed attempt recorded', async () => {
    // Prepare: half webhooks (one path each), half e-mails (one address each); 20 × 10 jobs
    const subs: Subscription[] = [];
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const id = ulid();
      subs.push(
        subscription({
          id,
          channel:
            i % 2 === 0
              ? { type: 'webhook', url: `${hook.url}/s/${i}`, sealedSecret: await sealer.seal(`secret-${i}`, { subscriptionId: id }) }
              : { type: 'email', address: `pm${i}@example.org` },
        }),
      );
    }
    await storeSubscriptions(table.documentClient, table.tableName, ...subs);
    const events = Array.from({ length: EVENTS }, () => publishedEvent({ id: ulid() }));
    const jobs = subs.flatMap((s) => events.map((event) => ({ subscriptionId: s.id, ownerSub: s.ownerSub, attempt: 1, event })));

    // Act
    const delays = await pump(jobs);

    // Assess
    expect(jobs).toHaveLength(200);
    expect(delays.every((d) => d === 1)).toBe(true); // 50 ms × 2^n, rounded up to SQS's whole seconds
    let delivered = 0;
    let deadLettered = 0;
    let failedAttempts = 0;
    for (const [index, s] of subs.entries()) {
      const records = await itemsUnder(table.documentClient, table.tableName, `SUBSCRIPTION#${s.id}`, subscriptionKeys.deliveryPrefix);
      const letters = await itemsUnder(table.documentClient, table.tableName, `SUBSCRIPTION#${s.id}`, subscriptionKeys.deadLetterPrefix);
      const states = await itemsUnder(table.documentClient, table.tableName, `SUBSCRIPTION#${s.id}`, 'DELIVERY-STATE#');
      for (const event of events) {
        const mine = records.filter((r) => r.eventId === event.id).sort((x, y) => Number(x.attempt) - Number(y.attempt));
        const attempts = mine.map((r) => r.attempt);
        const terminal = mine.filter((r) => r.outcome === 'delivered' || r.outcome === 'dead-lettered');
        const sent =
          s.channel.type === 'webhook'
            ? hook.received.filter((r) => r.path === `/s/${index}` && r.headers['jointly-event-id'] === event.id).length
            : mailer.messages.filter((m) => m.to === `pm${index}@example.org` && m.eventId === event.id).length;
        const state = states.find((x) => x.eventId === event.id);
        const letter = letters.find((x) => x.eventId === event.id);

        expect(attempts).toEqual(Array.from({ length: mine.length }, (_, i) => i + 1));
        expect(terminal).toHaveLength(1);
        expect(mine.at(-1)).toBe(terminal[0]);
        expect(mine.slice(0, -1).every((r) => r.outcome === 'failed' && r.error === 'injected fault')).toBe(true);
        failedAttempts += mine.length - 1;
        if (terminal[0]!.outcome === 'delivered') {
          delivered += 1;
          expect(sent).toBe(1);
          expect(state).toMatchObject({ status: 'delivered', attempt: mine.length });
          expect(letter).toBeUndefined();
        } else {
          deadLettered += 1;
          expect(mine).toHaveLength(MAX_ATTEMPTS);
          expect(terminal[0]).toMatchObject({ error: 'injected fault' });
          expect(sent).toBe(0);
          expect(state).toMatchObject({ status: 'dead-lettered', attempt: MAX_ATTEMPTS });
          expect(letter).toMatchObject({ lastError: 'injected fault', job: { subscriptionId: s.id, attempt: MAX_ATTEMPTS } });
        }
      }
    }
    expect(delivered + deadLettered).toBe(200);
    expect(delivered).toBeGreaterThan(0);
    expect(failedAttempts).toBeGreaterThan(0);
    expect(hook.received.length + mailer.messages.length).toBe(delivered);
  }, 120_000);
});
