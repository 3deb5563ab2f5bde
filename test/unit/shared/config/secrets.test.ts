/**
 * The Secrets Manager path of the secrets loader (the only one deployed stages use): the
 * real Powertools-based SecretsManagerProvider over a real JSON-protocol client whose
 * last interceptor answers `GetSecretValue` itself, so nothing leaves the process and every
 * call is seen.
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError, loadRuntimeConfig } from '#shared/platform/config/runtime-config.ts';
import { SecretsManagerProvider } from '#shared/platform/config/secrets-manager-provider.ts';
import { fakeAwsService, serviceError } from '#test/support/aws-service-fake.ts';
import { loadApiSecret, loadApiSecrets, SECRET_MAX_AGE_SECONDS, type SecretReader } from '#shared/platform/config/secrets.ts';

const SUBJECT_ARN = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:jointly-prod/subject-hash-key-AbCdEf';
const CURSOR_ARN = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:jointly-prod/cursor-key-GhIjKl';
const SUBJECT_VALUE = 'S'.repeat(20) + 'subject-hash-key-value-0123456789';
const CURSOR_VALUE = 'C'.repeat(20) + 'cursor-key-value-0123456789abcdef';
const BOTH_KEYS = ['subjectHashKey', 'cursorKey'] as const;

/** A Secrets Manager that answers from `values` (or fails with `failure`), recording every request. */
const fakeSecretsManager = (values: Record<string, string>, failure?: Error) => {
  const service = fakeAwsService(({ input }) => {
    if (failure) throw failure;
    const value = input.SecretId ? values[input.SecretId] : undefined;
    if (value === undefined) throw serviceError('ResourceNotFoundException');
    return { ARN: input.SecretId, SecretString: value };
  });
  const provider = new SecretsManagerProvider(service.client);
  const read: SecretReader = (arn, options) => provider.get(arn, options);
  return {
    read,
    get requests() {
      return service.requests.map((r) => ({ command: r.operation, secretId: r.input.SecretId as string | undefined }));
    },
  };
};

/** The environment of a deployed function: ARNs only, no key values. */
const deployedEnv = (): NodeJS.ProcessEnv => ({ JOINTLY_SUBJECT_HASH_KEY_ARN: SUBJECT_ARN, JOINTLY_CURSOR_KEY_ARN: CURSOR_ARN });

describe('loadApiSecrets from Secrets Manager', () => {
  it('reads each key from the ARN its …_ARN variable names, with GetSecretValue', async () => {
    // Prepare
    const env = deployedEnv();
    const sm = fakeSecretsManager({ [SUBJECT_ARN]: SUBJECT_VALUE, [CURSOR_ARN]: CURSOR_VALUE });

    // Act
    const secrets = await loadApiSecrets(loadRuntimeConfig(env), BOTH_KEYS, env, sm.read);

    // Assess
    expect(secrets).toEqual({ subjectHashKey: SUBJECT_VALUE, cursorKey: CURSOR_VALUE });
    expect(sm.requests.map((r) => r.command)).toEqual(['GetSecretValue', 'GetSecretValue']);
    expect(new Set(sm.requests.map((r) => r.secretId))).toEqual(new Set([SUBJECT_ARN, CURSOR_ARN]));
  });

  it('calls Secrets Manager once per key per cold start: later loads are served from the cache', async () => {
    // Prepare
    const env = deployedEnv();
    const sm = fakeSecretsManager({ [SUBJECT_ARN]: SUBJECT_VALUE, [CURSOR_ARN]: CURSOR_VALUE });
    const config = loadRuntimeConfig(env);

    // Act
    const first = await loadApiSecrets(config, BOTH_KEYS, env, sm.read);
    const again = await loadApiSecrets(config, BOTH_KEYS, env, sm.read);
    const once = await loadApiSecret(config, 'cursorKey', env, sm.read);

    // Assess
    expect(again).toEqual(first);
    expect(once).toBe(CURSOR_VALUE);
    expect(sm.requests).toHaveLength(2);
    expect(SECRET_MAX_AGE_SECONDS).toBeGreaterThanOrEqual(3600);
  });

  it('prefers a key given directly (local runtime) and then never calls Secrets Manager', async () => {
    // Prepare
    const env = { ...deployedEnv(), JOINTLY_SUBJECT_HASH_KEY: 'local-subject-key-of-at-least-32-chars!' };
    const sm = fakeSecretsManager({ [CURSOR_ARN]: CURSOR_VALUE });

    // Act
    const key = await loadApiSecret(loadRuntimeConfig(env), 'subjectHashKey', env, sm.read);

    // Assess
    expect(key).toBe('local-subject-key-of-at-least-32-chars!');
    expect(sm.requests).toHaveLength(0);
  });

  it('fails clearly when Secrets Manager refuses: the variable and the error name, no ARN, no AWS message', async () => {
    // Prepare
    const env = deployedEnv();
    const denied = Object.assign(
      new Error(
        `User arn:aws:sts::111111111111:assumed-role/x is not authorized to perform secretsmanager:GetSecretValue on ${SUBJECT_ARN}`,
      ),
      { name: 'AccessDeniedException' },
    );
    const sm = fakeSecretsManager({}, denied);

    // Act
    const loading = loadApiSecret(loadRuntimeConfig(env), 'subjectHashKey', env, sm.read);

    // Assess
    const error = await loading.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error!.message).toBe(
      'Could not read the secret named by JOINTLY_SUBJECT_HASH_KEY_ARN from Secrets Manager (AccessDeniedException).',
    );
    expect(sm.requests).toHaveLength(1);
  });

  it('fails clearly when the secret is too short to be a key, without quoting it', async () => {
    // Prepare
    const env = deployedEnv();
    const sm = fakeSecretsManager({ [SUBJECT_ARN]: 'short-secret-value', [CURSOR_ARN]: CURSOR_VALUE });

    // Act
    const loading = loadApiSecrets(loadRuntimeConfig(env), BOTH_KEYS, env, sm.read);

    // Assess
    const error = await loading.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error!.message).toContain('JOINTLY_SUBJECT_HASH_KEY_ARN');
    expect(error!.message).not.toContain('short-secret-value');
  });

  it('fails clearly when neither the key nor its ARN is set, naming both variables', async () => {
    // Prepare
    const env = {};
    const sm = fakeSecretsManager({});

    // Act
    const loading = loadApiSecret(loadRuntimeConfig(env), 'cursorKey', env, sm.read);

    // Assess
    await expect(loading).rejects.toThrow(/JOINTLY_CURSOR_KEY or JOINTLY_CURSOR_KEY_ARN/);
    expect(sm.requests).toHaveLength(0);
  });
});
