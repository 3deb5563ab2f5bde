/**
 * The shape of `bench/results.json`: what `npm run bench` measured in one run. Ratios are
 * the figures to judge (gateway and raw DynamoDB measured side by side on the same noisy
 * machine); absolute milliseconds are context, never goals.
 */

/** The operations timed through the gateway and raw. */
export const OPERATION_NAMES = ['createReferral', 'getReferral', 'listInbox', 'acceptReferral', 'offerHandoff'] as const;
/** One of {@link OPERATION_NAMES}. */
export type OperationName = (typeof OPERATION_NAMES)[number];

/** One operation: through the local gateway vs the minimal DynamoDB calls issued directly. */
export interface OperationResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rawP50Ms: number;
  readonly rawP99Ms: number;
  readonly ratioP50: number;
  readonly ratioP99: number;
  /** DynamoDB commands the handler issued for one request, counted at its client. */
  readonly dynamoCalls: number;
}

/** The DynamoDB commands seen for one request of an operation, gateway (handler) and raw. */
export interface CallsSeen {
  readonly gateway: readonly string[];
  readonly raw: readonly string[];
}

/** One function bundle. */
export interface BundleResult {
  readonly bytes: number;
  /** Time to import the bundle in a fresh Node process (cold start's module phase). */
  readonly importMs: number;
}

/** From a committed handoff (its 201) to the alert readable in the subscriber's inbox. */
export interface EventLatencyResult {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly samples: number;
}

/** Requests per second of a create+get mix, gateway vs the same calls issued raw. */
export interface ThroughputResult {
  readonly rps: number;
  readonly rawRps: number;
  readonly ratio: number;
  /** Gateway non-2xx responses + socket errors (incl. timeouts) + raw call failures. */
  readonly errors: number;
}

/** Where and how the run happened: figures from different machines do not compare. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
  /** 1-minute load average when the run started: a busy machine shows here. */
  readonly loadAverage1m: number;
}

/** Everything written to `bench/results.json`. Sections left out with `--only` are absent. */
export interface BenchResults {
  readonly machine: MachineInfo;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly operations?: Partial<Record<OperationName, OperationResult>>;
  /** The commands behind `dynamoCalls`, and what each raw counterpart issued. */
  readonly calls?: Partial<Record<OperationName, CallsSeen>>;
  readonly bundles?: Readonly<Record<string, BundleResult>>;
  readonly nodeBaselineMs?: number;
  readonly eventLatency?: EventLatencyResult;
  readonly throughput?: ThroughputResult;
  /** What explains the figures (e.g. CPU ms per request of each process in the throughput run). */
  readonly diagnostics?: Readonly<Record<string, unknown>>;
}
