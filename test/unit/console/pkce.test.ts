/**
 * The console's sign-in with PKCE (console/src/pkce.ts), in Node's WebCrypto.
 *
 * Nothing outside console/ may import the browser code (the `nothing-imports-the-console`
 * architecture rule), so the test bundles the module by path with esbuild for the browser, as
 * the console build does, and loads what it produced: what is tested is what ships.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#infra/constructs/jointly-function.ts';

/** console/src/pkce.ts as these tests use it (its types cannot be imported either). */
interface CognitoLogin {
  readonly domain: string;
  readonly clientId: string;
  readonly redirectUri: string;
}
type MemoryStorage = Map<string, string> & {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
};
interface PkceModule {
  PENDING_SIGN_IN_KEY: string;
  createCodeVerifier(): string;
  createState(): string;
  codeChallengeOf(verifier: string): Promise<string>;
  authorizeUrl(login: CognitoLogin, codeChallenge: string, state: string): string;
  tokenRequest(login: CognitoLogin, code: string, codeVerifier: string): { url: string; init: RequestInit };
  logoutUrl(login: CognitoLogin): string;
  isSignInCallback(url: string): boolean;
  beginSignIn(login: CognitoLogin, storage: MemoryStorage): Promise<string>;
  completeSignIn(login: CognitoLogin, callbackUrl: string, storage: MemoryStorage, send: typeof fetch): Promise<string>;
  decodeIdToken(idToken: string): { sub: string; org: string; roles: string[]; name?: string; email?: string; expiresAt?: number };
}

const LOGIN: CognitoLogin = {
  domain: 'https://jointly-dev-1a2b3c4d.auth.eu-west-2.amazoncognito.com',
  clientId: 'console-client-id',
  redirectUri: 'https://d111111abcdef8.cloudfront.net/console/',
};

/** A `sessionStorage` stand-in. */
const memoryStorage = (): MemoryStorage =>
  Object.assign(new Map<string, string>(), {
    getItem(this: Map<string, string>, key: string) {
      return this.get(key) ?? null;
    },
    setItem(this: Map<string, string>, key: string, value: string) {
      this.set(key, value);
    },
    removeItem(this: Map<string, string>, key: string) {
      this.delete(key);
    },
  });

/** A JWT with `claims` as its payload (unsigned: the module does not verify). */
const jwt = (claims: Record<string, unknown>): string =>
  ['{"alg":"RS256"}', JSON.stringify(claims), 'signature'].map((part) => Buffer.from(part).toString('base64url')).join('.');

let dir: string;
let pkce: PkceModule;

beforeAll(async () => {
  // Prepare: the module as the console build bundles it, for the browser
  dir = await mkdtemp(path.join(tmpdir(), 'jointly-pkce-'));
  const bundle = await build({
    entryPoints: [path.join(REPO_ROOT, 'console/src/pkce.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    logLevel: 'silent',
  });
  const file = path.join(dir, 'pkce.mjs');
  await writeFile(file, bundle.outputFiles[0]!.text);
  pkce = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as PkceModule;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('code verifier and challenge', () => {
  it('derives the S256 challenge of RFC 7636 Appendix B', async () => {
    // Prepare
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

    // Act
    const challenge = await pkce.codeChallengeOf(verifier);

    // Assess
    expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a fresh verifier of 43 to 128 unreserved characters each time, and a fresh state', () => {
    // Act
    const verifiers = Array.from({ length: 20 }, () => pkce.createCodeVerifier());
    const states = Array.from({ length: 20 }, () => pkce.createState());

    // Assess
    for (const verifier of verifiers) {
      expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    }
    for (const state of states) expect(state).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(verifiers).size).toBe(verifiers.length);
    expect(new Set(states).size).toBe(states.length);
  });
});

describe('URLs', () => {
  it('asks managed login for a code with an S256 challenge, the console client, its redirect, the three scopes and the state', () => {
    // Act
    const url = new URL(pkce.authorizeUrl(LOGIN, 'the-challenge', 'the-state'));

    // Assess
    expect(`${url.origin}${url.pathname}`).toBe(`${LOGIN.domain}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: LOGIN.clientId,
      redirect_uri: LOGIN.redirectUri,
      scope: 'openid email profile',
      code_challenge: 'the-challenge',
      code_challenge_method: 'S256',
      state: 'the-state',
    });
  });

  it('exchanges the code by a form-encoded POST to the token endpoint, with the verifier and no credentials', () => {
    // Act
    const { url, init } = pkce.tokenRequest(LOGIN, 'the-code', 'the-verifier');

    // Assess
    expect(url).toBe(`${LOGIN.domain}/oauth2/token`);
    expect(init).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      credentials: 'omit',
      cache: 'no-store',
    });
    expect(Object.fromEntries(new URLSearchParams(String(init.body)))).toEqual({
      grant_type: 'authorization_code',
      client_id: LOGIN.clientId,
      code: 'the-code',
      redirect_uri: LOGIN.redirectUri,
      code_verifier: 'the-verifier',
    });
  });

  it('signs out of managed login and comes back to the console', () => {
    // Act
    const url = new URL(pkce.logoutUrl(LOGIN));

    // Assess
    expect(`${url.origin}${url.pathname}`).toBe(`${LOGIN.domain}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: LOGIN.clientId, logout_uri: LOGIN.redirectUri });
  });

  it('tells Cognito’s redirect back from any other visit to the console', () => {
    // Act / Assess
    expect(pkce.isSignInCallback(`${LOGIN.redirectUri}?code=c&state=s`)).toBe(true);
    expect(pkce.isSignInCallback(`${LOGIN.redirectUri}?error=access_denied&state=s`)).toBe(true);
    expect(pkce.isSignInCallback(`${LOGIN.redirectUri}alerts`)).toBe(false);
    expect(pkce.isSignInCallback(`${LOGIN.redirectUri}?code=c`)).toBe(false);
  });
});

describe('the round trip', () => {
  /** Starts a sign-in and answers the storage, what it stored and the authorize URL's parameters. */
  const begin = async () => {
    const storage = memoryStorage();
    const authorize = new URL(await pkce.beginSignIn(LOGIN, storage));
    const pending = JSON.parse(storage.getItem(pkce.PENDING_SIGN_IN_KEY)!) as { verifier: string; state: string };
    return { storage, pending, params: authorize.searchParams };
  };

  it('keeps only the verifier and the state while away, and sends the challenge of that verifier', async () => {
    // Act
    const { storage, pending, params } = await begin();

    // Assess
    expect([...storage.keys()]).toEqual([pkce.PENDING_SIGN_IN_KEY]);
    expect(Object.keys(pending).sort()).toEqual(['state', 'verifier']);
    expect(params.get('state')).toBe(pending.state);
    expect(params.get('code_challenge')).toBe(await pkce.codeChallengeOf(pending.verifier));
  });

  it('exchanges the code with the kept verifier, forgets it, and answers the ID token', async () => {
    // Prepare
    const { storage, pending } = await begin();
    const sent: { url: string; body: URLSearchParams }[] = [];
    const send = (async (url: string, init: RequestInit) => {
      sent.push({ url, body: new URLSearchParams(String(init.body)) });
      return new Response(JSON.stringify({ id_token: 'the-id-token', access_token: 'a', refresh_token: 'r' }), { status: 200 });
    }) as typeof fetch;

    // Act
    const idToken = await pkce.completeSignIn(LOGIN, `${LOGIN.redirectUri}?code=the-code&state=${pending.state}`, storage, send);

    // Assess
    expect(idToken).toBe('the-id-token');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.get('code')).toBe('the-code');
    expect(sent[0]!.body.get('code_verifier')).toBe(pending.verifier);
    expect(storage.size).toBe(0);
  });

  it.each([
    ['a state that is not this tab’s', (state: string) => `?code=c&state=${state}x`, 'state-mismatch'],
    ['an error from Cognito', (state: string) => `?error=access_denied&state=${state}`, 'cognito-error'],
  ])('refuses %s without calling Cognito, and forgets the pending sign-in', async (_name, query, reason) => {
    // Prepare
    const { storage, pending } = await begin();
    let calls = 0;
    const send = (async () => {
      calls += 1;
      return new Response('{}');
    }) as typeof fetch;

    // Act
    const attempt = pkce.completeSignIn(LOGIN, `${LOGIN.redirectUri}${query(pending.state)}`, storage, send);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'SignInError', reason });
    expect(calls).toBe(0);
    expect(storage.size).toBe(0);
  });

  it('refuses a redirect when no sign-in was started in this tab', async () => {
    // Prepare
    const storage = memoryStorage();

    // Act
    const attempt = pkce.completeSignIn(LOGIN, `${LOGIN.redirectUri}?code=c&state=s`, storage, fetch);

    // Assess
    await expect(attempt).rejects.toMatchObject({ reason: 'no-pending-sign-in' });
  });

  it('reports a refused exchange by its status, never echoing the code', async () => {
    // Prepare
    const { storage, pending } = await begin();
    const send = (async () => new Response('{"error":"invalid_grant"}', { status: 400 })) as typeof fetch;

    // Act
    const attempt = pkce.completeSignIn(LOGIN, `${LOGIN.redirectUri}?code=secret-code&state=${pending.state}`, storage, send);

    // Assess
    await expect(attempt).rejects.toMatchObject({ reason: 'token-exchange-failed', message: 'Cognito refused the code (400).' });
  });
});

describe('decodeIdToken', () => {
  it('reads the user, organisation, roles, name, e-mail and expiry', () => {
    // Prepare
    const token = jwt({
      sub: 'user-1',
      'custom:org': 'essex-county-council',
      'cognito:groups': ['practitioner', 'programme_manager'],
      name: 'Zoë Ødegård',
      email: 'zoe@example.org',
      exp: 1_800_000_000,
      token_use: 'id',
    });

    // Act
    const claims = pkce.decodeIdToken(token);

    // Assess
    expect(claims).toEqual({
      sub: 'user-1',
      org: 'essex-county-council',
      roles: ['practitioner', 'programme_manager'],
      name: 'Zoë Ødegård',
      email: 'zoe@example.org',
      expiresAt: 1_800_000_000_000,
    });
  });

  it('answers no roles and an empty organisation when the token has none', () => {
    // Act
    const claims = pkce.decodeIdToken(jwt({ sub: 'user-2' }));

    // Assess
    expect(claims).toEqual({ sub: 'user-2', org: '', roles: [] });
  });

  it.each([
    ['a value that is not a JWT', 'not-a-jwt'],
    ['a token naming no user', jwt({ email: 'no-sub@example.org' })],
    ['a payload that is not base64url JSON', 'a.%%%.c'],
  ])('refuses %s', (_name, token) => {
    // Act / Assess
    expect(() => pkce.decodeIdToken(token)).toThrow(expect.objectContaining({ name: 'SignInError', reason: 'bad-token' }));
  });
});
