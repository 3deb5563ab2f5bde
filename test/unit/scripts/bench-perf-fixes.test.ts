/**
 * The request-path savings the benchmark led to keep behaviour: a token verified once is
 * not verified again, yet an expired, not-yet-valid or differently-addressed token is still
 * refused; request and correlation ids are still fresh ULIDs.
 */
import { generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authorize, VERIFIED_TOKENS_KEPT, type JwtAuthorizerOptions } from '#infra/local/jwt-authorizer.ts';
import { createLocalTokenIssuer, type LocalTokenIssuer } from '#infra/local/local-token-issuer.ts';
import { newUlid } from '#shared/core/ids.ts';
import { correlationIdFrom } from '#shared/platform/http/correlation-id.ts';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

let issuer: LocalTokenIssuer;
let options: JwtAuthorizerOptions;

beforeAll(async () => {
  issuer = await createLocalTokenIssuer();
  options = { issuer: issuer.issuer, audience: issuer.audience, publicKey: issuer.publicKey };
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('authorize: verified tokens are remembered, their time bounds are not', () => {
  it('a token presented again yields the same claims, each time a copy of its own', async () => {
    // Prepare
    const token = await issuer.mint({ sub: 'cache-1', org: 'ecc', roles: ['practitioner'] });
    const first = await authorize(`Bearer ${token}`, options);

    // Act
    const second = await authorize(`Bearer ${token}`, options);
    second!.sub = 'changed by a handler';
    const third = await authorize(`Bearer ${token}`, options);

    // Assess
    expect(second).not.toBe(first);
    expect(third).toEqual(first);
    expect(third?.sub).toBe('cache-1');
  });

  it('a remembered token is refused once it has expired', async () => {
    // Prepare
    const token = await issuer.mint({ sub: 'cache-2', org: 'ecc', roles: ['practitioner'] }, { expiresInSeconds: 60 });
    const before = await authorize(`Bearer ${token}`, options);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);

    // Act
    const after = await authorize(`Bearer ${token}`, options);
    const again = await authorize(`Bearer ${token}`, options);

    // Assess
    expect(before?.sub).toBe('cache-2');
    expect(after).toBeUndefined();
    expect(again).toBeUndefined();
  });

  it('a token is refused before its nbf, accepted after, and refused again should the clock go back', async () => {
    // Prepare
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const own = { issuer: 'https://nbf.example', audience: 'nbf-client', publicKey };
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ 'custom:org': 'ecc', 'cognito:groups': ['practitioner'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('cache-3')
      .setIssuer(own.issuer)
      .setAudience(own.audience)
      .setIssuedAt(now)
      .setNotBefore(now + 30)
      .setExpirationTime(now + 3600)
      .sign(privateKey);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now * 1000);

    // Act
    const early = await authorize(`Bearer ${token}`, own);
    vi.setSystemTime((now + 31) * 1000);
    const onTime = await authorize(`Bearer ${token}`, own);
    vi.setSystemTime(now * 1000);
    const clockBack = await authorize(`Bearer ${token}`, own);

    // Assess
    expect(early).toBeUndefined();
    expect(onTime?.sub).toBe('cache-3');
    expect(clockBack).toBeUndefined();
  });

  it('a token verified for one audience or issuer is not taken as verified for another', async () => {
    // Prepare
    const token = await issuer.mint({ sub: 'cache-4', org: 'ecc', roles: ['practitioner'] });
    await authorize(`Bearer ${token}`, options);

    // Act
    const otherAudience = await authorize(`Bearer ${token}`, { ...options, audience: 'some-other-client' });
    const otherIssuer = await authorize(`Bearer ${token}`, { ...options, issuer: 'https://evil.example/issuer' });
    const otherKey = await authorize(`Bearer ${token}`, { ...options, publicKey: (await createLocalTokenIssuer()).publicKey });

    // Assess
    expect(otherAudience).toBeUndefined();
    expect(otherIssuer).toBeUndefined();
    expect(otherKey).toBeUndefined();
  });

  it('a verified token with its signature altered is refused (only whole tokens are remembered)', async () => {
    // Prepare
    const token = await issuer.mint({ sub: 'cache-5', org: 'ecc', roles: ['practitioner'] });
    await authorize(`Bearer ${token}`, options);
    const [header, payload, signature] = token.split('.');
    const altered = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;

    // Act
    const claims = await authorize(`Bearer ${altered}`, options);

    // Assess
    expect(claims).toBeUndefined();
  });

  it('remembers a bounded number of tokens and still verifies the ones it forgot', async () => {
    // Prepare
    const first = await issuer.mint({ sub: 'cache-first', org: 'ecc', roles: ['practitioner'] });
    await authorize(`Bearer ${first}`, options);
    const others = await Promise.all(
      Array.from({ length: VERIFIED_TOKENS_KEPT }, (_, i) => issuer.mint({ sub: `cache-other-${i}`, org: 'ecc', roles: [] })),
    );
    for (const token of others) await authorize(`Bearer ${token}`, options);

    // Act
    const claims = await authorize(`Bearer ${first}`, options);

    // Assess
    expect(claims?.sub).toBe('cache-first');
  }, 60_000);
});

describe('newUlid and correlationIdFrom', () => {
  it('makes ULIDs of the current time, all different', () => {
    // Prepare
    const before = Date.now();

    // Act
    const ids = Array.from({ length: 2000 }, () => newUlid());

    // Assess
    for (const id of ids) expect(id).toMatch(ULID);
    expect(new Set(ids).size).toBe(ids.length);
    const time = [...ids[0]!.slice(0, 10)].reduce((ms, ch) => ms * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(ch), 0);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });

  it('spreads the random part over the whole alphabet (pooled bytes are used, not repeated)', () => {
    // Act
    const randomParts = Array.from({ length: 2000 }, () => newUlid().slice(10)).join('');

    // Assess
    expect(new Set(randomParts).size).toBe(32);
  });

  it('a request without a usable correlation id gets a fresh ULID', () => {
    // Act
    const id = correlationIdFrom({ 'x-correlation-id': 'has spaces' });

    // Assess
    expect(id).toMatch(ULID);
  });
});
