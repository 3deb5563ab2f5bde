/**
 * Summary statistics of the benchmark: nearest-rank percentiles, ratios and rounding.
 * Pure, so the figures the report prints can be checked by unit tests.
 */

/**
 * The `p`-th percentile (0 < p ≤ 100) of `values` by the nearest-rank method: the smallest
 * value with at least p % of the samples at or below it. Nearest rank never invents a value
 * between two samples, so a p99 is always a latency that some request really had.
 */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) throw new Error('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], not ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
};

/** Rounds to `digits` decimals (a report needs no more than the noise allows). */
export const round = (value: number, digits = 2): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

/** `numerator / denominator`, rounded; `NaN` would hide a broken run, so a zero denominator throws. */
export const ratio = (numerator: number, denominator: number, digits = 3): number => {
  if (!(denominator > 0)) throw new Error(`ratio with a denominator of ${denominator}`);
  return round(numerator / denominator, digits);
};

/** p50/p95/p99 of a set of latencies, in ms, rounded to hundredths. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

/** Summarises latency samples (ms). */
export const summarize = (samplesMs: readonly number[]): LatencySummary => ({
  count: samplesMs.length,
  p50Ms: round(percentile(samplesMs, 50)),
  p95Ms: round(percentile(samplesMs, 95)),
  p99Ms: round(percentile(samplesMs, 99)),
});

/** The value seen most often (first seen wins a tie): the per-request call count despite a stray retry. */
export const mode = (values: readonly number[]): number => {
  if (values.length === 0) throw new Error('mode of no values');
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best = values[0]!;
  for (const [value, count] of counts) if (count > counts.get(best)!) best = value;
  return best;
};

/** The median of `values`: the middle one, or the mean of the middle two for an even count. */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
