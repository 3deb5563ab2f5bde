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

const HOUR_MS = 3_600_000;

/** 01:00 UTC on the last Sunday of `month` (0-based) of `year`: when UK clocks change. */
const lastSundayOneAmUtc = (year: number, month: number): number => {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
};

/**
 * The reporting day (`YYYY-MM-DD`, Europe/London) of an instant.
 *
 * Computed by the UK's summer-time rule (the Summer Time Order 2002, as since 1996: one hour
 * ahead from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
 * October), not by `Intl.DateTimeFormat`: the first formatter with a time zone costs a cold
 * start 15–20 ms of ICU set-up, and the metrics function needs a day on its first request.
 * test/unit/shared/domain/reporting-day.test.ts compares it with ICU's Europe/London at
 * every quarter hour around each change from 1997 to 2045 and at instants spread over those years, so a
 * change in the law shows up as a failing test once Node's time-zone data carries it.
 */
export const reportingDayOf = (instant: string | number | Date): string => {
  const ms = new Date(instant).getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid time value');
  const year = new Date(ms).getUTCFullYear();
  const summer = ms >= lastSundayOneAmUtc(year, 2) && ms < lastSundayOneAmUtc(year, 9);
  return new Date(ms + (summer ? HOUR_MS : 0)).toISOString().slice(0, 10);
};
