/**
 * The linters fail on what they are there to catch. The architecture rules
 * (.dependency-cruiser.mjs) run over two small trees laid out like the repository:
 * test/fixtures/architecture/planted breaks every rule once, clean/ keeps them all. Biome
 * runs with biome.jsonc on a planted lint error, a mis-formatted snippet and a clean one.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { afterAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RULES_FILE = join(REPO_ROOT, '.dependency-cruiser.mjs');
const BIOME_CONFIG = join(REPO_ROOT, 'biome.jsonc');
const BIOME_BIN = join(REPO_ROOT, 'node_modules/@biomejs/biome/bin/biome');
const FIXTURES = join(REPO_ROOT, 'test/fixtures/architecture');

/** One violation as `rule: from → to`, an npm target named by its package (the fixtures resolve it through ../../node_modules). */
type Violation = `${string}: ${string} → ${string}`;

const targetName = (resolved: string): string => {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(resolved);
  return match?.[1] ?? resolved;
};

/** Cruises the fixture tree `name` with the project's own rules, as `npm run lint:arch` cruises the repository. */
const cruiseFixture = async (name: 'planted' | 'clean'): Promise<{ violations: Violation[]; cruised: number }> => {
  const options = await extractDepcruiseOptions(RULES_FILE);
  const { output } = await cruise(['.'], { ...options, baseDir: join(FIXTURES, name) });
  const result = output as ICruiseResult;
  return {
    violations: result.summary.violations.map((v): Violation => `${v.rule.name}: ${v.from} → ${targetName(v.to)}`).sort(),
    cruised: result.summary.totalCruised,
  };
};

describe('architecture rules (.dependency-cruiser.mjs)', () => {
  it('reports each planted violation under its rule, and nothing else', async () => {
    // Prepare
    const planted: Violation[] = [
      'api-not-data: shared/referrals/api/routes.ts → shared/referrals/data/repository.ts',
      'console-is-an-api-client: console/src/app.ts → shared/core/ids.ts',
      'core-imports-nothing-feature: shared/core/ids.ts → shared/referrals/domain/referral.ts',
      'data-not-api: shared/referrals/data/repository.ts → shared/referrals/api/routes.ts',
      'domain-does-no-io: shared/referrals/domain/referral.ts → fs',
      'domain-is-pure: shared/referrals/domain/referral.ts → shared/platform/dynamodb/keys.ts',
      'domain-no-infrastructure-packages: shared/referrals/domain/referral.ts → @smithy/signature-v4',
      'domain-no-infrastructure-packages: shared/referrals/domain/referral.ts → @types/aws-lambda',
      'functions-thin: functions/api/planted/handler.ts → infra/routes.ts',
      'functions-thin: functions/api/planted/handler.ts → shared/platform/http/routes.ts',
      'no-circular: shared/referrals/api/routes.ts → shared/referrals/data/repository.ts',
      'no-deprecated-core: shared/sla/data/legacy.ts → punycode',
      'no-non-package-json: shared/sla/data/sweep.ts → @smithy/types',
      'no-unreachable-shared: shared/core/unused.ts → shared/core/unused.ts',
      'not-to-dev-dep: shared/sla/data/sweep.ts → jose',
      'not-to-unresolvable: shared/sla/data/legacy.ts → ./missing.ts',
      'nothing-imports-the-console: infra/app.ts → console/src/app.ts',
      'platform-knows-no-feature: shared/platform/http/routes.ts → shared/referrals/api/routes.ts',
      'runtime-zod-is-mini: shared/sla/data/sweep.ts → zod',
      'runtime-zod-through-core: shared/sla/data/sweep.ts → zod',
      'shared-not-functions: shared/sla/data/sweep.ts → functions/api/planted/handler.ts',
      'shared-not-infra: functions/api/planted/handler.ts → infra/routes.ts',
      'shared-not-infra: shared/sla/data/sweep.ts → infra/routes.ts',
      'slices-only-through-domain: shared/sla/data/sweep.ts → shared/referrals/data/repository.ts',
    ];

    // Act
    const { violations } = await cruiseFixture('planted');

    // Assess
    expect(violations).toEqual(planted);
  });

  it('has a planted violation for every rule it defines, so a new rule comes with its proof', async () => {
    // Prepare
    const options = await extractDepcruiseOptions(RULES_FILE);
    const defined = (options.ruleSet?.forbidden ?? []).map((rule) => rule.name ?? '').sort();

    // Act
    const { violations } = await cruiseFixture('planted');
    const reported = [...new Set(violations.map((violation) => violation.split(':')[0]))].sort();

    // Assess
    expect(reported).toEqual(defined);
  });

  it('passes a tree laid out as the rules intend', async () => {
    // Act
    const { violations, cruised } = await cruiseFixture('clean');

    // Assess
    expect(cruised).toBeGreaterThan(10);
    expect(violations).toEqual([]);
  });
});

describe('formatter and linter (biome.jsonc)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'jointly-biome-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** `biome check` (no writes) with the project's configuration on one file holding `source`. */
  const biomeCheck = (name: string, source: string): { exitCode: number | null; categories: string[] } => {
    writeFileSync(join(scratch, name), source);
    const run = spawnSync(process.execPath, [BIOME_BIN, 'check', `--config-path=${BIOME_CONFIG}`, '--reporter=json', name], {
      cwd: scratch,
      encoding: 'utf8',
    });
    const report = JSON.parse(run.stdout) as { diagnostics: { category: string }[] };
    return { exitCode: run.status, categories: report.diagnostics.map((diagnostic) => diagnostic.category) };
  };

  it('fails on a lint error', () => {
    // Act
    const result = biomeCheck('planted-lint.ts', 'export const stop = (): void => {\n  debugger;\n};\n');

    // Assess
    expect(result.categories).toEqual(['lint/suspicious/noDebugger']);
    expect(result.exitCode).toBe(1);
  });

  it('fails on code not in the project format', () => {
    // Act
    const result = biomeCheck('planted-format.ts', 'export const limits = {max:10,  unit: "items"}\n');

    // Assess
    expect(result.categories).toEqual(['format']);
    expect(result.exitCode).toBe(1);
  });

  it('passes clean, formatted code', () => {
    // Act
    const result = biomeCheck('clean.ts', "export const limits = { max: 10, unit: 'items' };\n");

    // Assess
    expect(result.categories).toEqual([]);
    expect(result.exitCode).toBe(0);
  });
});
