import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { NotFoundError } from '#shared/core/errors.ts';
import type { Caller } from '#shared/core/identity.ts';
import { httpHandler, MAX_BODY_BYTES } from '#shared/platform/http/middleware.ts';
import { headerOf, httpEvent, invoke, jsonBody, practitionerClaims } from '#test/support/http-event.ts';

/** A ULID: 26 characters of Crockford base32. */
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  correlationId?: string;
  errors?: { path: string; message: string }[];
}

// Handlers built inline: each exercises one part of the stack.
const echoHandler = httpHandler({ auth: 'none' }, ({ caller, correlationId, path: pathParameters }) => ({
  statusCode: 200,
  body: { correlationId, caller: caller ?? null, pathParameters },
}));

const whoAmIHandler = httpHandler({ auth: 'jwt' }, ({ caller }) => ({ statusCode: 200, body: caller }));

const PersonBody = z.object({
  name: z.string().min(1),
  subject: z.object({ nhsNumber: z.string().regex(/^\d{10}$/) }),
  priority: z.enum(['urgent', 'soon', 'routine']),
});
const createHandler = httpHandler({ auth: 'none', body: PersonBody }, ({ body }) => ({
  statusCode: 201,
  body: { received: body },
  headers: { ETag: '"1"' },
}));

const NameBody = z.object({ name: z.string() });
const acceptAnyNameHandler = httpHandler({ auth: 'none', body: NameBody }, ({ body }) => ({
  statusCode: 200,
  body: { length: body.name.length },
}));

const failingHandler = httpHandler({ auth: 'none', body: NameBody }, ({ body }) => {
  throw new Error(`could not process the referral for ${body.name}`);
});

const failingMultiLineHandler = httpHandler({ auth: 'none', body: NameBody }, ({ body }) => {
  throw new Error(`dependency failed\n  while handling ${body.name}\n  at the very end`);
});

const plainFailingHandler = httpHandler({ auth: 'none' }, () => {
  throw new Error('secret internals: connection string postgres://admin:hunter2@db');
});

const notFoundHandler = httpHandler({ auth: 'jwt' }, () => {
  throw new NotFoundError('No referral with this id is visible to you.');
});

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(25), box: z.enum(['inbox', 'outbox']) });
const listHandler = httpHandler({ auth: 'jwt', query: ListQuery }, ({ query }) => ({ statusCode: 200, body: query }));

const noContentHandler = httpHandler({ auth: 'none' }, () => ({ statusCode: 204 }));

/** Everything written to stdout/stderr or the console while a test runs, silenced. */
let captured: string[] = [];

beforeEach(() => {
  captured = [];
  const capture = (...args: unknown[]) => {
    captured.push(
      args
        .map((arg) => (typeof arg === 'string' ? arg : arg instanceof Uint8Array ? Buffer.from(arg).toString('utf8') : String(arg)))
        .join(' '),
    );
  };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    capture(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    capture(chunk);
    return true;
  });
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation(capture);
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('httpHandler: correlation id', () => {
  it('echoes a safe X-Correlation-Id on a successful response and hands it to the handler', async () => {
    // Prepare
    const event = httpEvent({ headers: { 'x-correlation-id': 'client-123' } });

    // Act
    const result = await invoke(echoHandler, event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(headerOf(result, 'X-Correlation-Id')).toBe('client-123');
    expect(jsonBody(result).correlationId).toBe('client-123');
  });

  it('generates a ULID on a successful response when none is sent', async () => {
    // Prepare
    const event = httpEvent();

    // Act
    const result = await invoke(echoHandler, event);

    // Assess
    const id = headerOf(result, 'X-Correlation-Id');
    expect(id).toMatch(ULID);
    expect(jsonBody(result).correlationId).toBe(id);
  });

  it('echoes the sent id on an error response, in the header and the problem body', async () => {
    // Prepare
    const event = httpEvent({ path: '/reference', headers: { 'x-correlation-id': 'err-456' } });

    // Act
    const result = await invoke(whoAmIHandler, event);

    // Assess
    expect(result.statusCode).toBe(401);
    expect(headerOf(result, 'X-Correlation-Id')).toBe('err-456');
    expect(jsonBody<ProblemBody>(result).correlationId).toBe('err-456');
  });

  it('generates an id on an error response when none is sent', async () => {
    // Prepare
    const event = httpEvent({ path: '/reference' });

    // Act
    const result = await invoke(whoAmIHandler, event);

    // Assess
    const id = headerOf(result, 'X-Correlation-Id');
    expect(result.statusCode).toBe(401);
    expect(id).toMatch(ULID);
    expect(jsonBody<ProblemBody>(result).correlationId).toBe(id);
  });

  it('generates an id on a 500 response too', async () => {
    // Prepare
    const event = httpEvent({ path: '/boom' });

    // Act
    const result = await invoke(plainFailingHandler, event);

    // Assess
    expect(result.statusCode).toBe(500);
    expect(headerOf(result, 'X-Correlation-Id')).toMatch(ULID);
  });

  it('replaces an unsafe id with a ULID everywhere, including what the handler sees', async () => {
    // Prepare
    const event = httpEvent({ headers: { 'x-correlation-id': 'evil\r\nSet-Cookie: a=b' } });

    // Act
    const result = await invoke(echoHandler, event);

    // Assess
    const id = headerOf(result, 'X-Correlation-Id');
    expect(id).toMatch(ULID);
    expect(jsonBody(result).correlationId).toBe(id);
  });

  it('does not carry one request’s id over to the next', async () => {
    // Prepare
    const first = httpEvent({ headers: { 'x-correlation-id': 'first-request' } });
    const second = httpEvent();

    // Act
    await invoke(echoHandler, first);
    const result = await invoke(echoHandler, second);

    // Assess
    expect(headerOf(result, 'X-Correlation-Id')).not.toBe('first-request');
    expect(headerOf(result, 'X-Correlation-Id')).toMatch(ULID);
  });
});

describe('httpHandler: body limit', () => {
  it('answers 413 problem+json for a text body one byte over 1 MiB', async () => {
    // Prepare
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS, body: 'a'.repeat(MAX_BODY_BYTES + 1) });

    // Act
    const result = await invoke(acceptAnyNameHandler, event);

    // Assess
    const problem = jsonBody<ProblemBody>(result);
    expect(result.statusCode).toBe(413);
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
    expect(problem.type).toBe('https://jointly.dev/problems/payload-too-large');
    expect(problem.detail).toContain(String(MAX_BODY_BYTES + 1));
    expect(headerOf(result, 'X-Correlation-Id')).toMatch(ULID);
  });

  it('answers 413 for a base64-encoded body whose decoded size is one byte over 1 MiB', async () => {
    // Prepare
    const encoded = Buffer.alloc(MAX_BODY_BYTES + 1, 0x61).toString('base64');
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS, body: encoded, isBase64Encoded: true });

    // Act
    const result = await invoke(acceptAnyNameHandler, event);

    // Assess
    expect(result.statusCode).toBe(413);
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
    expect(jsonBody<ProblemBody>(result).status).toBe(413);
  });

  it('measures multi-byte characters in bytes, not characters', async () => {
    // Prepare: 'é' is two bytes in UTF-8, so half the limit in characters is just over it in bytes.
    const body = 'é'.repeat(MAX_BODY_BYTES / 2) + 'a';
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS, body });

    // Act
    const result = await invoke(acceptAnyNameHandler, event);

    // Assess
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    expect(result.statusCode).toBe(413);
  });

  it('accepts a valid JSON body of exactly 1 MiB', async () => {
    // Prepare
    const envelope = JSON.stringify({ name: '' });
    const body = JSON.stringify({ name: 'a'.repeat(MAX_BODY_BYTES - envelope.length) });
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS, body });

    // Act
    const result = await invoke(acceptAnyNameHandler, event);

    // Assess
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    expect(result.statusCode).toBe(200);
    expect(jsonBody(result).length).toBe(MAX_BODY_BYTES - envelope.length);
  });

  it('enforces the limit on routes without a body schema as well', async () => {
    // Prepare
    const event = httpEvent({ method: 'POST', path: '/health', body: 'a'.repeat(MAX_BODY_BYTES + 1) });

    // Act
    const result = await invoke(echoHandler, event);

    // Assess
    expect(result.statusCode).toBe(413);
  });
});

describe('httpHandler: body parsing and validation', () => {
  it('passes a valid JSON body to the handler and serialises its result', async () => {
    // Prepare
    const sent = { name: 'A Person', subject: { nhsNumber: '9434765919' }, priority: 'urgent' };
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS, body: sent });

    // Act
    const result = await invoke(createHandler, event);

    // Assess
    expect(result.statusCode).toBe(201);
    expect(headerOf(result, 'Content-Type')).toBe('application/json');
    expect(headerOf(result, 'ETag')).toBe('"1"');
    expect(jsonBody(result)).toEqual({ received: sent });
  });

  it('accepts a JSON body sent base64-encoded', async () => {
    // Prepare
    const sent = { name: 'A Person', subject: { nhsNumber: '9434765919' }, priority: 'soon' };
    const encoded = Buffer.from(JSON.stringify(sent), 'utf8').toString('base64');
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS, body: encoded, isBase64Encoded: true });

    // Act
    const result = await invoke(createHandler, event);

    // Assess
    expect(result.statusCode).toBe(201);
    expect(jsonBody(result)).toEqual({ received: sent });
  });

  it('accepts a JSON content type with a charset and in any header case', async () => {
    // Prepare
    const sent = { name: 'A Person', subject: { nhsNumber: '9434765919' }, priority: 'routine' };
    const event = httpEvent({
      method: 'POST',
      path: '/things',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: sent,
    });

    // Act
    const result = await invoke(createHandler, event);

    // Assess
    expect(result.statusCode).toBe(201);
  });

  it('answers 400 problem+json naming (body) for malformed JSON', async () => {
    // Prepare
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS, body: '{"name": "unterminated' });

    // Act
    const result = await invoke(createHandler, event);

    // Assess
    const problem = jsonBody<ProblemBody>(result);
    expect(result.statusCode).toBe(400);
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
    expect(problem.type).toBe('https://jointly.dev/problems/bad-request');
    expect(problem.errors?.[0]?.path).toBe('(body)');
    expect(problem.instance).toBe('/things');
  });

  it('answers 400 naming (body) when a body route gets no body', async () => {
    // Prepare
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS });

    // Act
    const result = await invoke(createHandler, event);

    // Assess
    expect(result.statusCode).toBe(400);
    expect(jsonBody<ProblemBody>(result).errors?.[0]?.path).toBe('(body)');
  });

  it('answers 415 problem+json for a body that is not application/json', async () => {
    // Prepare
    const event = httpEvent({ method: 'POST', path: '/things', headers: { 'content-type': 'text/plain' }, body: 'name=Someone' });

    // Act
    const result = await invoke(createHandler, event);

    // Assess
    const problem = jsonBody<ProblemBody>(result);
    expect(result.statusCode).toBe(415);
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
    expect(problem.type).toBe('https://jointly.dev/problems/unsupported-media-type');
    expect(headerOf(result, 'X-Correlation-Id')).toMatch(ULID);
  });

  it('answers 415 when a body route gets no content type at all', async () => {
    // Prepare
    const event = httpEvent({ method: 'POST', path: '/things', body: '{}' });

    // Act
    const result = await invoke(createHandler, event);

    // Assess
    expect(result.statusCode).toBe(415);
  });

  it('answers 400 with errors[] naming each invalid field, nested paths dotted', async () => {
    // Prepare
    const event = httpEvent({
      method: 'POST',
      path: '/things',
      headers: JSON_HEADERS,
      body: { name: '', subject: { nhsNumber: '123' }, priority: 'whenever' },
    });

    // Act
    const result = await invoke(createHandler, event);

    // Assess
    const problem = jsonBody<ProblemBody>(result);
    expect(result.statusCode).toBe(400);
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['name', 'priority', 'subject.nhsNumber']);
    for (const fieldError of problem.errors ?? []) expect(fieldError.message).not.toBe('');
    expect(problem.detail).toContain('subject.nhsNumber');
  });

  it('answers 400 naming (body) for a JSON value of the wrong shape', async () => {
    // Prepare
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS, body: '[1,2,3]' });

    // Act
    const result = await invoke(createHandler, event);

    // Assess
    expect(result.statusCode).toBe(400);
    expect(jsonBody<ProblemBody>(result).errors).toEqual([{ path: '(body)', message: expect.any(String) }]);
  });

  it('refuses a __proto__ key in the body with a 400', async () => {
    // Prepare
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS, body: '{"__proto__":{"admin":true}}' });

    // Act
    const result = await invoke(createHandler, event);

    // Assess
    expect(result.statusCode).toBe(400);
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
  });
});

describe('httpHandler: query validation', () => {
  it('parses and coerces a valid query', async () => {
    // Prepare
    const event = httpEvent({ path: '/referrals?box=inbox&limit=10', claims: practitionerClaims() });

    // Act
    const result = await invoke(listHandler, event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({ box: 'inbox', limit: 10 });
  });

  it('applies defaults from the query schema', async () => {
    // Prepare
    const event = httpEvent({ path: '/referrals?box=outbox', claims: practitionerClaims() });

    // Act
    const result = await invoke(listHandler, event);

    // Assess
    expect(jsonBody(result)).toEqual({ box: 'outbox', limit: 25 });
  });

  it('answers 400 naming each bad query parameter', async () => {
    // Prepare
    const event = httpEvent({ path: '/referrals?box=elsewhere&limit=500', claims: practitionerClaims() });

    // Act
    const result = await invoke(listHandler, event);

    // Assess
    const problem = jsonBody<ProblemBody>(result);
    expect(result.statusCode).toBe(400);
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['box', 'limit']);
    expect(problem.detail).toMatch(/^The query string is invalid/);
  });

  it('checks authentication before the query (401 before 400)', async () => {
    // Prepare
    const event = httpEvent({ path: '/referrals?box=elsewhere' });

    // Act
    const result = await invoke(listHandler, event);

    // Assess
    expect(result.statusCode).toBe(401);
  });
});

describe('httpHandler: authentication', () => {
  it('answers 401 problem+json on a jwt route without claims', async () => {
    // Prepare
    const event = httpEvent({ path: '/reference' });

    // Act
    const result = await invoke(whoAmIHandler, event);

    // Assess
    const problem = jsonBody<ProblemBody>(result);
    expect(result.statusCode).toBe(401);
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
    expect(problem.type).toBe('https://jointly.dev/problems/unauthenticated');
    expect(problem.title).toBe('Authentication required');
  });

  it('answers 401 on a jwt route whose claims carry no sub', async () => {
    // Prepare
    const event = httpEvent({
      path: '/reference',
      claims: { token_use: 'id', 'custom:org': 'provide', 'cognito:groups': '[practitioner]' },
    });

    // Act
    const result = await invoke(whoAmIHandler, event);

    // Assess
    expect(result.statusCode).toBe(401);
  });

  it('hands HTTP API string-form claims to the handler as a parsed Caller', async () => {
    // Prepare
    const event = httpEvent({
      path: '/reference',
      claims: {
        sub: 'user-7',
        token_use: 'id',
        'custom:org': 'ecc',
        'cognito:groups': '[practitioner programme_manager]',
        exp: '1795000000',
      },
    });

    // Act
    const result = await invoke(whoAmIHandler, event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(jsonBody<Caller>(result)).toEqual({ sub: 'user-7', org: 'ecc', roles: ['practitioner', 'programme_manager'] });
  });

  it('gives public routes the caller when a token was sent, and null when not', async () => {
    // Prepare
    const withToken = httpEvent({ claims: practitionerClaims() });
    const withoutToken = httpEvent();

    // Act
    const authenticated = await invoke(echoHandler, withToken);
    const anonymous = await invoke(echoHandler, withoutToken);

    // Assess
    expect(jsonBody(authenticated).caller).toEqual({ sub: 'user-1', org: 'provide', roles: ['practitioner'] });
    expect(jsonBody(anonymous).caller).toBeNull();
  });

  it('keeps a domain error’s status and detail', async () => {
    // Prepare
    const event = httpEvent({ path: '/referrals/r1', claims: practitionerClaims() });

    // Act
    const result = await invoke(notFoundHandler, event);

    // Assess
    const problem = jsonBody<ProblemBody>(result);
    expect(result.statusCode).toBe(404);
    expect(problem.detail).toBe('No referral with this id is visible to you.');
    expect(problem.instance).toBe('/referrals/r1');
  });
});

describe('httpHandler: response headers', () => {
  it('sets the security headers and no-store on a successful response', async () => {
    // Prepare
    const event = httpEvent();

    // Act
    const result = await invoke(echoHandler, event);

    // Assess
    expect(headerOf(result, 'Cache-Control')).toBe('no-store');
    expect(headerOf(result, 'X-Content-Type-Options')).toBe('nosniff');
    expect(headerOf(result, 'X-Frame-Options')).toBe('DENY');
    expect(headerOf(result, 'Referrer-Policy')).toBe('no-referrer');
    expect(headerOf(result, 'Strict-Transport-Security')).toMatch(/^max-age=\d+/);
    expect(headerOf(result, 'Content-Security-Policy')).toContain("default-src 'none'");
    expect(headerOf(result, 'Content-Security-Policy')).toContain("frame-ancestors 'none'");
  });

  it('sets the same security headers on an error response', async () => {
    // Prepare
    const event = httpEvent({ path: '/reference' });

    // Act
    const result = await invoke(whoAmIHandler, event);

    // Assess
    expect(result.statusCode).toBe(401);
    expect(headerOf(result, 'Cache-Control')).toBe('no-store');
    expect(headerOf(result, 'X-Content-Type-Options')).toBe('nosniff');
    expect(headerOf(result, 'Content-Security-Policy')).toContain("default-src 'none'");
  });

  it('returns neither a body nor a Content-Type when the handler returns none', async () => {
    // Prepare
    const event = httpEvent({ method: 'DELETE', path: '/subscriptions/s1' });

    // Act
    const result = await invoke(noContentHandler, event);

    // Assess
    expect(result.statusCode).toBe(204);
    expect(result.body).toBeUndefined();
    expect(headerOf(result, 'Content-Type')).toBeUndefined();
    expect(headerOf(result, 'X-Correlation-Id')).toMatch(ULID);
  });

  it('hands path parameters to the handler', async () => {
    // Prepare
    const event = httpEvent({ path: '/referrals/r-9', routeKey: 'GET /referrals/{id}', pathParameters: { id: 'r-9' } });

    // Act
    const result = await invoke(echoHandler, event);

    // Assess
    expect(jsonBody(result).pathParameters).toEqual({ id: 'r-9' });
  });
});

describe('httpHandler: internal errors', () => {
  it('answers a plain Error with a 500 that does not reveal the message', async () => {
    // Prepare
    const event = httpEvent({ path: '/boom' });

    // Act
    const result = await invoke(plainFailingHandler, event);

    // Assess
    const problem = jsonBody<ProblemBody>(result);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('secret internals');
    expect(result.body).not.toContain('hunter2');
    expect(problem.type).toBe('https://jointly.dev/problems/internal-error');
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
    expect(headerOf(result, 'Cache-Control')).toBe('no-store');
    expect(headerOf(result, 'X-Content-Type-Options')).toBe('nosniff');
  });

  it('never writes a personal value from the body to any log output', async () => {
    // Prepare
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS, body: { name: 'Jane Example' } });

    // Act
    const result = await invoke(failingHandler, event);

    // Assess
    const output = captured.join('\n');
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('Jane Example');
    expect(output).toContain('unhandled error');
    expect(output).not.toContain('Jane Example');
  });

  it('keeps a personal value out of the logs even when the error message spans several lines', async () => {
    // Prepare
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS, body: { name: 'Jane Example' } });

    // Act
    const result = await invoke(failingMultiLineHandler, event);

    // Assess
    const output = captured.join('\n');
    expect(result.statusCode).toBe(500);
    expect(output).toContain('unhandled error');
    expect(output).not.toContain('Jane Example');
    expect(output).not.toContain('dependency failed');
  });

  it('keeps personal values out of the logs and the problem on a validation failure', async () => {
    // Prepare
    const event = httpEvent({
      method: 'POST',
      path: '/things',
      headers: JSON_HEADERS,
      body: { name: 'Jane Example', subject: { nhsNumber: '943476591' }, priority: 'urgent' },
    });

    // Act
    const result = await invoke(createHandler, event);

    // Assess
    const output = captured.join('\n');
    expect(result.statusCode).toBe(400);
    expect(output).not.toContain('Jane Example');
    expect(output).not.toContain('943476591');
    expect(result.body).not.toContain('943476591');
  });

  it('writes one structured request line with route, method and status', async () => {
    // Prepare
    const event = httpEvent({ method: 'POST', path: '/things', headers: JSON_HEADERS, body: { name: 'Jane Example' } });

    // Act
    await invoke(acceptAnyNameHandler, event);

    // Assess
    const lines = captured
      .join('')
      .split('\n')
      .filter((line) => line.trim().startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLines = lines.filter((line) => line.message === 'request');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ routeKey: 'POST /things', method: 'POST', statusCode: 200 });
    expect(typeof requestLines[0]?.durationMs).toBe('number');
    expect(captured.join('\n')).not.toContain('Jane Example');
  });
});

describe('httpHandler identity: fails closed before the handler runs', () => {
  let handlerRuns = 0;
  const guardedHandler = httpHandler({ auth: 'jwt', body: PersonBody }, () => {
    handlerRuns += 1;
    return { statusCode: 201, body: { ok: true } };
  });
  const publicHandler = httpHandler({ auth: 'none' }, ({ caller }) => ({ statusCode: 200, body: { caller: caller ?? null } }));
  /** A Cognito access token's claims as the HTTP API authorizer hands them on. */
  const accessTokenClaims = {
    sub: 'user-1',
    token_use: 'access',
    client_id: 'client',
    scope: 'openid email',
    username: 'user-1',
    'cognito:groups': '[practitioner]',
  };

  beforeEach(() => {
    handlerRuns = 0;
  });

  it('answers 401 problem+json to an access token, even one whose body is invalid', async () => {
    // Prepare
    const event = httpEvent({ method: 'POST', path: '/referrals', claims: accessTokenClaims, body: { name: '' } });

    // Act
    const result = await invoke(guardedHandler, event);

    // Assess
    expect(result.statusCode).toBe(401);
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
    expect(headerOf(result, 'WWW-Authenticate')).toBe('Bearer');
    expect(jsonBody<ProblemBody>(result).detail).toMatch(/ID token/);
    expect(handlerRuns).toBe(0);
  });

  it('answers 403 problem+json to an ID token without custom:org or with an unregistered one, before validation', async () => {
    // Prepare
    const noOrg = { sub: 'user-1', token_use: 'id', 'cognito:groups': '[programme_manager]' };
    const fakeOrg = { ...noOrg, 'custom:org': 'nhs-fake' };
    const events = [noOrg, fakeOrg].map((claims) => httpEvent({ method: 'POST', path: '/referrals', claims, body: { name: '' } }));

    // Act
    const results = await Promise.all(events.map((event) => invoke(guardedHandler, event)));

    // Assess
    expect(results.map((r) => r.statusCode)).toEqual([403, 403]);
    expect(results.map((r) => headerOf(r, 'Content-Type'))).toEqual(['application/problem+json', 'application/problem+json']);
    expect(results.map((r) => jsonBody<ProblemBody>(r).type)).toEqual([
      'https://jointly.dev/problems/forbidden',
      'https://jointly.dev/problems/forbidden',
    ]);
    expect(handlerRuns).toBe(0);
  });

  it('treats a refused token on a public route as no caller, not as an error', async () => {
    // Prepare
    const event = httpEvent({ path: '/health', claims: accessTokenClaims });

    // Act
    const result = await invoke(publicHandler, event);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({ caller: null });
  });
});
