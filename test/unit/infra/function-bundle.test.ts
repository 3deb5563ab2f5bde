/**
 * The one bundling definition (infra/bundling/function-bundle.ts) and how a bundle's files are
 * split into what a cold start loads and what loads on demand.
 */
import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { LAMBDA_ALIASES } from '#infra/bundling/aliases.ts';
import {
  BUNDLE_BANNER,
  BUNDLING_ROOT,
  bundleLayoutOf,
  bytesOf,
  esbuildOptionsFor,
  FunctionBundling,
} from '#infra/bundling/function-bundle.ts';

describe('esbuildOptionsFor', () => {
  it('bundles one entry for Node 24 as split ESM, SDK inside, aliases applied, maps without sources', () => {
    // Act
    const options = esbuildOptionsFor('functions/api/referrals/handler.ts', '/tmp/out');

    // Assess
    expect(options).toMatchObject({
      absWorkingDir: BUNDLING_ROOT,
      entryPoints: { index: `${BUNDLING_ROOT}functions/api/referrals/handler.ts` },
      outdir: '/tmp/out',
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      minify: true,
      sourcemap: 'linked',
      sourcesContent: false,
      banner: { js: BUNDLE_BANNER },
      mainFields: ['module', 'main'],
      alias: LAMBDA_ALIASES,
      external: [],
      metafile: true,
    });
  });
});

/** A metafile output of `bytes` that imports `statics` and `dynamics` (paths as esbuild writes them). */
const output = (bytes: number, statics: string[], dynamics: string[] = []): Metafile['outputs'][string] => ({
  bytes,
  inputs: { 'shared/x.ts': { bytesInOutput: bytes } },
  imports: [
    ...statics.map((path) => ({ path, kind: 'import-statement' as const })),
    ...dynamics.map((path) => ({ path, kind: 'dynamic-import' as const })),
    { path: 'node:crypto', kind: 'import-statement' as const, external: true },
  ],
  exports: [],
});

describe('bundleLayoutOf', () => {
  it('counts the entry and what it imports statically, transitively, as cold; chunks reached only by import() as lazy', () => {
    // Prepare
    const metafile: Metafile = {
      inputs: {},
      outputs: {
        'out/fn/index.mjs': output(100, ['out/fn/chunks/shared-A.mjs'], ['out/fn/chunks/kms-B.mjs']),
        'out/fn/chunks/shared-A.mjs': output(30, ['out/fn/chunks/deep-C.mjs']),
        'out/fn/chunks/deep-C.mjs': output(5, []),
        // Loaded on demand, and what it imports statically comes with it, on demand too.
        'out/fn/chunks/kms-B.mjs': output(40, ['out/fn/chunks/shared-A.mjs', 'out/fn/chunks/kms-only-D.mjs']),
        'out/fn/chunks/kms-only-D.mjs': output(7, []),
        'out/fn/index.mjs.map': output(999, []),
      },
    };

    // Act
    const layout = bundleLayoutOf(metafile, `${BUNDLING_ROOT}out/fn`);

    // Assess
    expect(layout.cold.map((f) => f.file)).toEqual(['index.mjs', 'chunks/shared-A.mjs', 'chunks/deep-C.mjs']);
    expect(layout.lazy.map((f) => f.file).sort()).toEqual(['chunks/kms-B.mjs', 'chunks/kms-only-D.mjs']);
    expect(bytesOf(layout.cold)).toBe(135);
    expect(bytesOf(layout.lazy)).toBe(47);
    expect(layout.cold[0]!.dynamicImports).toEqual(['chunks/kms-B.mjs']);
  });

  it('refuses a metafile without the entry file', () => {
    // Prepare
    const metafile: Metafile = { inputs: {}, outputs: { 'out/fn/other.mjs': output(1, []) } };

    // Act
    const layingOut = () => bundleLayoutOf(metafile, `${BUNDLING_ROOT}out/fn`);

    // Assess
    expect(layingOut).toThrow('has no index.mjs');
  });
});

describe('FunctionBundling', () => {
  it('keeps its entry as a property, so CDK caches two functions as two assets', () => {
    // Act
    const a = JSON.stringify(new FunctionBundling('functions/api/referrals/handler.ts'));
    const b = JSON.stringify(new FunctionBundling('functions/api/meta/handler.ts'));

    // Assess
    expect(a).not.toBe(b);
  });
});
