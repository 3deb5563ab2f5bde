/**
 * How every Lambda function is bundled: one definition, used by CDK (`JointlyFunction`'s asset),
 * by `npm run bundle-report` / `npm run bench` and by the bundle tests alike.
 *
 * ESM for Node 24, minified and tree-shaken, with the AWS SDK inside (not the runtime's copy, so
 * the version is the lock file's). **Code splitting** is on: the entry `index.mjs` holds what
 * every cold start needs, and what only some requests need (Powertools idempotency when an
 * `Idempotency-Key` is sent, the KMS client when a webhook secret is sealed or opened, the SQS
 * client when a delivery is retried or redriven, the SES client when an e-mail is sent) sits in
 * `chunks/*.mjs`, loaded by `import()` on the first request that needs it (decision record 46).
 * CDK's `NodejsFunction` cannot do this (it bundles with `--outfile`, and splitting needs an
 * output directory), so `JointlyFunction` stages its asset with this module's local bundling.
 *
 * Source maps are separate files (linked by a `sourceMappingURL` comment) without the sources'
 * text: Node never reads them unless `--enable-source-maps` is on (stage config
 * `lambda.enableSourceMaps`). A few modules are swapped for leaner equivalents (infra/bundling/aliases.ts).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundlingOptions, ILocalBundling } from 'aws-cdk-lib';
import * as esbuild from 'esbuild';
import { LAMBDA_ALIASES } from './aliases.ts';

/** The repository root: entries and alias targets are resolved from it. */
export const BUNDLING_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The Lambda runtime the bundles target. */
export const BUNDLE_TARGET = 'node24';

/**
 * ESM output with CommonJS dependencies inside: give every output file a `require`. (esbuild
 * puts the banner at the top of each chunk too; each is its own module.)
 */
export const BUNDLE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The file Lambda's handler string names (`index.handler`), at the root of the asset. */
export const ENTRY_FILE = 'index.mjs';

/** Where the lazily loaded chunks go, inside the asset. */
export const CHUNK_DIR = 'chunks';

/**
 * The esbuild options that bundle the handler module `entry` (relative to the repository root)
 * into `outdir`: `outdir/index.mjs`, `outdir/chunks/*.mjs`, and a `.map` beside each.
 */
export const esbuildOptionsFor = (entry: string, outdir: string): esbuild.BuildOptions & { metafile: true } => ({
  absWorkingDir: BUNDLING_ROOT,
  entryPoints: { index: path.join(BUNDLING_ROOT, entry) },
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
  bundle: true,
  splitting: true,
  platform: 'node',
  target: BUNDLE_TARGET,
  format: 'esm',
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  banner: { js: BUNDLE_BANNER },
  // ESM builds of packages first (they tree-shake), CommonJS otherwise.
  mainFields: ['module', 'main'],
  alias: { ...LAMBDA_ALIASES },
  // The SDK is bundled: nothing is external.
  external: [],
  metafile: true,
  logLevel: 'warning',
});

/** One output file of a bundle. */
export interface BundleFile {
  /** Relative to the bundle's folder (`index.mjs`, `chunks/x-HASH.mjs`). */
  readonly file: string;
  readonly bytes: number;
  /** The chunks it imports statically (loaded with it) and by `import()` (loaded on demand). */
  readonly imports: readonly string[];
  readonly dynamicImports: readonly string[];
  /** Source files in it, with the bytes each contributes. */
  readonly inputs: Readonly<Record<string, number>>;
}

/** A bundle's files, split by when they load. */
export interface BundleLayout {
  /** The entry and every chunk it reaches by static imports: what a cold start loads. */
  readonly cold: readonly BundleFile[];
  /** The chunks reached only through `import()`: loaded by the first request that needs them. */
  readonly lazy: readonly BundleFile[];
}

/**
 * Splits the JavaScript outputs of one bundle (an esbuild metafile of {@link esbuildOptionsFor}
 * into `outdir`) into what its cold start loads and what loads on demand.
 */
export const bundleLayoutOf = (metafile: esbuild.Metafile, outdir: string): BundleLayout => {
  const relative = (output: string) => path.relative(outdir, path.resolve(BUNDLING_ROOT, output)).split(path.sep).join('/');
  const files = new Map<string, BundleFile>();
  for (const [output, meta] of Object.entries(metafile.outputs)) {
    if (!output.endsWith('.mjs')) continue;
    files.set(relative(output), {
      file: relative(output),
      bytes: meta.bytes,
      imports: meta.imports.filter((i) => i.kind === 'import-statement' && !i.external).map((i) => relative(i.path)),
      dynamicImports: meta.imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => relative(i.path)),
      inputs: Object.fromEntries(Object.entries(meta.inputs).map(([input, { bytesInOutput }]) => [input, bytesInOutput])),
    });
  }
  if (!files.has(ENTRY_FILE)) throw new Error(`The bundle in ${outdir} has no ${ENTRY_FILE}.`);
  const cold = new Set<string>();
  const visit = (file: string) => {
    if (cold.has(file)) return;
    cold.add(file);
    for (const next of files.get(file)?.imports ?? []) visit(next);
  };
  visit(ENTRY_FILE);
  return {
    cold: [...cold].map((file) => files.get(file)!),
    lazy: [...files.values()].filter((f) => !cold.has(f.file)),
  };
};

/** The bytes of `files` together. */
export const bytesOf = (files: readonly BundleFile[]): number => files.reduce((sum, f) => sum + f.bytes, 0);

/**
 * CDK's local bundling of one function: esbuild's own API in this process (no Docker), the
 * same options as every measurement. Staging asks for a synchronous bundler, so `buildSync`.
 */
export class FunctionBundling implements ILocalBundling {
  /** The handler module, relative to the repository root (also what tells assets apart in CDK's cache). */
  readonly entry: string;

  constructor(entry: string) {
    this.entry = entry;
  }

  tryBundle(outputDir: string): boolean {
    mkdirSync(outputDir, { recursive: true });
    esbuild.buildSync(esbuildOptionsFor(this.entry, outputDir));
    return true;
  }
}

/**
 * The asset bundling of one function. Local bundling always succeeds or throws, so the Docker
 * fallback never runs; it is still a working one (the Node 24 build image, this module as a
 * command line, in the project's copy where the alias paths resolve), because CDK requires it.
 */
export const functionBundlingOptions = (entry: string, image: BundlingOptions['image']): BundlingOptions => ({
  image,
  local: new FunctionBundling(entry),
  command: ['node', 'infra/bundling/function-bundle.ts', entry, '/asset-output'],
  workingDirectory: '/asset-input',
});

// `node infra/bundling/function-bundle.ts <entry> <outdir>`: the same bundle from a shell.
if (import.meta.main) {
  const [entry, outdir] = process.argv.slice(2);
  if (!entry || !outdir) throw new Error('usage: node infra/bundling/function-bundle.ts <entry> <outdir>');
  new FunctionBundling(entry).tryBundle(path.resolve(outdir));
}
