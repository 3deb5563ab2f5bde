/** What summed counters mean: the evaluation figures of a group of cells. Pure. */
import { CANCEL_REASON_CODES, DECLINE_REASON_CODES, OUTCOME_CODES, REFERRAL_STATUSES } from '../../core/reference-data.ts';
import { bucketsOf, COUNTER, HISTOGRAM, type Counters, type HistogramName } from './counters.ts';
import { quantileMinutes } from './histogram.ts';

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
