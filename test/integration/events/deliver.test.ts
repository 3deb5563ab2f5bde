/**
 * The delivery worker through its real handler module on DynamoDB Local, against real
 * local HTTP receivers (policy `allow-loopback`, as the local runtime): signed webhooks,
 * retries with backoff until dead-lettered, redirects refused, deleted subscriptions,
 * a hanging receiver isolated from a healthy one, e-mail without personal data.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referralKeys, subscriptionKeys } from '#shared/platform/dynamodb/keys.ts';
import type { Subscription } from '#shared/subscriptions/domain/subscription.ts';
import { summaryOf } from '#shared/subscriptions/domain/subscription.ts';
import { backoffDelaySeconds, MAX_ATTEMPTS } from '#shared/subscriptions/domain/delivery.ts';
import { toPublishedEvent, type PublishedEvent } from '#shared/core/event-envelope.ts';
import type { DeliveryJob } from '#shared/core/messaging-ports.ts';
import { LocalSealer } from '#infra/local/adapters/local-sealer.ts';
import { verifyWebhookSignature } from '#shared/subscriptions/domain/webhook-signature.ts';
import { signatureMatches, signatureTimestamp } from '#test/support/independent-signature.ts';
import {
  CapturingQueue,
  invokeSqs,
  itemsUnder,
  publishedEvent,
  startReceiver,
  storeSubscriptions,
  subscription,
  type Receiver,
  type SqsHandler,
} from '#test/support/event-fixtures.ts';
import { caller, newReferral, referralServiceOn } from '#test/support/referral-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

const BACKOFF_BASE_MS = 50;

let table: TestTable;
let handler: SqsHandler;
let mailDir: string;
const queue = new CapturingQueue<DeliveryJob>();
const sealer = new LocalSealer(randomBytes(32).toString('hex'));
const receivers: Receiver[] = [];

const receiver = async (...args: Parameters<typeof startReceiver>) => {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
};

/** A webhook subscription to `url` with a sealed secret. */
const webhookSubscription = async (url: string, secret = `whsec-${ulid()}`): Promise<{ sub: Subscription; secret: string }> => {
  const id = ulid();
  const sub = subscription({ id, channel: { type: 'webhook', url, sealedSecret: await sealer.seal(secret, { subscriptionId: id }) } });
  await storeSubscriptions(table.documentClient, table.tableName, sub);
  return { sub, secret };
};

const jobOf = (sub: Subscription, event: PublishedEvent, attempt = 1): DeliveryJob => ({
  subscriptionId: sub.id,
  ownerSub: sub.ownerSub,
  attempt,
  event,
});

const deliveriesOf = async (subscriptionId: string) =>
  (await itemsUnder(table.documentClient, table.tableName, `SUBSCRIPTION#${subscriptionId}`, subscriptionKeys.deliveryPrefix)).sort(
    (x, y) => Number(x.attempt) - Number(y.attempt),
  );
const stateOf = async (subscriptionId: string, eventId: string) =>
  (
    await itemsUnder(
      table.documentClient,
      table.tableName,
      `SUBSCRIPTION#${subscriptionId}`,
      subscriptionKeys.deliveryState(subscriptionId, eventId).sk,
    )
  )[0];
const deadLettersOf = (subscriptionId: string) =>
  itemsUnder(table.documentClient, table.tableName, `SUBSCRIPTION#${subscriptionId}`, subscriptionKeys.deadLetterPrefix);

/** Jobs re-queued for one subscription (removed from the capturing queue). */
const takeJobs = (subscriptionId: string) => {
  const mine = queue.sent.filter((s) => s.job.subscriptionId === subscriptionId);
  for (const m of mine) queue.sent.splice(queue.sent.indexOf(m), 1);
  return mine;
};

/** Runs a job and every job it re-queues (as SQS would after each delay), until none is left. */
const runChain = async (job: DeliveryJob) => {
  const delays: (number | undefined)[] = [];
  let next: DeliveryJob[] = [job];
  while (next.length > 0) {
    const run = await invokeSqs(handler, next);
    expect(run.failed).toEqual([]);
    const requeued = takeJobs(job.subscriptionId);
    delays.push(...requeued.map((r) => r.delaySeconds));
    next = requeued.map((r) => r.job);
  }
  return delays;
};

beforeAll(async () => {
  table = await createTestTable('deliver');
  mailDir = await mkdtemp(join(tmpdir(), 'jointly-mail-'));
  Object.assign(process.env, {
    JOINTLY_TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    JOINTLY_WEBHOOK_POLICY: 'allow-loopback',
    JOINTLY_DELIVERY_BACKOFF_BASE_MS: String(BACKOFF_BASE_MS),
    JOINTLY_APP_BASE_URL: 'https://app.jointly.test/',
  });
  // Imported after the environment is set, so the logger starts at ERROR like the handlers'.
  const { LocalMailer } = await import('#infra/local/adapters/local-mailer.ts');
  const { deliverHandler } = await import('#shared/wiring/deliver.ts');
  // The deployed handler, built by its composition root on the local runtime's adapters.
  handler = deliverHandler({ deliveryQueue: queue, sealer, mailer: new LocalMailer({ dir: mailDir }) });
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await rm(mailDir, { recursive: true, force: true });
  await table?.drop();
});

describe('deliver: webhooks', () => {
  it('POSTs the event JSON with a signature that verifies over the raw body and the event id, and records it delivered', async () => {
    // Prepare
    const hook = await receiver();
    const { sub, secret } = await webhookSubscription(`${hook.url}/jointly?tenant=t1`);
    const event = publishedEvent();

    // Act
    const run = await invokeSqs(handler, [jobOf(sub, event)]);

    // Assess
    expect(run.failed).toEqual([]);
    expect(hook.received).toHaveLength(1);
    const [request] = hook.received;
    expect(request!.path).toBe('/jointly?tenant=t1');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['jointly-event-id']).toBe(event.id);
    // Recomputed with node:crypto, not with our verifier: a bug shared by signer and verifier cannot hide.
    const signature = request!.headers['jointly-signature'] as string;
    expect(signatureMatches(secret, request!.body, signature)).toBe(true);
    expect(signatureMatches('another-secret', request!.body, signature)).toBe(false);
    const sentAt = signatureTimestamp(signature);
    expect(Math.abs(sentAt - Math.floor(Date.now() / 1000))).toBeLessThanOrEqual(60);
    // A receiver holding it for more than 5 minutes (a replay) refuses it.
    expect(verifyWebhookSignature({ secret, rawBody: request!.body, header: signature, nowSeconds: sentAt + 301 })).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhookSignature({ secret, rawBody: request!.body, header: signature, nowSeconds: sentAt + 299 })).toMatchObject({
      ok: true,
    });
    expect(JSON.parse(request!.body)).toEqual(event);
    const deliveries = await deliveriesOf(sub.id);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ entity: 'delivery', eventId: event.id, attempt: 1, outcome: 'delivered', httpStatus: 204 });
    expect(deliveries[0]).not.toHaveProperty('error');
    expect(deliveries[0]!.sk).toBe(subscriptionKeys.delivery(sub.id, String(deliveries[0]!.at), event.id, 1).sk);
    expect(await stateOf(sub.id, event.id)).toMatchObject({ status: 'delivered', attempt: 1 });
    expect(takeJobs(sub.id)).toEqual([]);
  });

  it('retries a 500 with attempt+1 and backoff, the same event id every time, then dead-letters after the last attempt; a redrive starts again', async () => {
    // Prepare
    let healthy = false;
    const hook = await receiver((_, res) => res.writeHead(healthy ? 200 : 500).end('internal detail that must not be stored'));
    const { sub, secret } = await webhookSubscription(`${hook.url}/hook`);
    const event = publishedEvent();
    const job = jobOf(sub, event);

    // Act
    const delays = await runChain(job);

    // Assess
    expect(hook.received).toHaveLength(MAX_ATTEMPTS);
    expect(new Set(hook.received.map((r) => r.headers['jointly-event-id']))).toEqual(new Set([event.id]));
    expect(hook.received.every((r) => signatureMatches(secret, r.body, r.headers['jointly-signature'] as string))).toBe(true);
    expect(delays).toEqual([1, 2, 3, 4].map((n) => backoffDelaySeconds(n, BACKOFF_BASE_MS)));
    const deliveries = await deliveriesOf(sub.id);
    expect(deliveries.map((d) => [d.attempt, d.outcome, d.httpStatus])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'failed', 500],
      [4, 'failed', 500],
      [5, 'dead-lettered', 500],
    ]);
    expect(JSON.stringify(deliveries)).not.toContain('internal detail');
    const deadLetters = await deadLettersOf(sub.id);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      ...subscriptionKeys.deadLetter(sub.id, event.id),
      entity: 'dead-letter',
      lastError: 'HTTP 5xx',
      job: { ...job, attempt: 5 },
    });
    expect(deadLetters[0]).toHaveProperty('deadLetteredAt');
    expect(await stateOf(sub.id, event.id)).toMatchObject({ status: 'dead-lettered', attempt: 5 });

    // Act: SQS hands the last attempt over again (a duplicate): nothing happens
    await invokeSqs(handler, [{ ...job, attempt: 5 }]);

    // Assess
    expect(hook.received).toHaveLength(MAX_ATTEMPTS);
    expect(await deliveriesOf(sub.id)).toHaveLength(MAX_ATTEMPTS);

    // Act: the owner redrives (the subscriptions API re-sends the job with attempt 1)
    healthy = true;
    await runChain({ ...job, attempt: 1 });

    // Assess
    expect(hook.received).toHaveLength(MAX_ATTEMPTS + 1);
    expect((await deliveriesOf(sub.id)).filter((d) => d.outcome === 'delivered')).toHaveLength(1);
    expect(await stateOf(sub.id, event.id)).toMatchObject({ status: 'delivered' });
  });

  it('treats a 302 as a failure and does not follow it: the redirect target receives nothing', async () => {
    // Prepare
    const target = await receiver();
    const hook = await receiver((_, res) => res.writeHead(302, { Location: `${target.url}/elsewhere` }).end());
    const { sub } = await webhookSubscription(`${hook.url}/hook`);
    const event = publishedEvent();

    // Act
    const run = await invokeSqs(handler, [jobOf(sub, event)]);

    // Assess
    expect(run.failed).toEqual([]);
    expect(hook.received).toHaveLength(1);
    expect(target.received).toHaveLength(0);
    expect(await deliveriesOf(sub.id)).toMatchObject([{ attempt: 1, outcome: 'failed', httpStatus: 302, error: 'redirect not followed' }]);
    expect(takeJobs(sub.id).map((j) => j.job.attempt)).toEqual([2]);
  });

  it('records a refused connection as a failed attempt with a short reason', async () => {
    // Prepare
    const gone = await receiver();
    await gone.close();
    const { sub } = await webhookSubscription(`${gone.url}/hook`);
    const event = publishedEvent();

    // Act
    const run = await invokeSqs(handler, [jobOf(sub, event)]);

    // Assess
    expect(run.failed).toEqual([]);
    const [attempt] = await deliveriesOf(sub.id);
    expect(attempt).toMatchObject({ outcome: 'failed', error: 'connection failed' });
    expect(attempt).not.toHaveProperty('httpStatus');
    // Coarse: no errno name (ECONNREFUSED would tell a subscriber the port is closed), no address.
    expect(String(attempt!.error)).not.toMatch(/E[A-Z]{3,}|127\.0\.0\.1/);
    expect(takeJobs(sub.id)).toHaveLength(1);
  });

  it('drops the job of a deleted subscription and records nothing', async () => {
    // Prepare
    const hook = await receiver();
    const { sub } = await webhookSubscription(`${hook.url}/hook`);
    const repository = await storeSubscriptions(table.documentClient, table.tableName);
    await repository.delete(sub);
    const event = publishedEvent();

    // Act
    const run = await invokeSqs(handler, [jobOf(sub, event, 2)]);

    // Assess
    expect(run.failed).toEqual([]);
    expect(hook.received).toHaveLength(0);
    expect(await deliveriesOf(sub.id)).toEqual([]);
    expect(await deadLettersOf(sub.id)).toEqual([]);
    expect(takeJobs(sub.id)).toEqual([]);
  });

  it('does not let a receiver that never answers delay a healthy subscription’s delivery', async () => {
    // Prepare
    const hanging = await receiver(() => undefined);
    const healthy = await receiver();
    const slow = await webhookSubscription(`${hanging.url}/hook`);
    const fast = await webhookSubscription(`${healthy.url}/hook`);
    const event = publishedEvent();
    let slowDone = false;

    // Act: two jobs, two concurrent invocations (one message each, as the queue delivers them)
    const started = Date.now();
    const slowRun = invokeSqs(handler, [jobOf(slow.sub, event)]).finally(() => (slowDone = true));
    await expect.poll(() => hanging.received.length, { timeout: 4000 }).toBe(1);
    const fastRun = await invokeSqs(handler, [jobOf(fast.sub, event)]);
    const fastElapsed = Date.now() - started;
    const slowPendingWhenFastDone = !slowDone;
    await hanging.close(); // the receiver goes away mid-request
    const slowResult = await slowRun;

    // Assess
    expect(fastRun.failed).toEqual([]);
    expect(healthy.received).toHaveLength(1);
    expect(slowPendingWhenFastDone).toBe(true);
    expect(fastElapsed).toBeLessThan(4500); // well inside the hanging call's 5 s timeout
    expect((await deliveriesOf(fast.sub.id)).map((d) => d.outcome)).toEqual(['delivered']);
    expect(slowResult.failed).toEqual([]);
    expect((await deliveriesOf(slow.sub.id)).map((d) => d.outcome)).toEqual(['failed']);
    expect(takeJobs(slow.sub.id).map((j) => j.job.attempt)).toEqual([2]);
  });
  it('makes a copy of a job that arrives while its attempt is under way wait, so the receiver is called once and the retry chain does not fork', async () => {
    // Prepare
    const hanging = await receiver(() => undefined);
    const { sub } = await webhookSubscription(`${hanging.url}/hook`);
    const job = jobOf(sub, publishedEvent());

    // Act
    const first = invokeSqs(handler, [job]);
    await expect.poll(() => hanging.received.length, { timeout: 4000 }).toBe(1);
    const copy = await invokeSqs(handler, [job]);
    await hanging.close();
    await first;
    const copyLater = await invokeSqs(handler, [job]); // SQS hands it over again after its visibility timeout

    // Assess
    expect(copy.failed).toHaveLength(1); // retried later, not dropped
    expect(copyLater.failed).toEqual([]);
    expect(hanging.received).toHaveLength(1);
    expect((await deliveriesOf(sub.id)).map((d) => d.outcome)).toEqual(['failed']);
    expect(takeJobs(sub.id).map((j) => j.job.attempt)).toEqual([2]);
  });
});

describe('deliver: e-mail', () => {
  it('writes one .eml with the summary and a link, and nothing of the person', async () => {
    // Prepare: a real referral about a named person with an NHS number, and its real published event
    const referrals = referralServiceOn(table);
    const created = await referrals.service.submit(
      caller('pat', 'provide'),
      newReferral({ subject: { nhsNumber: '9434765919', name: 'Jane Example', postcode: 'CM1 1AA', dateOfBirth: '1941-03-02' } }),
    );
    const stored = await itemsUnder(table.documentClient, table.tableName, referralKeys.referral(created.id).pk, referralKeys.eventPrefix);
    const event = toPublishedEvent(stored[0]!);
    const sub = subscription({ channel: { type: 'email', address: 'programme.manager@example.nhs.uk' } });
    await storeSubscriptions(table.documentClient, table.tableName, sub);
    const before = new Set(await readdir(mailDir));

    // Act
    const run = await invokeSqs(handler, [jobOf(sub, event)]);

    // Assess
    expect(run.failed).toEqual([]);
    const files = (await readdir(mailDir)).filter((f) => !before.has(f));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^\\d{8}T\\d{9}Z-${event.id}\\.eml$`));
    const eml = await readFile(join(mailDir, files[0]!), 'utf8');
    const head = eml.slice(0, eml.indexOf('\r\n\r\n'));
    const body = eml.slice(eml.indexOf('\r\n\r\n') + 4);
    const subjectLine = head.split('\r\n').find((l) => l.startsWith('Subject: '))!;
    const encoded = /^Subject: =\?UTF-8\?B\?(.+)\?=$/.exec(subjectLine)?.[1];
    expect(Buffer.from(encoded!, 'base64').toString('utf8')).toBe(summaryOf(event));
    expect(head).toContain('To: programme.manager@example.nhs.uk');
    expect(head).toContain(`Jointly-Event-Id: ${event.id}`);
    expect(body).toContain(summaryOf(event));
    expect(body).toContain(`https://app.jointly.test/console/referrals/${created.id}`);
    for (const personal of ['Jane', 'Example', '9434765919', '943 476 5919', 'CM1 1AA', '1941-03-02', 'Falls at home']) {
      expect(eml).not.toContain(personal);
    }
    expect(await deliveriesOf(sub.id)).toMatchObject([{ attempt: 1, outcome: 'delivered' }]);
    expect((await deliveriesOf(sub.id))[0]).not.toHaveProperty('httpStatus');
  });
});
