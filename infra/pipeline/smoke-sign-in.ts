/**
 * Signs a smoke user in to a stage's user pool and prints its ID token: the pipeline's smoke
 * step (infra/pipeline/smoke-step.ts) runs it once per user before `npm run smoke`.
 *
 *   SMOKE_TOKEN_PROVIDE="$(node infra/pipeline/smoke-sign-in.ts provide)"
 *
 * The API's app client allows one password flow, SRP (`USER_SRP_AUTH`), so the password never
 * leaves the build. The SRP arithmetic is AWS's own `amazon-cognito-identity-js` (a
 * devDependency: pipeline tooling only, never in a Lambda bundle), not ours. Sign-in needs no
 * AWS credentials: `InitiateAuth` and `RespondToAuthChallenge` are public calls made with the
 * client id alone, so the smoke step's role holds no permission in the stage account.
 *
 * Reads: `SMOKE_USER_POOL_ID`, `SMOKE_CLIENT_ID` (the API stack's outputs) and the user's
 * `SMOKE_<USER>_USERNAME` / `SMOKE_<USER>_PASSWORD` (the stage's smoke secret). Prints the token
 * and nothing else on stdout; a failure is one sentence on stderr and exit code 1.
 */
import { fileURLToPath } from 'node:url';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';

/** A sign-in that Cognito refused, or that asked for something a script cannot give. */
export class SignInError extends Error {
  override name = 'SignInError';
}

/** What `signIn` needs. */
export interface SignInRequest {
  /** The user pool id, `<region>_<id>`. */
  readonly userPoolId: string;
  /** The app client allowing `USER_SRP_AUTH` (no client secret). */
  readonly clientId: string;
  readonly username: string;
  readonly password: string;
  /** Cognito's endpoint; default: the pool's region's public endpoint. Tests point it at a fake. */
  readonly endpoint?: string;
}

/**
 * Signs `username` in with SRP and resolves its ID token. Rejects with a `SignInError` when
 * Cognito refuses the password, or answers with another challenge (a new password, MFA): a smoke
 * user must have a permanent password and no MFA.
 */
export const signIn = (request: SignInRequest): Promise<string> => {
  if (!/^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/.test(request.userPoolId)) {
    return Promise.reject(new SignInError(`'${request.userPoolId}' is not a user pool id (<region>_<id>).`));
  }
  const pool = new CognitoUserPool({
    UserPoolId: request.userPoolId,
    ClientId: request.clientId,
    ...(request.endpoint === undefined ? {} : { endpoint: request.endpoint }),
  });
  const user = new CognitoUser({ Username: request.username, Pool: pool });
  user.setAuthenticationFlowType('USER_SRP_AUTH');
  const details = new AuthenticationDetails({ Username: request.username, Password: request.password });
  return new Promise<string>((resolve, reject) => {
    const refuse = (challenge: string) => () =>
      reject(new SignInError(`Cognito asked ${request.username} for ${challenge}: a smoke user needs a permanent password and no MFA.`));
    user.authenticateUser(details, {
      onSuccess: (session) => resolve(session.getIdToken().getJwtToken()),
      onFailure: (error: unknown) => {
        const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
        const what = typeof code === 'string' ? code : 'an error';
        const detail = typeof message === 'string' && message !== '' ? `: ${message.replace(/\.$/, '')}` : '';
        reject(new SignInError(`Signing ${request.username} in failed with ${what}${detail}.`));
      },
      newPasswordRequired: refuse('a new password'),
      mfaRequired: refuse('an SMS code'),
      totpRequired: refuse('a TOTP code'),
      mfaSetup: refuse('MFA setup'),
      selectMFAType: refuse('an MFA type'),
      customChallenge: refuse('a custom challenge'),
    });
  });
};

/** The smoke users, by the name the smoke step passes, and the variables their credentials arrive in. */
export const SMOKE_USERS = {
  /** The sending practitioner (`--token-provide`): a practitioner of one organisation. */
  provide: { username: 'SMOKE_PROVIDE_USERNAME', password: 'SMOKE_PROVIDE_PASSWORD' },
  /** The receiving practitioner (`--token-ecc`): a practitioner of another organisation. */
  ecc: { username: 'SMOKE_ECC_USERNAME', password: 'SMOKE_ECC_PASSWORD' },
  /** The programme manager (`--token-pm`). */
  pm: { username: 'SMOKE_PM_USERNAME', password: 'SMOKE_PM_PASSWORD' },
} as const;

/** A smoke user's name. */
export type SmokeUser = keyof typeof SMOKE_USERS;

/** The variables holding the stage's user pool and app client (the API stack's outputs). */
export const SMOKE_POOL_ENV = { userPoolId: 'SMOKE_USER_POOL_ID', clientId: 'SMOKE_CLIENT_ID' } as const;

/** The sign-in request for `user` from the environment; throws a `SignInError` naming the missing variable. */
export const signInRequestOf = (user: string, env: NodeJS.ProcessEnv): SignInRequest => {
  if (!Object.hasOwn(SMOKE_USERS, user)) {
    throw new SignInError(`Unknown smoke user '${user}': expected one of ${Object.keys(SMOKE_USERS).join(', ')}.`);
  }
  const names = SMOKE_USERS[user as SmokeUser];
  const read = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') throw new SignInError(`${name} is not set.`);
    return value;
  };
  return {
    userPoolId: read(SMOKE_POOL_ENV.userPoolId),
    clientId: read(SMOKE_POOL_ENV.clientId),
    username: read(names.username),
    password: read(names.password),
    ...(env['SMOKE_COGNITO_ENDPOINT'] ? { endpoint: env['SMOKE_COGNITO_ENDPOINT'] } : {}),
  };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${await signIn(signInRequestOf(process.argv[2] ?? '', process.env))}\n`);
  } catch (error) {
    if (!(error instanceof SignInError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
