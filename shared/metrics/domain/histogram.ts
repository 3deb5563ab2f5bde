/**
 * The duration histogram of the programme figures: fixed buckets, so histograms merge by
 * addition across days, orgs and shards, and quantiles read from merged buckets. Pure.
 */

/**
 * Upper bounds (exclusive, minutes) of the duration buckets: roughly ×1.5 per step from
 * 10 minutes to 60 days (×2 below 10 minutes), so a bucket is at most 5 minutes wide below
 * 10 minutes and at most half its lower bound wide above. A last bucket holds ≥ 60 days.
 * Fixed forever: changing them re-buckets nothing already counted.
 */
export const DURATION_BUCKET_BOUNDS_MINUTES = [
  1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 960, 1440, 2160, 2880, 4320, 5760, 7200, 10080, 14400, 20160, 30240,
  43200, 64800, 86400,
] as const;

/** Number of buckets: one per bound plus the overflow bucket. */
export const BUCKET_COUNT = DURATION_BUCKET_BOUNDS_MINUTES.length + 1;

/** The bucket a duration (seconds, ≥ 0) falls in. */
export const bucketOf = (seconds: number): number => {
  const minutes = Math.max(0, seconds) / 60;
  const index = DURATION_BUCKET_BOUNDS_MINUTES.findIndex((bound) => minutes < bound);
  return index < 0 ? DURATION_BUCKET_BOUNDS_MINUTES.length : index;
};

/** `[lower, upper)` of a bucket in minutes; `upper` is `null` for the overflow bucket. */
export const bucketRangeMinutes = (index: number): readonly [number, number | null] => [
  index === 0 ? 0 : DURATION_BUCKET_BOUNDS_MINUTES[index - 1]!,
  index < DURATION_BUCKET_BOUNDS_MINUTES.length ? DURATION_BUCKET_BOUNDS_MINUTES[index]! : null,
];

/**
 * The `q`-quantile (0 < q ≤ 1) of a histogram, in minutes: the bucket holding rank `q × n`,
 * interpolated linearly inside it. The true (nearest-rank) quantile lies in the same bucket,
 * so the error is at most that bucket's width. The overflow bucket answers its lower bound.
 * `null` when the histogram is empty.
 */
export const quantileMinutes = (buckets: readonly number[], q: number): number | null => {
  const total = buckets.reduce((sum, n) => sum + Math.max(0, n), 0);
  if (total <= 0) return null;
  const rank = q * total;
  let before = 0;
  for (let i = 0; i < buckets.length; i++) {
    const n = Math.max(0, buckets[i] ?? 0);
    if (n > 0 && rank <= before + n) {
      const [lower, upper] = bucketRangeMinutes(i);
      if (upper === null) return lower;
      return lower + ((upper - lower) * (rank - before)) / n;
    }
    before += n;
  }
  return bucketRangeMinutes(buckets.length - 1)[0];
};
