/**
 * The cold-start simulation's seeded random numbers: mulberry32, a 32-bit generator small
 * enough to read at a glance and good enough for traffic shapes (it passes the usual
 * statistical batteries for this use; it is no CSPRNG). The repository had no seeded
 * generator to reuse: ids use `node:crypto`, the fuzz scenario fast-check's own.
 */

/** A source of numbers uniform in [0, 1). */
export type Random = () => number;

/** A mulberry32 generator: the same `seed` (any integer; only its low 32 bits count) gives the same sequence. */
export const mulberry32 = (seed: number): Random => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** An exponentially distributed draw with this mean: the gap between two events of a Poisson process. */
export const exponential = (random: Random, mean: number): number => -mean * Math.log(1 - random());

/**
 * A draw between `min` and `max` whose logarithm is uniform: as likely to fall between 5 and
 * 10 minutes as between 1 and 2 hours, which suits human think times spanning minutes to hours.
 */
export const logUniform = (random: Random, min: number, max: number): number => min * (max / min) ** random();

/** A draw uniform in [`min`, `max`). */
export const uniform = (random: Random, min: number, max: number): number => min + (max - min) * random();
