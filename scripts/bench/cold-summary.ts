/**
 * The figures of the cold-start section from what its children reported: one sample per
 * child (a fresh `node` that imported a function's bundle and answered its first request,
 * then the same request again a few times), summarised per function. Pure, so the shaping
 * of `bench/results.json` can be checked by unit tests.
 */
import type { ColdStartFailure, ColdStartResult, ColdStartsResult } from './results.ts';
import { median, round } from './stats.ts';

/** The `X-Amz-Target` prefix of DynamoDB's requests. */
const DYNAMODB_TARGET = 'DynamoDB_';
/** The `X-Amz-Target` of a secret read. */
const GET_SECRET_VALUE = 'secretsmanager.GetSecretValue';

/** One handler invocation in a child, on the child's clock (`performance.now()`, ms since it started). */
export interface ChildInvocation {
  readonly startMs: number;
  readonly ms: number;
  /** The result's `statusCode` (500 when the handler threw: API Gateway's answer to a failed invocation). */
  readonly status: number;
  /** The thrown error's name, when it threw. */
  readonly error?: string;
}

/** One outgoing HTTP request of a child (SDK calls), on the child's clock. */
export interface ChildHttpCall {
  /** Its `X-Amz-Target` (`DynamoDB_20120810.Query`, `secretsmanager.GetSecretValue`), or the method. */
  readonly target: string;
  readonly startMs: number;
  /** When its response arrived; absent if none did. */
  readonly endMs?: number;
}

/** What a child reports when it is done (its last line). */
export interface ChildReport {
  /** From the process's time origin to the first statement of the child's program: Node's own start. */
  readonly bootMs: number;
  readonly importStartMs: number;
  /** The bundle's module evaluated, its top-level awaits (secret reads) included. */
  readonly importEndMs: number;
  /** The first invocation; absent for the bare baseline. */
  readonly first?: ChildInvocation;
  readonly warm: readonly ChildInvocation[];
  readonly http: readonly ChildHttpCall[];
}

/** One cold start of one function. */
export interface ColdSample {
  /** Spawn → the first response's line read by the parent (parent's clock). */
  readonly coldRequestMs: number;
  readonly bootMs: number;
  readonly importMs: number;
  /** The Secrets Manager round trips during the import: first sent → last answered (0 if none). */
  readonly secretsMs: number;
  readonly firstRequestMs: number;
  /** The first request's status. */
  readonly status: number;
  /** Each warm request of the same child, in order. */
  readonly warmMs: readonly number[];
  /** Statuses of the warm requests. */
  readonly warmStatuses: readonly number[];
  /** DynamoDB requests the first request sent. */
  readonly dynamoCalls: number;
  /**
   * From the handler's start to its first DynamoDB request being sent, in the first request
   * and in each warm one (absent when it sends none): what the first call does before the
   * network that later calls do not (the SDK's credentials, endpoint and signing set up on
   * first use, code run for the first time).
   */
  readonly untilDynamoMs?: { readonly first: number; readonly warm: readonly number[] } | undefined;
  /** `GetSecretValue` calls the stand-in answered for this child, by secret name. */
  readonly secretReads: Readonly<Record<string, number>>;
}

/** A child's sample from its report, the parent's timing and the stand-in's count. */
export const sampleOf = (report: ChildReport, coldRequestMs: number, secretReads: Readonly<Record<string, number>>): ColdSample => {
  const first = report.first;
  if (!first) throw new Error('The child answered no request.');
  const secretCalls = report.http.filter((c) => c.target === GET_SECRET_VALUE && c.startMs <= report.importEndMs);
  const secretsMs =
    secretCalls.length === 0
      ? 0
      : Math.max(...secretCalls.map((c) => c.endMs ?? report.importEndMs)) - Math.min(...secretCalls.map((c) => c.startMs));
  const firstEnd = first.startMs + first.ms;
  const untilDynamo = (invocation: ChildInvocation): number | undefined => {
    const call = report.http.find(
      (c) => c.target.startsWith(DYNAMODB_TARGET) && c.startMs >= invocation.startMs && c.startMs <= invocation.startMs + invocation.ms,
    );
    return call ? call.startMs - invocation.startMs : undefined;
  };
  const firstUntilDynamo = untilDynamo(first);
  const warmUntilDynamo = report.warm.map(untilDynamo).filter((ms): ms is number => ms !== undefined);
  return {
    coldRequestMs,
    bootMs: report.bootMs,
    importMs: report.importEndMs - report.importStartMs,
    secretsMs,
    firstRequestMs: first.ms,
    status: first.status,
    warmMs: report.warm.map((w) => w.ms),
    warmStatuses: report.warm.map((w) => w.status),
    dynamoCalls: report.http.filter((c) => c.target.startsWith(DYNAMODB_TARGET) && c.startMs >= first.startMs && c.startMs <= firstEnd)
      .length,
    untilDynamoMs: firstUntilDynamo === undefined ? undefined : { first: firstUntilDynamo, warm: warmUntilDynamo },
    secretReads,
  };
};

/** What was measured of one function. */
export interface FunctionSamples {
  readonly functionId: string;
  readonly operationId: string;
  /** The secrets its routes declare (what its cold start should read, once each). */
  readonly secrets: readonly string[];
  readonly samples: readonly ColdSample[];
  /** Why a child failed, if one did (the function's figures are then left out). */
  readonly error?: string | undefined;
}

const tenth = (ms: number): number => round(ms, 1);
const medianMax = (values: readonly number[]) => ({ median: tenth(median(values)), max: tenth(Math.max(...values)) });

/** The most frequent value (first seen wins a tie). */
const mostCommon = (values: readonly number[]): number => {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
};

/**
 * One function's figures. Per sample, `coldOverheadMs = coldRequestMs − warmMs − bareNodeMs`
 * with that child's own warm median and the run's bare-Node median; median and max over
 * samples. `warmMs` is the median of every warm request of every child.
 */
export const summarizeFunction = (fn: FunctionSamples, bareNodeMs: number): ColdStartResult | ColdStartFailure => {
  if (fn.error !== undefined || fn.samples.length === 0) {
    return { operationId: fn.operationId, error: fn.error ?? 'no sample' };
  }
  const samples = fn.samples;
  const overheads = samples.map((s) => s.coldRequestMs - median(s.warmMs) - bareNodeMs);
  const statuses = samples.map((s) => s.status);
  const status = mostCommon(statuses);
  const secretReads = Object.fromEntries(
    [...new Set([...fn.secrets, ...samples.flatMap((s) => Object.keys(s.secretReads))])].sort().map((name) => {
      const counts = samples.map((s) => s.secretReads[name] ?? 0);
      return [name, { min: Math.min(...counts), max: Math.max(...counts) }];
    }),
  );
  const untilDynamo = samples.flatMap((s) => (s.untilDynamoMs && s.untilDynamoMs.warm.length > 0 ? [s.untilDynamoMs] : []));
  return {
    operationId: fn.operationId,
    samples: samples.length,
    status,
    ...(statuses.some((s) => s !== status) ? { statuses } : {}),
    coldRequestMs: medianMax(samples.map((s) => s.coldRequestMs)),
    warmMs: { median: tenth(median(samples.flatMap((s) => s.warmMs))) },
    coldOverheadMs: medianMax(overheads),
    bootMs: { median: tenth(median(samples.map((s) => s.bootMs))) },
    importMs: { median: tenth(median(samples.map((s) => s.importMs))) },
    secretsMs: { median: tenth(median(samples.map((s) => s.secretsMs))) },
    firstRequestMs: { median: tenth(median(samples.map((s) => s.firstRequestMs))) },
    dynamoCalls: mostCommon(samples.map((s) => s.dynamoCalls)),
    ...(untilDynamo.length > 0
      ? {
          untilDynamoMs: {
            first: tenth(median(untilDynamo.map((u) => u.first))),
            warm: tenth(median(untilDynamo.flatMap((u) => u.warm))),
          },
        }
      : {}),
    secrets: [...fn.secrets].sort(),
    secretReads,
  };
};

/** The section as written to `bench/results.json`: `bareNodeMs` first, then each function by id. */
export const summarizeColdStarts = (bareNodeSamplesMs: readonly number[], functions: readonly FunctionSamples[]): ColdStartsResult => {
  const bareNodeMs = median(bareNodeSamplesMs);
  return {
    bareNodeMs: tenth(bareNodeMs),
    ...Object.fromEntries(functions.map((fn) => [fn.functionId, summarizeFunction(fn, bareNodeMs)])),
  };
};

/** The functions of the section, without `bareNodeMs`. */
export const coldStartEntries = (section: ColdStartsResult): [string, ColdStartResult | ColdStartFailure][] =>
  Object.entries(section).filter((entry): entry is [string, ColdStartResult | ColdStartFailure] => typeof entry[1] === 'object');

/** Whether an entry is a failure (a child that did not answer). */
export const isColdStartFailure = (entry: ColdStartResult | ColdStartFailure): entry is ColdStartFailure => 'error' in entry;

/**
 * Functions whose children did not each read each secret they declare exactly once, or read
 * one they do not declare: `functionId: name min–max` per such secret.
 */
export const unexpectedSecretReads = (section: ColdStartsResult): string[] =>
  coldStartEntries(section).flatMap(([id, entry]) => {
    if (isColdStartFailure(entry)) return [];
    return Object.entries(entry.secretReads)
      .filter(([name, reads]) => (entry.secrets.includes(name) ? reads.min !== 1 || reads.max !== 1 : reads.max !== 0))
      .map(([name, reads]) => `${id}: ${name} ${reads.min}–${reads.max}`);
  });
