/**
 * The local runtime as a user meets it: `npm start`'s entry point in a child process,
 * spoken to over HTTP. Covers the foundation's contract: health, OpenAPI, local tokens,
 * the JWT authorizer's 401s, problem+json 404/405/413, correlation ids.
 */
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROUTES } from '#shared/wiring/routes.ts';
import { startRuntimeProcess, tokenFor, type RuntimeProcess } from '#test/support/local-runtime-process.ts';

let runtime: RuntimeProcess;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') });
});

afterAll(async () => {
  await runtime?.stop();
});

const practitioner = { sub: 'e2e-alice', org: 'ecc', roles: ['practitioner'] };

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('public routes', () => {
  it('GET /health answers ok with a generated correlation id', async () => {
    // Prepare
    const url = `${runtime.url}/health`;

    // Act
    const response = await fetch(url);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('x-correlation-id')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('echoes the X-Correlation-Id a client sends', async () => {
    // Prepare
    const headers = { 'X-Correlation-Id': 'triage-desk-42' };

    // Act
    const response = await fetch(`${runtime.url}/health`, { headers });

    // Assess
    expect(response.headers.get('x-correlation-id')).toBe('triage-desk-42');
  });

  it('GET /openapi.json documents every route of the route table as OpenAPI 3.1', async () => {
    // Prepare
    const url = `${runtime.url}/openapi.json`;

    // Act
    const document = (await (await fetch(url)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
    };

    // Assess
    expect(document.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      expect(document.paths[route.path]?.[route.method.toLowerCase()]?.operationId).toBe(route.operationId);
    }
    expect(JSON.stringify(document)).not.toContain('_local');
  });
});

describe('local tokens and the JWT authorizer', () => {
  it('GET /reference with a local token answers the registries and code lists', async () => {
    // Prepare
    const token = await tokenFor(runtime.url, practitioner);

    // Act
    const response = await fetch(`${runtime.url}/reference`, { headers: { Authorization: `Bearer ${token}` } });

    // Assess
    expect(response.status).toBe(200);
    const body = (await response.json()) as { organisations: { id: string }[]; priorities: { code: string; targetMinutes: number }[] };
    expect(body.organisations.map((o) => o.id)).toEqual(['provide', 'ecc', 'meht', 'ageuk-essex']);
    expect(body.priorities).toEqual([
      { code: 'urgent', label: 'Urgent', targetMinutes: 120 },
      { code: 'soon', label: 'Soon', targetMinutes: 1440 },
      { code: 'routine', label: 'Routine', targetMinutes: 7200 },
    ]);
  });

  it('a token request missing fields is a 400 problem naming them', async () => {
    // Prepare
    const body = JSON.stringify({ org: 'ecc', roles: ['wizard'] });

    // Act
    const response = await fetch(`${runtime.url}/_local/token`, { method: 'POST', body });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['sub', 'roles.0']));
  });

  const rejected: [string, () => Promise<Record<string, string>>][] = [
    ['no Authorization header', async () => ({})],
    ['a Basic scheme', async () => ({ Authorization: 'Basic YWxpY2U6c2VjcmV0' })],
    ['a malformed token', async () => ({ Authorization: 'Bearer not-a-jwt' })],
    [
      'a token signed by someone else’s key (forged)',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        const forged = await new SignJWT({ 'custom:org': 'ecc', 'cognito:groups': ['programme_manager'] })
          .setProtectedHeader({ alg: 'RS256' })
          .setSubject('mallory')
          .setIssuer('https://jointly.local/issuer')
          .setAudience('jointly-local-client')
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey);
        return { Authorization: `Bearer ${forged}` };
      },
    ],
    [
      'an alg:none token',
      async () => {
        const now = Math.floor(Date.now() / 1000);
        const payload = {
          sub: 'mallory',
          'custom:org': 'ecc',
          iss: 'https://jointly.local/issuer',
          aud: 'jointly-local-client',
          iat: now,
          exp: now + 3600,
        };
        return { Authorization: `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.` };
      },
    ],
    [
      'a genuine token whose signature was tampered with (claims changed)',
      async () => {
        const [header, , signature] = (await tokenFor(runtime.url, practitioner)).split('.');
        const now = Math.floor(Date.now() / 1000);
        const escalated = {
          sub: 'e2e-alice',
          'custom:org': 'ecc',
          'cognito:groups': ['programme_manager'],
          iss: 'https://jointly.local/issuer',
          aud: 'jointly-local-client',
          iat: now,
          exp: now + 3600,
        };
        return { Authorization: `Bearer ${header}.${base64url(escalated)}.${signature}` };
      },
    ],
  ];

  it.each(rejected)('GET /reference with %s → 401 like the HTTP API authorizer', async (_case, headersFor) => {
    // Prepare
    const headers = await headersFor();

    // Act
    const response = await fetch(`${runtime.url}/reference`, { headers });

    // Assess
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('{"message":"Unauthorized"}');
  });

  it('an expired token → 401', async () => {
    // Prepare
    const token = await tokenFor(runtime.url, { ...practitioner, expiresInSeconds: 1 });
    await new Promise((r) => setTimeout(r, 2100));

    // Act
    const response = await fetch(`${runtime.url}/reference`, { headers: { Authorization: `Bearer ${token}` } });

    // Assess
    expect(response.status).toBe(401);
  });
});

describe('errors are problem+json', () => {
  it('an unknown route → 404 problem+json with the correlation id', async () => {
    // Prepare
    const headers = { 'X-Correlation-Id': 'lost-1' };

    // Act
    const response = await fetch(`${runtime.url}/no/such/route`, { headers });

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-correlation-id')).toBe('lost-1');
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not found', instance: '/no/such/route', correlationId: 'lost-1' });
  });

  it('a known path with the wrong method → 405 with Allow', async () => {
    // Prepare
    const init = { method: 'DELETE' };

    // Act
    const response = await fetch(`${runtime.url}/reference`, init);

    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('a body over 1 MiB → 413 problem+json from the middleware, before anything parses it', async () => {
    // Prepare
    const token = await tokenFor(runtime.url, practitioner);
    const body = JSON.stringify({ padding: 'x'.repeat(1024 * 1024) });

    // Act
    const response = await fetch(`${runtime.url}/reference`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body,
    });

    // Assess
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-correlation-id')).toBeTruthy();
  });

  it('a body over the gateway’s 10 MB → 413 problem+json without reaching a handler', async () => {
    // Prepare
    const body = 'x'.repeat(10 * 1024 * 1024 + 1);

    // Act
    const response = await fetch(`${runtime.url}/health`, { method: 'POST', body });

    // Assess
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
