/**
 * How this console signs in, as its `config.json` says: locally "sign in as" a demo user;
 * deployed, Cognito's managed login with PKCE (`pkce.ts`). Either way the token lives in
 * memory only (`session`). Besides the PKCE verifier, the one thing kept for the round trip
 * to Cognito is the console page the user was on (a path of ids, never personal data), so a
 * deep link survives signing in.
 */
import { signal } from '@preact/signals';
import { session } from './api.ts';
import { beginSignIn, completeSignIn, decodeIdToken, isSignInCallback, logoutUrl, type CognitoLogin } from './pkce.ts';
import { BASE, currentPath } from './router.ts';

/** `config.json` as the console reads it (written by the local runtime or the console stack). */
export type AuthConfig =
  | { readonly kind: 'local' }
  | { readonly kind: 'cognito'; readonly domain: string; readonly clientId: string; readonly redirectPath: string };

/** The sign-in this console uses; `undefined` until `config.json` is read. */
export const authConfig = signal<AuthConfig | undefined>(undefined);

/** Why the last sign-in did not finish, in words for the sign-in page. */
export const signInProblem = signal('');

/** Where the console page the user asked for is kept across the trip to Cognito. */
const RETURN_TO_KEY = 'jointly.return-to';

const loginOf = (config: Extract<AuthConfig, { kind: 'cognito' }>): CognitoLogin => ({
  domain: config.domain,
  clientId: config.clientId,
  redirectUri: `${location.origin}${config.redirectPath}`,
});

/** Reads `config.json`, then finishes a sign-in if this page is Cognito's redirect back. */
export const startAuth = async (): Promise<void> => {
  const response = await fetch(`${BASE}/config.json`, { cache: 'no-store' });
  const config = (response.ok ? await response.json() : { auth: { kind: 'local' } }) as { auth: AuthConfig };
  authConfig.value = config.auth;
  if (config.auth.kind !== 'cognito' || !isSignInCallback(location.href)) return;
  const callback = location.href;
  const returnTo = sessionStorage.getItem(RETURN_TO_KEY) ?? '/';
  sessionStorage.removeItem(RETURN_TO_KEY);
  // The code and state leave the address bar and history before anything else happens.
  history.replaceState(null, '', `${BASE}${returnTo}`);
  currentPath.value = returnTo;
  try {
    const token = await completeSignIn(loginOf(config.auth), callback);
    const claims = decodeIdToken(token);
    session.value = { token, sub: claims.sub, name: claims.name ?? claims.email ?? claims.sub, org: claims.org, roles: claims.roles };
  } catch (error) {
    signInProblem.value = error instanceof Error ? error.message : 'Signing in did not finish.';
  }
};

/** Sends the browser to managed login, remembering the console page to come back to. */
export const signInWithCognito = async (): Promise<void> => {
  const config = authConfig.value;
  if (config?.kind !== 'cognito') return;
  sessionStorage.setItem(RETURN_TO_KEY, currentPath.value);
  location.assign(await beginSignIn(loginOf(config)));
};

/** Forgets the token; deployed, also ends managed login's own session. */
export const signOut = (): void => {
  session.value = undefined;
  const config = authConfig.value;
  if (config?.kind === 'cognito') location.assign(logoutUrl(loginOf(config)));
};
