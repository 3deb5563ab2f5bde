/**
 * What Lambda bundles get instead of `@aws-sdk/credential-provider-node` (esbuild `alias`,
 * see `LAMBDA_ALIASES`). Every SDK client's Node runtime config imports that package's
 * `defaultProvider`: the whole default chain of environment, SSO, shared ini files,
 * `credential_process`, web identity, container and instance metadata. With its nested
 * STS / SSO / sign-in clients that is about 136 KB of minified code per function, parsed at
 * every cold start, for sources a Lambda never uses: the runtime puts the execution role's
 * credentials in `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
 *
 * This chain keeps the two links a Lambda can need, in the default chain's order:
 * 1. the environment (`fromEnv`), what Lambda provides;
 * 2. the container credentials endpoint (`fromHttp`), only when
 *    `AWS_CONTAINER_CREDENTIALS_FULL_URI` or `…_RELATIVE_URI` is set (the way Lambda
 *    serves credentials to SnapStart functions, and ECS to containers), so a runtime that
 *    moves the role's credentials there keeps working. It is loaded by `import()` only
 *    then: with the SDK's HTTP handler it needs, it is ≈ 35 KB a cold start would otherwise
 *    parse for nothing.
 * With neither, the environment's error ("Unable to find environment variable
 * credentials.") reaches the caller, as the default chain's last error would.
 *
 * Only bundles use this: tests, scripts and the local runtime import the real package.
 * Its exports mirror the real module's (typed against it), so the alias cannot drift
 * unnoticed: `npm run typecheck` fails if the SDK changes the signature, and
 * test/unit/infra/lambda-credentials.test.ts fails if it adds an export.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type * as DefaultChain from '@aws-sdk/credential-provider-node';

/** Environment variables that point the SDK at a container credentials endpoint. */
export const CONTAINER_CREDENTIALS_ENV = ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] as const;

/**
 * The credential provider SDK clients use when none is configured: environment
 * credentials, else the container credentials endpoint if one is set. The SDK memoizes
 * what it returns and calls it again near expiry, so nothing is cached here.
 */
export const defaultProvider: typeof DefaultChain.defaultProvider = (init = {}) => {
  const environment = fromEnv(init);
  return async () => {
    try {
      return await environment();
    } catch (error) {
      if (!CONTAINER_CREDENTIALS_ENV.some((name) => process.env[name])) throw error;
      const { fromHttp } = await import('@aws-sdk/credential-provider-http');
      return fromHttp(init)();
    }
  };
};

/** As the real module's (the SDK's internal helper): whether credentials expire at all. */
export const credentialsWillNeedRefresh: typeof DefaultChain.credentialsWillNeedRefresh = (credentials) =>
  credentials?.expiration !== undefined;

/** As the real module's (the SDK's internal helper): credentials with less than 5 minutes left. */
export const credentialsTreatedAsExpired: typeof DefaultChain.credentialsTreatedAsExpired = (credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
