import { beforeAll, describe, expect, it } from 'vitest';
import { audienceMatches, authorize, stringifyClaims, UNAUTHORIZED_BODY, type JwtAuthorizerOptions } from '#infra/local/jwt-authorizer.ts';
import { createLocalTokenIssuer, type LocalTokenIssuer } from '#infra/local/local-token-issuer.ts';
import { callerFromClaims } from '#shared/core/identity.ts';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

let issuer: LocalTokenIssuer;
let forger: LocalTokenIssuer;
let options: JwtAuthorizerOptions;

beforeAll(async () => {
  issuer = await createLocalTokenIssuer();
  // Same issuer and audience names, different key: what a forger would produce.
  forger = await createLocalTokenIssuer(issuer.issuer, issuer.audience);
  options = { issuer: issuer.issuer, audience: issuer.audience, publicKey: issuer.publicKey };
});

describe('authorize: the audience rule of the HTTP API JWT authorizer (aud, else client_id)', () => {
  it('lets an access token through on client_id, as AWS does; identify() is what refuses it', async () => {
    // Prepare
    const token = await issuer.mint({ sub: 'user-at', roles: ['practitioner'], tokenUse: 'access' });

    // Act
    const claims = await authorize(`Bearer ${token}`, options);

    // Assess
    expect(claims).toMatchObject({ sub: 'user-at', token_use: 'access', client_id: issuer.audience, 'cognito:groups': '[practitioner]' });
    expect(claims).not.toHaveProperty('aud');
    expect(callerFromClaims(claims)).toBeUndefined();
  });

  it('rejects a token without aud whose client_id names another client', async () => {
    // Prepare
    const other = { ...options, audience: 'another-client' };
    const token = await issuer.mint({ sub: 'user-at', roles: ['practitioner'], tokenUse: 'access' });

    // Act
    const claims = await authorize(`Bearer ${token}`, other);

    // Assess
    expect(claims).toBeUndefined();
  });

  it('judges aud alone when a token has both: a matching client_id does not rescue a wrong aud', () => {
    // Prepare
    const payloads = [
      { aud: 'other', client_id: 'mine' },
      { aud: ['other', 'mine'] },
      { aud: 'mine', client_id: 'other' },
      { client_id: 'mine' },
      {},
    ];

    // Act
    const verdicts = payloads.map((payload) => audienceMatches(payload, 'mine'));

    // Assess
    expect(verdicts).toEqual([false, true, true, true, false]);
  });
});

describe('authorize: valid tokens', () => {
  it('verifies a minted token and yields its claims in HTTP API string form', async () => {
    // Prepare
    const token = await issuer.mint({ sub: 'user-1', org: 'provide', roles: ['practitioner'] });

    // Act
    const claims = await authorize(`Bearer ${token}`, options);

    // Assess
    expect(claims).toBeDefined();
    expect(claims?.sub).toBe('user-1');
    expect(claims?.['custom:org']).toBe('provide');
    expect(claims?.['cognito:groups']).toBe('[practitioner]');
    expect(claims?.exp).toMatch(/^\d+$/);
    expect(claims?.iat).toMatch(/^\d+$/);
    expect(claims?.iss).toBe(issuer.issuer);
    expect(claims?.aud).toBe(issuer.audience);
    for (const value of Object.values(claims ?? {})) expect(typeof value).toBe('string');
  });

  it('yields claims that callerFromClaims turns into the caller', async () => {
    // Prepare
    const token = await issuer.mint({ sub: 'pm-1', org: 'ecc', roles: ['practitioner', 'programme_manager'] });

    // Act
    const claims = await authorize(`Bearer ${token}`, options);

    // Assess
    expect(claims?.['cognito:groups']).toBe('[practitioner programme_manager]');
    expect(callerFromClaims(claims)).toEqual({ sub: 'pm-1', org: 'ecc', roles: ['practitioner', 'programme_manager'] });
  });

  it('accepts the scheme in any case and trailing whitespace', async () => {
    // Prepare
    const token = await issuer.mint({ sub: 'user-1', org: 'provide', roles: [] });

    // Act
    const claims = await authorize(`bearer ${token}  `, options);

    // Assess
    expect(claims?.sub).toBe('user-1');
    // A user in no group: Cognito leaves the claim out rather than sending an empty list.
    expect(claims).not.toHaveProperty('cognito:groups');
  });
});

describe('authorize: rejected requests', () => {
  it('rejects a missing Authorization header', async () => {
    // Prepare
    const header = undefined;

    // Act
    const claims = await authorize(header, options);

    // Assess
    expect(claims).toBeUndefined();
  });

  it('rejects Basic credentials', async () => {
    // Prepare
    const header = `Basic ${Buffer.from('user:password').toString('base64')}`;

    // Act
    const claims = await authorize(header, options);

    // Assess
    expect(claims).toBeUndefined();
  });

  it.each(['Bearer', 'Bearer ', 'Bearer garbage', 'Bearer a.b', 'Bearer a.b.c', 'Bearer not a token at all', 'Bearer x.y.z.w'])(
    'rejects garbage: %j',
    async (header) => {
      // Prepare
      const value = header;

      // Act
      const claims = await authorize(value, options);

      // Assess
      expect(claims).toBeUndefined();
    },
  );

  it('rejects a token signed by another issuer’s key', async () => {
    // Prepare
    const forged = await forger.mint({ sub: 'attacker', org: 'provide', roles: ['programme_manager'] });

    // Act
    const claims = await authorize(`Bearer ${forged}`, options);

    // Assess
    expect(claims).toBeUndefined();
  });

  it('rejects a token whose payload was altered after signing', async () => {
    // Prepare
    const token = await issuer.mint({ sub: 'user-1', org: 'provide', roles: ['practitioner'] });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${header}.${base64url({ ...claims, 'cognito:groups': ['programme_manager'] })}.${signature}`;

    // Act
    const result = await authorize(`Bearer ${tampered}`, options);

    // Assess
    expect(result).toBeUndefined();
  });

  it('rejects an alg: none token', async () => {
    // Prepare
    const now = Math.floor(Date.now() / 1000);
    const header = base64url({ alg: 'none', typ: 'JWT' });
    const payload = base64url({
      sub: 'attacker',
      'custom:org': 'provide',
      'cognito:groups': ['programme_manager'],
      iss: issuer.issuer,
      aud: issuer.audience,
      iat: now,
      exp: now + 3600,
    });
    const unsigned = `${header}.${payload}.`;

    // Act
    const claims = await authorize(`Bearer ${unsigned}`, options);

    // Assess
    expect(claims).toBeUndefined();
  });

  it('rejects an expired token', async () => {
    // Prepare
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    const token = await issuer.mint({ sub: 'user-1', org: 'provide', roles: ['practitioner'] }, { now: twoHoursAgo });

    // Act
    const claims = await authorize(`Bearer ${token}`, options);

    // Assess
    expect(claims).toBeUndefined();
  });

  it('rejects a token for another audience', async () => {
    // Prepare
    const token = await issuer.mint({ sub: 'user-1', org: 'provide', roles: ['practitioner'] });

    // Act
    const claims = await authorize(`Bearer ${token}`, { ...options, audience: 'some-other-client' });

    // Assess
    expect(claims).toBeUndefined();
  });

  it('rejects a token from another issuer', async () => {
    // Prepare
    const token = await issuer.mint({ sub: 'user-1', org: 'provide', roles: ['practitioner'] });

    // Act
    const claims = await authorize(`Bearer ${token}`, { ...options, issuer: 'https://evil.example/issuer' });

    // Assess
    expect(claims).toBeUndefined();
  });
});

describe('stringifyClaims', () => {
  it('stringifies numbers and booleans, flattens arrays, serialises objects and drops null', () => {
    // Prepare
    const payload = {
      sub: 'u',
      exp: 1_795_000_000,
      email_verified: true,
      'cognito:groups': ['practitioner', 'programme_manager'],
      address: { locality: 'Chelmsford' },
      nothing: null,
    } as unknown as Parameters<typeof stringifyClaims>[0];

    // Act
    const claims = stringifyClaims(payload);

    // Assess
    expect(claims).toEqual({
      sub: 'u',
      exp: '1795000000',
      email_verified: 'true',
      'cognito:groups': '[practitioner programme_manager]',
      address: '{"locality":"Chelmsford"}',
    });
  });
});

describe('UNAUTHORIZED_BODY', () => {
  it('matches API Gateway’s own 401 body', () => {
    // Prepare
    const expected = { message: 'Unauthorized' };

    // Act
    const parsed = JSON.parse(UNAUTHORIZED_BODY) as unknown;

    // Assess
    expect(parsed).toEqual(expected);
  });
});
