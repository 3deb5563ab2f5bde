/**
 * The fan-out worker, built by its composition root as the local runtime builds it, on DynamoDB Local: which
 * subscriptions hear an event, inbox alerts and delivery jobs exactly once under
 * redelivery and concurrency, claims given back when queueing fails, Query only.
 */
import { PutCommand } from '#shared/platform/dynamodb/document-client.ts';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryRepository } from '#shared/subscriptions/data/delivery-repository.ts';
import { createDocumentClient } from '#shared/platform/dynamodb/dynamo-client.ts';
import { subscriptionKeys, userKeys } from '#shared/platform/dynamodb/keys.ts';
import type { Subscription } from '#shared/subscriptions/domain/subscription.ts';
import type { PublishedEvent } from '#shared/core/event-envelope.ts';
import type { DeliveryJob } from '#shared/core/messaging-ports.ts';
import {
  busMessage,
  CapturingQueue,
  invokeSqs,
  itemsUnder,
  publishedEvent,
  storeSubscriptions,
  subscription,
  type SqsHandler,
} from '#test/support/event-fixtures.ts';
import { probe, type ClientProbe } from '#test/support/referral-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;
let handler: SqsHandler;
let workerProbe: ClientProbe;
const queue = new CapturingQueue<DeliveryJob>();

/** Fresh org ids per test, so programme-unrelated match partitions never overlap. */
const org = (name: string) => `${name}-${ulid().toLowerCase().slice(-8)}`;

const alertsOf = (owner: string) => itemsUnder(table.documentClient, table.tableName, `USER#${owner}`, userKeys.alertPrefix);
const jobsFor = (subscriptionId: string) => queue.sent.filter((s) => s.job.subscriptionId === subscriptionId);
const store = (...subscriptions: Subscription[]) => storeSubscriptions(table.documentClient, table.tableName, ...subscriptions);

/** An event of a referral between two (fresh) orgs. */
const eventBetween = (fromOrg: string, toOrg: string, overrides: Partial<PublishedEvent> = {}, data: Record<string, unknown> = {}) =>
  publishedEvent({
    ...overrides,
    data: {
      status: 'submitted',
      fromOrg,
      toOrg,
      ownerOrg: fromOrg,
      serviceArea: 'rapid-response',
      priority: 'urgent',
      parties: [fromOrg, toOrg],
      ...data,
    },
  });

beforeAll(async () => {
  table = await createTestTable('fanout');
  Object.assign(process.env, {
    JOINTLY_TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  const workerClient = createDocumentClient({ endpoint: table.endpoint });
  workerProbe = probe(workerClient);
  const { fanOutHandler } = await import('#shared/wiring/fan-out.ts');
  handler = fanOutHandler({ documentClient: workerClient, deliveryQueue: queue });
});

afterAll(async () => {
  await table?.drop();
});

describe('fan-out: inbox alerts', () => {
  it('writes one alert when the same event is processed three times, one after another', async () => {
    // Prepare
    const [a, b] = [org('a'), org('b')];
    const inbox = subscription({ filters: { orgs: [b] } });
    await store(inbox);
    const event = eventBetween(a, b, { handoffId: undefined });

    // Act
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await invokeSqs(handler, [busMessage(event)]));

    // Assess
    expect(runs.every((r) => r.failed.length === 0)).toBe(true);
    const alerts = await alertsOf(inbox.ownerSub);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      ...userKeys.alert(inbox.ownerSub, event.id, inbox.id),
      entity: 'alert',
      id: `${event.id}.${inbox.id}`,
      eventId: event.id,
      subscriptionId: inbox.id,
      type: 'referral.submitted',
      referralId: event.referralId,
      summary: `Referral submitted: ${a} → ${b} (rapid-response, urgent)`,
      inboxPk: userKeys.unreadAlertsPartition(inbox.ownerSub),
    });
    expect(alerts[0]!.createdSk).toBe(`${String(alerts[0]!.createdAt)}#${event.id}.${inbox.id}`);
    expect(alerts[0]).not.toHaveProperty('handoffId');
  });

  it('writes one alert when the same event is processed three times at once, in separate invocations and within one batch', async () => {
    // Prepare
    const [a, b] = [org('a'), org('b')];
    const inbox = subscription({ filters: { orgs: [a] } });
    await store(inbox);
    const event = eventBetween(a, b, { type: 'handoff.offered', handoffId: ulid() }, { handoffFromOrg: a, handoffToOrg: b });

    // Act
    const runs = await Promise.all([
      invokeSqs(handler, [busMessage(event)]),
      invokeSqs(handler, [busMessage(event), busMessage(event), busMessage(event)]),
      invokeSqs(handler, [busMessage(event)]),
    ]);

    // Assess
    expect(runs.flatMap((r) => r.failed)).toEqual([]);
    const alerts = await alertsOf(inbox.ownerSub);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'handoff.offered', handoffId: event.handoffId });
  });
});

describe('fan-out: delivery jobs', () => {
  it('queues exactly one job per webhook and email subscription when the event is redelivered, sequentially and concurrently', async () => {
    // Prepare
    const [a, b] = [org('a'), org('b')];
    const webhook = subscription({
      filters: { orgs: [b] },
      channel: { type: 'webhook', url: 'https://hooks.example.org/j', sealedSecret: 'sealed' },
    });
    const email = subscription({ filters: { orgs: [a, b] }, channel: { type: 'email', address: 'pm@example.org' } });
    await store(webhook, email);
    const event = eventBetween(a, b);

    // Act
    const sequential = [];
    for (let i = 0; i < 3; i++) sequential.push(await invokeSqs(handler, [busMessage(event)]));
    const concurrent = await Promise.all([1, 2, 3].map(() => invokeSqs(handler, [busMessage(event)])));

    // Assess
    expect([...sequential, ...concurrent].flatMap((r) => r.failed)).toEqual([]);
    for (const s of [webhook, email]) {
      const jobs = jobsFor(s.id);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.job).toEqual({ subscriptionId: s.id, ownerSub: s.ownerSub, attempt: 1, event });
      expect(jobs[0]!.delaySeconds).toBeUndefined();
      const [state] = await itemsUnder(table.documentClient, table.tableName, `SUBSCRIPTION#${s.id}`, 'DELIVERY-STATE#');
      expect(state).toMatchObject({
        ...subscriptionKeys.deliveryState(s.id, event.id),
        entity: 'delivery-state',
        status: 'queued',
        eventId: event.id,
      });
      expect(state).toHaveProperty('jobQueuedAt');
    }
  });

  it('queues one job when the first copies race: a copy that finds the claim unsent is retried, then does nothing', async () => {
    // Prepare
    const [a, b] = [org('a'), org('b')];
    const webhook = subscription({
      filters: { orgs: [a] },
      channel: { type: 'webhook', url: 'https://hooks.example.org/j', sealedSecret: 'sealed' },
    });
    await store(webhook);
    const event = eventBetween(a, b);

    // Act: five copies at once (some may be told to retry), then SQS redelivers what failed
    const first = await Promise.all([1, 2, 3, 4, 5].map(() => invokeSqs(handler, [busMessage(event)])));
    const retried = await Promise.all(first.flatMap((r) => r.failed).map((body) => invokeSqs(handler, [body])));

    // Assess
    expect(retried.flatMap((r) => r.failed)).toEqual([]);
    expect(jobsFor(webhook.id)).toHaveLength(1);
  });

  it('gives the claim back when the job cannot be queued, so the retried message queues it once', async () => {
    // Prepare
    const [a, b] = [org('a'), org('b')];
    const email = subscription({ filters: { orgs: [a] }, channel: { type: 'email', address: 'pm@example.org' } });
    const inbox = subscription({ filters: { orgs: [a] } });
    await store(email, inbox);
    const event = eventBetween(a, b);
    queue.failNext(1);

    // Act
    const first = await invokeSqs(handler, [busMessage(event)]);
    const stateAfterFailure = await itemsUnder(table.documentClient, table.tableName, `SUBSCRIPTION#${email.id}`, 'DELIVERY-STATE#');
    const retry = await invokeSqs(handler, first.failed);
    const again = await invokeSqs(handler, [busMessage(event)]);

    // Assess
    expect(first.failed).toHaveLength(1);
    expect(stateAfterFailure).toEqual([]);
    expect((await alertsOf(inbox.ownerSub)).length).toBe(1); // the inbox was served on the first try
    expect(retry.failed).toEqual([]);
    expect(again.failed).toEqual([]);
    expect(jobsFor(email.id)).toHaveLength(1);
  });
  it('takes over a claim whose holder stopped before queueing the job, once its lease has run out', async () => {
    // Prepare: a claim left behind by a fan-out that crashed between claiming and queueing
    const [a, b] = [org('a'), org('b')];
    const webhook = subscription({
      filters: { orgs: [a] },
      channel: { type: 'webhook', url: 'https://hooks.example.org/j', sealedSecret: 'sealed' },
    });
    await store(webhook);
    const event = eventBetween(a, b);
    const abandoned = {
      ...subscriptionKeys.deliveryState(webhook.id, event.id),
      entity: 'delivery-state',
      status: 'queued',
      eventId: event.id,
    };
    await table.documentClient.send(
      new PutCommand({ TableName: table.tableName, Item: { ...abandoned, claimUntil: Date.now() + 60_000 } }),
    );

    // Act: while the lease holds, the message is retried; after it, the job is queued once
    const whileLeased = await invokeSqs(handler, [busMessage(event)]);
    await table.documentClient.send(new PutCommand({ TableName: table.tableName, Item: { ...abandoned, claimUntil: Date.now() - 1 } }));
    const afterLease = await invokeSqs(handler, [busMessage(event)]);
    const again = await invokeSqs(handler, [busMessage(event)]);

    // Assess
    expect(whileLeased.failed).toHaveLength(1);
    expect(afterLease.failed).toEqual([]);
    expect(again.failed).toEqual([]);
    expect(jobsFor(webhook.id)).toHaveLength(1);
  });
});

describe('fan-out: matching', () => {
  it('alerts only the subscriptions whose type pattern, orgs (via parties), service area and priority all match', async () => {
    // Prepare
    const [a, b, c] = [org('a'), org('b'), org('c')];
    const hear = {
      prefixOfB: subscription({ eventTypes: ['referral.*'], filters: { orgs: [b] } }),
      exactUrgentAnyOrg: subscription({ eventTypes: ['referral.submitted'], filters: { priorities: ['urgent'] } }),
      bothOrgs: subscription({ eventTypes: ['*'], filters: { orgs: [a, b] } }),
      areaAndPriority: subscription({
        eventTypes: ['referral.submitted', 'handoff.offered'],
        filters: { orgs: [a], serviceAreas: ['crisis-prevention'], priorities: ['soon', 'urgent'] },
      }),
    };
    const deaf = {
      wrongPrefix: subscription({ eventTypes: ['handoff.*'], filters: { orgs: [b] } }),
      otherOrg: subscription({ eventTypes: ['*'], filters: { orgs: [c] } }),
      wrongArea: subscription({ eventTypes: ['*'], filters: { orgs: [a], serviceAreas: ['joint-referral'] } }),
      wrongPriority: subscription({ eventTypes: ['*'], filters: { orgs: [b], priorities: ['routine'] } }),
      wrongExactType: subscription({ eventTypes: ['referral.accepted'], filters: { orgs: [a] } }),
    };
    await store(...Object.values(hear), ...Object.values(deaf));
    const event = eventBetween(a, b, {}, { serviceArea: 'crisis-prevention', priority: 'urgent' });

    // Act
    const run = await invokeSqs(handler, [busMessage(event)]);

    // Assess
    expect(run.failed).toEqual([]);
    for (const s of Object.values(hear)) expect(await alertsOf(s.ownerSub)).toHaveLength(1);
    for (const s of Object.values(deaf)) expect(await alertsOf(s.ownerSub)).toHaveLength(0);
  });

  it('lets a programme-wide subscription (no org filter) hear events of any org, and an org filter hear a handoff target', async () => {
    // Prepare
    const [a, b, target] = [org('a'), org('b'), org('t')];
    const programmeWide = subscription({ eventTypes: ['handoff.*'], filters: {} });
    const targetOrgSub = subscription({ eventTypes: ['handoff.offered'], filters: { orgs: [target] } });
    await store(programmeWide, targetOrgSub);
    const offered = eventBetween(a, b, { type: 'handoff.offered', handoffId: ulid() }, { handoffFromOrg: b, handoffToOrg: target });
    const elsewhere = eventBetween(org('x'), org('y'), { type: 'handoff.declined', handoffId: ulid() }, { reasonCode: 'no-capacity' });

    // Act
    const run = await invokeSqs(handler, [busMessage(offered), busMessage(elsewhere)]);

    // Assess
    expect(run.failed).toEqual([]);
    expect((await alertsOf(programmeWide.ownerSub)).map((x) => x.eventId).sort()).toEqual([offered.id, elsewhere.id].sort());
    expect((await alertsOf(targetOrgSub.ownerSub)).map((x) => x.eventId)).toEqual([offered.id]);
  });

  it('reads match entries by Query on the event orgs and the programme-wide partition, never Scan', async () => {
    // Prepare
    const [a, b] = [org('a'), org('b')];
    await store(subscription({ filters: { orgs: [a] } }));
    const event = eventBetween(a, b);
    workerProbe.reset();

    // Act
    await invokeSqs(handler, [busMessage(event)]);

    // Assess
    expect(workerProbe.calls).not.toContain('Scan');
    expect(workerProbe.calls.filter((c) => c === 'Query')).toHaveLength(3); // a, b, *
  });

  it('writes no progress record when every partition fits one page (the usual event)', async () => {
    // Prepare
    const [a, b] = [org('a'), org('b')];
    const heard = subscription({ filters: { orgs: [a] } });
    await store(heard);
    const event = eventBetween(a, b);

    // Act
    const run = await invokeSqs(handler, [busMessage(event)]);

    // Assess
    expect(run.failed).toEqual([]);
    expect((await alertsOf(heard.ownerSub)).map((x) => x.eventId)).toEqual([event.id]);
    const progress = await new DynamoDeliveryRepository({ client: table.documentClient, tableName: table.tableName }).fanOutProgress(
      event.id,
    );
    expect(progress).toBeUndefined();
  });

  it('fails only a malformed message in a batch, serving the others', async () => {
    // Prepare
    const [a, b] = [org('a'), org('b')];
    const inbox = subscription({ filters: { orgs: [a] } });
    await store(inbox);
    const good = eventBetween(a, b);
    const bad = { ...busMessage(good), detail: { ...good, id: 42 } };

    // Act
    const run = await invokeSqs(handler, [busMessage(good), bad, 'not json']);

    // Assess
    expect(run.response.batchItemFailures).toHaveLength(2);
    expect(await alertsOf(inbox.ownerSub)).toHaveLength(1);
  });
});
