/**
 * Subscriptions, alerts and deliveries as their users live them, over HTTP against the
 * local runtime (one runtime for the file, targets shortened so a breach comes in seconds):
 * the "Done when" — a programme manager subscribed to `handoff.*` on the inbox and
 * on a signed webhook hears of a handoff ECC offers Provide exactly once, with no personal
 * data; an Age UK practitioner subscribed to `handoff.*` hears nothing; acknowledging an
 * alert; an e-mail alert written as an `.eml` file; one `referral.overdue` per breach however
 * many sweeps run; and the rules on who may subscribe to what.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signatureMatches } from '#test/support/independent-signature.ts';
import { handoffApi, validNhsNumber, type HandoffApi, type Reply, type Who } from '#test/support/handoff-api.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import {
  headerOf,
  pollUntil,
  sleep,
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '#test/support/webhook-receiver.ts';

let runtime: RuntimeProcess;
let api: HandoffApi;
let receiver: WebhookReceiver;
let mailDir: string;

beforeAll(async () => {
  mailDir = mkdtempSync(join(tmpdir(), 'jointly-e2e-mail-'));
  receiver = await startWebhookReceiver();
  runtime = await startRuntimeProcess({
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    JOINTLY_PRIORITY_TARGET_MINUTES: JSON.stringify({ urgent: 0.05 }),
    JOINTLY_SLA_SWEEP_SECONDS: '1',
    JOINTLY_LOCAL_MAIL_DIR: mailDir,
  });
  api = handoffApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
  await receiver?.close();
  if (mailDir) rmSync(mailDir, { recursive: true, force: true });
});

const PROVIDE: Who = { sub: 'nt-provide-nurse', org: 'provide', roles: ['practitioner'] };
const ECC: Who = { sub: 'nt-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const AGEUK: Who = { sub: 'nt-ageuk-coordinator', org: 'ageuk-essex', roles: ['practitioner'] };
const PM: Who = { sub: 'nt-programme-manager', org: 'ecc', roles: ['programme_manager'] };
const OTHER_PM: Who = { sub: 'nt-other-programme-manager', org: 'provide', roles: ['programme_manager'] };

const SECRET = 'nt-webhook-secret-9f2c41d7e0a8b35c';
/** The person's details and the free text sent: none of it may leave in an alert, webhook or e-mail. */
const PERSON = { nhsNumber: validNhsNumber(), name: 'Winifred Alderton-Quay', dateOfBirth: '1938-07-22', postcode: 'CM2 9XY' };
const REASON = 'Lives alone; second fall this month and a new pressure sore on the left heel.';
const ACCEPT_COMMENT = 'Crisis team visiting this evening with the district nurse.';
const HANDOFF_REASON = 'Social care review finished; community nursing to lead the heel wound.';
const HANDOFF_ACCEPT_COMMENT = 'Tissue viability nurse booked for Thursday morning.';
const PRIVATE_TEXTS = [
  PERSON.nhsNumber,
  PERSON.name,
  PERSON.postcode,
  PERSON.dateOfBirth,
  REASON,
  ACCEPT_COMMENT,
  HANDOFF_REASON,
  HANDOFF_ACCEPT_COMMENT,
];

const expectStatus = (reply: Reply, status: number) => expect(reply.status, `${reply.status} ${reply.text}`).toBe(status);
const errorPaths = (reply: Reply): string[] => (reply.body?.errors ?? []).map((e: { path: string }) => e.path);
const expectNoPrivateText = (text: string) => {
  for (const secretText of PRIVATE_TEXTS) expect(text).not.toContain(secretText);
};

interface Alert {
  id: string;
  eventId: string;
  subscriptionId: string;
  type: string;
  referralId: string;
  handoffId?: string;
  summary: string;
  createdAt: string;
  readAt?: string;
}

const alertsOf = async (who: Who, query = ''): Promise<Alert[]> => (await api.allPages(who, `/alerts?limit=100${query}`)).items as Alert[];
const requestsFor = (eventId: string): ReceivedRequest[] => receiver.requests.filter((r) => headerOf(r, 'Jointly-Event-Id') === eventId);

describe('who may subscribe to what', () => {
  it('a Provide practitioner subscribing to ECC’s events (filters.orgs ["ecc"]) → 403 problem, nothing made', async () => {
    // Prepare
    const body = { eventTypes: ['handoff.*'], filters: { orgs: ['ecc'] }, channel: { type: 'inbox' } };

    // Act
    const reply = await api.post(PROVIDE, '/subscriptions', body);
    const mine = await api.get(PROVIDE, '/subscriptions');

    // Assess
    expectStatus(reply, 403);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(reply.body).toMatchObject({ status: 403 });
    expectStatus(mine, 200);
    expect(mine.body.items).toEqual([]);
  });

  it('a webhook to http://10.0.0.1/ (private, not loopback) → 422 naming channel.url, nothing made', async () => {
    // Prepare
    const body = { eventTypes: ['handoff.*'], channel: { type: 'webhook', url: 'http://10.0.0.1/', secret: SECRET } };

    // Act
    const reply = await api.post(PM, '/subscriptions', body);
    const mine = await api.get(PM, '/subscriptions');

    // Assess
    expectStatus(reply, 422);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(errorPaths(reply)).toEqual(['channel.url']);
    expect(reply.text).not.toContain(SECRET);
    expect(mine.body.items).toEqual([]);
  });

  it.each([
    ['an unknown type', ['handoff.exploded'], 'eventTypes.0'],
    ['a bare prefix', ['referral'], 'eventTypes.0'],
    ['an unknown prefix', ['person.*'], 'eventTypes.0'],
    ['no types at all', [], 'eventTypes'],
  ])('eventTypes with %s → 400 naming it', async (_what, eventTypes, path) => {
    // Prepare
    const body = { eventTypes, channel: { type: 'inbox' } };

    // Act
    const reply = await api.post(PM, '/subscriptions', body);

    // Assess
    expectStatus(reply, 400);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(errorPaths(reply)).toContain(path);
  });
});

describe('"Done when": a programme manager hears of a handoff once, on every channel, with no personal data', () => {
  let inboxSubscriptionId: string;
  let webhookSubscriptionId: string;
  let referralId: string;
  let handoffId: string;
  let offeredAlert: Alert;

  it('the programme manager subscribes to handoff.* on the inbox → 201, programme-wide', async () => {
    // Prepare
    const body = { eventTypes: ['handoff.*'], channel: { type: 'inbox' } };

    // Act
    const reply = await api.post(PM, '/subscriptions', body);

    // Assess
    expectStatus(reply, 201);
    expect(reply.body).toMatchObject({ eventTypes: ['handoff.*'], filters: {}, channel: { type: 'inbox' } });
    expect(reply.body.filters).not.toHaveProperty('orgs');
    inboxSubscriptionId = reply.body.id;
  });

  it('and on a webhook with a secret → 201; neither the response nor GET /subscriptions ever shows the secret', async () => {
    // Prepare
    const body = { eventTypes: ['handoff.*'], channel: { type: 'webhook', url: receiver.url, secret: SECRET } };

    // Act
    const reply = await api.post(PM, '/subscriptions', body);
    const list = await api.get(PM, '/subscriptions');

    // Assess
    expectStatus(reply, 201);
    expect(reply.body.channel).toEqual({ type: 'webhook', url: receiver.url, payload: 'jointly-event' });
    expect(reply.text).not.toContain(SECRET);
    webhookSubscriptionId = reply.body.id;
    expectStatus(list, 200);
    expect(list.text).not.toContain(SECRET);
    expect(list.text).not.toMatch(/secret/i);
    expect(list.body.items.map((s: { id: string }) => s.id).sort()).toEqual([inboxSubscriptionId, webhookSubscriptionId].sort());
    expect(list.body.items.find((s: { id: string }) => s.id === webhookSubscriptionId).channel).toEqual({
      type: 'webhook',
      url: receiver.url,
      payload: 'jointly-event',
    });
  });

  it('an Age UK practitioner subscribes to handoff.*: 201, filtered to their own org by default', async () => {
    // Prepare
    const body = { eventTypes: ['handoff.*'], channel: { type: 'inbox' } };

    // Act
    const reply = await api.post(AGEUK, '/subscriptions', body);

    // Assess
    expectStatus(reply, 201);
    expect(reply.body.filters).toEqual({ orgs: ['ageuk-essex'] });
  });

  it('Provide refers to ECC (soon), ECC accepts and offers Provide a handoff', async () => {
    // Prepare
    const referral = await api.refer(PROVIDE, 'ecc', { priority: 'soon', subject: PERSON, reason: REASON });

    // Act
    const accepted = await api.post(ECC, `/referrals/${referral.id}/accept`, { comment: ACCEPT_COMMENT });
    const offered = await api.post(ECC, `/referrals/${referral.id}/handoffs`, { toOrg: 'provide', reason: HANDOFF_REASON });

    // Assess
    expectStatus(accepted, 200);
    expectStatus(offered, 201);
    expect(offered.body).toMatchObject({ referralId: referral.id, fromOrg: 'ecc', toOrg: 'provide', status: 'offered' });
    referralId = referral.id;
    handoffId = offered.body.id;
  });

  it('the programme manager’s unread alerts get exactly one handoff.offered for it, summarised without personal data', async () => {
    // Prepare
    const offeredHere = (alerts: Alert[]) => alerts.filter((a) => a.type === 'handoff.offered' && a.referralId === referralId);

    // Act
    const unread = await pollUntil(
      () => alertsOf(PM, '&unread=true'),
      (alerts) => offeredHere(alerts).length > 0,
    );

    // Assess
    expect(offeredHere(unread)).toHaveLength(1);
    offeredAlert = offeredHere(unread)[0]!;
    expect(offeredAlert).toMatchObject({
      id: `${offeredAlert.eventId}.${inboxSubscriptionId}`,
      subscriptionId: inboxSubscriptionId,
      type: 'handoff.offered',
      referralId,
      handoffId,
    });
    expect(offeredAlert).not.toHaveProperty('readAt');
    expect(offeredAlert.summary).toMatch(/ecc/);
    expect(offeredAlert.summary).toMatch(/provide/);
    expectNoPrivateText(JSON.stringify(offeredAlert));
    // Only handoff events were subscribed to: the referral's own events raise no alert.
    expect(unread.map((a) => a.type)).toEqual(['handoff.offered']);
  });

  it('the webhook receiver gets exactly one POST for it: the alert’s event id, a valid signature, no comment and no subject', async () => {
    // Prepare
    const eventId = offeredAlert.eventId;

    // Act
    const received = await pollUntil(
      () => requestsFor(eventId),
      (requests) => requests.length > 0,
    );

    // Assess
    expect(received).toHaveLength(1);
    const [request] = received as [ReceivedRequest];
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hook');
    expect(headerOf(request, 'Content-Type')).toContain('application/json');
    expect(signatureMatches(SECRET, request.rawBody, headerOf(request, 'Jointly-Signature'))).toBe(true);
    expect(signatureMatches('some-other-secret-of-16+chars', request.rawBody, headerOf(request, 'Jointly-Signature'))).toBe(false);
    const body = JSON.parse(request.rawBody);
    expect(body).toMatchObject({ id: eventId, type: 'handoff.offered', referralId, handoffId, actor: { org: 'ecc' } });
    expect(body).not.toHaveProperty('comment');
    expect(body).not.toHaveProperty('subject');
    expect(request.rawBody).not.toContain('"subject"');
    expectNoPrivateText(request.rawBody);
    expect(receiver.requests.map((r) => headerOf(r, 'Jointly-Event-Id'))).toEqual([eventId]);
  });

  it('GET /subscriptions/{id}/deliveries shows the attempt delivered with a 2xx status', async () => {
    // Prepare
    const path = `/subscriptions/${webhookSubscriptionId}/deliveries`;
    const deliveredHere = (reply: Reply) =>
      (reply.body?.items ?? []).filter(
        (d: { eventId: string; outcome: string }) => d.eventId === offeredAlert.eventId && d.outcome === 'delivered',
      );

    // Act
    const reply = await pollUntil(
      () => api.get(PM, path),
      (r) => deliveredHere(r).length > 0,
    );

    // Assess
    expectStatus(reply, 200);
    expect(reply.body.items).toHaveLength(1);
    expect(reply.body.items[0]).toMatchObject({ eventId: offeredAlert.eventId, attempt: 1, outcome: 'delivered' });
    expect(reply.body.items[0].httpStatus).toBeGreaterThanOrEqual(200);
    expect(reply.body.items[0].httpStatus).toBeLessThan(300);
    expect(requestsFor(offeredAlert.eventId)).toHaveLength(1);
  });

  it('the webhook subscription’s deliveries are its owner’s only: another programme manager gets 404', async () => {
    // Prepare
    const path = `/subscriptions/${webhookSubscriptionId}/deliveries`;

    // Act
    const reply = await api.get(OTHER_PM, path);

    // Assess
    expectStatus(reply, 404);
  });

  it('the Age UK practitioner, not a party, has no alerts at all', async () => {
    // Prepare
    const path = '/alerts';

    // Act
    const reply = await api.get(AGEUK, path);

    // Assess
    expectStatus(reply, 200);
    expect(reply.body.items).toEqual([]);
  });

  it('acknowledging the alert → 200 with readAt; the unread list is then empty, the alert still listed', async () => {
    // Prepare
    const path = `/alerts/${offeredAlert.id}/ack`;

    // Act
    const acked = await api.post(PM, path);
    const unread = await api.get(PM, '/alerts?unread=true');
    const all = await api.get(PM, '/alerts');

    // Assess
    expectStatus(acked, 200);
    expect(acked.body).toMatchObject({ id: offeredAlert.id, eventId: offeredAlert.eventId, type: 'handoff.offered' });
    expect(Number.isNaN(Date.parse(acked.body.readAt))).toBe(false);
    expectStatus(unread, 200);
    expect(unread.body.items).toEqual([]);
    expect(all.body.items).toHaveLength(1);
    expect(all.body.items[0]).toMatchObject({ id: offeredAlert.id, readAt: acked.body.readAt });
    offeredAlert = acked.body;
  });

  it.each([
    ['another programme manager', OTHER_PM],
    ['an ECC practitioner', ECC],
    ['the Age UK practitioner', AGEUK],
  ])('%s acknowledging it → 404, and it stays as it was', async (_who, who) => {
    // Prepare
    const path = `/alerts/${offeredAlert.id}/ack`;

    // Act
    const reply = await api.post(who, path);
    const owners = await api.get(PM, '/alerts');

    // Assess
    expectStatus(reply, 404);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(owners.body.items).toEqual([offeredAlert]);
  });

  it('an e-mail subscription for handoff.accepted: Provide accepts → one .eml with the summary and Jointly-Event-Id, no personal data', async () => {
    // Prepare
    const subscribed = await api.post(PM, '/subscriptions', {
      eventTypes: ['handoff.accepted'],
      channel: { type: 'email', address: 'programme.manager@essex.gov.uk' },
    });
    expectStatus(subscribed, 201);
    expect(subscribed.body.channel).toEqual({ type: 'email', address: 'programme.manager@essex.gov.uk' });

    // Act
    const accepted = await api.post(PROVIDE, `/handoffs/${handoffId}/accept`, { comment: HANDOFF_ACCEPT_COMMENT });
    const acceptedAlerts = await pollUntil(
      () => alertsOf(PM, '&unread=true'),
      (alerts) => alerts.some((a) => a.type === 'handoff.accepted' && a.referralId === referralId),
    );
    const alert = acceptedAlerts.find((a) => a.type === 'handoff.accepted' && a.referralId === referralId);
    const emlFiles = await pollUntil(
      () => readdirSync(mailDir).filter((f) => f.endsWith('.eml')),
      (files) => files.length > 0,
    );

    // Assess
    expectStatus(accepted, 200);
    expect(alert).toMatchObject({ referralId, handoffId, type: 'handoff.accepted' });
    expect(emlFiles).toHaveLength(1);
    const eml = readFileSync(join(mailDir, emlFiles[0]!), 'utf8');
    expect(eml).toContain('To: programme.manager@essex.gov.uk');
    expect(eml).toContain(`Jointly-Event-Id: ${alert!.eventId}`);
    expect(eml).toContain(alert!.summary);
    expect(eml).toContain(referralId);
    expectNoPrivateText(eml);
    const deliveries = await pollUntil(
      () => api.get(PM, `/subscriptions/${subscribed.body.id}/deliveries`),
      (r) => (r.body?.items ?? []).length > 0,
    );
    expect(deliveries.body.items).toEqual([expect.objectContaining({ eventId: alert!.eventId, attempt: 1, outcome: 'delivered' })]);
    // The webhook heard the acceptance too (handoff.*), once, signed.
    const webhooked = await pollUntil(
      () => requestsFor(alert!.eventId),
      (requests) => requests.length > 0,
    );
    expect(webhooked).toHaveLength(1);
    expect(signatureMatches(SECRET, webhooked[0]!.rawBody, headerOf(webhooked[0]!, 'Jointly-Signature'))).toBe(true);
    expectNoPrivateText(webhooked[0]!.rawBody);
  });

  it('after all that, the Age UK practitioner still has no alerts', async () => {
    // Prepare
    const path = '/alerts';

    // Act
    const reply = await api.get(AGEUK, path);

    // Assess
    expectStatus(reply, 200);
    expect(reply.body.items).toEqual([]);
  });
});

describe('overdue: one referral.overdue per breach, however many sweeps run', () => {
  let subscriptionId: string;
  let referral: { id: string; version: number };
  let overdueAlerts: Alert[];

  it('the programme manager subscribes to referral.overdue; Provide refers to ECC urgently (due in 3 s) and nobody accepts', async () => {
    // Prepare
    const subscribed = await api.post(PM, '/subscriptions', { eventTypes: ['referral.overdue'], channel: { type: 'inbox' } });
    expectStatus(subscribed, 201);
    subscriptionId = subscribed.body.id;

    // Act
    referral = await api.refer(PROVIDE, 'ecc', { priority: 'urgent', subject: PERSON, reason: REASON });

    // Assess
    expect(referral).toMatchObject({ status: 'submitted', version: 1, priority: 'urgent' });
  });

  it('within ~15 s exactly one referral.overdue alert for it', async () => {
    // Prepare
    const overdueHere = (alerts: Alert[]) => alerts.filter((a) => a.type === 'referral.overdue' && a.referralId === referral.id);

    // Act
    const alerts = await pollUntil(
      () => alertsOf(PM),
      (all) => overdueHere(all).length > 0,
    );

    // Assess
    overdueAlerts = overdueHere(alerts);
    expect(overdueAlerts).toHaveLength(1);
    expect(overdueAlerts[0]).toMatchObject({ subscriptionId, referralId: referral.id, type: 'referral.overdue' });
    expect(overdueAlerts[0]!.summary).toMatch(/provide/);
    expect(overdueAlerts[0]!.summary).toMatch(/ecc/);
    expectNoPrivateText(JSON.stringify(overdueAlerts[0]));
  });

  it('several sweeps later (≥ 3 s at one a second) still exactly one; history has one referral.overdue and version is unchanged', async () => {
    // Prepare
    await sleep(3_500);

    // Act
    const alerts = await alertsOf(PM);
    const history = await api.get(PM, `/referrals/${referral.id}/history`);
    const current = await api.get(PM, `/referrals/${referral.id}`);

    // Assess
    expect(alerts.filter((a) => a.type === 'referral.overdue' && a.referralId === referral.id)).toEqual(overdueAlerts);
    expectStatus(history, 200);
    const events = history.body.items as { id: string; type: string; seq: number }[];
    expect(events.map((e) => e.type)).toEqual(['referral.submitted', 'referral.overdue']);
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(events[1]!.id).toBe(overdueAlerts[0]!.eventId);
    expectStatus(current, 200);
    expect(current.body).toMatchObject({ status: 'submitted', version: referral.version });
    expect(current.headers.get('etag')).toBe(`"${referral.version}"`);
    expect(current.body).not.toHaveProperty('overdueNotifiedFor');
  });
});
