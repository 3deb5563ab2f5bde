/**
 * The targets and their evaluation: each measured figure against its bound, PASS
 * or MISS. A miss is reported, never fatal: the benchmark is a report.
 */
import { FIRST_PAGE_BUDGET_BYTES } from '../../infra/console/build-console.ts';
import { round } from './stats.ts';
import { coldStartEntries, isColdStartFailure } from './cold-summary.ts';
import { OPERATION_NAMES, type BenchResults } from './results.ts';

/** The bounds (issue 7). */
export const TARGETS = {
  /** Gateway p50 over raw DynamoDB p50, per operation. */
  ratioP50Max: 1.15,
  /** Gateway p99 over raw DynamoDB p99, per operation. */
  ratioP99Max: 1.5,
  /** Every function bundle: 300 KB. */
  bundleMaxBytes: 307_200,
  /** Slowest bundle import minus a bare Node start. */
  importOverheadMaxMs: 80,
  /** Every API function: its first request in a fresh process, less the same request warm and a bare Node start (median). */
  coldOverheadMaxMs: 100,
  /** Handoff committed → alert readable, p95. */
  eventP95MaxMs: 1000,
  /** Gateway rps over raw rps. */
  throughputRatioMin: 0.9,
  /** Failed requests in the throughput run. */
  throughputErrorsMax: 0,
  /** The console's first page: its JavaScript and CSS together, gzip-compressed (issue 18). */
  consoleFirstPageMaxBytes: FIRST_PAGE_BUDGET_BYTES,
  /** The console's sign-in page drawn by the app in a fresh headless Chromium, median. */
  consoleFirstRenderMaxMs: 1000,
} as const;

/** One checked figure. */
export interface TargetCheck {
  readonly section: 'operations' | 'bundles' | 'cold' | 'events' | 'throughput' | 'console';
  /** What was measured, e.g. `createReferral ratioP50`. */
  readonly name: string;
  readonly value: number;
  /** The bound as printed, e.g. `≤ 1.15`. */
  readonly target: string;
  readonly pass: boolean;
}

const atMost = (section: TargetCheck['section'], name: string, value: number, max: number, unit = ''): TargetCheck => ({
  section,
  name,
  value,
  target: `≤ ${max.toLocaleString('en-GB')}${unit}`,
  pass: value <= max,
});

/** Every target the results allow checking (sections not run give no rows). */
export const evaluateTargets = (results: BenchResults): TargetCheck[] => {
  const checks: TargetCheck[] = [];
  for (const name of OPERATION_NAMES) {
    const op = results.operations?.[name];
    if (!op) continue;
    checks.push(atMost('operations', `${name} ratioP50`, op.ratioP50, TARGETS.ratioP50Max));
    checks.push(atMost('operations', `${name} ratioP99`, op.ratioP99, TARGETS.ratioP99Max));
  }
  const bundles = Object.entries(results.bundles ?? {});
  for (const [id, bundle] of bundles) checks.push(atMost('bundles', `${id} bytes`, bundle.bytes, TARGETS.bundleMaxBytes, ' B'));
  if (bundles.length > 0 && results.nodeBaselineMs !== undefined) {
    const slowest = Math.max(...bundles.map(([, b]) => b.importMs));
    checks.push(
      atMost('bundles', 'max(importMs) − nodeBaselineMs', round(slowest - results.nodeBaselineMs, 1), TARGETS.importOverheadMaxMs, ' ms'),
    );
  }
  for (const [id, entry] of results.coldStarts ? coldStartEntries(results.coldStarts) : []) {
    // A function whose cold start failed misses its target (its value is unknown).
    checks.push(
      isColdStartFailure(entry)
        ? { section: 'cold', name: `${id} coldOverheadMs`, value: Number.NaN, target: `≤ ${TARGETS.coldOverheadMaxMs} ms`, pass: false }
        : atMost('cold', `${id} coldOverheadMs`, entry.coldOverheadMs.median, TARGETS.coldOverheadMaxMs, ' ms'),
    );
  }
  if (results.eventLatency) checks.push(atMost('events', 'eventLatency p95Ms', results.eventLatency.p95Ms, TARGETS.eventP95MaxMs, ' ms'));
  if (results.throughput) {
    const { ratio, errors } = results.throughput;
    checks.push({
      section: 'throughput',
      name: 'throughput ratio',
      value: ratio,
      target: `≥ ${TARGETS.throughputRatioMin}`,
      pass: ratio >= TARGETS.throughputRatioMin,
    });
    checks.push(atMost('throughput', 'throughput errors', errors, TARGETS.throughputErrorsMax));
  }
  if (results.console) {
    checks.push(
      atMost('console', 'console firstPageGzipBytes', results.console.firstPageGzipBytes, TARGETS.consoleFirstPageMaxBytes, ' B'),
    );
    checks.push(atMost('console', 'console firstRenderMs', results.console.firstRenderMs.median, TARGETS.consoleFirstRenderMaxMs, ' ms'));
  }
  return checks;
};
