/**
 * Every `JointlyFunction` hands CDK the bundling of `JOINTLY_BUNDLING`, module aliases
 * included (infra/bundling/aliases.ts), and CDK renders them as esbuild `--alias:from=to`
 * arguments, to run where the aliases' repository-relative paths resolve.
 *
 * Bundling is skipped (`aws:cdk:bundling-stacks: []`), so no esbuild runs here: the test
 * catches the `Bundling` CDK creates for the function's asset (it exists either way) and
 * reads the esbuild command it rendered. test/integration/bundles/ runs a real one.
 */
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { aliasArgs, LAMBDA_ALIASES } from '#infra/bundling/aliases.ts';
import { loadStageConfig } from '#infra/config/stage-config.ts';
import { JOINTLY_BUNDLING, JointlyFunction } from '#infra/constructs/jointly-function.ts';

/** What this test reads of CDK's (internal) `Bundling`: the Docker command and working directory. */
interface RenderedBundling {
  readonly command?: readonly string[];
  readonly workingDirectory?: string;
  readonly local?: { tryBundle(outputDir: string): boolean };
}

afterEach(() => {
  // The infra project shares one module graph between files (isolate: false).
  vi.restoreAllMocks();
});

/** The bundling CDK prepared for one `JointlyFunction` of `entry`. */
const bundlingOf = (entry: string): RenderedBundling => {
  const fromAsset = vi.spyOn(lambda.Code, 'fromAsset');
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Probe');
  new JointlyFunction(stack, 'Fn', { entry, stageConfig: loadStageConfig('dev', { env: {} }) });
  const [, options] = fromAsset.mock.calls.at(-1) ?? [];
  expect(options?.bundling).toBeDefined();
  return options!.bundling as unknown as RenderedBundling;
};

describe('JOINTLY_BUNDLING', () => {
  it('passes every alias of LAMBDA_ALIASES as an esbuild --alias argument', () => {
    expect(JOINTLY_BUNDLING.esbuildArgs['--alias']).toEqual(aliasArgs(LAMBDA_ALIASES));
    expect(JOINTLY_BUNDLING.esbuildArgs['--alias']).toContain('@aws-sdk/credential-provider-node=./infra/bundling/lambda-credentials.ts');
  });

  it('keeps the AWS SDK inside the bundle (nothing external)', () => {
    expect(JOINTLY_BUNDLING.bundleAwsSDK).toBe(true);
  });
});

describe('JointlyFunction bundling', () => {
  it('renders each alias as --alias:from=to in the esbuild command', () => {
    // Act
    const bundling = bundlingOf('functions/api/referrals/get-referral.ts');

    // Assess
    const command = bundling.command?.join(' ') ?? '';
    expect(command).toContain("'esbuild' '--bundle'");
    for (const [from, to] of Object.entries(LAMBDA_ALIASES)) expect(command).toContain(`'--alias:${from}=${to}'`);
    expect(command).not.toContain('--external:@aws-sdk');
  });

  it('bundles locally when esbuild is installed, and in Docker from the project copy, where the alias paths resolve', () => {
    // Act
    const bundling = bundlingOf('functions/api/meta/get-health.ts');

    // Assess
    expect(bundling.local).toBeDefined();
    expect(bundling.workingDirectory).toBe(AssetStaging.BUNDLING_INPUT_DIR);
  });
});
