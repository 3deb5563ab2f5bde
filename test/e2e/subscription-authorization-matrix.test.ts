/**
 * Who may do what to subscriptions, deliveries, alerts, reference data and metrics, over
 * HTTP against the local runtime: every such route × every kind of caller. The expected
 * statuses are written out by hand from the contract: a subscription, its deliveries, what it holds and
 * an alert are their owner's (anyone else gets 404, never 403, so existence is not
 * revealed); programme managers may list and disable any subscription and read metrics;
 * a caller with no known role gets 403; only ID tokens of a registered organisation get
 * past identity (401 / 403).
 *
 * Every mutating cell gets a fresh subscription, so a cell that succeeds (or wrongly
 * succeeds) never changes what another cell sees. No body that is not the owner's may
 * carry the owner's webhook URL (only the programme-wide oversight list names it), and no
 * body at all carries a webhook secret.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import { referralApi, referralBody, type ApiResponse, type CallerClaims, type ReferralApi } from '#test/support/referral-api.ts';
import { pollUntil } from '#test/support/webhook-receiver.ts';

let runtime: RuntimeProcess;
let api: ReferralApi;

// ── Who calls ────────────────────────────────────────────────────────────────────────
const OWNER: CallerClaims = { sub: 'sm-owner', org: 'ecc', roles: ['practitioner'] };
const COLLEAGUE: CallerClaims = { sub: 'sm-colleague', org: 'ecc', roles: ['practitioner'] };
const OTHER_ORG: CallerClaims = { sub: 'sm-provide', org: 'provide', roles: ['practitioner'] };
const PM: CallerClaims = { sub: 'sm-programme-manager', org: 'meht', roles: ['programme_manager'] };
const DUAL: CallerClaims = { sub: 'sm-dual', org: 'ecc', roles: ['practitioner', 'programme_manager'] };
const NO_ROLE: CallerClaims = { sub: 'sm-no-role', org: 'ecc', roles: [] };
const UNKNOWN_ORG: CallerClaims = { sub: 'sm-unknown-org', org: 'nhs-fake', roles: ['practitioner', 'programme_manager'] };
const NO_ORG: CallerClaims = { sub: 'sm-no-org', roles: ['practitioner', 'programme_manager'] };
const ACCESS: CallerClaims = { sub: OWNER.sub, roles: ['practitioner'], tokenUse: 'access' };

const CALLERS = { OWNER, COLLEAGUE, OTHER_ORG, PM, DUAL, NO_ROLE, UNKNOWN_ORG, NO_ORG, ACCESS, NONE: undefined } as const;
type CallerName = keyof typeof CALLERS;

/** Statuses every route shares for the callers identity refuses. */
const REFUSED = { NO_ROLE: 403, UNKNOWN_ORG: 403, NO_ORG: 403, ACCESS: 401, NONE: 401 } as const;
/** An owner's record: the owner's status, everyone else with a role 404. */
const ownersOnly = (status: number) => ({ OWNER: status, COLLEAGUE: 404, OTHER_ORG: 404, PM: 404, DUAL: 404, ...REFUSED });

const WEBHOOK_URL = 'http://127.0.0.1:9/sm-owner-hook';
const SECRET = 'sm-owner-webhook-secret-0123456789';

let alertId = '';
let listedId = '';

/** A fresh webhook subscription of the owner, for a cell that may change it. */
const freshSubscription = async (): Promise<string> => {
  const reply = await api.post(OWNER, '/subscriptions', {
    eventTypes: ['note.added'],
    channel: { type: 'webhook', url: WEBHOOK_URL, secret: SECRET },
  });
  if (reply.status !== 201) throw new Error(`seed subscription: ${reply.status} ${reply.text}`);
  return (reply.body as { id: string }).id;
};

interface Row {
  readonly route: string;
  readonly expected: Readonly<Record<CallerName, number>>;
  /** Sends the request; `fresh` is a new subscription id of the owner when the row needs one. */
  readonly send: (caller: CallerClaims | undefined, fresh: string) => Promise<ApiResponse>;
  readonly needsFresh?: boolean;
  /** On a 2xx to `who`, extra checks of the body. */
  readonly check?: (who: CallerName, reply: ApiResponse, fresh: string) => void;
}

const ids = (reply: ApiResponse): string[] => ((reply.body as { items?: { id: string }[] })?.items ?? []).map((item) => item.id);

const ROWS: readonly Row[] = [
  {
    route: 'GET /subscriptions',
    expected: { OWNER: 200, COLLEAGUE: 200, OTHER_ORG: 200, PM: 200, DUAL: 200, ...REFUSED },
    send: (caller) => api.get(caller, '/subscriptions?limit=100'),
    check: (who, reply) => expect(ids(reply).includes(listedId), who).toBe(who === 'OWNER'),
  },
  {
    route: 'GET /subscriptions?scope=all',
    expected: { OWNER: 403, COLLEAGUE: 403, OTHER_ORG: 403, PM: 200, DUAL: 200, ...REFUSED },
    send: async (caller) => {
      // The oversight list is newest first over every subscription: page until the owner's appears or the list ends.
      let path = '/subscriptions?scope=all&limit=100';
      for (;;) {
        const reply = await api.get(caller, path);
        const cursor = (reply.body as { nextCursor?: string })?.nextCursor;
        if (reply.status !== 200 || ids(reply).includes(listedId) || !cursor) return reply;
        path = `/subscriptions?scope=all&limit=100&cursor=${encodeURIComponent(cursor)}`;
      }
    },
    check: (who, reply) => expect(ids(reply), who).toContain(listedId),
  },
  {
    route: 'DELETE /subscriptions/{id}',
    expected: ownersOnly(204),
    needsFresh: true,
    send: (caller, fresh) => api.request(caller, 'DELETE', `/subscriptions/${fresh}`),
  },
  {
    route: 'GET /subscriptions/{id}/deliveries',
    expected: ownersOnly(200),
    needsFresh: true,
    send: (caller, fresh) => api.get(caller, `/subscriptions/${fresh}/deliveries`),
  },
  {
    route: 'GET /subscriptions/{id}/pending',
    expected: ownersOnly(200),
    needsFresh: true,
    send: (caller, fresh) => api.get(caller, `/subscriptions/${fresh}/pending`),
    check: (who, reply) => expect((reply.body as { items: unknown[] }).items, who).toEqual([]),
  },
  {
    route: 'POST /subscriptions/{id}/redrive',
    expected: ownersOnly(202),
    needsFresh: true,
    send: (caller, fresh) => api.post(caller, `/subscriptions/${fresh}/redrive`),
  },
  {
    route: 'POST /subscriptions/{id}/renew',
    expected: ownersOnly(200),
    needsFresh: true,
    send: (caller, fresh) => api.post(caller, `/subscriptions/${fresh}/renew`),
    check: (who, reply, fresh) => expect((reply.body as { id: string }).id, who).toBe(fresh),
  },
  {
    route: 'POST /subscriptions/{id}/disable',
    // Programme managers oversee every subscription; a practitioner deletes rather than disables (403 on their own).
    expected: { OWNER: 403, COLLEAGUE: 404, OTHER_ORG: 404, PM: 200, DUAL: 200, ...REFUSED },
    needsFresh: true,
    send: (caller, fresh) => api.post(caller, `/subscriptions/${fresh}/disable`),
    check: (who, reply) => expect((reply.body as { status: string }).status, who).toBe('disabled'),
  },
  {
    route: 'GET /alerts',
    expected: { OWNER: 200, COLLEAGUE: 200, OTHER_ORG: 200, PM: 200, DUAL: 200, ...REFUSED },
    send: (caller) => api.get(caller, '/alerts?limit=100'),
    check: (who, reply) => expect(ids(reply).includes(alertId), who).toBe(who === 'OWNER'),
  },
  {
    route: 'POST /alerts/{id}/ack',
    expected: ownersOnly(200),
    send: (caller) => api.post(caller, `/alerts/${alertId}/ack`),
  },
  {
    route: 'GET /reference',
    expected: { OWNER: 200, COLLEAGUE: 200, OTHER_ORG: 200, PM: 200, DUAL: 200, ...REFUSED },
    send: (caller) => api.get(caller, '/reference'),
  },
  {
    route: 'GET /metrics/summary',
    expected: { OWNER: 403, COLLEAGUE: 403, OTHER_ORG: 403, PM: 200, DUAL: 200, ...REFUSED },
    send: (caller) => api.get(caller, '/metrics/summary'),
  },
];

beforeAll(async () => {
  // Enough subscriptions per user for one fresh subscription per mutating cell.
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'), JOINTLY_SUBSCRIPTION_CAP: '200' });
  api = referralApi(runtime.url);
  listedId = await freshSubscription();
  const inbox = await api.post(OWNER, '/subscriptions', { eventTypes: ['referral.submitted'], channel: { type: 'inbox' } });
  expect(inbox.status).toBe(201);
  const referral = await api.post(OTHER_ORG, '/referrals', referralBody());
  expect(referral.status).toBe(201);
  const alerts = await pollUntil(
    () => api.get(OWNER, '/alerts?unread=true'),
    (reply) => reply.status === 200 && ids(reply).length > 0,
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  alertId = ids(alerts)[0]!;
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

describe('authorization matrix: subscriptions, deliveries, alerts, reference and metrics × every caller', () => {
  for (const row of ROWS) {
    describe(row.route, () => {
      it.each(Object.keys(CALLERS) as CallerName[])('%s', async (who) => {
        // Prepare
        const fresh = row.needsFresh ? await freshSubscription() : '';
        const expected = row.expected[who];

        // Act
        const reply = await row.send(CALLERS[who], fresh);

        // Assess
        expect(reply.status, `${row.route} as ${who}: ${reply.text}`).toBe(expected);
        if (expected >= 400 && who !== 'NONE') expect(reply.headers.get('content-type'), who).toMatch(/^application\/problem\+json/);
        expect(reply.text).not.toContain(SECRET);
        if (who !== 'OWNER') {
          if (row.route !== 'GET /subscriptions?scope=all' || expected !== 200) expect(reply.text, who).not.toContain(WEBHOOK_URL);
        }
        if (expected >= 200 && expected < 300) row.check?.(who, reply, fresh);
        if (row.needsFresh && !(expected >= 200 && expected < 300)) {
          // A refused request changed nothing: the owner still sees the subscription as it was.
          const owned = await api.get(OWNER, '/subscriptions?limit=100');
          const same = ((owned.body as { items?: { id: string; status: string }[] })?.items ?? []).find((item) => item.id === fresh);
          expect(same?.status, `${row.route} as ${who} left the subscription as it was`).toBe('active');
        }
      });
    });
  }
});
