/**
 * Each route declares the API keys its function reads (`secrets`), and CDK grants exactly
 * those. The declaration is the very list the function's composition root loads
 * (`REFERRAL_SECRETS`, `SUBSCRIPTION_LIST_SECRETS`); this checks that each handler module
 * is wired to the root its routes name, by running its cold start: the module is imported
 * afresh with shared/platform/config/secrets.ts wrapped to record every key asked for.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENV, SECRET_ARN_ENV, type ApiSecretName } from '#shared/platform/config/environment.ts';
import { functionIdOf } from '#shared/platform/http/route-definition.ts';
import { ROUTES } from '#shared/wiring/routes.ts';

const ALL_SECRETS = Object.keys(SECRET_ARN_ENV) as ApiSecretName[];
const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const SECRETS_MODULE = '../../../shared/platform/config/secrets.ts';

type SecretsModule = typeof import('#shared/platform/config/secrets.ts');

/** The keys the handler module at `entry` reads while it loads (its cold start). */
const secretsReadAtColdStart = async (entry: string): Promise<ApiSecretName[]> => {
  const read = new Set<ApiSecretName>();
  vi.resetModules();
  vi.doMock(SECRETS_MODULE, async (importOriginal) => {
    const real = await importOriginal<SecretsModule>();
    return {
      ...real,
      loadApiSecret: ((config, name, ...rest) => {
        read.add(name);
        return real.loadApiSecret(config, name, ...rest);
      }) satisfies SecretsModule['loadApiSecret'],
      loadApiSecrets: ((config, names, ...rest) => {
        for (const name of names) read.add(name);
        return real.loadApiSecrets(config, names, ...rest);
      }) satisfies SecretsModule['loadApiSecrets'],
    };
  });
  const module = (await import(/* @vite-ignore */ pathToFileURL(resolve(REPO_ROOT, entry)).href)) as { handler?: unknown };
  expect(typeof module.handler, entry).toBe('function');
  return [...read].sort();
};

beforeEach(() => {
  // What a cold start reads: a table, and both keys from the environment (never Secrets Manager here).
  vi.stubEnv(ENV.tableName, 'route-secrets-test');
  vi.stubEnv(ENV.subjectHashKey, 's'.repeat(40));
  vi.stubEnv(ENV.cursorKey, 'c'.repeat(40));
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
});

afterEach(() => {
  vi.doUnmock(SECRETS_MODULE);
  vi.unstubAllEnvs();
});

describe('route secrets', () => {
  it('records what a cold start reads, so the checks below are not vacuous', async () => {
    // Prepare
    const referralEntry = ROUTES.find((route) => route.operationId === 'getReferral')!.entry;
    const healthEntry = ROUTES.find((route) => route.operationId === 'getHealth')!.entry;

    // Act
    const read = [await secretsReadAtColdStart(referralEntry), await secretsReadAtColdStart(healthEntry)];

    // Assess
    expect(read).toEqual([['cursorKey', 'subjectHashKey'], []]);
  });

  // One check per function: routes sharing a function share its grants.
  const byFunction = Map.groupBy(ROUTES, functionIdOf);
  it.each([...byFunction.keys()])('%s declares exactly the keys its cold start reads', async (functionId) => {
    // Prepare
    const routes = byFunction.get(functionId)!;
    const declared = [...new Set(routes.flatMap((r) => r.secrets ?? []))].sort();

    // Act
    const read = await secretsReadAtColdStart(routes[0]!.entry);

    // Assess
    expect(read).toEqual(declared);
  });

  it('reaches every key somewhere', () => {
    // Prepare
    const declared = new Set(ROUTES.flatMap((r) => r.secrets ?? []));

    // Act
    const missing = ALL_SECRETS.filter((name) => !declared.has(name));

    // Assess
    expect(missing).toEqual([]);
  });
});
