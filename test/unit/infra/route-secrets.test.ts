/**
 * Each route declares the API keys its function reads (`secrets`), and CDK grants exactly
 * those. The declaration is checked against the code: esbuild walks each handler's import
 * graph (packages left external, nothing written) and every module in it that calls
 * `loadApiSecrets(…)` (both keys) or `loadApiSecret(…, 'name')` names what it reads.
 */
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROUTES, functionIdOf } from '../../../infra/routes.ts';
import { SECRET_ARN_ENV, type ApiSecretName } from '../../../shared/platform/config/environment.ts';

const ALL_SECRETS = Object.keys(SECRET_ARN_ENV) as ApiSecretName[];
const SECRETS_MODULE = 'shared/platform/config/secrets.ts';

/** The keys a module's source reads through shared/platform/config/secrets.ts. */
const secretsReadBy = (source: string): ApiSecretName[] => {
  const names = new Set<ApiSecretName>();
  if (/\bloadApiSecrets\s*\(/.test(source)) ALL_SECRETS.forEach((name) => names.add(name));
  for (const match of source.matchAll(/\bloadApiSecret\s*\([^;']*'(\w+)'/g)) names.add(match[1] as ApiSecretName);
  return [...names];
};

/** The keys the handler module at `entry` reads, over its whole import graph. */
const secretsReadFrom = async (entry: string): Promise<ApiSecretName[]> => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const names = new Set<ApiSecretName>();
  for (const input of Object.keys(result.metafile.inputs)) {
    if (input === SECRETS_MODULE) continue;
    secretsReadBy(readFileSync(input, 'utf8')).forEach((name) => names.add(name));
  }
  return [...names].sort();
};

describe('route secrets', () => {
  it('finds the keys a module reads from its calls', () => {
    // Prepare
    const both = "const secrets = await loadApiSecrets(config);";
    const one = "export const cursorKey = await loadApiSecret(loadRuntimeConfig(), 'cursorKey');";
    const none = "import { loadRuntimeConfig } from '../config/runtime-config.ts';";

    // Act
    const found = [secretsReadBy(both).sort(), secretsReadBy(one), secretsReadBy(none)];

    // Assess
    expect(found).toEqual([['cursorKey', 'subjectHashKey'], ['cursorKey'], []]);
  });

  // One check per function: routes sharing a function share its grants.
  const byFunction = Map.groupBy(ROUTES, functionIdOf);
  it.each([...byFunction.keys()])('%s declares exactly the keys its code reads', async (functionId) => {
    // Prepare
    const routes = byFunction.get(functionId)!;
    const declared = [...new Set(routes.flatMap((r) => r.secrets ?? []))].sort();

    // Act
    const read = await secretsReadFrom(routes[0]!.entry);

    // Assess
    expect(declared).toEqual(read);
  });

  it('reaches every key somewhere, so the check above is not vacuous', () => {
    // Prepare
    const declared = new Set(ROUTES.flatMap((r) => r.secrets ?? []));

    // Act
    const missing = ALL_SECRETS.filter((name) => !declared.has(name));

    // Assess
    expect(missing).toEqual([]);
  });
});
