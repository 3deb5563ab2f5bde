/**
 * Counters and cells of the programme figures. A **cell** is one day × service area × org
 * pair (from → to) × priority; its counters are named numbers, every change to them an ADD
 * (+n or −n), so deltas merge in any order and any grouping. Pure.
 */
import { BUCKET_COUNT, bucketOf } from './histogram.ts';

/** Counter name → value: the attributes of a cell item (all ADDed). */
export type Counters = Record<string, number>;

/** Counter names (short: a cell item holds dozens and is written on every event). */
export const COUNTER = {
  /** Referrals of the cell now in this status (+1 entering, −1 leaving). */
  status: (status: string) => `st_${status}`,
  /** Referrals accepted (flow: acceptance is not undone when the referral later completes). */
  accepted: 'acc',
  /** … of which at or before their `dueAt`. */
  acceptedWithinTarget: 'acc_in',
  /** `referral.overdue` marks (a referral whose clock moved may breach again). */
  overdue: 'ovd',
  infoRequests: 'irq',
  amendments: 'amd',
  /** Redirects away from the receiver of this cell. */
  redirects: 'rdr',
  declined: (code: string) => `dec_${code}`,
  cancelled: (code: string) => `cnc_${code}`,
  outcome: (code: string) => `out_${code}`,
  handoffsOffered: 'h_off',
  handoffsAccepted: 'h_acc',
  handoffsDeclined: 'h_dec',
  handoffsWithdrawn: 'h_wdr',
  handoffsOverdue: 'h_ovd',
  handoffDeclined: (code: string) => `hdec_${code}`,
} as const;

/** Histogram prefixes: `<p>_<bucket>` counts, `<p>_n` how many, `<p>_s` total seconds. */
export const HISTOGRAM = {
  /** Submission → acceptance. */
  timeToAccept: 'tta',
  /** Submission → completion. */
  timeToComplete: 'ttc',
  /** Offer → acceptance of a handoff. */
  handoffTimeToAccept: 'htta',
} as const;
export type HistogramName = (typeof HISTOGRAM)[keyof typeof HISTOGRAM];

/** Adds `value` to one counter (mutates `counters`). */
export const addCounter = (counters: Counters, name: string, value: number): void => {
  counters[name] = (counters[name] ?? 0) + value;
};

/** Records one duration (seconds, rounded, ≥ 0) in a histogram's counters. */
export const observe = (counters: Counters, histogram: HistogramName, seconds: number): void => {
  const s = Math.max(0, Math.round(seconds));
  addCounter(counters, `${histogram}_${bucketOf(s)}`, 1);
  addCounter(counters, `${histogram}_n`, 1);
  addCounter(counters, `${histogram}_s`, s);
};

/** Sums counters into `into` (mutates and returns it). */
export const addCounters = (into: Counters, from: Readonly<Counters>): Counters => {
  for (const [name, value] of Object.entries(from)) addCounter(into, name, value);
  return into;
};

/** The bucket counts of a histogram. */
export const bucketsOf = (counters: Readonly<Counters>, histogram: HistogramName): number[] =>
  Array.from({ length: BUCKET_COUNT }, (_, i) => counters[`${histogram}_${i}`] ?? 0);

/** One day × service area × org pair × priority. `day` is `YYYY-MM-DD` (Europe/London). */
export interface MetricCell {
  readonly day: string;
  readonly serviceArea: string;
  readonly fromOrg: string;
  readonly toOrg: string;
  readonly priority: string;
}

/** Counter deltas on one cell. */
export interface CellDelta {
  readonly cell: MetricCell;
  readonly counters: Counters;
}

/** A cell as read back, with its summed counters. */
export type CellRow = CellDelta;

/** A stable identity of a cell (for merging). */
export const cellKeyOf = (cell: MetricCell): string => [cell.serviceArea, cell.day, cell.fromOrg, cell.toOrg, cell.priority].join('|');

/** Merges deltas on the same cell and drops counters that cancel out (and cells left empty). */
export const mergeDeltas = (deltas: readonly CellDelta[]): CellDelta[] => {
  const merged = new Map<string, CellDelta>();
  for (const delta of deltas) {
    const key = cellKeyOf(delta.cell);
    const known = merged.get(key) ?? { cell: delta.cell, counters: {} };
    addCounters(known.counters, delta.counters);
    merged.set(key, known);
  }
  return [...merged.values()]
    .map(({ cell, counters }) => ({ cell, counters: Object.fromEntries(Object.entries(counters).filter(([, v]) => v !== 0)) }))
    .filter((delta) => Object.keys(delta.counters).length > 0);
};

/**
 * Figures are attributed to calendar days in the programme's own time zone, so a referral
 * made at 00:30 on a summer morning counts on that morning, not on the evening before (UTC).
 */
export const REPORTING_TIME_ZONE = 'Europe/London';

const DAY_FORMAT = new Intl.DateTimeFormat('en-CA', { timeZone: REPORTING_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The reporting day (`YYYY-MM-DD`, Europe/London) of an instant. */
export const reportingDayOf = (instant: string | number | Date): string => DAY_FORMAT.format(new Date(instant));
