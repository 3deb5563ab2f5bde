/**
 * Bundles every Lambda function (infra/function-entries.ts) exactly as CDK does
 * (`esbuildOptionsFor` in infra/bundling/function-bundle.ts, aliases and code splitting
 * included) and measures each bundle: the bytes its cold start loads (the entry and the
 * chunks it imports statically), the chunks it loads on demand, what each package
 * contributes, and its cold import time, i.e. how long a fresh `node` takes to import it
 * and exit, next to the same measurement of a `node` that imports nothing.
 *
 * Used by `npm run bundle-report` (scripts/bundle-report.ts) and `npm run bench`. Importing
 * this module runs nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { bundleLayoutOf, bytesOf, type BundleFile, esbuildOptionsFor } from '../infra/bundling/function-bundle.ts';
import { ENV, EVENT_ENV, POWERTOOLS_ENV } from '../shared/platform/config/environment.ts';
import { FUNCTION_ENTRIES, type FunctionEntry, type FunctionKind } from '../infra/function-entries.ts';

/** Bytes one package contributes to a bundle (`jointly` = this repository's own code). */
export interface PackageBytes {
  readonly name: string;
  readonly bytes: number;
}

/** A chunk loaded on demand, and what is in it. */
export interface LazyChunk {
  readonly file: string;
  readonly bytes: number;
  /** Largest first. */
  readonly packages: readonly PackageBytes[];
}

/** One function's bundle. */
export interface BundleFigures {
  readonly id: string;
  readonly kind: FunctionKind;
  readonly entry: string;
  /** The bundle's entry file (`<outRoot>/<id>/index.mjs`). */
  readonly file: string;
  /** Bytes a cold start loads: the entry and every chunk it imports statically. */
  readonly bytes: number;
  /** Bytes of the chunks loaded by `import()` only, by the first request that needs them. */
  readonly lazyBytes: number;
  readonly lazyChunks: readonly LazyChunk[];
  /** Size of the source maps of all its files (shipped beside them). */
  readonly sourceMapBytes: number;
  /** Deflate (zip) size of all its files and maps together. */
  readonly zippedBytes: number;
  /** What the cold-loaded files hold, largest first. */
  readonly packages: readonly PackageBytes[];
}

/** `node_modules/@aws-sdk/client-sqs/dist-es/x.js` → `@aws-sdk/client-sqs`; our own files → `jointly`. */
export const packageOf = (input: string): string => {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return 'jointly';
  const [first, second] = input.slice(at + 'node_modules/'.length).split('/');
  return first?.startsWith('@') ? `${first}/${second}` : (first ?? input);
};

/** The bytes of `files` per package, largest first. */
export const packagesOf = (files: readonly BundleFile[]): PackageBytes[] => {
  const byPackage = new Map<string, number>();
  for (const file of files) {
    for (const [input, bytes] of Object.entries(file.inputs))
      byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytes);
  }
  return [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
};

const contentOf = (file: string): Buffer => {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
};

/** Bundles one function into `outDir` (as CDK does) and sizes it. */
export const bundleFunction = async (fn: FunctionEntry, outDir: string): Promise<BundleFigures> => {
  const result = await esbuild.build(esbuildOptionsFor(fn.entry, outDir));
  const layout = bundleLayoutOf(result.metafile, outDir);
  const all = [...layout.cold, ...layout.lazy];
  const codes = all.map((f) => readFileSync(path.join(outDir, f.file)));
  const maps = all.map((f) => contentOf(path.join(outDir, `${f.file}.map`)));
  return {
    id: fn.id,
    kind: fn.kind,
    entry: fn.entry,
    file: path.join(outDir, layout.cold[0]!.file),
    bytes: bytesOf(layout.cold),
    lazyBytes: bytesOf(layout.lazy),
    lazyChunks: layout.lazy.map((f) => ({ file: f.file, bytes: f.bytes, packages: packagesOf([f]) })),
    sourceMapBytes: maps.reduce((sum, m) => sum + m.length, 0),
    zippedBytes: [...codes, ...maps].reduce((sum, b) => sum + deflateRawSync(b).length, 0),
    packages: packagesOf(layout.cold),
  };
};

/** Bundles `functions` into `outRoot/<id>/` (in parallel; each build is its own, as in CDK) and sizes each. */
export const bundleFunctions = async (functions: readonly FunctionEntry[], outRoot: string): Promise<BundleFigures[]> =>
  Promise.all(functions.map((fn) => bundleFunction(fn, path.join(outRoot, fn.id))));

/** The median of `values` (the mean of the middle two for an even count). */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) throw new Error('The median of no values is undefined.');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * The environment a bundle is imported in: what Lambda sets (region, function name,
 * execution environment, role credentials in the environment) and what the stacks set,
 * with the local stage's values so that module initialisation stays on this machine: the
 * HMAC keys come from the environment instead of Secrets Manager, and the DynamoDB endpoint
 * is a closed local port (clients are only made at import; nothing is sent). Nothing is
 * inherited from this process (no AWS profile, no real credentials) but `PATH`.
 */
export const importEnvironment = (functionName: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  TZ: ':UTC',
  LANG: 'en_US.UTF-8',
  AWS_REGION: 'eu-west-2',
  AWS_DEFAULT_REGION: 'eu-west-2',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: `jointly-local-${functionName}`,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_ACCESS_KEY_ID: 'ASIALOCALBUNDLEMEASURE',
  AWS_SECRET_ACCESS_KEY: 'local-bundle-measure-secret',
  AWS_SESSION_TOKEN: 'local-bundle-measure-token',
  [POWERTOOLS_ENV.serviceName]: 'jointly',
  POWERTOOLS_LOG_LEVEL: 'WARN',
  [ENV.stage]: 'local',
  [ENV.tableName]: 'jointly-local',
  [ENV.dynamodbEndpoint]: 'http://127.0.0.1:9',
  [ENV.subjectHashKey]: 'bundle-measure-subject-hash-key-0000000000',
  [ENV.cursorKey]: 'bundle-measure-cursor-key-00000000000000000',
  [EVENT_ENV.sealKeyArn]: 'arn:aws:kms:eu-west-2:000000000000:key/bundle-measure',
  [EVENT_ENV.webhookPolicy]: 'public-https',
});

/**
 * The child's program: import the module named by its file URL, then exit at once (a
 * module may leave a timer or socket behind; only the import is measured). A failed
 * import rejects the top-level await: Node prints it and exits with status 1.
 */
const PROBE = 'await import(process.argv[2]);\nprocess.exit(0);\n';

/** A module importing nothing: the baseline. */
const EMPTY = '';

/** What {@link measureBundles} measures of one function. */
export interface MeasuredFunction extends BundleFigures {
  /** Median wall-clock time, in ms, from spawning `node` to its exit, importing the bundle. */
  readonly importMs: number;
  /** `importMs` minus `nodeBaselineMs`: what importing the bundle adds to a bare `node`. */
  readonly overheadMs: number;
}

/** The result of {@link measureBundles}. */
export interface BundleMeasurement {
  /** Median wall-clock time, in ms, of the same `node` importing an empty module. */
  readonly nodeBaselineMs: number;
  /** Imports timed per bundle (and for the baseline). */
  readonly importRuns: number;
  /** The Node.js version the imports ran on (`process.version` of the children). */
  readonly nodeVersion: string;
  readonly functions: readonly MeasuredFunction[];
}

/** Options of {@link measureBundles}. */
export interface MeasureOptions {
  /** Timed imports per bundle, the median kept. @default 5 */
  readonly importRuns?: number;
  /** Keep the bundles (`<keepDir>/<id>/index.mjs` and `.map`); a temporary folder, removed after, otherwise. */
  readonly keepDir?: string;
  /** The functions to measure. @default FUNCTION_ENTRIES (every deployed function) */
  readonly functions?: readonly FunctionEntry[];
  /** The `node` to time. @default process.execPath (the pinned Node 24 under `npm run`) */
  readonly nodePath?: string;
}

/** Spawns `node probe module` once; the wall-clock ms from spawn to exit. Throws if it failed. */
const timeImport = (nodePath: string, probe: string, module: string, env: Record<string, string>, label: string): number => {
  const started = performance.now();
  const child = spawnSync(nodePath, [probe, pathToFileURL(module).href], {
    cwd: path.dirname(module),
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
  });
  const elapsed = performance.now() - started;
  if (child.error) throw child.error;
  if (child.status !== 0) throw new Error(`Importing ${label} failed (exit ${child.status ?? child.signal}):\n${child.stderr}`);
  return elapsed;
};

/**
 * Bundles `functions` (default: every function) as CDK does, then times a cold import of
 * each bundle `importRuns` times in fresh `node` processes, with the baseline timed in the
 * same rounds: each round runs the baseline and every bundle once, starting one further
 * along each time, so a burst of load on the machine is spread over all of them. The
 * medians are kept. A bundle whose import throws fails the whole measurement.
 */
export const measureBundles = async (options: MeasureOptions = {}): Promise<BundleMeasurement> => {
  const importRuns = options.importRuns ?? 5;
  if (!Number.isInteger(importRuns) || importRuns < 1) throw new Error('importRuns must be a whole number ≥ 1.');
  const nodePath = options.nodePath ?? process.execPath;
  const functions = options.functions ?? FUNCTION_ENTRIES;
  const outRoot = options.keepDir ? path.resolve(options.keepDir) : mkdtempSync(path.join(tmpdir(), 'jointly-bundles-'));
  const probeDir = mkdtempSync(path.join(tmpdir(), 'jointly-import-probe-'));
  try {
    mkdirSync(outRoot, { recursive: true });
    const bundles = await bundleFunctions(functions, outRoot);
    const probe = path.join(probeDir, 'probe.mjs');
    const empty = path.join(probeDir, 'empty.mjs');
    writeFileSync(probe, PROBE);
    writeFileSync(empty, EMPTY);

    const subjects = [
      { label: 'the empty baseline module', module: empty, env: importEnvironment('baseline') },
      ...bundles.map((bundle) => ({ label: `${bundle.id} (${bundle.file})`, module: bundle.file, env: importEnvironment(bundle.id) })),
    ];
    const times = subjects.map((): number[] => []);
    for (let round = 0; round < importRuns; round++) {
      for (let k = 0; k < subjects.length; k++) {
        const at = (k + round) % subjects.length;
        const subject = subjects[at]!;
        times[at]!.push(timeImport(nodePath, probe, subject.module, subject.env, subject.label));
      }
    }
    const nodeVersion = spawnSync(nodePath, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const nodeBaselineMs = median(times[0]!);
    return {
      nodeBaselineMs,
      importRuns,
      nodeVersion,
      functions: bundles.map((bundle, i) => {
        const importMs = median(times[i + 1]!);
        return { ...bundle, importMs, overheadMs: importMs - nodeBaselineMs };
      }),
    };
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
    if (!options.keepDir) rmSync(outRoot, { recursive: true, force: true });
  }
};
