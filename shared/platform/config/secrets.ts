/**
 * The HMAC keys the API needs, read once per cold start: from the environment when set
 * (the local runtime and tests), otherwise from Secrets Manager (deployed stages), via
 * Powertools Parameters' caching so warm invocations never call Secrets Manager again.
 */
import * as z from '../../core/zod.ts';
import { SecretsManagerProvider } from './secrets-manager-provider.ts';
import { ENV, SECRET_ARN_ENV } from './environment.ts';
import { ConfigurationError, type RuntimeConfig } from './runtime-config.ts';

/** The API's keys. */
export interface ApiSecrets {
  /** HMAC key of the person indexes: never rotated (rotation would re-key every person). */
  readonly subjectHashKey: string;
  /** HMAC key of list cursors: may rotate; outstanding cursors then answer 400. */
  readonly cursorKey: string;
}

const KeySchema = z.string().check(z.minLength(32));

/** How long a value read from Secrets Manager is reused before it is read again (a rotated cursor key is picked up within this). */
export const SECRET_MAX_AGE_SECONDS = 3600;

/** Reads a secret by ARN (Powertools' caching provider, one per process; tests pass their own). */
export type SecretReader = (arn: string, options: { maxAge: number }) => Promise<unknown>;

let provider: SecretsManagerProvider | undefined;

/** The process's Secrets Manager reader, made on first use (a function whose keys are in its environment never makes it). */
const getSecret: SecretReader = (arn, options) => {
  provider ??= new SecretsManagerProvider();
  return provider.get(arn, options);
};

/**
 * One of the keys: from the runtime configuration (its environment variable) if set,
 * else from the Secrets Manager secret its `…_ARN` variable names. A failure names the
 * variable and the AWS error's name only: never the value, never the AWS message (which
 * may quote the ARN or the request).
 */
export const loadApiSecret = async (
  config: RuntimeConfig,
  name: keyof ApiSecrets,
  env: NodeJS.ProcessEnv = process.env,
  read: SecretReader = getSecret,
): Promise<string> => {
  const direct = config[name];
  if (direct) return direct;
  const variable = SECRET_ARN_ENV[name];
  const arn = env[variable];
  if (!arn) throw new ConfigurationError(`Set ${ENV[name]} or ${variable}.`);
  let raw: unknown;
  try {
    raw = await read(arn, { maxAge: SECRET_MAX_AGE_SECONDS });
  } catch (error) {
    throw new ConfigurationError(`Could not read the secret named by ${variable} from Secrets Manager (${awsErrorName(error)}).`);
  }
  const value = KeySchema.safeParse(raw);
  if (!value.success) throw new ConfigurationError(`The secret in ${variable} must be a string of at least 32 characters.`);
  return value.data;
};

/** The AWS error's name (`AccessDeniedException`, …), looked for through Powertools' wrapping. */
const awsErrorName = (error: unknown): string => {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const name = (e as { name?: unknown }).name;
    if (
      typeof name === 'string' &&
      /^[A-Za-z]{3,60}(Exception|Error|Fault)$/.test(name) &&
      name !== 'Error' &&
      name !== 'GetParameterError'
    )
      return name;
  }
  return 'unknown error';
};

/**
 * Reads the keys `names` (in parallel when they come from Secrets Manager): a composition
 * root passes the list its routes declare, so it reads exactly what CDK grants.
 */
export const loadApiSecrets = async <Name extends keyof ApiSecrets>(
  config: RuntimeConfig,
  names: readonly Name[],
  env: NodeJS.ProcessEnv = process.env,
  read: SecretReader = getSecret,
): Promise<Pick<ApiSecrets, Name>> => {
  const values = await Promise.all(names.map((name) => loadApiSecret(config, name, env, read)));
  return Object.fromEntries(names.map((name, i) => [name, values[i]])) as Pick<ApiSecrets, Name>;
};
