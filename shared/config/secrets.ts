/**
 * The HMAC keys the API needs, read once per cold start: from the environment when set
 * (the local runtime and tests), otherwise from Secrets Manager (deployed stages), via
 * Powertools Parameters so warm invocations never call Secrets Manager again.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';
import { ConfigurationError, ENV, SECRET_ARN_ENV, type RuntimeConfig } from './runtime-config.ts';


/** The API's keys. */
export interface ApiSecrets {
  /** HMAC key of the person indexes: never rotated (rotation would re-key every person). */
  readonly subjectHashKey: string;
  /** HMAC key of list cursors: may rotate; outstanding cursors then answer 400. */
  readonly cursorKey: string;
}

const KeySchema = z.string().min(32);

/**
 * One of the keys: from the runtime configuration (its environment variable) if set,
 * else from the Secrets Manager secret its `…_ARN` variable names.
 */
export const loadApiSecret = async (config: RuntimeConfig, name: keyof ApiSecrets, env: NodeJS.ProcessEnv = process.env): Promise<string> => {
  const direct = config[name];
  if (direct) return direct;
  const arn = env[SECRET_ARN_ENV[name]];
  if (!arn) throw new ConfigurationError(`Set ${ENV[name]} or ${SECRET_ARN_ENV[name]}.`);
  const value = KeySchema.safeParse(await getSecret(arn, { maxAge: 3600 }));
  if (!value.success) throw new ConfigurationError(`The secret in ${SECRET_ARN_ENV[name]} must be a string of at least 32 characters.`);
  return value.data;
};

/** Reads both keys (in parallel when they come from Secrets Manager). */
export const loadApiSecrets = async (config: RuntimeConfig, env: NodeJS.ProcessEnv = process.env): Promise<ApiSecrets> => {
  const [subjectHashKey, cursorKey] = await Promise.all([
    loadApiSecret(config, 'subjectHashKey', env),
    loadApiSecret(config, 'cursorKey', env),
  ]);
  return { subjectHashKey, cursorKey };
};
