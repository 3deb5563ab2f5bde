/**
 * `npm run bundle-report`: bundles every function (infra/function-entries.ts) with exactly
 * the esbuild options CDK uses (`JOINTLY_BUNDLING` in infra/constructs/jointly-function.ts),
 * prints each bundle's size, and writes the figures to `bench/bundles.json` (git-ignored).
 *
 *   npm run bundle-report                       # bundles into a temporary folder, then removes it
 *   npm run bundle-report -- --keep .bundles    # keeps index.mjs + index.mjs.map per function
 *
 * Columns: the minified bundle, its source map (shipped beside it, read only when
 * source-mapped stack traces are enabled), the deflated size of both (≈ what Lambda's
 * zip holds), and the largest packages inside the bundle.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { JOINTLY_BUNDLING, REPO_ROOT } from '../infra/constructs/jointly-function.ts';
import { FUNCTION_ENTRIES, type FunctionEntry } from '../infra/function-entries.ts';

/** Where the report is written, relative to the repository root. */
export const REPORT_PATH = 'bench/bundles.json';

/** esbuild's `sourcemap` for a CDK `SourceMapMode` (CDK passes `--sourcemap[=mode]`). */
const SOURCEMAP: Record<SourceMapMode, esbuild.BuildOptions['sourcemap']> = {
  [SourceMapMode.DEFAULT]: true,
  [SourceMapMode.EXTERNAL]: 'external',
  [SourceMapMode.INLINE]: 'inline',
  [SourceMapMode.BOTH]: 'both',
};

/**
 * The esbuild options CDK's `NodejsFunction` derives from `JOINTLY_BUNDLING` (its
 * `--target`, `--format`, `--minify`, `--sourcemap`, `--sources-content`, `--banner`,
 * `--main-fields`, and no `--external` since the SDK is bundled), for all `functions` in
 * one build: esbuild parses shared modules once, and without code splitting each entry's
 * output is the same self-contained bundle a build of its own gives (`<id>/index.mjs`).
 */
export const esbuildOptionsFor = (functions: readonly FunctionEntry[], outdir: string): esbuild.BuildOptions => ({
  absWorkingDir: REPO_ROOT,
  entryPoints: Object.fromEntries(functions.map((fn) => [`${fn.id}/index`, path.join(REPO_ROOT, fn.entry)])),
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: false,
  platform: 'node',
  target: JOINTLY_BUNDLING.target,
  format: JOINTLY_BUNDLING.format,
  minify: JOINTLY_BUNDLING.minify,
  sourcemap: JOINTLY_BUNDLING.sourceMap ? SOURCEMAP[JOINTLY_BUNDLING.sourceMapMode] : false,
  sourcesContent: JOINTLY_BUNDLING.sourcesContent,
  banner: { js: JOINTLY_BUNDLING.banner },
  mainFields: [...JOINTLY_BUNDLING.mainFields],
  // bundleAwsSDK: true, so nothing is external (not even @aws-sdk/*).
  external: [],
  metafile: true,
  logLevel: 'warning',
});

/** One function's figures. */
export interface BundleFigures {
  readonly id: string;
  readonly kind: FunctionEntry['kind'];
  readonly entry: string;
  readonly bundleBytes: number;
  readonly sourceMapBytes: number;
  /** Deflate (zip) size of the bundle and its map together. */
  readonly zippedBytes: number;
  /** Bytes each package contributes to the bundle, largest first (`jointly` = this repository). */
  readonly packages: readonly { readonly name: string; readonly bytes: number }[];
}

/** `node_modules/@aws-sdk/client-sqs/dist-es/x.js` → `@aws-sdk/client-sqs`; our own files → `jointly`. */
const packageOf = (input: string): string => {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return 'jointly';
  const [first, second] = input.slice(at + 'node_modules/'.length).split('/');
  return first?.startsWith('@') ? `${first}/${second}` : (first ?? input);
};

const sizeOf = (file: string): Buffer => {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
};

/** Bundles `functions` into `outRoot/<id>/index.mjs` and measures each. */
const bundleAll = async (functions: readonly FunctionEntry[], outRoot: string): Promise<BundleFigures[]> => {
  const result = await esbuild.build(esbuildOptionsFor(functions, outRoot));
  const outputs = result.metafile!.outputs;
  return functions.map((fn) => {
    const outfile = path.join(outRoot, fn.id, 'index.mjs');
    const output = Object.entries(outputs).find(([file]) => path.resolve(REPO_ROOT, file) === outfile)?.[1];
    if (!output) throw new Error(`esbuild produced no bundle for ${fn.id}.`);
    const byPackage = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
    const code = readFileSync(outfile);
    const map = sizeOf(`${outfile}.map`);
    return {
      id: fn.id,
      kind: fn.kind,
      entry: fn.entry,
      bundleBytes: code.length,
      sourceMapBytes: map.length,
      zippedBytes: deflateRawSync(code).length + deflateRawSync(map).length,
      packages: [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
    };
  });
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

const table = (rows: readonly BundleFigures[]): string => {
  const lines = [
    ['function', 'kind', 'bundle', 'map', 'zipped', 'largest packages'],
    ...rows.map((r) => [
      r.id,
      r.kind,
      kb(r.bundleBytes),
      kb(r.sourceMapBytes),
      kb(r.zippedBytes),
      r.packages
        .slice(0, 3)
        .map((p) => `${p.name} ${kb(p.bytes)}`)
        .join(', '),
    ]),
  ];
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  const right = new Set([2, 3, 4]);
  return lines
    .map((line) => line.map((cell, column) => (right.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd())
    .join('\n');
};

const main = async (): Promise<void> => {
  const keepAt = process.argv.indexOf('--keep');
  const keep = keepAt >= 0 ? process.argv[keepAt + 1] : undefined;
  if (keepAt >= 0 && !keep) throw new Error('--keep needs a folder, e.g. --keep .bundles.');
  const outRoot = keep ? path.resolve(keep) : mkdtempSync(path.join(tmpdir(), 'jointly-bundles-'));
  try {
    const rows = await bundleAll(FUNCTION_ENTRIES, outRoot);
    console.log(table(rows));
    const total = rows.reduce((sum, r) => sum + r.bundleBytes, 0);
    console.log(`\n${rows.length} functions, ${kb(total)} of bundles; largest ${kb(Math.max(...rows.map((r) => r.bundleBytes)))}.`);
    const report = {
      generatedAt: new Date().toISOString(),
      esbuild: esbuild.version,
      bundling: JOINTLY_BUNDLING,
      functions: rows,
    };
    mkdirSync(path.join(REPO_ROOT, path.dirname(REPORT_PATH)), { recursive: true });
    writeFileSync(path.join(REPO_ROOT, REPORT_PATH), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`Written to ${REPORT_PATH}${keep ? `; bundles kept in ${outRoot}` : ''}.`);
  } finally {
    if (!keep) rmSync(outRoot, { recursive: true, force: true });
  }
};

await main();
