/**
 * Every route × every token that is not an ID token of a registered organisation, over HTTP
 * against the local runtime (DESIGN §3 "Fail closed"). The route list is the route table
 * itself, so a route added later is covered without touching this file (a new kind of path
 * parameter fails loudly until it is given a real id here).
 *
 * The scene: Provide referred a person to ECC, ECC accepted and offered the referral to
 * MEHT, Provide wrote a note; a programme manager has an inbox subscription and an alert.
 * Then four callers try every route: a practitioner's and a programme manager's Cognito
 * access token (401: only ID tokens are accepted), an ID token without `custom:org` and one
 * with an org the registry does not know (403 before any read). Not one response may carry
 * the person's details or any free text, and nothing may change.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROUTES } from '#shared/wiring/routes.ts';
import type { RouteDefinition } from '#shared/platform/http/route-definition.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import { randomNhsNumber, referralApi, type ApiResponse, type CallerClaims, type ReferralApi } from '#test/support/referral-api.ts';
import { pollUntil } from '#test/support/webhook-receiver.ts';

let runtime: RuntimeProcess;
let api: ReferralApi;

const PROVIDE: CallerClaims = { sub: 'tk-provide-nurse', org: 'provide', roles: ['practitioner'] };
const ECC: CallerClaims = { sub: 'tk-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const PM: CallerClaims = { sub: 'tk-programme-manager', org: 'ecc', roles: ['programme_manager'] };

/** The callers that must get nothing, and what each must get instead. */
const BAD_CALLERS: readonly { readonly name: string; readonly claims: CallerClaims; readonly status: 401 | 403 }[] = [
  { name: 'a practitioner’s access token', claims: { sub: PROVIDE.sub, roles: ['practitioner'], tokenUse: 'access' }, status: 401 },
  { name: 'a programme manager’s access token', claims: { sub: PM.sub, roles: ['programme_manager'], tokenUse: 'access' }, status: 401 },
  { name: 'an ID token without custom:org', claims: { sub: 'tk-no-org', roles: ['practitioner', 'programme_manager'] }, status: 403 },
  {
    name: 'an ID token of an unknown org',
    claims: { sub: 'tk-fake-org', org: 'nhs-fake', roles: ['practitioner', 'programme_manager'] },
    status: 403,
  },
];

const PERSON = { nhsNumber: randomNhsNumber(), name: 'Ottoline Brackenbury-Vane', dateOfBirth: '1936-02-11', postcode: 'CM3 4QT' };
const REASON = 'Recurrent falls overnight; the daughter can no longer stay with her.';
const ACCEPT_COMMENT = 'Reablement team can start on Monday morning.';
const HANDOFF_REASON = 'Acute review needed for the new hip pain before reablement continues.';
const NOTE_TEXT = 'Spoke to the daughter: key safe code shared with the district nurses.';
const PRIVATE_TEXTS = [
  PERSON.nhsNumber,
  PERSON.name,
  PERSON.postcode,
  PERSON.dateOfBirth,
  REASON,
  ACCEPT_COMMENT,
  HANDOFF_REASON,
  NOTE_TEXT,
];

/** Real ids of the seeded records, by the path prefix whose `{id}` they fill. */
const ids: Record<'referrals' | 'handoffs' | 'subscriptions' | 'alerts', string> = {
  referrals: '',
  handoffs: '',
  subscriptions: '',
  alerts: '',
};

const ok = (reply: ApiResponse, status: number, what: string): ApiResponse => {
  if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${reply.text}`);
  return reply;
};

/** The FHIR face's `{id}`s: the seeded referral (its ServiceRequest and Task), an organisation, a code system. */
const FHIR_IDS: Readonly<Record<string, () => string>> = {
  ServiceRequest: () => ids.referrals,
  Task: () => ids.referrals,
  Organization: () => 'ecc',
  CodeSystem: () => 'outcome',
};

/** The route's path with every parameter replaced by a real id; a parameter we cannot fill fails the test. */
const concretePath = (route: RouteDefinition): string => {
  if (route.path === '/fhir/R4/Task') return '/fhir/R4/Task?owner=Organization/ecc';
  if (route.path === '/fhir/R4/{operation}') return '/fhir/R4/$process-message';
  return route.path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const fhirId = route.path.startsWith('/fhir/R4/') ? FHIR_IDS[route.path.split('/')[3]!] : undefined;
    if (fhirId) return fhirId();
    const collection = route.path.split('/')[1] as keyof typeof ids;
    if (name !== 'id' || !ids[collection]) throw new Error(`No seeded id for {${name}} in ${route.path}: seed one in this test.`);
    return ids[collection];
  });
};

/** What the matrix sends: the seeded referral's own kind of body on POSTs, so only identity can refuse it. */
const bodyFor = (route: RouteDefinition): unknown => {
  if (route.method !== 'POST') return undefined;
  if (route.path === '/referrals')
    return { toOrg: 'ecc', serviceArea: 'crisis-prevention', priority: 'urgent', subject: PERSON, reason: REASON };
  if (route.path === '/referrals/search') return { nhsNumber: PERSON.nhsNumber };
  if (route.path.endsWith('/notes')) return { text: NOTE_TEXT };
  return {};
};

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') });
  api = referralApi(runtime.url);

  const subscription = ok(
    await api.post(PM, '/subscriptions', { eventTypes: ['referral.*', 'handoff.*', 'note.added'], channel: { type: 'inbox' } }),
    201,
    'subscribe',
  );
  ids.subscriptions = subscription.body.id;
  const referral = ok(
    await api.post(PROVIDE, '/referrals', {
      toOrg: 'ecc',
      serviceArea: 'crisis-prevention',
      priority: 'urgent',
      subject: PERSON,
      reason: REASON,
    }),
    201,
    'refer',
  );
  ids.referrals = referral.body.id;
  ok(await api.post(ECC, `/referrals/${ids.referrals}/accept`, { comment: ACCEPT_COMMENT }), 200, 'accept');
  const handoff = ok(await api.post(ECC, `/referrals/${ids.referrals}/handoffs`, { toOrg: 'meht', reason: HANDOFF_REASON }), 201, 'offer');
  ids.handoffs = handoff.body.id;
  ok(await api.post(PROVIDE, `/referrals/${ids.referrals}/notes`, { text: NOTE_TEXT }), 201, 'note');
  // Alerts arrive through the stream and fan-out: wait generously for the first one.
  const alerts = await pollUntil(
    async (): Promise<{ id: string }[]> => (await api.get(PM, '/alerts?limit=100')).body?.items ?? [],
    (items) => items.length > 0,
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  if (alerts.length === 0) throw new Error('no alert arrived for the programme manager');
  ids.alerts = alerts[0]!.id;
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

/** What the seeded records look like to their rightful readers: must be the same after the matrix. */
const snapshot = async () => ({
  referral: (await api.get(PROVIDE, `/referrals/${ids.referrals}`)).body,
  notes: (await api.get(PROVIDE, `/referrals/${ids.referrals}/notes`)).body.items,
  handoff: (await api.get(ECC, `/handoffs/${ids.handoffs}`)).body,
  subscriptions: (await api.get(PM, '/subscriptions')).body.items,
  unreadAlerts: (await api.get(PM, '/alerts?unread=true&limit=100')).body.items.map((a: { id: string }) => a.id),
  referralsForPerson: (await api.post(PM, '/referrals/search', { nhsNumber: PERSON.nhsNumber })).body.items.map(
    (r: { id: string }) => r.id,
  ),
});

describe('every route refuses tokens that are not an ID token of a registered org, and leaks nothing', () => {
  it('covers the whole route table, public routes included', () => {
    // Assess: a sanity check that the table is what is iterated (and that it is not empty).
    expect(ROUTES.filter((r) => r.auth === 'jwt').length).toBeGreaterThan(20);
    expect(
      ROUTES.filter((r) => r.auth === 'none')
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/fhir/R4/CodeSystem/{id}', '/fhir/R4/metadata', '/health', '/openapi.json']);
  });

  it.each(BAD_CALLERS)(
    '$name → $status problem+json (OperationOutcome on the FHIR face) on every authenticated route; public routes answer 200; no seeded text anywhere',
    async ({ claims, status }) => {
      // Prepare
      const before = await snapshot();

      // Act
      const replies: { route: string; reply: ApiResponse }[] = [];
      for (const route of ROUTES) {
        const body = bodyFor(route);
        replies.push({
          route: `${route.method} ${route.path}`,
          reply: await api.request(
            claims,
            route.method,
            concretePath(route),
            body === undefined ? {} : { body, headers: { 'Idempotency-Key': `tk-${claims.sub}-${route.operationId}` } },
          ),
        });
      }

      // Assess
      const statuses = Object.fromEntries(replies.map(({ route, reply }) => [route, reply.status]));
      const expected = Object.fromEntries(ROUTES.map((r) => [`${r.method} ${r.path}`, r.auth === 'none' ? 200 : status]));
      expect(statuses).toEqual(expected);
      for (const { route, reply } of replies) {
        const definition = ROUTES.find((r) => `${r.method} ${r.path}` === route);
        if (definition?.auth === 'jwt') {
          // The FHIR face refuses in its own format: an OperationOutcome.
          expect(reply.headers.get('content-type'), route).toContain(definition.format?.mediaType ?? 'application/problem+json');
        }
        for (const text of PRIVATE_TEXTS) expect(reply.text, `${route} leaked seeded text`).not.toContain(text);
      }
      expect(await snapshot()).toEqual(before);
    },
  );
});
