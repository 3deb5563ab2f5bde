/**
 * The console signing in as deployed: authorization code with PKCE against a stand-in for
 * Cognito's managed login (`/oauth2/authorize`, `/oauth2/token`, `/logout`, held to what
 * Cognito checks: the client, the redirect, S256, the verifier against the challenge, one use
 * per code). The runtime writes the console's `config.json` and CSP as the console stack
 * does (`JOINTLY_CONSOLE_LOGIN`); the ID token the stand-in answers is the local issuer's, so
 * the API verifies it as usual. Checked in Chromium: a deep link survives signing in, no code,
 * token or verifier is left in the address, history or storage, and signing out ends the
 * login session.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleCspWithLogin } from '#infra/console/console-site.ts';
import { DEMO_USERS } from '#infra/local/demo-users.ts';
import { launchBrowser, openTab, screenshot, seriousViolations } from '#test/support/browser.ts';
import { handoffApi, validNhsNumber, type HandoffApi } from '#test/support/handoff-api.ts';
import { startRuntimeProcess, tokenFor, type RuntimeProcess } from '#test/support/local-runtime-process.ts';

const CLIENT_ID = 'console-client-under-test';
const ALEX = DEMO_USERS.find((u) => u.sub === 'sw.alex')!;

/** What the stand-in saw: each request's path and parameters, and the codes it issued. */
interface LoginLog {
  readonly requests: { path: string; params: Record<string, string> }[];
  readonly codes: Map<string, { challenge: string; redirectUri: string; used: boolean }>;
}

let runtime: RuntimeProcess;
let api: HandoffApi;
let browser: Browser;
let login: Server;
let loginOrigin: string;
const log: LoginLog = { requests: [], codes: new Map() };

const body = async (request: IncomingMessage): Promise<string> => {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
};

/** A stand-in for managed login, as strict as Cognito about what it is sent. */
const startLogin = async (): Promise<void> => {
  login = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://login');
    const params = Object.fromEntries(request.method === 'POST' ? new URLSearchParams(await body(request)) : url.searchParams);
    log.requests.push({ path: url.pathname, params });
    const refuse = (status: number, error: string) => {
      response.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': runtime.url });
      response.end(JSON.stringify({ error }));
    };
    if (url.pathname === '/oauth2/authorize') {
      if (params.client_id !== CLIENT_ID || params.code_challenge_method !== 'S256' || !params.code_challenge || !params.state) {
        return refuse(400, 'invalid_request');
      }
      // The user "signs in" here: the stand-in hands back a one-time code bound to the challenge.
      const code = randomBytes(16).toString('hex');
      log.codes.set(code, { challenge: params.code_challenge, redirectUri: params.redirect_uri ?? '', used: false });
      response.writeHead(302, { location: `${params.redirect_uri}?code=${code}&state=${encodeURIComponent(params.state)}` });
      return response.end();
    }
    if (url.pathname === '/oauth2/token' && request.method === 'POST') {
      const issued = log.codes.get(params.code ?? '');
      const proof = createHash('sha256')
        .update(params.code_verifier ?? '')
        .digest('base64url');
      if (!issued || issued.used || params.grant_type !== 'authorization_code' || params.client_id !== CLIENT_ID) {
        return refuse(400, 'invalid_grant');
      }
      if (issued.challenge !== proof || issued.redirectUri !== params.redirect_uri) return refuse(400, 'invalid_grant');
      issued.used = true;
      const idToken = await tokenFor(runtime.url, { sub: ALEX.sub, org: ALEX.org, roles: [...ALEX.roles], name: ALEX.name });
      response.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': runtime.url });
      return response.end(JSON.stringify({ id_token: idToken, access_token: 'unused', refresh_token: 'unused', token_type: 'Bearer' }));
    }
    if (url.pathname === '/logout') {
      if (params.client_id !== CLIENT_ID) return refuse(400, 'invalid_request');
      response.writeHead(302, { location: params.logout_uri ?? '/' });
      return response.end();
    }
    refuse(404, 'not_found');
  });
  await new Promise<void>((done) => login.listen(0, '127.0.0.1', done));
  loginOrigin = `http://127.0.0.1:${(login.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  await startLogin();
  [runtime, browser] = await Promise.all([
    startRuntimeProcess({
      DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
      JOINTLY_CONSOLE_LOGIN: JSON.stringify({ domain: loginOrigin, clientId: CLIENT_ID }),
    }),
    launchBrowser(),
  ]);
  api = handoffApi(runtime.url);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  await new Promise((done) => login?.close(done));
});

describe('the console signing in through managed login with PKCE, in Chromium', () => {
  it('a deep link survives signing in; no code, token or verifier is left behind; signing out ends the login session', async () => {
    // Prepare
    const created = await api.post({ sub: 'nurse.sam', org: 'provide', roles: ['practitioner'] }, '/referrals', {
      toOrg: 'ecc',
      serviceArea: 'joint-referral',
      priority: 'routine',
      subject: { nhsNumber: validNhsNumber(), name: 'Octavia Penhaligon-Rudd' },
      reason: 'Console managed-login test.',
    });
    const deepLink = `${runtime.url}/console/referrals/${created.body.id}`;
    const { context, page, urls, errors } = await openTab(browser);

    // Act: open a deep link, sign in, arrive back on it.
    const served = await page.goto(deepLink);
    await page.getByRole('heading', { name: 'Sign in to Jointly' }).waitFor();
    const violations = await seriousViolations(page, 'sign-in-managed-login');
    await screenshot(page, 'sign-in-managed-login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Referral from provide to ecc' }).waitFor();
    const header = await page.getByText(/^Signed in as/).textContent();
    const storage = await page.evaluate<number>('sessionStorage.length');
    const addressAfter = page.url();
    const historyLength = await page.evaluate<number>('history.length');
    await page.goBack();
    const previous = page.url();

    // Act: sign out (from a fresh sign-in, the last page being a reload of the deep link).
    await page.goto(deepLink);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Referral from provide to ecc' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Jointly' }).waitFor();

    // Assess: the page was served with the login origin allowed for the token exchange only.
    expect(served?.headers()['content-security-policy']).toBe(consoleCspWithLogin(loginOrigin));
    expect(served?.headers()['content-security-policy']).not.toContain('unsafe-inline');
    expect(violations).toEqual([]);
    // Cognito was asked as Cognito must be, and the code was exchanged once, with its verifier.
    const authorize = log.requests.find((r) => r.path === '/oauth2/authorize')!;
    expect(authorize.params).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `${runtime.url}/console/`,
      code_challenge_method: 'S256',
      scope: 'openid email profile',
    });
    expect(authorize.params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect([...log.codes.values()].every((c) => c.used)).toBe(true);
    expect(log.requests.filter((r) => r.path === '/oauth2/token')).toHaveLength(2);
    expect(log.requests.at(-1)).toMatchObject({ path: '/logout', params: { client_id: CLIENT_ID, logout_uri: `${runtime.url}/console/` } });
    // Back on the deep link, signed in, with nothing of the exchange kept anywhere.
    expect(addressAfter).toBe(deepLink);
    expect(header).toContain(`${ALEX.name} (ecc)`);
    expect(storage).toBe(0);
    expect(historyLength).toBeGreaterThan(1);
    expect(previous).not.toMatch(/code=|state=/);
    // No token in any address the page asked for (the code only on the callback, never kept).
    expect(urls.filter((u) => /eyJ|id_token|access_token/.test(u))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an answer from the login server that is not for this tab’s sign-in is refused, and nothing is signed in', async () => {
    // Prepare
    const { context, page, errors } = await openTab(browser);
    await page.goto(`${runtime.url}/console/`);
    await page.getByRole('heading', { name: 'Sign in to Jointly' }).waitFor();
    const before = log.requests.filter((r) => r.path === '/oauth2/token').length;

    // Act: a forged redirect back, with a code and state this tab never asked for.
    await page.goto(`${runtime.url}/console/?code=forged&state=not-this-tab`);
    await page.getByText(/Signing in did not finish/).waitFor();

    // Assess
    expect(page.url()).toBe(`${runtime.url}/console/`);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(log.requests.filter((r) => r.path === '/oauth2/token').length).toBe(before);
    expect(errors).toEqual([]);
    await context.close();
  });
});
