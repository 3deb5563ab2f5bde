/**
 * Holding and releasing pushes on DynamoDB Local, case by case: a redelivered event is held
 * once; a hold finding its window sealed goes to the next window; the pending preview lists
 * held pushes soonest first; the sweep claims a due window once per lease (Query on the
 * due-time index, never a Scan); a release short of time queues itself again and goes on
 * where it stopped; a deleted subscription's window is forgotten without a send; a digest
 * that cannot be delivered is dead-lettered under its id and redriven whole.
 */
import { monotonicFactory } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedEvent } from '#shared/core/event-envelope.ts';
import type { DeliveryQueueMessage } from '#shared/core/messaging-ports.ts';
import { DynamoDeliveryRepository } from '#shared/subscriptions/data/delivery-repository.ts';
import { DynamoSubscriptionRepository } from '#shared/subscriptions/data/subscription-repository.ts';
import { SubscriptionService } from '#shared/subscriptions/domain/subscription-service.ts';
import { deliver, type DeliverDeps } from '#shared/subscriptions/domain/delivery.ts';
import { fanOut } from '#shared/subscriptions/domain/fan-out.ts';
import { RELEASE_TIME_RESERVE_MS, releaseWindow } from '#shared/subscriptions/domain/release.ts';
import type { Subscription } from '#shared/subscriptions/domain/subscription.ts';
import { queueDueReleases, RELEASE_CLAIM_LEASE_MS } from '#shared/subscriptions/domain/window-sweep.ts';
import { CapturingQueue, publishedEvent, storeSubscriptions, subscription } from '#test/support/event-fixtures.ts';
import { probe, type ClientProbe } from '#test/support/referral-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;
let repository: DynamoDeliveryRepository;
let calls: ClientProbe;
const newId = monotonicFactory();

beforeAll(async () => {
  table = await createTestTable('hold-release-cases');
  calls = probe(table.documentClient);
  repository = new DynamoDeliveryRepository({ client: table.documentClient, tableName: table.tableName });
});

afterAll(async () => {
  await table?.drop();
});

/** 21:00 in London in January: inside 20:00–07:00 quiet hours, released at 07:00 the next morning. */
const NIGHT = new Date('2027-01-11T21:00:00.000Z');
const MORNING = '2027-01-12T07:00:00.000Z';

const quietWebhook = (org: string): Subscription =>
  subscription({
    eventTypes: ['referral.*'],
    filters: { orgs: [org] },
    channel: { type: 'webhook', url: 'http://127.0.0.1/hook', sealedSecret: 'sealed:hold-release-secret-0123456789' },
    quietHours: { start: '20:00', end: '07:00', timeZone: 'Europe/London' },
  });

const eventOf = (org: string, at: Date): PublishedEvent =>
  publishedEvent({
    id: newId(at.getTime()),
    at: at.toISOString(),
    type: 'referral.submitted',
    data: { fromOrg: org, toOrg: 'ecc', parties: [org, 'ecc'], serviceArea: 'joint-referral', priority: 'routine' },
  });

const freshOrg = () => `org-${newId().toLowerCase().slice(-8)}`;

/** A receiver that answers 200 and records the event ids, and the delivery's other dependencies. */
const deliveryDeps = (queue: CapturingQueue<DeliveryQueueMessage>, now: () => Date) => {
  const posted: string[] = [];
  const deps: DeliverDeps & { repository: DynamoDeliveryRepository } = {
    repository,
    deliveryQueue: queue,
    sealer: { seal: async (s) => `sealed:${s}`, open: async (s) => s.replace(/^sealed:/, '') },
    mailer: { send: async () => undefined },
    webhookTransport: {
      post: async (_url, request) => {
        posted.push(request.headers['Jointly-Event-Id']!);
        return 200;
      },
    },
    webhookPolicy: 'allow-loopback',
    appBaseUrl: 'https://app.test',
    backoffBaseMs: 0,
    now,
  };
  return { deps, posted };
};

describe('holding', () => {
  it('holds a push during quiet hours once, however often its event is fanned out, and queues no job', async () => {
    // Prepare
    const org = freshOrg();
    const quiet = quietWebhook(org);
    await storeSubscriptions(table.documentClient, table.tableName, quiet);
    const event = eventOf(org, NIGHT);
    const queue = new CapturingQueue<DeliveryQueueMessage>();

    // Act
    const results = await Promise.all([1, 2, 3].map(() => fanOut(event, { repository, deliveryQueue: queue, now: () => NIGHT })));
    const pending = await new DynamoSubscriptionRepository({ client: table.documentClient, tableName: table.tableName }).pending(quiet.id, {
      limit: 10,
    });

    // Assess
    expect(results.reduce((sum, r) => sum + r.held, 0)).toBe(1);
    expect(queue.sent).toEqual([]);
    expect(pending.items).toEqual([{ event, reason: 'quiet-hours', sendAt: MORNING, heldAt: NIGHT.toISOString() }]);
    expect((await repository.latestWindow(quiet.id))?.heldCount).toBe(1);
  });

  it('a hold that finds its window sealed goes to a window a millisecond later, released after it', async () => {
    // Prepare
    const org = freshOrg();
    const quiet = quietWebhook(org);
    await storeSubscriptions(table.documentClient, table.tableName, quiet);
    const first = eventOf(org, NIGHT);
    const late = eventOf(org, new Date(NIGHT.getTime() + 1000));
    const queue = new CapturingQueue<DeliveryQueueMessage>();
    await fanOut(first, { repository, deliveryQueue: queue, now: () => NIGHT });
    await repository.sealWindow({ subscriptionId: quiet.id, sendAt: MORNING }, new Date(MORNING));

    // Act
    const result = await fanOut(late, { repository, deliveryQueue: queue, now: () => NIGHT });
    const pending = await new DynamoSubscriptionRepository({ client: table.documentClient, tableName: table.tableName }).pending(quiet.id, {
      limit: 10,
    });

    // Assess
    expect(result.held).toBe(1);
    expect(pending.items.map((p) => [p.event.id, p.sendAt])).toEqual([
      [first.id, MORNING],
      [late.id, new Date(Date.parse(MORNING) + 1).toISOString()],
    ]);
  });
});

describe('the window sweep and the release', () => {
  it('claims a due window once per lease, reading only the due-time index (Query, never Scan)', async () => {
    // Prepare
    const org = freshOrg();
    const quiet = quietWebhook(org);
    await storeSubscriptions(table.documentClient, table.tableName, quiet);
    const queue = new CapturingQueue<DeliveryQueueMessage>();
    await fanOut(eventOf(org, NIGHT), { repository, deliveryQueue: queue, now: () => NIGHT });
    const due = new Date(Date.parse(MORNING) + 5_000);
    calls.reset();

    // Act
    const before = await queueDueReleases(new Date(NIGHT.getTime() + 60_000), { repository, deliveryQueue: queue });
    const first = await queueDueReleases(due, { repository, deliveryQueue: queue });
    const again = await queueDueReleases(new Date(due.getTime() + 1_000), { repository, deliveryQueue: queue });
    const afterLease = await queueDueReleases(new Date(due.getTime() + RELEASE_CLAIM_LEASE_MS + 1), { repository, deliveryQueue: queue });

    // Assess
    const mine = queue.sent.filter((s) => s.job.subscriptionId === quiet.id).map((s) => s.job);
    expect(mine).toEqual([
      { kind: 'release', subscriptionId: quiet.id, ownerSub: quiet.ownerSub, sendAt: MORNING },
      { kind: 'release', subscriptionId: quiet.id, ownerSub: quiet.ownerSub, sendAt: MORNING },
    ]);
    expect(before.due).toBe(0);
    expect(first.queued).toBeGreaterThanOrEqual(1);
    expect(again.queued).toBe(0);
    expect(afterLease.queued).toBeGreaterThanOrEqual(1);
    expect(calls.calls).not.toContain('Scan');
    expect(calls.calls).toContain('Query');
  });

  it('a release short of time queues itself again and the next run goes on where it stopped, each push sent once, in order', async () => {
    // Prepare
    const org = freshOrg();
    const quiet = quietWebhook(org);
    await storeSubscriptions(table.documentClient, table.tableName, quiet);
    const holdQueue = new CapturingQueue<DeliveryQueueMessage>();
    const events = [0, 1, 2, 3].map((i) => eventOf(org, new Date(NIGHT.getTime() + i * 1000)));
    for (const event of events) await fanOut(event, { repository, deliveryQueue: holdQueue, now: () => NIGHT });
    const queue = new CapturingQueue<DeliveryQueueMessage>();
    const { deps, posted } = deliveryDeps(queue, () => new Date(MORNING));
    const job = { kind: 'release', subscriptionId: quiet.id, ownerSub: quiet.ownerSub, sendAt: MORNING } as const;
    // Time for two sends, then too little.
    let left = 3;

    // Act
    const short = await releaseWindow(job, { ...deps, remainingTimeMs: () => (left-- > 1 ? RELEASE_TIME_RESERVE_MS + 1 : 0) });
    const requeued = queue.drain().map((s) => s.job);
    const observed: unknown[] = [];
    const rest = await releaseWindow(job, { ...deps, observe: (sent, result) => observed.push({ ...sent, status: result.status }) });
    const duplicate = await releaseWindow(job, deps);

    // Assess
    expect(short).toEqual({ status: 'continued', reason: 'quiet-hours', events: 2 });
    expect(requeued).toEqual([job]);
    expect(rest).toEqual({ status: 'released', reason: 'quiet-hours', events: 2 });
    expect(duplicate).toEqual({ status: 'gone', events: 0 });
    expect(posted).toEqual(events.map((e) => e.id));
    // Each send of the second run is reported, as the handler logs it for the delivery metrics.
    expect(observed).toEqual(events.slice(2).map((e) => ({ eventId: e.id, status: 'delivered' })));
    expect(await repository.latestWindow(quiet.id)).toBeUndefined();
  });

  it('a deleted subscription’s window is forgotten without a send', async () => {
    // Prepare
    const org = freshOrg();
    const quiet = quietWebhook(org);
    const subscriptions = await storeSubscriptions(table.documentClient, table.tableName, quiet);
    const queue = new CapturingQueue<DeliveryQueueMessage>();
    await fanOut(eventOf(org, NIGHT), { repository, deliveryQueue: queue, now: () => NIGHT });
    await subscriptions.delete(quiet);
    const { deps, posted } = deliveryDeps(queue, () => new Date(MORNING));

    // Act
    const result = await releaseWindow({ kind: 'release', subscriptionId: quiet.id, ownerSub: quiet.ownerSub, sendAt: MORNING }, deps);

    // Assess
    expect(result).toEqual({ status: 'released', reason: 'quiet-hours', events: 1 });
    expect(posted).toEqual([]);
    expect(await repository.latestWindow(quiet.id)).toBeUndefined();
  });
});

describe('a digest that cannot be delivered', () => {
  it('is retried, dead-lettered at the last attempt under its digest id, listed with digestId and eventCount, and redriven whole', async () => {
    // Prepare
    const org = freshOrg();
    const digest = subscription({
      eventTypes: ['referral.*'],
      filters: { orgs: [org] },
      channel: { type: 'webhook', url: 'http://127.0.0.1/hook', sealedSecret: 'sealed:hold-release-secret-0123456789' },
      delivery: { mode: 'digest', schedule: 'hourly', timeZone: 'Europe/London' },
    });
    const subscriptions = await storeSubscriptions(table.documentClient, table.tableName, digest);
    const holdQueue = new CapturingQueue<DeliveryQueueMessage>();
    const events = [0, 1, 2].map((i) => eventOf(org, new Date(NIGHT.getTime() + i * 1000)));
    for (const event of events) await fanOut(event, { repository, deliveryQueue: holdQueue, now: () => NIGHT });
    const sendAt = '2027-01-11T22:00:00.000Z';
    const queue = new CapturingQueue<DeliveryQueueMessage>();
    const { deps } = deliveryDeps(queue, () => new Date(sendAt));
    const refusing = { ...deps, webhookTransport: { post: async () => 503 } };

    // Act: the release's attempt, then every retry it queues, all refused.
    const released = await releaseWindow({ kind: 'release', subscriptionId: digest.id, ownerSub: digest.ownerSub, sendAt }, refusing);
    for (let round = 0; round < 10 && queue.sent.length > 0; round++) {
      for (const { job } of queue.drain()) if (job.kind !== 'release') await deliver(job, refusing);
    }
    const letters = await subscriptions.deadLetters(digest.id, 10);
    const attempts = await subscriptions.deliveries(digest.id, { limit: 10 });
    const redriveQueue = new CapturingQueue<DeliveryQueueMessage>();
    const service = new SubscriptionService({
      repository: subscriptions,
      sealer: deps.sealer,
      deliveryQueue: () => redriveQueue,
      organisations: [org],
      emailDomains: new Map(),
      webhookPolicy: 'allow-loopback',
      resolve: async () => [],
      newId: () => newId(),
    });
    const redriven = await service.redrive({ sub: digest.ownerSub, org: 'ecc', roles: ['practitioner'] }, digest.id);

    // Assess
    expect(released).toEqual({ status: 'released', reason: 'digest', events: 3, digests: 1 });
    expect(letters).toHaveLength(1);
    const job = letters[0]!.job;
    expect(job.kind).toBe('digest');
    const digestId = job.kind === 'digest' ? job.digest.id : '';
    expect(letters[0]!.eventId).toBe(digestId);
    expect(job.kind === 'digest' ? job.digest.events.map((e) => e.id) : []).toEqual(events.map((e) => e.id));
    expect(attempts.items.map((a) => [a.digestId, a.eventCount, a.attempt, a.outcome])).toEqual([
      [digestId, 3, 5, 'dead-lettered'],
      [digestId, 3, 4, 'failed'],
      [digestId, 3, 3, 'failed'],
      [digestId, 3, 2, 'failed'],
      [digestId, 3, 1, 'failed'],
    ]);
    expect(redriven).toEqual({ redriven: 1 });
    expect(redriveQueue.sent.map((s) => s.job)).toEqual([{ ...job, attempt: 1 }]);
  });
});
