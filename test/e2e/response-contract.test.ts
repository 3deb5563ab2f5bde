/**
 * The response contract, over HTTP against the local runtime: one walk through every route
 * of the route table, as its users would take it, with every 2xx JSON body checked against
 * the route's strict response schema (test/support/response-contract.ts does the check on
 * every response the e2e clients see; this file makes sure every route is seen once).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROUTES } from '#shared/wiring/routes.ts';
import { ReferralSchema } from '#shared/referrals/domain/referral-schemas.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import { referralApi, referralBody, type ApiResponse, type CallerClaims, type ReferralApi } from '#test/support/referral-api.ts';
import { checkedRoutes, routeOf } from '#test/support/response-contract.ts';
import { pollUntil } from '#test/support/webhook-receiver.ts';

let runtime: RuntimeProcess;
let api: ReferralApi;

const PROVIDE: CallerClaims = { sub: 'rc-provide-nurse', org: 'provide', roles: ['practitioner'] };
const ECC: CallerClaims = { sub: 'rc-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const MEHT: CallerClaims = { sub: 'rc-meht-discharge', org: 'meht', roles: ['practitioner'] };
const AGEUK: CallerClaims = { sub: 'rc-ageuk-coordinator', org: 'ageuk-essex', roles: ['practitioner'] };
const PM: CallerClaims = { sub: 'rc-programme-manager', org: 'provide', roles: ['programme_manager'] };
const IG: CallerClaims = { sub: 'rc-ig-lead', org: 'provide', roles: ['programme_manager', 'information_governance'] };

/** The routes with no 2xx JSON body to check: answered without a body, or never 2xx (the FHIR GET search only refuses). */
const NO_BODY = new Set(['DELETE /subscriptions/{id}', 'GET /fhir/R4/ServiceRequest']);

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') });
  api = referralApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

/** A request that must answer `status` (its body was already checked against the contract). */
const must = async (reply: Promise<ApiResponse>, status: number): Promise<any> => {
  const response = await reply;
  expect(response.status, `${response.status} ${response.text}`).toBe(status);
  return response.body;
};

describe('every route’s 2xx body conforms to its strict response schema', () => {
  it('walks every route of the route table once, and each body passes', async () => {
    // Prepare: an inbox subscription first, so the walk's events make alerts.
    const subscription = await must(api.post(ECC, '/subscriptions', { eventTypes: ['*'], channel: { type: 'inbox' } }), 201);
    const hook = await must(
      api.post(ECC, '/subscriptions', {
        eventTypes: ['note.added'],
        channel: { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 'rc-webhook-secret-0123456789' },
      }),
      201,
    );
    const throwaway = await must(api.post(ECC, '/subscriptions', { eventTypes: ['referral.*'], channel: { type: 'inbox' } }), 201);
    // Quiet hours from an hour ago for two more: its pushes are held, so /pending lists them.
    const londonClock = (minutes: number) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
        new Date(Date.now() + minutes * 60_000),
      );
    const quiet = await must(
      api.post(ECC, '/subscriptions', {
        eventTypes: ['referral.*'],
        channel: { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 'rc-webhook-secret-0123456789' },
        quietHours: {
          start: londonClock(-60),
          end: londonClock(120),
          timeZone: 'Europe/London',
          days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        },
        critical: { override: true, eventTypes: ['handoff.*'], priorities: ['urgent'] },
      }),
      201,
    );

    // Act: the walk.
    await must(api.get(undefined, '/health'), 200);
    await must(api.get(undefined, '/openapi.json'), 200);
    await must(api.get(PROVIDE, '/reference'), 200);
    const body = referralBody({ subject: { ...referralBody().subject, localId: 'rc-local-1' } });
    const r1 = await must(api.post(PROVIDE, '/referrals', body), 201);
    const r2 = await must(api.post(PROVIDE, '/referrals', referralBody()), 201);
    const r3 = await must(api.post(PROVIDE, '/referrals', referralBody()), 201);
    await must(api.post(ECC, `/referrals/${r1.id}/request-info`, { comment: 'Is there a carer at home?' }), 200);
    await must(api.post(PROVIDE, `/referrals/${r1.id}/provide-info`, { comment: 'Her daughter visits daily.' }), 200);
    await must(api.post(PROVIDE, `/referrals/${r1.id}/amend`, { priority: 'soon' }), 200);
    await must(api.post(ECC, `/referrals/${r1.id}/accept`, {}), 200);
    const withdrawn = await must(api.post(ECC, `/referrals/${r1.id}/handoffs`, { toOrg: 'meht', reason: 'Frailty unit to lead.' }), 201);
    await must(api.post(ECC, `/handoffs/${withdrawn.id}/withdraw`, {}), 200);
    const declined = await must(api.post(ECC, `/referrals/${r1.id}/handoffs`, { toOrg: 'meht', reason: 'Frailty unit to lead.' }), 201);
    await must(api.post(MEHT, `/handoffs/${declined.id}/decline`, { reasonCode: 'no-capacity' }), 200);
    const accepted = await must(
      api.post(ECC, `/referrals/${r1.id}/handoffs`, { toOrg: 'ageuk-essex', reason: 'Voluntary sector follow-up.' }),
      201,
    );
    await must(api.post(AGEUK, `/handoffs/${accepted.id}/accept`, {}), 200);
    await must(api.post(AGEUK, `/referrals/${r1.id}/complete`, { outcome: 'admission-avoided' }), 200);
    await must(api.post(ECC, `/referrals/${r2.id}/redirect`, { toOrg: 'meht', comment: 'MEHT discharge team holds this.' }), 200);
    await must(api.post(MEHT, `/referrals/${r2.id}/decline`, { reasonCode: 'wrong-service', comment: 'Not ours either.' }), 200);
    await must(api.post(PROVIDE, `/referrals/${r3.id}/cancel`, { reasonCode: 'no-longer-required' }), 200);
    await must(api.post(ECC, `/referrals/${r1.id}/notes`, { text: 'Phoned the daughter.' }), 201);
    await must(api.get(ECC, `/referrals/${r1.id}/notes`), 200);
    await must(api.get(ECC, `/referrals/${r1.id}`), 200);
    await must(api.get(MEHT, `/referrals/${r1.id}`), 200);
    await must(api.get(ECC, `/referrals/${r1.id}/history`), 200);
    await must(api.get(PROVIDE, `/referrals/${r1.id}/access-log`), 200);
    await must(api.get(ECC, '/referrals?box=inbox'), 200);
    await must(api.post(PROVIDE, '/referrals/search', { localId: 'rc-local-1' }), 200);
    await must(api.get(ECC, '/handoffs?box=outbox'), 200);
    await must(api.get(MEHT, `/handoffs/${declined.id}`), 200);
    await must(api.get(ECC, '/subscriptions'), 200);
    await must(api.get(ECC, `/subscriptions/${hook.id}/deliveries`), 200);
    const held = await pollUntil(
      () => api.get(ECC, `/subscriptions/${quiet.id}/pending?limit=2`),
      (reply) => reply.status === 200 && reply.body.items.length > 0,
    );
    await must(Promise.resolve(held), 200);
    await must(api.post(ECC, `/subscriptions/${hook.id}/redrive`), 202);
    await must(api.post(ECC, `/subscriptions/${hook.id}/renew`), 200);
    await must(api.get(PM, '/subscriptions?scope=all'), 200);
    await must(api.post(PM, `/subscriptions/${throwaway.id}/disable`), 200);
    await must(api.request(ECC, 'DELETE', `/subscriptions/${throwaway.id}`), 204);
    const alerts = await pollUntil(
      () => api.get(ECC, '/alerts?unread=true'),
      (reply) => reply.status === 200 && reply.body.items.some((a: { subscriptionId: string }) => a.subscriptionId === subscription.id),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const alert = alerts.body.items.find((a: { subscriptionId: string }) => a.subscriptionId === subscription.id);
    await must(api.post(ECC, `/alerts/${alert.id}/ack`), 200);
    await must(api.get(PM, '/metrics/summary'), 200);
    // A person's rights: the export of r1's subject (every record type), then the erasure of a fresh referral's.
    await must(api.post(IG, '/subjects/export', { nhsNumber: body.subject.nhsNumber }), 200);
    const r4 = await must(api.post(PROVIDE, '/referrals', referralBody()), 201);
    const r4Subject = (await must(api.get(PROVIDE, `/referrals/${r4.id}`), 200)).subject.nhsNumber as string;
    await must(api.post(IG, '/subjects/erase', { nhsNumber: r4Subject, reasonCode: 'duplicate-record', requestReference: 'IG-RC-1' }), 200);
    // The FHIR face over the same referrals: each status the walk left, and each handoff's Task.
    await must(api.get(undefined, '/fhir/R4/metadata'), 200);
    for (const id of [r1.id, r2.id, r3.id]) {
      await must(api.get(PROVIDE, `/fhir/R4/ServiceRequest/${id}`), 200);
      await must(api.get(PROVIDE, `/fhir/R4/Task/${id}`), 200);
    }
    for (const handoff of [withdrawn, declined, accepted]) await must(api.get(ECC, `/fhir/R4/Task/handoff-${handoff.id}`), 200);
    await must(api.get(ECC, '/fhir/R4/Task?owner=ecc'), 200);
    await must(api.get(ECC, '/fhir/R4/Organization/ecc'), 200);
    await must(api.get(undefined, '/fhir/R4/CodeSystem/outcome'), 200);
    await must(
      api.request(ECC, 'POST', '/fhir/R4/ServiceRequest/_search', {
        rawBody: new URLSearchParams({ identifier: `https://fhir.nhs.uk/Id/nhs-number|${body.subject.nhsNumber}` }).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
      200,
    );
    await must(api.get(ECC, '/fhir/R4/ServiceRequest?identifier=x|y'), 400);
    const served = await must(api.get(PROVIDE, `/fhir/R4/ServiceRequest/${r2.id}`), 200);
    const { id: _id, meta: _meta, identifier: _identifier, ...resent } = { ...served, status: 'active' };
    const header = {
      resourceType: 'MessageHeader',
      id: 'rc-message-1',
      eventCoding: { system: 'https://fhir.nhs.uk/CodeSystem/message-events-bars', code: 'servicerequest-request' },
      reason: { coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/message-reason-bars', code: 'new' }] },
      source: { endpoint: 'https://gp-system.example/fhir' },
      focus: [{ reference: 'urn:uuid:rc-sr' }],
    };
    await must(
      api.post(
        PROVIDE,
        '/fhir/R4/$process-message',
        { resourceType: 'Bundle', type: 'message', entry: [{ resource: header }, { fullUrl: 'urn:uuid:rc-sr', resource: resent }] },
        { headers: { 'Content-Type': 'application/fhir+json', 'X-Request-Id': 'rc-request-1' } },
      ),
      200,
    );

    // Assess: every route with a JSON body was seen, and passed its schema.
    const expected = ROUTES.map((route) => `${route.method} ${route.path}`).filter((key) => !NO_BODY.has(key));
    expect([...checkedRoutes].sort()).toEqual(expected.sort());
  }, 180_000);

  it('the schemas are strict: a field they do not name fails the check', async () => {
    // Prepare
    const created = await must(api.post(PROVIDE, '/referrals', referralBody()), 201);

    // Act
    const asIs = ReferralSchema.safeParse(created);
    const withInternalField = ReferralSchema.safeParse({ ...created, seq: 1 });

    // Assess
    expect(asIs.success).toBe(true);
    expect(withInternalField.success).toBe(false);
    expect(withInternalField.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['seq'] });
  });

  it('requests are matched to the route table by template, literal segments first', () => {
    // Prepare
    const requests: [string, string][] = [
      ['POST', '/referrals/search'],
      ['GET', '/referrals/01JNR0000000000000000000AA/history?limit=5'],
      ['POST', '/handoffs/01JNR0000000000000000000AA/accept'],
    ];

    // Act
    const matched = requests.map(([method, path]) => routeOf(method, path)?.operationId);

    // Assess
    expect(matched).toEqual(['searchReferrals', 'getReferralHistory', 'acceptHandoff']);
  });
});
