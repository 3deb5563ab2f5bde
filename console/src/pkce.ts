/**
 * Signing in to the deployed console with Cognito's managed login: the OAuth 2.0
 * authorization code grant with PKCE (RFC 7636), for a public client (no secret).
 *
 * 1. {@link beginSignIn}: a fresh code verifier and state, kept in `sessionStorage`, and the
 *    authorize URL to send the browser to (`location.assign`).
 * 2. Cognito sends the browser back to `/console/?code=…&state=…`; {@link completeSignIn}
 *    checks the state, forgets the verifier and exchanges the code for tokens
 *    (`POST <domain>/oauth2/token`), answering the ID token, which the console keeps in memory
 *    like the local one. The page should then drop `code` and `state` from its address
 *    (`history.replaceState`).
 * 3. {@link logoutUrl}: signing out ends managed login's session too.
 *
 * Why `sessionStorage`, and only for the verifier and the state: the page is left for
 * Cognito's and loaded again, so memory does not survive the round trip. `sessionStorage`
 * is this tab's and this origin's only, and is gone when the tab closes; the pair is worth
 * nothing without the one-time code Cognito sends to this page's exact address, and it is
 * removed as soon as the code comes back, before it is exchanged. Tokens never go there (nor
 * in `localStorage`, a cookie or a URL): a reload signs out, as locally.
 *
 * Pure: no imports, only the browser's `crypto`, `fetch`, `atob`/`btoa` and the storage it is
 * handed, so it runs unchanged in Node's tests.
 */

/** Managed login as `config.json` describes it, with the redirect made absolute. */
export interface CognitoLogin {
  /** Managed login's origin, e.g. `https://jointly-dev-1a2b3c4d.auth.eu-west-2.amazoncognito.com`. */
  readonly domain: string;
  /** The console's public app client. */
  readonly clientId: string;
  /** Where Cognito sends the browser back (and after sign-out): `location.origin + redirectPath`. */
  readonly redirectUri: string;
}

/** What survives the trip to Cognito and back: in `sessionStorage` under {@link PENDING_SIGN_IN_KEY}. */
export interface PendingSignIn {
  readonly verifier: string;
  readonly state: string;
}

/** The few `Storage` methods used (`sessionStorage` in the browser; a stand-in in tests). */
export type SignInStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** What the ID token says of its user (decoded, not verified: the API verifies every call). */
export interface IdTokenClaims {
  readonly sub: string;
  /** `custom:org`; empty when the account has no organisation (the API will answer 403). */
  readonly org: string;
  /** `cognito:groups` */
  readonly roles: readonly string[];
  readonly name?: string;
  readonly email?: string;
  /** `exp`, in milliseconds since the epoch. */
  readonly expiresAt?: number;
}

/** Why signing in stopped. `reason` is for the page to choose its words; `message` never holds a token. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    readonly reason: 'no-pending-sign-in' | 'state-mismatch' | 'cognito-error' | 'token-exchange-failed' | 'bad-token',
    message: string,
  ) {
    super(message);
  }
}

/** The `sessionStorage` key of the pending sign-in. */
export const PENDING_SIGN_IN_KEY = 'jointly.pending-sign-in';

/** The scopes asked for: the ID token's claims (`custom:org` and the groups come with `openid`). */
export const SIGN_IN_SCOPES = 'openid email profile';

/** base64url without padding (RFC 4648 §5), as PKCE and JWTs spell it. */
const base64url = (bytes: Uint8Array): string => {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
};

const randomText = (bytes: number): string => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

/** A new code verifier: 64 characters of base64url from 48 random bytes (RFC 7636 asks 43 to 128). */
export const createCodeVerifier = (): string => randomText(48);

/** A new `state`: 22 characters of base64url from 16 random bytes. */
export const createState = (): string => randomText(16);

/** The S256 code challenge of `verifier`: base64url(SHA-256(verifier)). */
export const codeChallengeOf = async (verifier: string): Promise<string> =>
  base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));

/** Managed login's authorize URL for this challenge and state. */
export const authorizeUrl = (login: CognitoLogin, codeChallenge: string, state: string): string => {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: login.clientId,
    redirect_uri: login.redirectUri,
    scope: SIGN_IN_SCOPES,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    state,
  });
  return `${login.domain}/oauth2/authorize?${params}`;
};

/** The token request that exchanges `code` (form-encoded, no credentials: the client is public). */
export const tokenRequest = (
  login: CognitoLogin,
  code: string,
  codeVerifier: string,
): { readonly url: string; readonly init: RequestInit } => ({
  url: `${login.domain}/oauth2/token`,
  init: {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: login.clientId,
      code,
      redirect_uri: login.redirectUri,
      code_verifier: codeVerifier,
    }).toString(),
    cache: 'no-store',
    credentials: 'omit',
  },
});

/** Managed login's sign-out URL: ends its session, then back to the console. */
export const logoutUrl = (login: CognitoLogin): string =>
  `${login.domain}/logout?${new URLSearchParams({ client_id: login.clientId, logout_uri: login.redirectUri })}`;

/** Whether `url` is Cognito sending the browser back: a `code` or an `error`, with a `state`. */
export const isSignInCallback = (url: string | URL): boolean => {
  const params = new URL(url).searchParams;
  return params.has('state') && (params.has('code') || params.has('error'));
};

/**
 * Starts signing in: keeps a new verifier and state in `storage` (replacing any earlier
 * attempt's) and answers the authorize URL to send the browser to.
 */
export const beginSignIn = async (login: CognitoLogin, storage: SignInStorage = sessionStorage): Promise<string> => {
  const pending: PendingSignIn = { verifier: createCodeVerifier(), state: createState() };
  storage.setItem(PENDING_SIGN_IN_KEY, JSON.stringify(pending));
  return authorizeUrl(login, await codeChallengeOf(pending.verifier), pending.state);
};

/** The pending sign-in, removed from `storage` whatever it holds: each one is used once. */
const takePendingSignIn = (storage: SignInStorage): PendingSignIn | undefined => {
  const stored = storage.getItem(PENDING_SIGN_IN_KEY);
  storage.removeItem(PENDING_SIGN_IN_KEY);
  if (!stored) return undefined;
  try {
    const parsed = JSON.parse(stored) as Partial<PendingSignIn>;
    return typeof parsed.verifier === 'string' && typeof parsed.state === 'string'
      ? { verifier: parsed.verifier, state: parsed.state }
      : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Finishes signing in on Cognito's redirect to `callbackUrl`: checks its `state` against the
 * pending one, removes the pending one, exchanges the code and answers the ID token (the
 * access and refresh tokens are dropped: the API takes ID tokens, and a reload signs in again).
 * Throws a {@link SignInError} for an error from Cognito, a state that is not this tab's, a
 * refused exchange or an answer without an ID token.
 */
export const completeSignIn = async (
  login: CognitoLogin,
  callbackUrl: string | URL,
  storage: SignInStorage = sessionStorage,
  send: typeof fetch = fetch,
): Promise<string> => {
  const params = new URL(callbackUrl).searchParams;
  const pending = takePendingSignIn(storage);
  const error = params.get('error');
  if (error) throw new SignInError('cognito-error', `Cognito refused the sign-in: ${error}.`);
  if (!pending) throw new SignInError('no-pending-sign-in', 'No sign-in was started in this tab.');
  const code = params.get('code');
  if (!code || params.get('state') !== pending.state) {
    throw new SignInError('state-mismatch', 'The answer from Cognito is not for the sign-in started in this tab.');
  }
  const request = tokenRequest(login, code, pending.verifier);
  const response = await send(request.url, request.init);
  if (!response.ok) throw new SignInError('token-exchange-failed', `Cognito refused the code (${response.status}).`);
  const body = (await response.json()) as { id_token?: unknown };
  if (typeof body.id_token !== 'string') throw new SignInError('bad-token', 'Cognito answered no ID token.');
  return body.id_token;
};

/** The claims of an ID token's payload, decoded but not verified (the API verifies). */
export const decodeIdToken = (idToken: string): IdTokenClaims => {
  const payload = idToken.split('.')[1];
  let claims: Record<string, unknown>;
  try {
    const binary = atob((payload ?? '').replaceAll('-', '+').replaceAll('_', '/'));
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  } catch {
    throw new SignInError('bad-token', 'The ID token could not be read.');
  }
  if (typeof claims['sub'] !== 'string' || claims['sub'] === '') throw new SignInError('bad-token', 'The ID token names no user.');
  const groups = claims['cognito:groups'];
  const text = (name: string) => (typeof claims[name] === 'string' ? (claims[name] as string) : undefined);
  const name = text('name');
  const email = text('email');
  return {
    sub: claims['sub'],
    org: text('custom:org') ?? '',
    roles: Array.isArray(groups) ? groups.filter((group): group is string => typeof group === 'string') : [],
    ...(name !== undefined ? { name } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(typeof claims['exp'] === 'number' ? { expiresAt: claims['exp'] * 1000 } : {}),
  };
};
