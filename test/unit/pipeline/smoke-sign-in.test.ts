/**
 * The pipeline smoke step's sign-in (infra/pipeline/smoke-sign-in.ts): SRP through
 * `amazon-cognito-identity-js` against a fake pool that checks the password claim as Cognito
 * does, and the environment the step reads its inputs from.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#infra/constructs/jointly-function.ts';
import { signIn, SignInError, signInRequestOf, SMOKE_USERS } from '#infra/pipeline/smoke-sign-in.ts';
import { SMOKE_SECRET_KEYS } from '#infra/pipeline/pipeline-config.ts';
import { type FakeCognito, startFakeCognito } from './fake-cognito.ts';

const POOL_ID = 'eu-west-2_Smoke1234';
const CLIENT_ID = 'smokeclient123';

const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('signIn', () => {
  let cognito: FakeCognito;

  beforeAll(async () => {
    cognito = await startFakeCognito('Smoke1234', {
      'smoke.provide': { password: 'Correct-Horse-9!' },
      'smoke.new': { password: 'Temporary-Pass-1!', challenge: 'NEW_PASSWORD_REQUIRED' },
      'smoke.mfa': { password: 'Totp-Protected-2!', challenge: 'SOFTWARE_TOKEN_MFA' },
    });
  });
  afterAll(async () => {
    await cognito.close();
  });

  it('signs in with SRP and returns the user’s ID token', async () => {
    // Prepare
    const request = {
      userPoolId: POOL_ID,
      clientId: CLIENT_ID,
      username: 'smoke.provide',
      password: 'Correct-Horse-9!',
      endpoint: cognito.endpoint,
    };

    // Act
    const token = await signIn(request);

    // Assess
    expect(claimsOf(token)).toMatchObject({ 'cognito:username': 'smoke.provide', token_use: 'id' });
    expect(cognito.operations.slice(-2)).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
  });

  it('fails with one sentence when the password is wrong: the fake refuses the claim', async () => {
    // Prepare
    const request = { userPoolId: POOL_ID, clientId: CLIENT_ID, username: 'smoke.provide', password: 'wrong', endpoint: cognito.endpoint };

    // Act
    const signingIn = signIn(request);

    // Assess
    await expect(signingIn).rejects.toThrow(SignInError);
    await expect(signIn(request)).rejects.toThrow(
      /^Signing smoke.provide in failed with NotAuthorizedException: Incorrect username or password\.$/,
    );
  });

  it.each([
    ['smoke.new', 'Temporary-Pass-1!', 'a new password'],
    ['smoke.mfa', 'Totp-Protected-2!', 'a TOTP code'],
  ])('refuses a user that Cognito asks for more (%s)', async (username, password, asked) => {
    // Prepare
    const request = { userPoolId: POOL_ID, clientId: CLIENT_ID, username, password, endpoint: cognito.endpoint };

    // Act
    const signingIn = signIn(request);

    // Assess
    await expect(signingIn).rejects.toThrow(`Cognito asked ${username} for ${asked}: a smoke user needs a permanent password and no MFA.`);
  });

  it('rejects a malformed user pool id before calling Cognito', async () => {
    // Prepare
    const before = cognito.operations.length;

    // Act
    const signingIn = signIn({ userPoolId: 'Smoke1234', clientId: CLIENT_ID, username: 'x', password: 'y', endpoint: cognito.endpoint });

    // Assess
    await expect(signingIn).rejects.toThrow("'Smoke1234' is not a user pool id (<region>_<id>).");
    expect(cognito.operations).toHaveLength(before);
  });

  it('as a command, prints the token alone on stdout, so the step can capture it', async () => {
    // Prepare
    const env = {
      ...process.env,
      SMOKE_USER_POOL_ID: POOL_ID,
      SMOKE_CLIENT_ID: CLIENT_ID,
      SMOKE_PM_USERNAME: 'smoke.provide',
      SMOKE_PM_PASSWORD: 'Correct-Horse-9!',
      SMOKE_COGNITO_ENDPOINT: cognito.endpoint,
    };

    // Act
    const { stdout } = await promisify(execFile)(process.execPath, ['infra/pipeline/smoke-sign-in.ts', 'pm'], { cwd: REPO_ROOT, env });

    // Assess
    const lines = stdout.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(claimsOf(lines[0]!)).toMatchObject({ 'cognito:username': 'smoke.provide' });
  });
});

describe('signInRequestOf', () => {
  const env = {
    SMOKE_USER_POOL_ID: POOL_ID,
    SMOKE_CLIENT_ID: CLIENT_ID,
    SMOKE_ECC_USERNAME: 'smoke.ecc',
    SMOKE_ECC_PASSWORD: 'secret',
  };

  it('reads the pool, the client and the named user’s credentials', () => {
    // Prepare / Act
    const request = signInRequestOf('ecc', env);

    // Assess
    expect(request).toEqual({ userPoolId: POOL_ID, clientId: CLIENT_ID, username: 'smoke.ecc', password: 'secret' });
  });

  it('names the missing variable, and an unknown user', () => {
    // Prepare / Act / Assess
    expect(() => signInRequestOf('pm', env)).toThrow('SMOKE_PM_USERNAME is not set.');
    expect(() => signInRequestOf('admin', env)).toThrow("Unknown smoke user 'admin': expected one of provide, ecc, pm.");
  });

  it('reads each credential from a variable the smoke secret fills', () => {
    // Prepare
    const filled = new Set(Object.keys(SMOKE_SECRET_KEYS));

    // Act
    const needed = Object.values(SMOKE_USERS).flatMap((user) => [user.username, user.password]);

    // Assess
    for (const name of needed) expect(filled).toContain(name);
  });
});
