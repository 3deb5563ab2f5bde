/**
 * Every `JointlyFunction` stages its code with Jointly's own local bundling
 * (infra/bundling/function-bundle.ts: code splitting, aliases, the SDK inside), hashed by its
 * output, with Lambda's handler naming the entry file at the asset's root.
 *
 * Bundling is skipped (`aws:cdk:bundling-stacks: []`), so no esbuild runs here: the test
 * catches the bundling options handed to `Code.fromAsset`. test/integration/bundles/ runs a real one.
 */
import { App, AssetHashType, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FunctionBundling } from '#infra/bundling/function-bundle.ts';
import { loadStageConfig } from '#infra/config/stage-config.ts';
import { JointlyFunction, REPO_ROOT } from '#infra/constructs/jointly-function.ts';

afterEach(() => {
  // The infra project shares one module graph between files (isolate: false).
  vi.restoreAllMocks();
});

/** The `Code.fromAsset` call of one `JointlyFunction` of `entry`, and its stack. */
const assetOf = (entry: string, handler?: string) => {
  const fromAsset = vi.spyOn(lambda.Code, 'fromAsset');
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Probe');
  new JointlyFunction(stack, 'Fn', { entry, stageConfig: loadStageConfig('dev', { env: {} }), ...(handler ? { handler } : {}) });
  const [source, options] = fromAsset.mock.calls.at(-1) ?? [];
  return { source, options, template: Template.fromStack(stack) };
};

describe('JointlyFunction code', () => {
  it('is bundled locally by FunctionBundling from the repository root, hashed by the bundle it produced', () => {
    // Act
    const { source, options } = assetOf('functions/api/referrals/handler.ts');

    // Assess
    expect(source).toBe(REPO_ROOT);
    expect(options?.assetHashType).toBe(AssetHashType.OUTPUT);
    const local = options?.bundling?.local;
    expect(local).toBeInstanceOf(FunctionBundling);
    expect(local instanceof FunctionBundling && local.entry).toBe('functions/api/referrals/handler.ts');
  });

  it("falls back to Docker with the same bundler in the project's copy (never used: local bundling succeeds or throws)", () => {
    // Act
    const { options } = assetOf('functions/api/meta/handler.ts');

    // Assess
    expect(options?.bundling?.command).toEqual([
      'node',
      'infra/bundling/function-bundle.ts',
      'functions/api/meta/handler.ts',
      '/asset-output',
    ]);
    expect(options?.bundling?.workingDirectory).toBe('/asset-input');
  });

  it('names the entry file at the asset root in the handler, on Node 24 / arm64', () => {
    // Act
    const { template } = assetOf('functions/events/deliver/handler.ts', 'deliverHandler');

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.deliverHandler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
  });
});
