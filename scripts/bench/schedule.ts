/**
 * The order of the throughput runs: gateway and raw alternate in short segments in a
 * balanced order (A B B A, then B A A B), so a machine — or DynamoDB Local's JIT, still
 * warming up — that speeds up or slows down over the run favours neither side.
 */

/** One measured run of one side. */
export interface Segment {
  readonly side: 'gateway' | 'raw';
  readonly seconds: number;
}

/** `total` whole seconds split into `parts` whole parts, as even as can be, larger first. */
export const splitSeconds = (total: number, parts: number): number[] =>
  Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

/**
 * The runs for `durationS` seconds per side: four segments per side from 8 s up (G R R G R G G R),
 * two below (G R R G), one for a single second (G R). Each side gets exactly `durationS` seconds,
 * and the k-th segment of one side is as long as the k-th of the other.
 */
export const throughputPlan = (durationS: number): Segment[] => {
  if (!Number.isInteger(durationS) || durationS < 1) throw new Error(`durationS must be a whole number ≥ 1, not ${durationS}`);
  const parts = durationS >= 8 ? 4 : durationS >= 2 ? 2 : 1;
  const order: Segment['side'][][] = [
    ['gateway', 'raw'],
    ['raw', 'gateway'],
    ['raw', 'gateway'],
    ['gateway', 'raw'],
  ];
  return splitSeconds(durationS, parts).flatMap((seconds, k) => order[k]!.map((side) => ({ side, seconds })));
};
