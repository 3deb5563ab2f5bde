/**
 * Programme evaluation figures (README "Metrics"), pure: what one event adds to the
 * counters, and what summed counters mean. No I/O, no clock.
 *
 * A **cell** is one day × service area × org pair (from → to) × priority. Every event
 * becomes a few counter deltas on one or two cells, and every delta is an ADD (+n or −n),
 * so applying a set of events in any order, in any grouping, gives the same totals:
 *
 * - Referral figures are attributed to the referral's **submission day** (its cohort) and
 *   to the cell it is in *now*: its sender, current receiver and current priority. A
 *   transition is −1 on the status (and cell) it left and +1 on the one it entered, read
 *   from the event itself (`fromStatus`, `previousToOrg`, `previousPriority`), so the status
 *   counts telescope to each referral's current status whatever order events arrive in.
 * - Handoff figures are attributed to the **offer day** and the handoff's own pair
 *   (offering org → target org), with the referral's service area and priority.
 * - Durations are fixed histogram buckets (`DURATION_BUCKET_BOUNDS_MINUTES`) plus count and
 *   sum, so they merge by addition across days, orgs and shards; median and p90 are read
 *   from merged buckets.
 */
import * as z from 'zod';
import { EVENT_TYPES, type EventType } from '../../core/event-envelope.ts';
import {
  CANCEL_REASON_CODES,
  DECLINE_REASON_CODES,
  OUTCOME_CODES,
  PRIORITIES,
  REFERRAL_STATUSES,
  SERVICE_AREAS,
} from '../../core/reference-data.ts';

/** The event types that move a figure (`note.added` moves none, so the bus rule leaves it out). */
export type MetricEventType = Exclude<EventType, 'note.added'>;
export const METRIC_EVENT_TYPES: readonly MetricEventType[] = EVENT_TYPES.filter((type): type is MetricEventType => type !== 'note.added');

/** What the metrics need of a published event (the published shape satisfies it). */
export interface MetricEvent {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly referralId: string;
  readonly handoffId?: string | undefined;
  readonly data: Readonly<Record<string, unknown>>;
}

// ── Duration histogram ──────────────────────────────────────────────────────────

/**
 * Upper bounds (exclusive, minutes) of the duration buckets: roughly ×1.5 per step from
 * 10 minutes to 60 days (×2 below 10 minutes), so a bucket is at most 5 minutes wide below
 * 10 minutes and at most half its lower bound wide above. A last bucket holds ≥ 60 days.
 * Fixed forever: changing them re-buckets nothing already counted.
 */
export const DURATION_BUCKET_BOUNDS_MINUTES = [
  1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 960, 1440, 2160, 2880, 4320, 5760, 7200, 10080,
  14400, 20160, 30240, 43200, 64800, 86400,
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

// ── Counters ────────────────────────────────────────────────────────────────────

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

const observe = (counters: Counters, histogram: HistogramName, seconds: number): void => {
  const s = Math.max(0, Math.round(seconds));
  add(counters, `${histogram}_${bucketOf(s)}`, 1);
  add(counters, `${histogram}_n`, 1);
  add(counters, `${histogram}_s`, s);
};

const add = (counters: Counters, name: string, value: number): void => {
  counters[name] = (counters[name] ?? 0) + value;
};

/** Sums counters into `into` (mutates and returns it). */
export const addCounters = (into: Counters, from: Readonly<Counters>): Counters => {
  for (const [name, value] of Object.entries(from)) add(into, name, value);
  return into;
};

// ── Cells ───────────────────────────────────────────────────────────────────────

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

// ── Event → deltas ──────────────────────────────────────────────────────────────

/** Ids and codes that go into keys and counter names: lower-case, no `#`. */
const Code = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/);
const Instant = z.iso.datetime({ offset: true });

const ReferralData = z.object({
  serviceArea: Code,
  fromOrg: Code,
  toOrg: Code,
  priority: Code,
  status: Code,
  submittedAt: Instant,
});
const TransitionData = ReferralData.extend({ fromStatus: Code });
const HandoffData = ReferralData.extend({ handoffFromOrg: Code, handoffToOrg: Code, offeredAt: Instant });

/** The data each event type must carry to be counted. */
const DATA_OF_TYPE: Readonly<Record<MetricEventType, z.ZodType>> = {
  'referral.submitted': ReferralData,
  'referral.accepted': TransitionData.extend({ dueAt: Instant }),
  'referral.declined': TransitionData.extend({ reasonCode: Code }),
  'referral.redirected': TransitionData.extend({ previousToOrg: Code }),
  'referral.info_requested': TransitionData,
  'referral.info_provided': TransitionData,
  'referral.amended': TransitionData.extend({ previousPriority: Code.optional() }),
  'referral.completed': TransitionData.extend({ outcome: Code }),
  'referral.cancelled': TransitionData.extend({ reasonCode: Code }),
  'referral.overdue': ReferralData,
  'handoff.offered': HandoffData,
  'handoff.accepted': HandoffData,
  'handoff.declined': HandoffData.extend({ reasonCode: Code }),
  'handoff.withdrawn': HandoffData,
  'handoff.overdue': HandoffData,
};

type AnyData = z.infer<typeof HandoffData> &
  Partial<{ fromStatus: string; dueAt: string; reasonCode: string; previousToOrg: string; previousPriority: string; outcome: string }>;

/** EMF units used by the business metrics. */
export type EmfUnit = 'Count' | 'None';

/** One business metric for CloudWatch (EMF): low-cardinality, named by what happened. */
export interface EmfMetric {
  readonly name: string;
  readonly unit: EmfUnit;
  readonly value: number;
}

/** What one event means for the figures. */
export type EventMetrics =
  | {
      readonly counted: true;
      /** Deltas, merged per cell (at most two cells: where the referral was and where it is). */
      readonly cells: readonly CellDelta[];
      /** The service area, the one EMF dimension besides the service. */
      readonly serviceArea: string;
      readonly emf: readonly EmfMetric[];
    }
  | {
      readonly counted: false;
      /** Whether the event should have counted but lacks data (a bug upstream), not merely irrelevant. */
      readonly incomplete: boolean;
      readonly reason: string;
    };

/**
 * Figures are attributed to calendar days in the programme's own time zone, so a referral
 * made at 00:30 on a summer morning counts on that morning, not on the evening before (UTC).
 */
export const REPORTING_TIME_ZONE = 'Europe/London';

const DAY_FORMAT = new Intl.DateTimeFormat('en-CA', { timeZone: REPORTING_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The reporting day (`YYYY-MM-DD`, Europe/London) of an instant. */
export const reportingDayOf = (instant: string | number | Date): string => DAY_FORMAT.format(new Date(instant));

const dayOf = (iso: string): string => reportingDayOf(iso);
const secondsBetween = (fromIso: string, toIso: string): number => (Date.parse(toIso) - Date.parse(fromIso)) / 1000;
const minutes = (seconds: number): number => Math.round(Math.max(0, seconds) / 6) / 10;

const isMetricEventType = (type: string): type is MetricEventType => (METRIC_EVENT_TYPES as readonly string[]).includes(type);

/**
 * The counter deltas and EMF metrics of one event. Events that move no figure
 * (`note.added`) and events without the data a figure needs (named by field, never value)
 * are not counted.
 */
export const metricsOfEvent = (event: MetricEvent): EventMetrics => {
  if (!isMetricEventType(event.type)) return { counted: false, incomplete: false, reason: `${event.type} moves no figure` };
  const parsed = DATA_OF_TYPE[event.type].safeParse(event.data);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(data)'))].join(', ');
    return { counted: false, incomplete: true, reason: `${event.type} lacks usable ${fields}` };
  }
  if (Number.isNaN(Date.parse(event.at))) return { counted: false, incomplete: true, reason: `${event.type} lacks a usable at` };
  const data = parsed.data as AnyData;
  const type = event.type;

  // Where the referral is now, and where it was before this event.
  const cohort = dayOf(data.submittedAt);
  const here: MetricCell = { day: cohort, serviceArea: data.serviceArea, fromOrg: data.fromOrg, toOrg: data.toOrg, priority: data.priority };
  const before: MetricCell = { ...here, toOrg: data.previousToOrg ?? data.toOrg, priority: data.previousPriority ?? data.priority };
  const now: Counters = {};
  const was: Counters = {};
  const emf: EmfMetric[] = [];
  const count = (name: string) => emf.push({ name, unit: 'Count', value: 1 });

  if (type.startsWith('handoff.')) {
    const cell: MetricCell = { day: dayOf(data.offeredAt), serviceArea: data.serviceArea, fromOrg: data.handoffFromOrg, toOrg: data.handoffToOrg, priority: data.priority };
    switch (type) {
      case 'handoff.offered':
        add(now, COUNTER.handoffsOffered, 1);
        count('HandoffsOffered');
        break;
      case 'handoff.accepted': {
        const waited = secondsBetween(data.offeredAt, event.at);
        add(now, COUNTER.handoffsAccepted, 1);
        observe(now, HISTOGRAM.handoffTimeToAccept, waited);
        count('HandoffsAccepted');
        emf.push({ name: 'HandoffTimeToAcceptMinutes', unit: 'None', value: minutes(waited) });
        break;
      }
      case 'handoff.declined':
        add(now, COUNTER.handoffsDeclined, 1);
        add(now, COUNTER.handoffDeclined(data.reasonCode!), 1);
        count('HandoffsDeclined');
        break;
      case 'handoff.withdrawn':
        add(now, COUNTER.handoffsWithdrawn, 1);
        count('HandoffsWithdrawn');
        break;
      case 'handoff.overdue':
        add(now, COUNTER.handoffsOverdue, 1);
        count('HandoffsOverdue');
        break;
    }
    return { counted: true, cells: mergeDeltas([{ cell, counters: now }]), serviceArea: data.serviceArea, emf };
  }

  // Status move: +1 where it is, −1 where it was (none for the first event).
  if (type === 'referral.submitted') add(now, COUNTER.status(data.status), 1);
  else if (data.fromStatus !== undefined) {
    add(now, COUNTER.status(data.status), 1);
    add(was, COUNTER.status(data.fromStatus), -1);
  }

  switch (type) {
    case 'referral.submitted':
      count('ReferralsSubmitted');
      break;
    case 'referral.accepted': {
      const waited = secondsBetween(data.submittedAt, event.at);
      const withinTarget = Date.parse(event.at) <= Date.parse(data.dueAt!);
      add(now, COUNTER.accepted, 1);
      if (withinTarget) add(now, COUNTER.acceptedWithinTarget, 1);
      observe(now, HISTOGRAM.timeToAccept, waited);
      count('ReferralsAccepted');
      emf.push({ name: 'ReferralsAcceptedWithinTarget', unit: 'Count', value: withinTarget ? 1 : 0 });
      emf.push({ name: 'TimeToAcceptMinutes', unit: 'None', value: minutes(waited) });
      break;
    }
    case 'referral.declined':
      add(now, COUNTER.declined(data.reasonCode!), 1);
      count('ReferralsDeclined');
      break;
    case 'referral.redirected':
      add(was, COUNTER.redirects, 1);
      count('ReferralsRedirected');
      break;
    case 'referral.info_requested':
      add(now, COUNTER.infoRequests, 1);
      count('InfoRequests');
      break;
    case 'referral.info_provided':
      break;
    case 'referral.amended':
      add(now, COUNTER.amendments, 1);
      count('ReferralsAmended');
      break;
    case 'referral.completed': {
      const took = secondsBetween(data.submittedAt, event.at);
      add(now, COUNTER.outcome(data.outcome!), 1);
      observe(now, HISTOGRAM.timeToComplete, took);
      count('ReferralsCompleted');
      if (data.outcome === 'admission-avoided') count('AdmissionsAvoided');
      emf.push({ name: 'TimeToCompleteMinutes', unit: 'None', value: minutes(took) });
      break;
    }
    case 'referral.cancelled':
      add(now, COUNTER.cancelled(data.reasonCode!), 1);
      count('ReferralsCancelled');
      break;
    case 'referral.overdue':
      add(now, COUNTER.overdue, 1);
      count('ReferralsOverdue');
      break;
  }
  return {
    counted: true,
    cells: mergeDeltas([
      { cell: before, counters: was },
      { cell: here, counters: now },
    ]),
    serviceArea: data.serviceArea,
    emf,
  };
};

// ── Reading: groups and figures ─────────────────────────────────────────────────

export const GROUP_BY = ['serviceArea', 'day', 'orgPair', 'priority'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** The key of a group, by `groupBy`. */
export type GroupKey = { day: string } | { serviceArea: string } | { fromOrg: string; toOrg: string } | { priority: string };

/** The group a cell belongs to. */
export const groupKeyOf = (cell: MetricCell, groupBy: GroupBy): GroupKey => {
  switch (groupBy) {
    case 'day':
      return { day: cell.day };
    case 'serviceArea':
      return { serviceArea: cell.serviceArea };
    case 'orgPair':
      return { fromOrg: cell.fromOrg, toOrg: cell.toOrg };
    case 'priority':
      return { priority: cell.priority };
  }
};

/** A duration's summary, minutes to one decimal (`null` when nothing was measured). */
export interface DurationFigures {
  readonly count: number;
  readonly meanMinutes: number | null;
  readonly medianMinutes: number | null;
  readonly p90Minutes: number | null;
}

/** The evaluation figures of one group (or of everything asked for). */
export interface MetricFigures {
  /** Referrals of the period attributed here now (the sum of `byStatus`). */
  readonly referrals: number;
  readonly byStatus: Readonly<Record<(typeof REFERRAL_STATUSES)[number], number>>;
  readonly accepted: number;
  readonly acceptedWithinTarget: number;
  /** `acceptedWithinTarget / accepted`, 0–1. */
  readonly acceptedWithinTargetRate: number | null;
  readonly timeToAccept: DurationFigures;
  readonly timeToComplete: DurationFigures;
  readonly completedByOutcome: Readonly<Record<(typeof OUTCOME_CODES)[number], number>>;
  /** Completions ending `admission-avoided`, as a share of completions, 0–1. */
  readonly admissionAvoidedRate: number | null;
  readonly declinedByReason: Readonly<Record<(typeof DECLINE_REASON_CODES)[number], number>>;
  readonly cancelledByReason: Readonly<Record<(typeof CANCEL_REASON_CODES)[number], number>>;
  readonly overdue: number;
  readonly infoRequests: number;
  /** `infoRequests / referrals`: request-for-information loops per referral. */
  readonly infoRequestsPerReferral: number | null;
  readonly amendments: number;
  readonly redirects: number;
  readonly handoffs: {
    readonly offered: number;
    readonly accepted: number;
    readonly declined: number;
    readonly withdrawn: number;
    /** Offered and not yet answered: `offered − accepted − declined − withdrawn`. */
    readonly open: number;
    readonly overdue: number;
    readonly timeToAccept: DurationFigures;
    readonly declinedByReason: Readonly<Record<(typeof DECLINE_REASON_CODES)[number], number>>;
  };
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);
const oneDecimal = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);

/** The bucket counts of a histogram. */
export const bucketsOf = (counters: Readonly<Counters>, histogram: HistogramName): number[] =>
  Array.from({ length: BUCKET_COUNT }, (_, i) => counters[`${histogram}_${i}`] ?? 0);

const durationOf = (counters: Readonly<Counters>, histogram: HistogramName): DurationFigures => {
  const count = counters[`${histogram}_n`] ?? 0;
  const buckets = bucketsOf(counters, histogram);
  return {
    count,
    meanMinutes: count > 0 ? oneDecimal((counters[`${histogram}_s`] ?? 0) / count / 60) : null,
    medianMinutes: oneDecimal(quantileMinutes(buckets, 0.5)),
    p90Minutes: oneDecimal(quantileMinutes(buckets, 0.9)),
  };
};

const byCode = <C extends string>(codes: readonly C[], counters: Readonly<Counters>, name: (code: string) => string): Record<C, number> =>
  Object.fromEntries(codes.map((code) => [code, counters[name(code)] ?? 0])) as Record<C, number>;

/** What summed counters mean. Key order is fixed: it is the CSV's column order. */
export const figuresOf = (counters: Readonly<Counters>): MetricFigures => {
  const c = (name: string) => counters[name] ?? 0;
  const byStatus = byCode(REFERRAL_STATUSES, counters, COUNTER.status);
  const referrals = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
  const completedByOutcome = byCode(OUTCOME_CODES, counters, COUNTER.outcome);
  const completed = Object.values(completedByOutcome).reduce((sum, n) => sum + n, 0);
  const offered = c(COUNTER.handoffsOffered);
  const handoffAnswers = c(COUNTER.handoffsAccepted) + c(COUNTER.handoffsDeclined) + c(COUNTER.handoffsWithdrawn);
  return {
    referrals,
    byStatus,
    accepted: c(COUNTER.accepted),
    acceptedWithinTarget: c(COUNTER.acceptedWithinTarget),
    acceptedWithinTargetRate: ratio(c(COUNTER.acceptedWithinTarget), c(COUNTER.accepted)),
    timeToAccept: durationOf(counters, HISTOGRAM.timeToAccept),
    timeToComplete: durationOf(counters, HISTOGRAM.timeToComplete),
    completedByOutcome,
    admissionAvoidedRate: ratio(completedByOutcome['admission-avoided'], completed),
    declinedByReason: byCode(DECLINE_REASON_CODES, counters, COUNTER.declined),
    cancelledByReason: byCode(CANCEL_REASON_CODES, counters, COUNTER.cancelled),
    overdue: c(COUNTER.overdue),
    infoRequests: c(COUNTER.infoRequests),
    infoRequestsPerReferral: ratio(c(COUNTER.infoRequests), referrals),
    amendments: c(COUNTER.amendments),
    redirects: c(COUNTER.redirects),
    handoffs: {
      offered,
      accepted: c(COUNTER.handoffsAccepted),
      declined: c(COUNTER.handoffsDeclined),
      withdrawn: c(COUNTER.handoffsWithdrawn),
      open: offered - handoffAnswers,
      overdue: c(COUNTER.handoffsOverdue),
      timeToAccept: durationOf(counters, HISTOGRAM.handoffTimeToAccept),
      declinedByReason: byCode(DECLINE_REASON_CODES, counters, COUNTER.handoffDeclined),
    },
  };
};

/** One group of a summary. */
export interface MetricGroup {
  readonly key: GroupKey;
  readonly figures: MetricFigures;
}

/** Every day from `from` to `to` (inclusive, `YYYY-MM-DD`). */
export const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
};

/** The months (`YYYY-MM`) the days from `from` to `to` fall in. */
export const monthsBetween = (from: string, to: string): string[] => [...new Set(daysBetween(from, to).map((day) => day.slice(0, 7)))];

/** What a summary covers. */
export interface SummaryScope {
  readonly from: string;
  readonly to: string;
  readonly serviceAreas: readonly string[];
  /** Only cells whose `from` or `to` is this org. */
  readonly org?: string | undefined;
  /** Every known org (the groups of `orgPair` are its ordered pairs). */
  readonly organisations: readonly string[];
  readonly groupBy: GroupBy;
}

/** Whether a cell is inside the scope (day range, service area, org). */
export const inScope = (cell: MetricCell, scope: SummaryScope): boolean =>
  cell.day >= scope.from &&
  cell.day <= scope.to &&
  scope.serviceAreas.includes(cell.serviceArea) &&
  (scope.org === undefined || cell.fromOrg === scope.org || cell.toOrg === scope.org);

/** The groups a summary always lists (zero-filled, so rows are stable from one run to the next). */
const expectedKeys = (scope: SummaryScope): GroupKey[] => {
  switch (scope.groupBy) {
    case 'day':
      return daysBetween(scope.from, scope.to).map((day) => ({ day }));
    case 'serviceArea':
      return scope.serviceAreas.map((serviceArea) => ({ serviceArea }));
    case 'priority':
      return PRIORITIES.map((priority) => ({ priority }));
    case 'orgPair':
      return scope.organisations.flatMap((fromOrg) =>
        scope.organisations
          .filter((toOrg) => toOrg !== fromOrg && (scope.org === undefined || fromOrg === scope.org || toOrg === scope.org))
          .map((toOrg) => ({ fromOrg, toOrg })),
      );
  }
};

const groupId = (key: GroupKey): string => Object.values(key).join('→');

/**
 * Sums the cells in scope into groups (every expected group listed, zero-filled, in a
 * stable order; any other group with data after them) and a total.
 */
export const summarise = (rows: readonly CellRow[], scope: SummaryScope): { groups: MetricGroup[]; total: MetricFigures } => {
  const sums = new Map<string, { key: GroupKey; counters: Counters }>();
  for (const key of expectedKeys(scope)) sums.set(groupId(key), { key, counters: {} });
  const total: Counters = {};
  for (const row of rows) {
    if (!inScope(row.cell, scope)) continue;
    const key = groupKeyOf(row.cell, scope.groupBy);
    const id = groupId(key);
    if (!sums.has(id)) sums.set(id, { key, counters: {} });
    addCounters(sums.get(id)!.counters, row.counters);
    addCounters(total, row.counters);
  }
  return {
    groups: [...sums.values()].map(({ key, counters }) => ({ key, figures: figuresOf(counters) })),
    total: figuresOf(total),
  };
};

/** Service areas, for callers that default to all of them. */
export const ALL_SERVICE_AREAS: readonly string[] = SERVICE_AREAS;
