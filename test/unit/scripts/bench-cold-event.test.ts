import { describe, expect, it } from 'vitest';
import { claimsOfToken, COLD_EVENT_HOST, coldEvent, matchPathTemplate } from '#scripts/bench/cold-event.ts';
import { COLD_REQUEST_PLANS, coldRequestPlanOf, functionOfPlan } from '#scripts/bench/cold-requests.ts';
import { apiFunctionEntries } from '#infra/function-entries.ts';
import { DEFAULT_ROUTE, ROUTES } from '#shared/wiring/routes.ts';

/** An unsigned token with this payload (the event builder decodes, never verifies). */
const tokenWith = (payload: Record<string, unknown>): string =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;

const routeOf = (operationId: string) => ROUTES.find((r) => r.operationId === operationId)!;

describe('matchPathTemplate', () => {
  it('reads the path parameters, percent-decoded, and rejects a path of another shape', () => {
    // Act
    const matched = matchPathTemplate('/alerts/{id}/ack', '/alerts/01ABC.01DEF%2Bx/ack');
    const other = matchPathTemplate('/referrals/{id}', '/referrals/1/notes');
    const empty = matchPathTemplate('/referrals/{id}', '/referrals/');

    // Assess
    expect(matched).toEqual({ id: '01ABC.01DEF+x' });
    expect(other).toBeUndefined();
    expect(empty).toBeUndefined();
  });
});

describe('claimsOfToken', () => {
  it('gives the claims in HTTP API’s form: strings, arrays as "[a b]"', () => {
    // Prepare
    const token = tokenWith({ sub: 'alice', 'custom:org': 'ecc', 'cognito:groups': ['practitioner', 'lead'], exp: 1_900_000_000 });

    // Act
    const claims = claimsOfToken(token);

    // Assess
    expect(claims).toEqual({ sub: 'alice', 'custom:org': 'ecc', 'cognito:groups': '[practitioner lead]', exp: '1900000000' });
  });
});

describe('coldEvent', () => {
  it('builds the payload 2.0 event the local gateway hands a JWT route: route key, path parameters, claims, JSON body', () => {
    // Prepare
    const token = tokenWith({ sub: 'ecc-worker', token_use: 'id', 'custom:org': 'ecc', 'cognito:groups': ['practitioner'] });
    const request = { method: 'POST', url: '/referrals/01J0000000000000000000000A/accept', body: {}, token };

    // Act
    const event = coldEvent(request, routeOf('acceptReferral'), { requestId: 'req-1', now: new Date('2026-12-01T09:00:00Z') });

    // Assess
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /referrals/{id}/accept',
      rawPath: '/referrals/01J0000000000000000000000A/accept',
      rawQueryString: '',
      pathParameters: { id: '01J0000000000000000000000A' },
      body: '{}',
      isBase64Encoded: false,
      headers: { host: COLD_EVENT_HOST, authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': '2' },
      requestContext: {
        routeKey: 'POST /referrals/{id}/accept',
        requestId: 'req-1',
        timeEpoch: Date.parse('2026-12-01T09:00:00Z'),
        http: { method: 'POST', path: '/referrals/01J0000000000000000000000A/accept' },
        authorizer: { jwt: { claims: { sub: 'ecc-worker', token_use: 'id', 'custom:org': 'ecc', 'cognito:groups': '[practitioner]' } } },
      },
    });
  });

  it('gives a query its parameters, a public route no claims, and $default neither route key nor claims', () => {
    // Prepare
    const token = tokenWith({ sub: 'x', 'custom:org': 'ecc' });

    // Act
    const list = coldEvent({ method: 'GET', url: '/referrals?box=inbox&status=submitted', token }, routeOf('listReferrals'));
    const health = coldEvent({ method: 'GET', url: '/health' }, routeOf('getHealth'));
    const unmatched = coldEvent({ method: 'GET', url: '/patients', token }, '$default');

    // Assess
    expect(list.queryStringParameters).toEqual({ box: 'inbox', status: 'submitted' });
    expect(list).not.toHaveProperty('pathParameters');
    expect(health.requestContext.authorizer.jwt.claims).toEqual({});
    expect(health.headers).not.toHaveProperty('authorization');
    expect(unmatched.routeKey).toBe('$default');
    expect(unmatched.requestContext.authorizer.jwt.claims).toEqual({});
  });

  it('refuses a request its route would not receive: a path of another shape, or no token on a JWT route', () => {
    // Act
    const wrongPath = () => coldEvent({ method: 'GET', url: '/handoffs/1', token: tokenWith({ sub: 'x' }) }, routeOf('getReferral'));
    const noToken = () => coldEvent({ method: 'GET', url: '/reference' }, routeOf('getReference'));

    // Assess
    expect(wrongPath).toThrow(/is not a request to GET \/referrals\/\{id\}/);
    expect(noToken).toThrow(/needs a token/);
  });
});

describe('COLD_REQUEST_PLANS', () => {
  it('has a plan for every API function, each for a route of the contract or the catch-all', () => {
    // Prepare
    const functions = apiFunctionEntries().map((f) => f.id);

    // Act
    const measured = functions.map((id) => coldRequestPlanOf(id).operationId);
    const unknown = COLD_REQUEST_PLANS.filter((p) => functionOfPlan(p) === undefined);

    // Assess
    expect(measured).toHaveLength(functions.length);
    for (const [i, id] of functions.entries()) expect(functionOfPlan({ operationId: measured[i]! })).toBe(id);
    expect(unknown).toEqual([]);
  });

  it('measures the referral function with a referral created, the catch-all with its 404', () => {
    // Act
    const referrals = coldRequestPlanOf('referralsApi');
    const catchAll = COLD_REQUEST_PLANS.find((p) => p.operationId === DEFAULT_ROUTE.operationId)!;

    // Assess
    expect(referrals.operationId).toBe('createReferral');
    expect(catchAll.expectedStatus).toBe(404);
  });
});
