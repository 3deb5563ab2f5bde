/**
 * Bundles every Lambda function (infra/function-entries.ts) with exactly the esbuild
 * options CDK uses (`JOINTLY_BUNDLING` in infra/constructs/jointly-function.ts, aliases
 * included) and measures each bundle: its bytes, what each package contributes, and its
 * cold import time, i.e. how long a fresh `node` takes to import it and exit, next to the
 * same measurement of a `node` that imports nothing.
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
import { SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { aliasesOfArgs } from '../infra/bundling/aliases.ts';
import { ENV, EVENT_ENV, POWERTOOLS_ENV } from '../shared/platform/config/environment.ts';
import { JOINTLY_BUNDLING, REPO_ROOT } from '../infra/constructs/jointly-function.ts';
import { FUNCTION_ENTRIES, type FunctionEntry, type FunctionKind } from '../infra/function-entries.ts';

/** esbuild's `sourcemap` for a CDK `SourceMapMode` (CDK passes `--sourcemap[=mode]`). */
const SOURCEMAP: Record<SourceMapMode, esbuild.BuildOptions['sourcemap']> = {
  [SourceMapMode.DEFAULT]: true,
  [SourceMapMode.EXTERNAL]: 'external',
  [SourceMapMode.INLINE]: 'inline',
  [SourceMapMode.BOTH]: 'both',
};

/** The `esbuildArgs` this module knows how to translate; any other would make the report lie. */
const KNOWN_ESBUILD_ARGS = new Set(['--alias']);

/**
 * The esbuild options CDK's `NodejsFunction` derives from `JOINTLY_BUNDLING` (its
 * `--target`, `--format`, `--minify`, `--sourcemap`, `--sources-content`, `--banner`,
 * `--main-fields`, the `esbuildArgs` aliases, and no `--external` since the SDK is bundled),
 * for all `functions` in one build: esbuild parses shared modules once, and without code
 * splitting each entry's output is the same self-contained bundle a build of its own gives
 * (`<id>/index.mjs`). Like CDK's local bundling, esbuild runs in the repository root, where
 * the aliases' relative paths resolve.
 */
export const esbuildOptionsFor = (functions: readonly FunctionEntry[], outdir: string): esbuild.BuildOptions => {
  const unknown = Object.keys(JOINTLY_BUNDLING.esbuildArgs).filter((arg) => !KNOWN_ESBUILD_ARGS.has(arg));
  if (unknown.length > 0) throw new Error(`scripts/bundle-measure.ts does not translate esbuildArgs ${unknown.join(', ')} yet.`);
  return {
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
    alias: aliasesOfArgs(JOINTLY_BUNDLING.esbuildArgs['--alias']),
    // bundleAwsSDK: true, so nothing is external (not even @aws-sdk/*).
    external: [],
    metafile: true,
    logLevel: 'warning',
  };
};

/** Bytes one package contributes to a bundle (`jointly` = this repository's own code). */
export interface PackageBytes {
  readonly name: string;
  readonly bytes: number;
}

/** One function's bundle. */
export interface BundleFigures {
  readonly id: string;
  readonly kind: FunctionKind;
  readonly entry: string;
  /** The bundle file (`<outRoot>/<id>/index.mjs`). */
  readonly file: string;
  /** Size of the minified bundle (`index.mjs`). */
  readonly bytes: number;
  /** Size of its source map (`index.mjs.map`, shipped beside it). */
  readonly sourceMapBytes: number;
  /** Deflate (zip) size of the bundle and its map together. */
  readonly zippedBytes: number;
  /** Largest first. */
  readonly packages: readonly PackageBytes[];
}

/** `node_modules/@aws-sdk/client-sqs/dist-es/x.js` → `@aws-sdk/client-sqs`; our own files → `jointly`. */
export const packageOf = (input: string): string => {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return 'jointly';
  const [first, second] = input.slice(at + 'node_modules/'.length).split('/');
  return first?.startsWith('@') ? `${first}/${second}` : (first ?? input);
};

const contentOf = (file: string): Buffer => {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
};

/** Bundles `functions` into `outRoot/<id>/index.mjs` (with its map) and sizes each. */
export const bundleFunctions = async (functions: readonly FunctionEntry[], outRoot: string): Promise<BundleFigures[]> => {
  const result = await esbuild.build(esbuildOptionsFor(functions, outRoot));
  const outputs = result.metafile!.outputs;
  return functions.map((fn) => {
    const file = path.join(outRoot, fn.id, 'index.mjs');
    const output = Object.entries(outputs).find(([out]) => path.resolve(REPO_ROOT, out) === file)?.[1];
    if (!output) throw new Error(`esbuild produced no bundle for ${fn.id}.`);
    const byPackage = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
    const code = readFileSync(file);
    const map = contentOf(`${file}.map`);
    return {
      id: fn.id,
      kind: fn.kind,
      entry: fn.entry,
      file,
      bytes: code.length,
      sourceMapBytes: map.length,
      zippedBytes: deflateRawSync(code).length + deflateRawSync(map).length,
      packages: [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
    };
  });
};

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
