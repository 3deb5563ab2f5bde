import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalTokenIssuer,
  TOKEN_LIFETIME_SECONDS,
  TokenRequestSchema,
  type LocalTokenIssuer,
} from '#infra/local/local-token-issuer.ts';

let issuer: LocalTokenIssuer;

beforeAll(async () => {
  issuer = await createLocalTokenIssuer();
});

describe('createLocalTokenIssuer: both Cognito token kinds', () => {
  it('mints an ID token by default, with aud, token_use, cognito:username and auth_time', async () => {
    // Prepare
    const now = new Date('2026-11-28T00:00:00Z');

    // Act
    const payload = decodeJwt(await issuer.mint({ sub: 'user-1', org: 'ecc', roles: ['practitioner'], email: 'pat@example.org' }, { now }));

    // Assess
    const issuedAt = Math.floor(now.getTime() / 1000);
    expect(payload).toMatchObject({
      aud: issuer.audience,
      token_use: 'id',
      'custom:org': 'ecc',
      'cognito:groups': ['practitioner'],
      'cognito:username': 'user-1',
      auth_time: issuedAt,
      email: 'pat@example.org',
    });
    expect(payload).not.toHaveProperty('client_id');
    expect(payload).not.toHaveProperty('scope');
  });

  it('mints an ID token without custom:org for a user created without one', async () => {
    // Act
    const payload = decodeJwt(await issuer.mint({ sub: 'user-3', roles: ['practitioner'] }));

    // Assess
    expect(payload.token_use).toBe('id');
    expect(payload).not.toHaveProperty('custom:org');
  });

  it('mints an access token as Cognito does: client_id, scope, username, jti; no aud, no custom attributes', async () => {
    // Prepare
    const request = {
      sub: 'user-4',
      org: 'ecc',
      roles: ['programme_manager' as const],
      name: 'Pam',
      email: 'pam@example.org',
      tokenUse: 'access' as const,
    };

    // Act
    const payload = decodeJwt(await issuer.mint(request));

    // Assess
    expect(payload).toMatchObject({
      sub: 'user-4',
      token_use: 'access',
      client_id: issuer.audience,
      scope: 'openid email',
      username: 'user-4',
      'cognito:groups': ['programme_manager'],
      iss: issuer.issuer,
    });
    expect(typeof payload.jti).toBe('string');
    expect(typeof payload.auth_time).toBe('number');
    for (const absent of ['aud', 'custom:org', 'name', 'email', 'cognito:username']) expect(payload).not.toHaveProperty(absent);
  });

  it('accepts tokenUse id or access, and a request without org', () => {
    // Prepare
    const requests = [
      { sub: 'u', roles: [] },
      { sub: 'u', org: 'ecc', roles: ['practitioner'], tokenUse: 'id' },
      { sub: 'u', roles: ['practitioner'], tokenUse: 'access' },
    ];

    // Act
    const results = requests.map((request) => TokenRequestSchema.safeParse(request).success);

    // Assess
    expect(results).toEqual([true, true, true]);
  });
});

describe('createLocalTokenIssuer', () => {
  it('uses the default issuer and audience unless told otherwise', async () => {
    // Prepare
    const custom = await createLocalTokenIssuer('https://issuer.test', 'client-test');

    // Act
    const names = [issuer.issuer, issuer.audience, custom.issuer, custom.audience];

    // Assess
    expect(names).toEqual(['https://jointly.local/issuer', 'jointly-local-client', 'https://issuer.test', 'client-test']);
  });

  it('mints an RS256 token with the deployed claim names', async () => {
    // Prepare
    const now = new Date('2026-11-28T00:00:00Z');

    // Act
    const token = await issuer.mint(
      { sub: 'user-1', org: 'provide', roles: ['practitioner'], name: 'Pat Practitioner', email: 'pat@example.org' },
      { now },
    );

    // Assess
    const header = decodeProtectedHeader(token);
    const payload = decodeJwt(token);
    const issuedAt = Math.floor(now.getTime() / 1000);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({
      sub: 'user-1',
      'custom:org': 'provide',
      'cognito:groups': ['practitioner'],
      token_use: 'id',
      name: 'Pat Practitioner',
      email: 'pat@example.org',
      iss: issuer.issuer,
      aud: issuer.audience,
      iat: issuedAt,
      exp: issuedAt + TOKEN_LIFETIME_SECONDS,
    });
  });

  it('leaves out optional name and email when not given', async () => {
    // Prepare
    const request = { sub: 'user-2', org: 'ecc', roles: ['programme_manager' as const] };

    // Act
    const payload = decodeJwt(await issuer.mint(request));

    // Assess
    expect(payload).not.toHaveProperty('name');
    expect(payload).not.toHaveProperty('email');
  });

  it('honours a shorter lifetime', async () => {
    // Prepare
    const now = new Date('2026-11-28T00:00:00Z');

    // Act
    const payload = decodeJwt(await issuer.mint({ sub: 'u', org: 'ecc', roles: [] }, { now, expiresInSeconds: 60 }));

    // Assess
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(60);
  });
});

describe('TokenRequestSchema', () => {
  it('accepts a minimal and a full request', () => {
    // Prepare
    const minimal = { sub: 'u', org: 'provide', roles: ['practitioner'] };
    const full = { ...minimal, roles: ['practitioner', 'programme_manager'], name: 'Pat', email: 'pat@example.org' };

    // Act
    const results = [TokenRequestSchema.safeParse(minimal), TokenRequestSchema.safeParse(full)];

    // Assess
    expect(results.map((result) => result.success)).toEqual([true, true]);
  });

  it('rejects unknown roles', () => {
    // Prepare
    const request = { sub: 'u', org: 'provide', roles: ['admin'] };

    // Act
    const result = TokenRequestSchema.safeParse(request);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['roles', 0]);
  });

  it('rejects extra fields', () => {
    // Prepare
    const request = { sub: 'u', org: 'provide', roles: ['practitioner'], 'cognito:groups': ['programme_manager'] };

    // Act
    const result = TokenRequestSchema.safeParse(request);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it.each([
    ['an empty sub', { sub: '', org: 'provide', roles: [] }],
    ['an empty org', { sub: 'u', org: '', roles: [] }],
    ['an unknown token use', { sub: 'u', org: 'provide', roles: [], tokenUse: 'refresh' }],
    ['a missing roles list', { sub: 'u', org: 'provide' }],
    ['an invalid email', { sub: 'u', org: 'provide', roles: [], email: 'not-an-email' }],
  ])('rejects %s', (_what, request) => {
    // Prepare
    const input = request;

    // Act
    const result = TokenRequestSchema.safeParse(input);

    // Assess
    expect(result.success).toBe(false);
  });
});
