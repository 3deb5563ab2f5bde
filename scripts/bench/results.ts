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
  /**
   * What the gateway side adds at the median: `p50Ms − rawP50Ms`, in ms (from the unrounded
   * percentiles). Beside the ratio, it says whether a miss is the API's own cost or a raw
   * side that happened to be fast: the same 1 ms is ×1.10 over 10 ms and ×1.30 over 3.3 ms.
   */
  readonly overheadMs: number;
  /**
   * The function's own share of the gateway side: the p50 of the handler's duration alone
   * (from its call to its answer, as a deployed function's duration counts it: no HTTP, no
   * token check, no event building), its ratio to the raw p50, and what it adds in ms. The
   * rest of `overheadMs` is the local HTTP hop and gateway, API Gateway's work when deployed.
   */
  readonly functionP50Ms: number;
  readonly functionRatioP50: number;
  readonly functionOverheadMs: number;
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

/** A median and a maximum over samples, in ms. */
export interface MedianMax {
  readonly median: number;
  readonly max: number;
}

/**
 * One API function's cold start: a fresh `node` importing its bundle (module evaluation
 * and the secret reads of its top level included) and answering its first real request,
 * then the same request again in the same process.
 */
export interface ColdStartResult {
  /** The route its requests went to (one of the function's routes). */
  readonly operationId: string;
  /** Cold starts measured (children spawned). */
  readonly samples: number;
  /** HTTP status of the first request (the most common over samples). */
  readonly status: number;
  /** Every sample's first status, present only when they differ. */
  readonly statuses?: readonly number[];
  /** Spawn → the first response back in the parent. */
  readonly coldRequestMs: MedianMax;
  /** The same request answered again in the same process (median of every warm request). */
  readonly warmMs: { readonly median: number };
  /** `coldRequestMs − warmMs − bareNodeMs` per sample (that child's warm median). */
  readonly coldOverheadMs: MedianMax;
  /** Node's own start in the child, before its program's first statement. */
  readonly bootMs: { readonly median: number };
  /** Importing the bundle until its module evaluated, top-level awaits (secret reads) included. */
  readonly importMs: { readonly median: number };
  /** The part of `importMs` spent on Secrets Manager round trips (first sent → last answered). */
  readonly secretsMs: { readonly median: number };
  /** The first invocation of the handler, until its promise resolved. */
  readonly firstRequestMs: { readonly median: number };
  /** DynamoDB requests the first request sent. */
  readonly dynamoCalls: number;
  /**
   * From the handler's start to its first DynamoDB request sent, first request vs warm
   * (medians; absent for a function that calls no DynamoDB): the lazy set-up of the first call.
   */
  readonly untilDynamoMs?: { readonly first: number; readonly warm: number };
  /** The secrets its routes declare: what CDK grants it, and what its cold start should read once each. */
  readonly secrets: readonly string[];
  /** `GetSecretValue` calls answered per child, by secret: fewest and most over the children. */
  readonly secretReads: Readonly<Record<string, { readonly min: number; readonly max: number }>>;
}

/** A function whose cold child failed (it did not answer, or exited early): why. */
export interface ColdStartFailure {
  readonly operationId: string;
  readonly error: string;
}

/**
 * The cold-start section: `bareNodeMs` (a bare `node` running an empty module, spawn →
 * its line read, median), then one entry per API function id.
 */
export type ColdStartsResult = { readonly bareNodeMs: number } & {
  readonly [functionId: string]: ColdStartResult | ColdStartFailure | number;
};

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

/**
 * The console as a browser first meets it, served by the local runtime: the first page's
 * script and stylesheet as sent, gzip-compressed, and how long a fresh headless Chromium
 * takes from navigation to the first paint and to the sign-in page drawn by the app.
 */
export interface ConsoleResult {
  readonly scriptGzipBytes: number;
  readonly stylesheetGzipBytes: number;
  /** Script and stylesheet together: the budget's figure. */
  readonly firstPageGzipBytes: number;
  /** Fresh browser contexts measured. */
  readonly runs: number;
  /** Navigation start → first contentful paint. */
  readonly firstContentfulPaintMs: MedianMax;
  /** Navigation start → the app's first page (its heading) rendered. */
  readonly firstRenderMs: MedianMax;
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
  readonly coldStarts?: ColdStartsResult;
  readonly eventLatency?: EventLatencyResult;
  readonly throughput?: ThroughputResult;
  readonly console?: ConsoleResult;
  /** What explains the figures (e.g. CPU ms per request of each process in the throughput run). */
  readonly diagnostics?: Readonly<Record<string, unknown>>;
}
