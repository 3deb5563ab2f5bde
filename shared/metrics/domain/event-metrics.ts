/**
 * What one published event means for the programme figures (README "Metrics"), pure:
 * counter deltas on one or two cells, and the business metrics published as EMF. No I/O,
 * no clock.
 *
 * - Referral figures are attributed to the referral's **submission day** (its cohort) and
 *   to the cell it is in *now*: its sender, current receiver and current priority. A
 *   transition is −1 on the status (and cell) it left and +1 on the one it entered, read
 *   from the event itself (`fromStatus`, `previousToOrg`, `previousPriority`), so the status
 *   counts telescope to each referral's current status whatever order events arrive in.
 * - Handoff figures are attributed to the **offer day** and the handoff's own pair
 *   (offering org → target org), with the referral's service area and priority.
 * - Durations are histogram buckets plus count and sum (`histogram.ts`), so they merge by
 *   addition across days, orgs and shards.
 */
import * as z from '../../core/zod.ts';
import { EVENT_TYPES, type EventType } from '../../core/event-envelope.ts';
import {
  addCounter,
  COUNTER,
  HISTOGRAM,
  mergeDeltas,
  observe,
  reportingDayOf,
  type CellDelta,
  type Counters,
  type MetricCell,
} from './counters.ts';

/**
 * Event types that move no figure, so the bus rule leaves them out: a note, and a disposal (a
 * disposed referral's figures were counted as it happened and stay: disposal takes nothing back).
 */
const FIGURELESS_TYPES: ReadonlySet<EventType> = new Set(['note.added', 'referral.disposed']);

/** The event types that move a figure. */
export type MetricEventType = Exclude<EventType, 'note.added' | 'referral.disposed'>;
export const METRIC_EVENT_TYPES: readonly MetricEventType[] = EVENT_TYPES.filter(
  (type): type is MetricEventType => !FIGURELESS_TYPES.has(type),
);

/** What the metrics need of a published event (the published shape satisfies it). */
export interface MetricEvent {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly referralId: string;
  readonly handoffId?: string | undefined;
  readonly data: Readonly<Record<string, unknown>>;
}

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

/** Ids and codes that go into keys and counter names: lower-case, no `#`. */
const Code = z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/));
const Instant = z.iso.datetime({ offset: true });

const ReferralData = z.object({
  serviceArea: Code,
  fromOrg: Code,
  toOrg: Code,
  priority: Code,
  status: Code,
  submittedAt: Instant,
});
const TransitionData = z.extend(ReferralData, { fromStatus: Code });
const HandoffData = z.extend(ReferralData, { handoffFromOrg: Code, handoffToOrg: Code, offeredAt: Instant });

type AnyData = z.infer<typeof HandoffData> &
  Partial<{ fromStatus: string; dueAt: string; reasonCode: string; previousToOrg: string; previousPriority: string; outcome: string }>;

/** What an event adds: counters on the cell it is in now, on the cell it was in before, and EMF metrics. */
interface Tally {
  readonly now: Counters;
  readonly was: Counters;
  readonly emf: EmfMetric[];
}

/** What one event type adds to the tally, given its (validated) data and when it happened. */
type Effect = (tally: Tally, data: AnyData, at: string) => void;

const secondsBetween = (fromIso: string, toIso: string): number => (Date.parse(toIso) - Date.parse(fromIso)) / 1000;
const minutes = (seconds: number): number => Math.round(Math.max(0, seconds) / 6) / 10;

/** One datapoint of a count metric. */
const countOne = (tally: Tally, metric: string): void => void tally.emf.push({ name: metric, unit: 'Count', value: 1 });

/** The usual effect: +1 on one counter of the cell `on`, and one datapoint of a count metric. */
const counting =
  (counter: (data: AnyData) => string, metric: string, on: 'now' | 'was' = 'now'): Effect =>
  (tally, data) => {
    addCounter(tally[on], counter(data), 1);
    countOne(tally, metric);
  };

/** Per event type: the data it must carry to be counted, and what it adds. */
const RULES: Readonly<Record<MetricEventType, { readonly data: z.ZodMiniType; readonly effect: Effect }>> = {
  // The status moves of referral events are added for all of them alike (metricsOfEvent).
  'referral.submitted': { data: ReferralData, effect: (tally) => countOne(tally, 'ReferralsSubmitted') },
  'referral.accepted': {
    data: z.extend(TransitionData, { dueAt: Instant }),
    effect: (tally, data, at) => {
      const waited = secondsBetween(data.submittedAt, at);
      const withinTarget = Date.parse(at) <= Date.parse(data.dueAt!);
      addCounter(tally.now, COUNTER.accepted, 1);
      if (withinTarget) addCounter(tally.now, COUNTER.acceptedWithinTarget, 1);
      observe(tally.now, HISTOGRAM.timeToAccept, waited);
      countOne(tally, 'ReferralsAccepted');
      tally.emf.push({ name: 'ReferralsAcceptedWithinTarget', unit: 'Count', value: withinTarget ? 1 : 0 });
      tally.emf.push({ name: 'TimeToAcceptMinutes', unit: 'None', value: minutes(waited) });
    },
  },
  'referral.declined': {
    data: z.extend(TransitionData, { reasonCode: Code }),
    effect: counting((data) => COUNTER.declined(data.reasonCode!), 'ReferralsDeclined'),
  },
  'referral.redirected': {
    data: z.extend(TransitionData, { previousToOrg: Code }),
    effect: counting(() => COUNTER.redirects, 'ReferralsRedirected', 'was'),
  },
  'referral.info_requested': { data: TransitionData, effect: counting(() => COUNTER.infoRequests, 'InfoRequests') },
  'referral.info_provided': { data: TransitionData, effect: () => undefined },
  'referral.amended': {
    data: z.extend(TransitionData, { previousPriority: z.optional(Code) }),
    effect: counting(() => COUNTER.amendments, 'ReferralsAmended'),
  },
  'referral.completed': {
    data: z.extend(TransitionData, { outcome: Code }),
    effect: (tally, data, at) => {
      const took = secondsBetween(data.submittedAt, at);
      addCounter(tally.now, COUNTER.outcome(data.outcome!), 1);
      observe(tally.now, HISTOGRAM.timeToComplete, took);
      countOne(tally, 'ReferralsCompleted');
      if (data.outcome === 'admission-avoided') countOne(tally, 'AdmissionsAvoided');
      tally.emf.push({ name: 'TimeToCompleteMinutes', unit: 'None', value: minutes(took) });
    },
  },
  'referral.cancelled': {
    data: z.extend(TransitionData, { reasonCode: Code }),
    effect: counting((data) => COUNTER.cancelled(data.reasonCode!), 'ReferralsCancelled'),
  },
  'referral.overdue': { data: ReferralData, effect: counting(() => COUNTER.overdue, 'ReferralsOverdue') },
  'handoff.offered': { data: HandoffData, effect: counting(() => COUNTER.handoffsOffered, 'HandoffsOffered') },
  'handoff.accepted': {
    data: HandoffData,
    effect: (tally, data, at) => {
      const waited = secondsBetween(data.offeredAt, at);
      addCounter(tally.now, COUNTER.handoffsAccepted, 1);
      observe(tally.now, HISTOGRAM.handoffTimeToAccept, waited);
      countOne(tally, 'HandoffsAccepted');
      tally.emf.push({ name: 'HandoffTimeToAcceptMinutes', unit: 'None', value: minutes(waited) });
    },
  },
  'handoff.declined': {
    data: z.extend(HandoffData, { reasonCode: Code }),
    effect: (tally, data) => {
      addCounter(tally.now, COUNTER.handoffsDeclined, 1);
      addCounter(tally.now, COUNTER.handoffDeclined(data.reasonCode!), 1);
      countOne(tally, 'HandoffsDeclined');
    },
  },
  'handoff.withdrawn': { data: HandoffData, effect: counting(() => COUNTER.handoffsWithdrawn, 'HandoffsWithdrawn') },
  'handoff.overdue': { data: HandoffData, effect: counting(() => COUNTER.handoffsOverdue, 'HandoffsOverdue') },
};

const isMetricEventType = (type: string): type is MetricEventType => (METRIC_EVENT_TYPES as readonly string[]).includes(type);

/**
 * The counter deltas and EMF metrics of one event. Events that move no figure
 * (`note.added`) and events without the data a figure needs (named by field, never value)
 * are not counted.
 */
export const metricsOfEvent = (event: MetricEvent): EventMetrics => {
  if (!isMetricEventType(event.type)) return { counted: false, incomplete: false, reason: `${event.type} moves no figure` };
  const rule = RULES[event.type];
  const parsed = rule.data.safeParse(event.data);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(data)'))].join(', ');
    return { counted: false, incomplete: true, reason: `${event.type} lacks usable ${fields}` };
  }
  if (Number.isNaN(Date.parse(event.at))) return { counted: false, incomplete: true, reason: `${event.type} lacks a usable at` };
  const data = parsed.data as AnyData;
  const tally: Tally = { now: {}, was: {}, emf: [] };

  if (event.type.startsWith('handoff.')) {
    const cell: MetricCell = {
      day: reportingDayOf(data.offeredAt),
      serviceArea: data.serviceArea,
      fromOrg: data.handoffFromOrg,
      toOrg: data.handoffToOrg,
      priority: data.priority,
    };
    rule.effect(tally, data, event.at);
    return { counted: true, cells: mergeDeltas([{ cell, counters: tally.now }]), serviceArea: data.serviceArea, emf: tally.emf };
  }

  // Where the referral is now, and where it was before this event.
  const here: MetricCell = {
    day: reportingDayOf(data.submittedAt),
    serviceArea: data.serviceArea,
    fromOrg: data.fromOrg,
    toOrg: data.toOrg,
    priority: data.priority,
  };
  const before: MetricCell = { ...here, toOrg: data.previousToOrg ?? data.toOrg, priority: data.previousPriority ?? data.priority };
  // Status move: +1 where it is, −1 where it was (none for the first event).
  if (event.type === 'referral.submitted') addCounter(tally.now, COUNTER.status(data.status), 1);
  else if (data.fromStatus !== undefined) {
    addCounter(tally.now, COUNTER.status(data.status), 1);
    addCounter(tally.was, COUNTER.status(data.fromStatus), -1);
  }
  rule.effect(tally, data, event.at);
  return {
    counted: true,
    cells: mergeDeltas([
      { cell: before, counters: tally.was },
      { cell: here, counters: tally.now },
    ]),
    serviceArea: data.serviceArea,
    emf: tally.emf,
  };
};
