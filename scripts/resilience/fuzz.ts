// Over 350 lines because the scenario is one fast-check run over every route whose generators (methods, paths, headers, bodies, tokens) and checks share its state; split, each part would need all of it.
/**
 * Fuzz: generated requests (fast-check) across every route of the route table and the
 * `$default` route — every method, odd paths and ids, query strings, headers, and bodies
 * of every shape: valid, mutated, wrong types, huge strings, unicode, invalid UTF-8, deep
 * nesting, prototype-pollution keys (`__proto__`, `constructor`, `prototype`) — under
 * valid tokens of every kind of caller and invalid ones (bad signature, `alg: none`,
 * another key, wrong issuer/audience, expired, garbage).
 *
 * Checked: no response ≥ 500, and every request answered; every 4xx is problem+json, or an
 * OperationOutcome under `/fhir/R4` (the authorizer's 401 is API Gateway's `{"message":"Unauthorized"}`);
 * every FHIR answer is valid FHIR R4 (test/support/fhir-validator.ts); an invalid token on a
 * protected route is always 401; no rejected request wrote anything; nothing polluted.
 *
 * "No rejected request wrote anything" is checked two independent ways:
 * 1. attribution: the local runtime runs each handler in its own async context and counts
 *    the DynamoDB writes that were applied (write commands that succeeded) under it; a
 *    request answered ≥ 400 with an applied write is reported by `GET /_local/stats`
 *    (exact per request, at any concurrency — but blind to clients not made by
 *    `createDocumentClient`, i.e. Powertools idempotency's own, whose records a failed
 *    request deletes again);
 * 2. reconciliation, on the table itself: every change writes its event item in the same
 *    transaction, so after the run the new event items must be exactly the events of the
 *    accepted (2xx) changes — created referrals, notes and handoffs (distinct ids: a replay
 *    creates nothing), referral and handoff actions — and the new subscriptions exactly the
 *    201s less the 204s.
 */
import fc from 'fast-check';
import { generateKeyPair, SignJWT } from 'jose';
import { ulid } from 'ulid';
import { CONSOLE_BASE_PATH } from '../../infra/console/console-site.ts';
import { ROUTES } from '../../shared/wiring/routes.ts';
import type { RouteDefinition } from '../../shared/platform/http/route-definition.ts';
import { startRuntimeProcess, tokenFor, type RuntimeProcess } from '../../test/support/local-runtime-process.ts';
import { validNhsNumber } from '../../test/support/handoff-api.ts';
import { bodyFor, headerText, pathFor, POLLUTION_MARK, queryString, ulidArb, type Known } from './fuzz-requests.ts';
import {
  Checks,
  drainRuntime,
  dynamodbEndpointOf,
  inPool,
  runtimeStats,
  scanTable,
  sleep,
  tally,
  type ScenarioOptions,
  type ScenarioResult,
} from './common.ts';

const SIZES = {
  small: { requests: 500, concurrency: 6 },
  full: { requests: 10_000, concurrency: 8 },
} as const;

const REQUEST_TIMEOUT_MS = 30_000;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;

/** A caller of the run: a label, and the `Authorization` header it sends (if any). */
interface Caller {
  readonly label: string;
  readonly authorization: string | undefined;
  /** Whether the token is valid (a protected route may then answer anything but 401). */
  readonly valid: boolean;
}

/** One generated request. */
interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly route: RouteDefinition | undefined;
  readonly caller: Caller;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | undefined;
  readonly kind: string;
}

/** What came back. */
interface Answer {
  readonly request: FuzzRequest;
  readonly status: number;
  readonly contentType: string;
  readonly correlationId: string | null;
  readonly text: string;
}

/** Whether a request path is under the FHIR face, whose errors are OperationOutcome. */
const isFhirPath = (path: string): boolean => path === '/fhir/R4' || path.startsWith('/fhir/R4/') || path.startsWith('/fhir/R4?');

/** An `application/fhir+json` OperationOutcome with at least one issue, each with its severity and code. */
const isOperationOutcome = (a: Answer): boolean => {
  try {
    const outcome = JSON.parse(a.text) as { resourceType?: unknown; issue?: { severity?: unknown; code?: unknown }[] };
    return (
      a.contentType.startsWith('application/fhir+json') &&
      outcome.resourceType === 'OperationOutcome' &&
      Array.isArray(outcome.issue) &&
      outcome.issue.length > 0 &&
      outcome.issue.every((issue) => typeof issue.severity === 'string' && typeof issue.code === 'string')
    );
  } catch {
    return false;
  }
};

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * Whether a path (as the URL parser resolves it: `/handoffs/..` is `/`) is the console's: `/`
 * redirects to `/console/`, whose pages are the site, not the API.
 */
const isConsolePage = (path: string): boolean => {
  const pathname = new URL(path, 'http://localhost').pathname;
  return pathname === '/' || pathname === CONSOLE_BASE_PATH.slice(0, -1) || pathname.startsWith(CONSOLE_BASE_PATH);
};

/** Runs the fuzz scenario; see the module comment. */
export const fuzzScenario = async (options: ScenarioOptions): Promise<ScenarioResult> => {
  const size = SIZES[options.size];
  const log = options.log ?? (() => undefined);
  const checks = new Checks();
  const tableName = `fuzz-${ulid().toLowerCase()}`;
  let runtime: RuntimeProcess | undefined;

  try {
    runtime = await startRuntimeProcess({
      DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
      JOINTLY_TABLE_NAME: tableName,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    const url = runtime.url;
    log(`fuzz: runtime up at ${url}`);

    // Tokens, made once: a fresh one per request would spend the run signing.
    const who = {
      provide: { sub: 'fuzz-provide', org: 'provide', roles: ['practitioner'] },
      ecc: { sub: 'fuzz-ecc', org: 'ecc', roles: ['practitioner'] },
      meht: { sub: 'fuzz-meht', org: 'meht', roles: ['practitioner'] },
      ageuk: { sub: 'fuzz-ageuk', org: 'ageuk-essex', roles: ['practitioner'] },
      pm: { sub: 'fuzz-pm', org: 'ecc', roles: ['programme_manager'] },
      noRole: { sub: 'fuzz-no-role', org: 'ecc', roles: [] },
      unknownOrg: { sub: 'fuzz-unknown-org', org: 'nowhere-trust', roles: ['practitioner'] },
      bothRoles: { sub: 'fuzz-both', org: 'provide', roles: ['practitioner', 'programme_manager'] },
    };
    const tokens = Object.fromEntries(
      await Promise.all(Object.entries(who).map(async ([k, claims]) => [k, await tokenFor(url, claims)] as const)),
    );
    const expired = await tokenFor(url, { ...who.ecc, expiresInSeconds: 1 });
    const [header, payload, signature] = tokens.ecc!.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss: string; aud: string };
    const foreign = await generateKeyPair('RS256');
    const signForeign = (iss: string, aud: string, exp = Math.floor(Date.now() / 1000) + 3600) =>
      new SignJWT({ 'custom:org': 'ecc', 'cognito:groups': ['programme_manager'], token_use: 'id' })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'local' })
        .setSubject('fuzz-forger')
        .setIssuer(iss)
        .setAudience(aud)
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(foreign.privateKey);
    const flipped = `${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const bearer = (t: string) => `Bearer ${t}`;
    const callers: Caller[] = [
      ...Object.entries(tokens).map(([label, token]) => ({ label, authorization: bearer(token!), valid: true })),
      { label: 'lower-case scheme', authorization: `bearer ${tokens.pm}`, valid: true },
      { label: 'no token', authorization: undefined, valid: false },
      { label: 'bad signature', authorization: bearer(`${header}.${payload}.${flipped}`), valid: false },
      { label: 'alg none', authorization: bearer(`${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`), valid: false },
      {
        label: 'alg HS256',
        authorization: bearer(`${b64url({ alg: 'HS256', typ: 'JWT' })}.${payload}.${b64url('not-a-mac')}`),
        valid: false,
      },
      {
        label: 'tampered claims',
        authorization: bearer(
          `${header}.${b64url({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), 'cognito:groups': ['programme_manager'] })}.${signature}`,
        ),
        valid: false,
      },
      { label: 'another key', authorization: bearer(await signForeign(claims.iss, claims.aud)), valid: false },
      { label: 'wrong issuer', authorization: bearer(await signForeign('https://evil.example/issuer', claims.aud)), valid: false },
      { label: 'wrong audience', authorization: bearer(await signForeign(claims.iss, 'someone-else')), valid: false },
      { label: 'expired', authorization: bearer(expired), valid: false },
      { label: 'garbage', authorization: 'Bearer not.a.jwt', valid: false },
      { label: 'two parts', authorization: `Bearer ${header}.${payload}`, valid: false },
      { label: 'basic', authorization: 'Basic ZnV6ejpmdXp6', valid: false },
      { label: 'scheme only', authorization: 'Bearer', valid: false },
      { label: 'huge', authorization: bearer('A'.repeat(7_000)), valid: false },
      { label: 'token twice', authorization: `${bearer(tokens.pm!)}, ${bearer(tokens.pm!)}`, valid: false },
      { label: 'latin-1 junk', authorization: 'Bearer é\u00ff.\u00fe.x', valid: false },
    ];

    // Seed records for the paths to name: referrals in several states, a handoff, notes, subscriptions, alerts.
    const send = async (caller: keyof typeof tokens, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { Authorization: bearer(tokens[caller]!), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`seed ${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const known: Known = { referrals: [], handoffs: [], subscriptions: [], alerts: [] };
    for (const owner of ['pm', 'ecc'] as const)
      known.subscriptions.push((await send(owner, 'POST', '/subscriptions', { eventTypes: ['*'], channel: { type: 'inbox' } })).id);
    const newReferral = () => ({
      toOrg: 'ecc',
      serviceArea: 'crisis-prevention',
      priority: 'routine',
      subject: { nhsNumber: validNhsNumber(), name: 'Seed Person' },
      reason: 'Seed.',
    });
    for (let i = 0; i < 6; i++) known.referrals.push((await send('provide', 'POST', '/referrals', newReferral())).id);
    await send('ecc', 'POST', `/referrals/${known.referrals[0]}/accept`, {});
    await send('ecc', 'POST', `/referrals/${known.referrals[1]}/accept`, {});
    known.handoffs.push(
      (await send('ecc', 'POST', `/referrals/${known.referrals[1]}/handoffs`, { toOrg: 'meht', reason: 'Seed handoff.' })).id,
    );
    await send('ecc', 'POST', `/referrals/${known.referrals[2]}/request-info`, { comment: 'Seed question.' });
    await send('ecc', 'POST', `/referrals/${known.referrals[3]}/notes`, { text: 'Seed note.' });
    await drainRuntime(url);
    const alertPage = await send('pm', 'GET', '/alerts?limit=5');
    known.alerts.push(...(alertPage.items as { id: string }[]).map((a) => a.id));

    // The table before the fuzz: events and subscriptions, for the reconciliation.
    const endpoint = dynamodbEndpointOf(runtime);
    const countOf = (items: Record<string, any>[], entity: string) => items.filter((i) => i.entity === entity).length;
    const before = await scanTable(endpoint, tableName);
    const referenceBefore = await (await fetch(`${url}/reference`, { headers: { Authorization: bearer(tokens.pm!) } })).text();
    const statsBefore = await runtimeStats(url);
    await sleep(1_100); // the "expired" token is now expired

    // The requests.
    const routeArb: fc.Arbitrary<RouteDefinition | undefined> = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...ROUTES) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
    const requestArb: fc.Arbitrary<FuzzRequest> = routeArb.chain((route) =>
      fc
        .record({
          path: pathFor(known, route),
          query: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 2, arbitrary: queryString }),
          method: route
            ? fc.oneof({ weight: 4, arbitrary: fc.constant(route.method as string) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) })
            : fc.constantFrom(...METHODS),
          caller: fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(...callers.filter((c) => c.valid)) },
            { weight: 1, arbitrary: fc.constantFrom(...callers.filter((c) => !c.valid)) },
          ),
          body: bodyFor(route?.path ?? '/'),
          contentType: fc.oneof(
            { weight: 8, arbitrary: fc.constant('application/json') },
            {
              weight: 1,
              arbitrary: fc.constantFrom(
                'text/plain',
                'application/json; charset=utf-16',
                'application/x-www-form-urlencoded',
                'multipart/form-data; boundary=x',
                'application/problem+json',
                '',
                'application/JSON',
              ),
            },
          ),
          ifMatch: fc.option(headerText, { freq: 5 }),
          idempotencyKey: fc.option(fc.oneof(ulidArb, headerText), { freq: 4 }),
          // The FHIR messaging door's key: usually sent (its messages are refused without it).
          requestId: fc.option(fc.oneof(ulidArb, headerText), { freq: 6, nil: null }),
          correlationId: fc.option(headerText, { freq: 4 }),
        })
        .map(({ path, query, method, caller, body, contentType, ifMatch, idempotencyKey, requestId, correlationId }): FuzzRequest => {
          const bodyAllowed = method !== 'GET' && method !== 'HEAD';
          const headers: Record<string, string> = {};
          if (caller.authorization !== undefined) headers.Authorization = caller.authorization;
          if (bodyAllowed && body.body !== undefined) headers['Content-Type'] = contentType;
          if (ifMatch !== null) headers['If-Match'] = ifMatch;
          if (idempotencyKey !== null) headers['Idempotency-Key'] = idempotencyKey;
          if (requestId !== null) headers['X-Request-Id'] = requestId;
          if (correlationId !== null) headers['X-Correlation-Id'] = correlationId;
          return {
            method,
            path: `${path}${query}`,
            route,
            caller,
            headers,
            body: bodyAllowed ? body.body : undefined,
            kind: bodyAllowed ? body.kind : 'no body',
          };
        }),
    );
    const seed = options.seed ?? Date.now() % 2_147_483_647;
    const requests = fc.sample(requestArb, { numRuns: size.requests, seed });
    log(`fuzz: ${requests.length} requests generated (fast-check seed ${seed}); sending`);

    const answers = await inPool(requests, size.concurrency, async (request): Promise<Answer> => {
      try {
        const response = await fetch(`${url}${request.path}`, {
          method: request.method,
          headers: request.headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.text();
        return {
          request,
          status: response.status,
          contentType: response.headers.get('content-type') ?? '',
          correlationId: response.headers.get('x-correlation-id'),
          text,
        };
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
        return {
          request,
          status: 0,
          contentType: '',
          correlationId: null,
          text: `no answer: ${(error as Error)?.name} ${(error as Error)?.message} ${cause?.code ?? ''} ${cause?.message ?? ''} headers ${JSON.stringify(request.headers).slice(0, 300)}`,
        };
      }
    });
    log('fuzz: answered; draining');
    await drainRuntime(url);

    // Node's HTTP server refuses a request line and headers over 16 KiB itself (431, no body), before
    // any Jointly code runs — as API Gateway refuses over 10 KiB with its own answer.
    const transportLimit = (a: Answer) => a.status === 431 && a.text === '';
    const unexercised = [
      ...ROUTES.filter((route) => !answers.some((a) => servedBy(a.request) === route)).map((r) => `${r.method} ${r.path}`),
      ...(answers.some((a) => !servedBy(a.request)) ? [] : ['$default']),
    ];
    checks.none('every route of the table, and $default, was exercised', unexercised);
    const describe = (a: Answer) =>
      `${a.request.method} ${a.request.path.slice(0, 120)} [${a.request.caller.label}, ${a.request.kind}] → ${a.status} ${a.text.slice(0, 160)}`;
    checks.none('every request answered (no hang, no dropped connection)', answers.filter((a) => a.status === 0).map(describe));
    checks.none('no response ≥ 500', answers.filter((a) => a.status >= 500).map(describe));
    checks.none(
      'every 4xx is problem+json with its status, or an OperationOutcome under /fhir/R4 (the authorizer’s 401: {"message":"Unauthorized"})',
      answers
        .filter((a) => a.status >= 400 && a.status < 500 && a.request.method !== 'HEAD' && !transportLimit(a))
        .filter((a) => {
          if (a.status === 401 && a.text === '{"message":"Unauthorized"}') return false;
          // The FHIR face (and unmatched paths under it) answer errors as OperationOutcome.
          if (isFhirPath(a.request.path)) return !isOperationOutcome(a);
          try {
            const problem = JSON.parse(a.text) as { status?: unknown; title?: unknown; detail?: unknown };
            return (
              a.contentType !== 'application/problem+json' ||
              problem.status !== a.status ||
              typeof problem.title !== 'string' ||
              typeof problem.detail !== 'string'
            );
          } catch {
            return true;
          }
        })
        .map(describe),
    );
    checks.none(
      'an invalid or missing token on a protected route is always 401',
      answers
        .filter(
          (a) =>
            !a.request.caller.valid && servedBy(a.request)?.auth === 'jwt' && a.status !== 401 && a.status !== 413 && !transportLimit(a),
        )
        .map(describe),
    );
    checks.none(
      'every response but the authorizer’s 401 (and the console’s pages, which are not the API) carries X-Correlation-Id',
      answers
        .filter((a) => a.status !== 0 && a.status !== 401 && !transportLimit(a) && !a.correlationId && !isConsolePage(a.request.path))
        .map(describe),
    );
    const { fhirIssuesOf } = await import('../../test/support/fhir-validator.ts');
    checks.none(
      'every FHIR answer, error or not, is valid FHIR R4 (structure and required bindings)',
      answers
        // A HEAD answer has no body to check (HTTP).
        .filter((a) => a.contentType.startsWith('application/fhir+json') && a.request.method !== 'HEAD')
        .filter((a) => {
          try {
            return fhirIssuesOf(JSON.parse(a.text)).length > 0;
          } catch {
            return true;
          }
        })
        .map(describe),
    );
    checks.none(
      'no 2xx body carries a value sent under a prototype-pollution key',
      answers.filter((a) => a.status < 300 && a.text.includes(POLLUTION_MARK)).map(describe),
    );

    // No writes from rejected requests: (1) attribution in the runtime, (2) reconciliation on the table.
    const stats = await runtimeStats(url);
    const rejectedWrites = stats.requests.rejectedWithWrites.count - statsBefore.requests.rejectedWithWrites.count;
    const writers = stats.requests.withWrites - statsBefore.requests.withWrites;
    checks.check(
      'no request answered ≥ 400 had a DynamoDB write applied (attributed per request by the runtime, which saw the accepted ones write)',
      rejectedWrites === 0 && writers > 0,
      `${rejectedWrites} rejected requests wrote: ${JSON.stringify(stats.requests.rejectedWithWrites.samples)}; ${writers} requests wrote in all`,
    );
    const after = await scanTable(endpoint, tableName);
    const served = new Map(answers.map((a) => [a, servedBy(a.request)]));
    const ok = (a: Answer, status: number) => a.status === status && served.get(a) !== undefined;
    const routeOf = (a: Answer) => served.get(a)!;
    const idOf = (a: Answer) => {
      try {
        return String(JSON.parse(a.text).id);
      } catch {
        return '';
      }
    };
    const createdIds = (suffix: (path: string) => boolean) =>
      new Set(answers.filter((a) => ok(a, 201) && suffix(routeOf(a).path)).map(idOf)).size;
    const expectedEvents =
      createdIds((p) => p === '/referrals') +
      createdIds((p) => p.endsWith('/notes')) +
      createdIds((p) => p === '/referrals/{id}/handoffs') +
      answers.filter((a) => ok(a, 200) && routeOf(a).method === 'POST' && /^\/(referrals|handoffs)\/\{id\}\/[a-z-]+$/.test(routeOf(a).path))
        .length +
      // A FHIR message accepted: one referral submitted or cancelled (a replay answers the same response message).
      new Set(answers.filter((a) => ok(a, 200) && routeOf(a).path === '/fhir/R4/{operation}').map(idOf)).size;
    const newEvents = countOf(after, 'event') - countOf(before, 'event');
    checks.check(
      'new event items = the events of the accepted changes (so no rejected request changed a record)',
      newEvents === expectedEvents,
      `${newEvents} new events, ${expectedEvents} accepted changes`,
    );
    const deleted = new Set(
      answers
        .filter((a) => ok(a, 204) && routeOf(a).path === '/subscriptions/{id}')
        .map((a) => new URL(`http://localhost${a.request.path}`).pathname),
    );
    const expectedSubscriptions = createdIds((p) => p === '/subscriptions') - deleted.size;
    const newSubscriptions = countOf(after, 'subscription') - countOf(before, 'subscription');
    checks.check(
      'new subscriptions = 201s less 204s',
      newSubscriptions === expectedSubscriptions,
      `${newSubscriptions} new, expected ${expectedSubscriptions}`,
    );

    // Nothing polluted: the runtime still answers as before.
    const referenceAfter = await (await fetch(`${url}/reference`, { headers: { Authorization: bearer(tokens.pm!) } })).text();
    const fresh = await fetch(`${url}/referrals`, {
      method: 'POST',
      headers: { Authorization: bearer(tokens.provide!), 'Content-Type': 'application/json' },
      body: JSON.stringify(newReferral()),
    });
    const freshBody = (await fresh.json()) as Record<string, unknown>;
    const forbidden = await fetch(`${url}/referrals/${String(freshBody.id)}/complete`, {
      method: 'POST',
      headers: { Authorization: bearer(tokens.meht!), 'Content-Type': 'application/json' },
      body: JSON.stringify({ outcome: 'no-further-action' }),
    });
    checks.check(
      'nothing polluted: /reference unchanged, a new referral is submitted at version 1 with no stray fields, a stranger still gets 404',
      referenceAfter === referenceBefore &&
        fresh.status === 201 &&
        freshBody.status === 'submitted' &&
        freshBody.version === 1 &&
        !(POLLUTION_MARK in freshBody) &&
        !('isAdmin' in freshBody) &&
        forbidden.status === 404 &&
        !(POLLUTION_MARK in Object.prototype),
      `reference same: ${referenceAfter === referenceBefore}; fresh ${fresh.status} ${JSON.stringify(freshBody).slice(0, 200)}; stranger ${forbidden.status}`,
    );

    const statuses = tally(answers.map((a) => a.status));
    return checks.result('fuzz', {
      requests: answers.length,
      routesHit: new Set(answers.map((a) => servedBy(a.request) ?? '$default')).size,
      invalidTokens: answers.filter((a) => !a.request.caller.valid).length,
      prototypeKeyBodies: answers.filter((a) => a.request.kind === 'prototype keys').length,
      ...Object.fromEntries([...statuses].sort(([a], [b]) => a - b).map(([status, n]) => [`status${status}`, n])),
      newEvents,
      requestsThatWrote: writers,
      seed,
    });
  } finally {
    await runtime?.stop().catch(() => undefined);
  }
};

const ROUTE_PATTERNS = ROUTES.map((route) => ({ route, pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`) }));

/**
 * The route that actually served a request: by its method and its path as sent (the URL
 * parser resolves `..` and `%2e%2e`), whatever the generator aimed at — a junk id may make
 * the path another route's, a made-up path may be a real one.
 */
const servedBy = (request: FuzzRequest): RouteDefinition | undefined => {
  const path = new URL(`http://localhost${request.path}`).pathname;
  return ROUTE_PATTERNS.find(({ route, pattern }) => route.method === request.method && pattern.test(path))?.route;
};
