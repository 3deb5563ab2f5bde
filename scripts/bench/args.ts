/**
 * Settings of `npm run bench`: the numbers by default, shorter with `--quick`, and
 * every figure overridable by a flag or an environment variable (flags win).
 */
import { parseArgs } from 'node:util';

/** The parts of the benchmark that can be run alone (`--only`). */
export const SECTIONS = ['operations', 'events', 'throughput', 'cold', 'bundles', 'console'] as const;
/** One of {@link SECTIONS}. */
export type Section = (typeof SECTIONS)[number];

/** What one run does. */
export interface BenchSettings {
  /** Measured iterations per operation, gateway and raw each (after the warm-up). */
  readonly iterations: number;
  /** Unmeasured iterations per operation first (the first few also count DynamoDB calls). */
  readonly warmup: number;
  /** Seconds of load for the gateway and for the raw throughput, each. */
  readonly durationS: number;
  /** Concurrent connections (gateway) and concurrent callers (raw) of the throughput run. */
  readonly connections: number;
  /** Handoffs whose alert latency is sampled. */
  readonly eventSamples: number;
  /** Imports per bundle when timing them (passed to `measureBundles`); its default when unset. */
  readonly importRuns?: number | undefined;
  /** Cold starts per API function (fresh `node` processes). */
  readonly coldRuns: number;
  /** The API functions whose cold starts are measured; all when unset. */
  readonly coldFunctions?: readonly string[] | undefined;
  readonly sections: ReadonlySet<Section>;
  readonly quick: boolean;
}

/** The figures: ≥ 300 iterations for a meaningful p99, concurrency 32 for 20 s, ≥ 50 alerts. */
export const DEFAULT_SETTINGS = {
  iterations: 400,
  warmup: 50,
  durationS: 20,
  connections: 32,
  eventSamples: 60,
  coldRuns: 5,
} as const;

/** `--quick`: a smoke run of every section in well under a minute (figures too noisy to judge). */
export const QUICK_SETTINGS = {
  iterations: 60,
  warmup: 10,
  durationS: 3,
  connections: 32,
  eventSamples: 15,
  coldRuns: 1,
} as const;

/** Environment variables read (flags override them). */
export const BENCH_ENV = {
  quick: 'BENCH_QUICK',
  iterations: 'BENCH_ITERATIONS',
  warmup: 'BENCH_WARMUP',
  durationS: 'BENCH_DURATION_S',
  connections: 'BENCH_CONNECTIONS',
  eventSamples: 'BENCH_EVENT_SAMPLES',
  importRuns: 'BENCH_IMPORT_RUNS',
  coldRuns: 'BENCH_COLD_RUNS',
  coldFunctions: 'BENCH_COLD_FUNCTIONS',
  only: 'BENCH_ONLY',
} as const;

/** Usage text for `--help`. */
export const USAGE = `Usage: npm run bench [-- options]
  --quick              short run of every section (smoke test; figures too noisy to judge)
  --iterations N       measured iterations per operation, gateway and raw each (default ${DEFAULT_SETTINGS.iterations})
  --warmup N           unmeasured iterations per operation first (default ${DEFAULT_SETTINGS.warmup})
  --duration S         seconds of load for gateway and raw throughput each (default ${DEFAULT_SETTINGS.durationS})
  --connections N      throughput concurrency (default ${DEFAULT_SETTINGS.connections})
  --event-samples N    handoffs whose alert latency is sampled (default ${DEFAULT_SETTINGS.eventSamples})
  --import-runs N      imports per bundle when timing them (default: bundle-measure's)
  --cold-runs N        cold starts per API function (default ${DEFAULT_SETTINGS.coldRuns})
  --cold-functions a,b only these API functions' cold starts (default: all)
  --only a,b           run only these sections: ${SECTIONS.join(', ')}
Environment: ${Object.values(BENCH_ENV).join(', ')} (flags win).`;

/** A bad flag or variable: the message says which and what is expected. */
export class BenchArgumentError extends Error {}

const wholeNumber = (name: string, raw: string | undefined, min: number): number | undefined => {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new BenchArgumentError(`${name} must be a whole number ≥ ${min}, not "${raw}".`);
  return value;
};

const truthy = (raw: string | undefined): boolean => raw !== undefined && /^(1|true|yes)$/i.test(raw);

/** A comma-separated list, trimmed; `undefined` when unset or empty. */
const listOf = (raw: string | undefined): string[] | undefined => {
  const items = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return items.length > 0 ? items : undefined;
};

const sectionsOf = (name: string, raw: string | undefined): Set<Section> => {
  if (raw === undefined || raw === '') return new Set(SECTIONS);
  const named = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const unknown = named.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0 || named.length === 0) {
    throw new BenchArgumentError(`${name} takes a comma-separated list of ${SECTIONS.join(', ')}; not "${raw}".`);
  }
  return new Set(named as Section[]);
};

/**
 * The settings for these command-line arguments (without `node script`) and environment.
 * Returns `'help'` for `--help`.
 */
export const parseBenchArgs = (argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): BenchSettings | 'help' => {
  // biome-ignore lint/suspicious/noImplicitAnyLet: TypeScript types it from the parseArgs call below, whose options give each value's type.
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean' },
        iterations: { type: 'string' },
        warmup: { type: 'string' },
        duration: { type: 'string' },
        connections: { type: 'string' },
        'event-samples': { type: 'string' },
        'import-runs': { type: 'string' },
        'cold-runs': { type: 'string' },
        'cold-functions': { type: 'string' },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new BenchArgumentError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) return 'help';
  const quick = values.quick ?? truthy(env[BENCH_ENV.quick]);
  const base = quick ? QUICK_SETTINGS : DEFAULT_SETTINGS;
  const pick = (flag: string, flagValue: string | undefined, variable: string, min: number): number | undefined =>
    wholeNumber(`--${flag}`, flagValue, min) ?? wholeNumber(variable, env[variable], min);
  return {
    quick,
    iterations: pick('iterations', values.iterations, BENCH_ENV.iterations, 1) ?? base.iterations,
    warmup: pick('warmup', values.warmup, BENCH_ENV.warmup, 0) ?? base.warmup,
    durationS: pick('duration', values.duration, BENCH_ENV.durationS, 1) ?? base.durationS,
    connections: pick('connections', values.connections, BENCH_ENV.connections, 1) ?? base.connections,
    eventSamples: pick('event-samples', values['event-samples'], BENCH_ENV.eventSamples, 1) ?? base.eventSamples,
    importRuns: pick('import-runs', values['import-runs'], BENCH_ENV.importRuns, 1),
    coldRuns: pick('cold-runs', values['cold-runs'], BENCH_ENV.coldRuns, 1) ?? base.coldRuns,
    coldFunctions: listOf(values['cold-functions'] ?? env[BENCH_ENV.coldFunctions]),
    sections: values.only !== undefined ? sectionsOf('--only', values.only) : sectionsOf(BENCH_ENV.only, env[BENCH_ENV.only]),
  };
};
