/**
 * Quiet hours and digests as a programme manager lives them, over HTTP against the local
 * runtime: a quiet-hours webhook hears nothing while the quiet hours last and then every
 * held event, in event order; an urgent referral's overdue gets through at once; a digest
 * e-mail holds N events as one message; what is held shows in `GET /subscriptions/{id}/pending`;
 * bad quiet hours and schedules are 400s naming the field.
 *
 * Two runtimes: one with real quiet hours (held for hours: nothing is released during the
 * test), one with windows shortened to {@link WINDOW_SECONDS} s (`JOINTLY_PUSH_WINDOW_SECONDS`),
 * so releases and digests come in seconds.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signatureMatches } from '#test/support/independent-signature.ts';
import { handoffApi, validNhsNumber, type HandoffApi, type Reply, type Who } from '#test/support/handoff-api.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import { headerOf, pollUntil, sleep, startWebhookReceiver, type WebhookReceiver } from '#test/support/webhook-receiver.ts';

/** Shortened window length of the fast runtime. */
const WINDOW_SECONDS = 8;

let held: RuntimeProcess;
let fast: RuntimeProcess;
let heldApi: HandoffApi;
let fastApi: HandoffApi;
let receiver: WebhookReceiver;
let mailDir: string;

beforeAll(async () => {
  mailDir = mkdtempSync(join(tmpdir(), 'jointly-e2e-digest-mail-'));
  receiver = await startWebhookReceiver();
  const common = { DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'), JOINTLY_SLA_SWEEP_SECONDS: '1' };
  [held, fast] = await Promise.all([
    // Urgent referrals breach their target after 3 s, so an overdue comes during the test.
    startRuntimeProcess({ ...common, JOINTLY_PRIORITY_TARGET_MINUTES: JSON.stringify({ urgent: 0.05 }) }),
    startRuntimeProcess({ ...common, JOINTLY_PUSH_WINDOW_SECONDS: String(WINDOW_SECONDS), JOINTLY_LOCAL_MAIL_DIR: mailDir }),
  ]);
  heldApi = handoffApi(held.url);
  fastApi = handoffApi(fast.url);
});

afterAll(async () => {
  await Promise.all([held?.stop(), fast?.stop()]);
  await receiver?.close();
  if (mailDir) rmSync(mailDir, { recursive: true, force: true });
});

const PROVIDE: Who = { sub: 'qh-provide-nurse', org: 'provide', roles: ['practitioner'] };
const PM: Who = { sub: 'qh-programme-manager', org: 'ecc', roles: ['programme_manager'] };
const SECRET = 'qh-webhook-secret-5b7e20c94d1a3f68';
const PERSON_NAME = 'Ottoline Marchbanks-Hale';

const expectStatus = (reply: Reply, status: number) => expect(reply.status, `${reply.status} ${reply.text}`).toBe(status);

/** The wall clock in London `minutes` from now, as "HH:MM". */
const londonClock = (minutes: number): string =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date(Date.now() + minutes * 60_000),
  );

/** Quiet hours that began an hour ago and end in two. */
const quietNow = () => ({ start: londonClock(-60), end: londonClock(120), timeZone: 'Europe/London' });

/** Waits until just after a window boundary, so what the test does next falls in one window. */
const startOfNextWindow = async (): Promise<void> => {
  const ms = WINDOW_SECONDS * 1000;
  await sleep(ms - (Date.now() % ms) + 150);
};

const createReferral = async (api: HandoffApi, serviceArea: string, priority = 'routine'): Promise<string> => {
  const reply = await api.post(PROVIDE, '/referrals', {
    toOrg: 'ecc',
    serviceArea,
    priority,
    subject: { nhsNumber: validNhsNumber(), name: PERSON_NAME },
    reason: 'Quiet hours and digests, end to end.',
  });
  expectStatus(reply, 201);
  return reply.body.id as string;
};

/** The ids of the webhook requests so far whose body is a `referral.submitted` of these referrals, in arrival order. */
const arrivedFor = (referralIds: readonly string[]) =>
  receiver.requests.filter((r) => referralIds.includes(JSON.parse(r.rawBody).referralId as string));

describe('quiet hours', () => {
  it('holds a webhook’s pushes while quiet hours last, lists them as pending with their send time, and lets an urgent overdue through at once', async () => {
    // Prepare
    const quietHours = quietNow();
    const subscribed = await heldApi.post(PM, '/subscriptions', {
      eventTypes: ['referral.*'],
      filters: { serviceAreas: ['rapid-response'] },
      channel: { type: 'webhook', url: receiver.url, secret: SECRET },
      quietHours,
    });
    expectStatus(subscribed, 201);
    expect(subscribed.body).toMatchObject({ quietHours, delivery: { mode: 'immediate' }, critical: { override: true } });

    // Act
    const routine = await createReferral(heldApi, 'rapid-response');
    const urgent = await createReferral(heldApi, 'rapid-response', 'urgent');
    const overdue = await pollUntil(
      () => arrivedFor([urgent]).filter((r) => JSON.parse(r.rawBody).type === 'referral.overdue'),
      (requests) => requests.length > 0,
    );
    const pending = await heldApi.get(PM, `/subscriptions/${subscribed.body.id}/pending`);

    // Assess
    expect(overdue).toHaveLength(1);
    expect(signatureMatches(SECRET, overdue[0]!.rawBody, headerOf(overdue[0]!, 'Jointly-Signature'))).toBe(true);
    expect(JSON.parse(overdue[0]!.rawBody)).toMatchObject({ type: 'referral.overdue', data: { priority: 'urgent' } });
    // Only the overdue arrived: both submissions are held.
    expect(arrivedFor([routine, urgent])).toHaveLength(1);
    expectStatus(pending, 200);
    const items = pending.body.items as { referralId: string; type: string; reason: string; sendAt: string; summary: string }[];
    expect(items.map((i) => [i.referralId, i.type, i.reason])).toEqual([
      [routine, 'referral.submitted', 'quiet-hours'],
      [urgent, 'referral.submitted', 'quiet-hours'],
    ]);
    for (const item of items) expect(Date.parse(item.sendAt)).toBeGreaterThan(Date.now() + 60 * 60_000);
    expect(pending.text).not.toContain(PERSON_NAME);
    const other = await heldApi.get({ ...PM, sub: 'qh-someone-else' }, `/subscriptions/${subscribed.body.id}/pending`);
    expectStatus(other, 404);
  });

  it('a webhook receives nothing during the (shortened) quiet window and everything, in event order, after it', async () => {
    // Prepare
    const subscribed = await fastApi.post(PM, '/subscriptions', {
      eventTypes: ['referral.submitted'],
      filters: { serviceAreas: ['crisis-prevention'] },
      channel: { type: 'webhook', url: receiver.url, secret: SECRET },
      quietHours: quietNow(),
    });
    expectStatus(subscribed, 201);
    await startOfNextWindow();

    // Act
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await createReferral(fastApi, 'crisis-prevention'));
    const pending = await pollUntil(
      () => fastApi.get(PM, `/subscriptions/${subscribed.body.id}/pending`),
      (r) => (r.body?.items ?? []).length === ids.length,
    );
    const duringWindow = arrivedFor(ids).length;
    const arrived = await pollUntil(
      () => arrivedFor(ids),
      (requests) => requests.length >= ids.length,
      { timeoutMs: (WINDOW_SECONDS + 10) * 1000 },
    );
    await sleep(1_500);

    // Assess
    expect(pending.body.items).toHaveLength(ids.length);
    expect(duringWindow).toBe(0);
    expect(arrivedFor(ids)).toHaveLength(ids.length);
    const sendAt = Date.parse(pending.body.items[0].sendAt);
    for (const request of arrived) expect(request.receivedAt).toBeGreaterThanOrEqual(sendAt);
    // In event order: the order the referrals were made in.
    expect(arrived.map((r) => JSON.parse(r.rawBody).referralId)).toEqual(ids);
    for (const request of arrived) expect(signatureMatches(SECRET, request.rawBody, headerOf(request, 'Jointly-Signature'))).toBe(true);
    const after = await fastApi.get(PM, `/subscriptions/${subscribed.body.id}/pending`);
    expect(after.body.items).toEqual([]);
    const deliveries = await fastApi.allPages(PM, `/subscriptions/${subscribed.body.id}/deliveries?limit=100`);
    expect(deliveries.items).toHaveLength(ids.length);
    expect(deliveries.items.every((d: { outcome: string; attempt: number }) => d.outcome === 'delivered' && d.attempt === 1)).toBe(true);
  });
});

describe('digests', () => {
  it('an e-mail digest holds N events as one message: counted, grouped, a link per referral, no personal data; one delivery with its eventCount', async () => {
    // Prepare
    const subscribed = await fastApi.post(PM, '/subscriptions', {
      eventTypes: ['referral.submitted'],
      filters: { serviceAreas: ['joint-referral'] },
      channel: { type: 'email', address: 'digest.reader@essex.gov.uk' },
      delivery: { mode: 'digest', schedule: 'hourly', timeZone: 'Europe/London' },
    });
    expectStatus(subscribed, 201);
    expect(subscribed.body.delivery).toEqual({ mode: 'digest', schedule: 'hourly', timeZone: 'Europe/London' });
    await startOfNextWindow();

    // Act
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createReferral(fastApi, 'joint-referral'));
    const emlFiles = await pollUntil(
      () => readdirSync(mailDir).filter((f) => f.endsWith('.eml')),
      (files) => files.length > 0,
      { timeoutMs: (WINDOW_SECONDS + 10) * 1000 },
    );
    await sleep(1_500);
    const deliveries = await fastApi.get(PM, `/subscriptions/${subscribed.body.id}/deliveries`);

    // Assess
    expect(readdirSync(mailDir).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    const eml = readFileSync(join(mailDir, emlFiles[0]!), 'utf8');
    expect(eml).toContain('To: digest.reader@essex.gov.uk');
    expect(eml).toContain(`Jointly digest: ${ids.length} events`);
    expect(eml).toContain(`referral.submitted: ${ids.length}`);
    expect(eml).toContain(`provide → ecc: ${ids.length}`);
    for (const id of ids) expect(eml).toContain(`/console/referrals/${id}`);
    expect(eml).not.toContain(PERSON_NAME);
    expectStatus(deliveries, 200);
    expect(deliveries.body.items).toEqual([
      expect.objectContaining({
        digestId: expect.stringMatching(/^[0-9A-Z]{26}$/),
        eventCount: ids.length,
        attempt: 1,
        outcome: 'delivered',
      }),
    ]);
    expect(eml).toContain(`Jointly-Event-Id: ${deliveries.body.items[0].digestId}`);
  });
});

describe('bad quiet hours and schedules → 400 naming the field, nothing made', () => {
  it.each([
    ['an unknown time zone', { quietHours: { start: '20:00', end: '07:00', timeZone: 'Europe/Atlantis' } }, 'quietHours.timeZone'],
    ['an end equal to the start', { quietHours: { start: '20:00', end: '20:00', timeZone: 'Europe/London' } }, 'quietHours.end'],
    ['an unknown schedule', { delivery: { mode: 'digest', schedule: 'weekly', timeZone: 'Europe/London' } }, 'delivery.schedule'],
    ['a digest time zone that is an offset', { delivery: { mode: 'digest', schedule: 'hourly', timeZone: '+01:00' } }, 'delivery.timeZone'],
  ])('%s', async (_what, extra, path) => {
    // Prepare
    const body = { eventTypes: ['referral.*'], channel: { type: 'webhook', url: receiver.url, secret: SECRET }, ...extra };
    const before = await heldApi.get({ ...PM, sub: 'qh-bad-input' }, '/subscriptions');

    // Act
    const reply = await heldApi.post({ ...PM, sub: 'qh-bad-input' }, '/subscriptions', body);
    const after = await heldApi.get({ ...PM, sub: 'qh-bad-input' }, '/subscriptions');

    // Assess
    expectStatus(reply, 400);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect((reply.body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
    expect(after.body.items).toEqual(before.body.items);
  });
});
