/**
 * `npm run bundle-report`: bundles every function (infra/function-entries.ts) with exactly
 * the esbuild options CDK uses (`esbuildOptionsFor` in infra/bundling/function-bundle.ts),
 * times a cold import of each bundle, prints the figures, and writes them to
 * `bench/bundles.json` (git-ignored). The work is `measureBundles` (scripts/bundle-measure.ts).
 *
 *   npm run bundle-report                       # bundles into a temporary folder, then removes it
 *   npm run bundle-report -- --keep .bundles    # keeps each function's index.mjs, chunks/ and maps
 *   npm run bundle-report -- --runs 9           # timed imports per bundle (default 5; the median is kept)
 *
 * Columns: what a cold start loads (the minified entry and the chunks it imports statically),
 * the chunks loaded on demand by `import()` (the first request that needs them pays for them;
 * `bench/bundles.json` lists each with its packages), the source maps (shipped beside it, read only when
 * source-mapped stack traces are enabled), the deflated size of both (≈ what Lambda's
 * zip holds), the median time a fresh `node` takes to import the bundle and exit, what
 * that adds to the same `node` importing nothing (the baseline, printed below), and the
 * largest packages of what a cold start loads.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { BUNDLING_ROOT as REPO_ROOT, esbuildOptionsFor } from '../infra/bundling/function-bundle.ts';
import { measureBundles, type MeasuredFunction } from './bundle-measure.ts';

/** Where the report is written, relative to the repository root. */
export const REPORT_PATH = 'bench/bundles.json';

/** The targets of issue 7: a bundle's size and what its import adds to a bare `node`. */
const TARGET_BYTES = 300 * 1024;
const TARGET_OVERHEAD_MS = 80;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

const table = (rows: readonly MeasuredFunction[]): string => {
  const lines = [
    ['function', 'kind', 'bundle', 'lazy', 'map', 'zipped', 'import', 'overhead', 'largest packages'],
    ...rows.map((r) => [
      r.id,
      r.kind,
      `${kb(r.bytes)}${r.bytes > TARGET_BYTES ? '*' : ' '}`,
      kb(r.lazyBytes),
      kb(r.sourceMapBytes),
      kb(r.zippedBytes),
      ms(r.importMs),
      `${ms(r.overheadMs)}${r.overheadMs > TARGET_OVERHEAD_MS ? '*' : ' '}`,
      r.packages
        .slice(0, 3)
        .map((p) => `${p.name} ${kb(p.bytes)}`)
        .join(', '),
    ]),
  ];
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  const right = new Set([2, 3, 4, 5, 6, 7]);
  return lines
    .map((line) =>
      line
        .map((cell, column) => (right.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

/** The value after `flag` on the command line, if the flag is there. */
const option = (flag: string): string | undefined => {
  const at = process.argv.indexOf(flag);
  if (at < 0) return undefined;
  const value = process.argv[at + 1];
  if (!value || value.startsWith('--')) throw new Error(`${flag} needs a value.`);
  return value;
};

const main = async (): Promise<void> => {
  const keep = option('--keep');
  const runs = option('--runs');
  const measured = await measureBundles({ keepDir: keep, importRuns: runs === undefined ? undefined : Number(runs) });
  const rows = measured.functions;
  console.log(table(rows));
  const total = rows.reduce((sum, r) => sum + r.bytes, 0);
  const over = rows.filter((r) => r.bytes > TARGET_BYTES || r.overheadMs > TARGET_OVERHEAD_MS).length;
  console.log(
    `\n${rows.length} functions, ${kb(total)} of bundles; largest ${kb(Math.max(...rows.map((r) => r.bytes)))}, ` +
      `slowest import +${ms(Math.max(...rows.map((r) => r.overheadMs)))}.`,
  );
  console.log(
    `Baseline: ${ms(measured.nodeBaselineMs)} for node ${measured.nodeVersion} importing nothing (median of ${measured.importRuns} runs each).`,
  );
  console.log(`* over target (${kb(TARGET_BYTES)}, +${TARGET_OVERHEAD_MS} ms): ${over} of ${rows.length}.`);
  const report = {
    generatedAt: new Date().toISOString(),
    esbuild: esbuild.version,
    node: measured.nodeVersion,
    bundling: esbuildOptionsFor('<entry>', '<outdir>'),
    importRuns: measured.importRuns,
    nodeBaselineMs: measured.nodeBaselineMs,
    // Bundle paths only when kept (a temporary folder is gone by now).
    functions: rows.map(({ file, ...row }) => (keep ? { ...row, file: path.relative(REPO_ROOT, file) } : row)),
  };
  mkdirSync(path.join(REPO_ROOT, path.dirname(REPORT_PATH)), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, REPORT_PATH), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Written to ${REPORT_PATH}${keep ? `; bundles kept in ${path.resolve(keep)}` : ''}.`);
};

await main();
