/**
 * Randomised multi-org workloads for the metrics tests, and the brute-force oracle they
 * are checked against.
 *
 * A workload is a set of referral life stories driven through the REAL pure domain rules
 * (`createReferral`, `applyAction`, `offerHandoff`, `answerHandoff`, the overdue marks), so
 * every event carries exactly the data production events carry. The oracle recomputes the
 * figures from the event histories the slow, obvious way — replaying each referral's events
 * in `seq` order and counting its final status once — independently of the commutative
 * deltas the metrics consumer applies.
 */
import fc from 'fast-check';
import { ulid } from 'ulid';
import { answerHandoff, handoffOverdueEvent, offerHandoff, type Handoff } from '#shared/referrals/domain/handoff.ts';
import type { Caller } from '#shared/core/identity.ts';
import { bucketOf, bucketRangeMinutes } from '#shared/metrics/domain/histogram.ts';
import type { DurationFigures, MetricFigures } from '#shared/metrics/domain/figures.ts';
import type { GroupBy } from '#shared/metrics/domain/summary.ts';
import type { MetricCell } from '#shared/metrics/domain/counters.ts';
import {
  CANCEL_REASON_CODES,
  DECLINE_REASON_CODES,
  DEFAULT_PRIORITY_TARGET_MINUTES,
  OUTCOME_CODES,
  PRIORITIES,
  SERVICE_AREAS,
} from '#shared/core/reference-data.ts';
import { applyAction, createReferral } from '#shared/referrals/domain/referral-transitions.ts';
import { referralOverdueEvent, type ActionInput, type EventDraft, type Referral } from '#shared/referrals/domain/referral.ts';
import { EVENT_SPEC_VERSION, type PublishedEvent } from '#shared/core/event-envelope.ts';
import { practitioner } from './fixtures.ts';

export const WORKLOAD_ORGS = ['provide', 'ecc', 'meht', 'ageuk-essex'] as const;

const MINUTE = 60_000;

/** One referral's story: who, what, when it starts, and the choices that drive it. */
export interface ReferralPlan {
  readonly from: number;
  readonly to: number;
  readonly serviceArea: number;
  readonly priority: number;
  /** Minutes after the start of the month (the first 15 days). */
  readonly startMinute: number;
  readonly steps: readonly { readonly choice: number; readonly pick: number; readonly delayMinutes: number }[];
}

/** Plans of a multi-org workload (10 steps of ≤ 1 day each: a story ends inside its month). */
export const workloadArbitrary = (maxReferrals = 12): fc.Arbitrary<ReferralPlan[]> =>
  fc.array(
    fc.record({
      from: fc.nat(WORKLOAD_ORGS.length - 1),
      to: fc.nat(WORKLOAD_ORGS.length - 2),
      serviceArea: fc.nat(SERVICE_AREAS.length - 1),
      priority: fc.nat(PRIORITIES.length - 1),
      startMinute: fc.nat(15 * 24 * 60 - 1),
      steps: fc.array(fc.record({ choice: fc.nat(99), pick: fc.nat(99), delayMinutes: fc.integer({ min: 1, max: 1440 }) }), {
        maxLength: 10,
      }),
    }),
    { minLength: 1, maxLength: maxReferrals },
  );

// Workload orgs are all registered (WORKLOAD_ORGS), so the cast only restores what the records' plain strings lost.
const practitionerOf = (org: string): Caller => practitioner(`${org}-practitioner`, org as Caller['org']);
const actor = (org: string) => ({ sub: `${org}-practitioner`, org, role: 'practitioner' as const });

type Step =
  | 'accept'
  | 'decline'
  | 'redirect'
  | 'request-info'
  | 'provide-info'
  | 'amend'
  | 'cancel'
  | 'complete'
  | 'overdue'
  | 'offer'
  | 'handoff-accept'
  | 'handoff-decline'
  | 'handoff-withdraw'
  | 'handoff-overdue';

/** The events of one referral's story (ascending `seq`), starting in `month` (`YYYY-MM`). */
export const storyOf = (plan: ReferralPlan, month: string): PublishedEvent[] => {
  const context = (now: Date) => ({
    now,
    priorityTargetMinutes: DEFAULT_PRIORITY_TARGET_MINUTES,
    isKnownOrg: (org: string) => (WORKLOAD_ORGS as readonly string[]).includes(org),
  });
  const fromOrg = WORKLOAD_ORGS[plan.from]!;
  const others = WORKLOAD_ORGS.filter((o) => o !== fromOrg);
  let now = new Date(Date.parse(`${month}-01T00:00:00Z`) + plan.startMinute * MINUTE);
  const events: PublishedEvent[] = [];
  const referralId = ulid(now.getTime());
  const emit = (draft: EventDraft, by: { sub: string; org: string; role: string }, handoffId?: string) => {
    events.push({
      specVersion: EVENT_SPEC_VERSION,
      id: ulid(now.getTime()),
      type: draft.type as PublishedEvent['type'],
      seq: events.length + 1,
      at: now.toISOString(),
      actor: by,
      referralId,
      ...(handoffId ? { handoffId } : {}),
      data: { ...draft.data },
    });
  };

  const created = createReferral(
    referralId,
    {
      toOrg: others[plan.to % others.length]!,
      serviceArea: SERVICE_AREAS[plan.serviceArea]!,
      priority: PRIORITIES[plan.priority]!,
      subject: { localId: 'x' },
      reason: 'r',
    },
    practitionerOf(fromOrg),
    context(now),
  );
  let referral: Referral = created.referral;
  let handoff: Handoff | undefined;
  emit(created.event, actor(fromOrg));

  for (const { choice, pick, delayMinutes } of plan.steps) {
    const open = handoff?.status === 'offered' ? handoff : undefined;
    const possible: Step[] =
      referral.status === 'submitted'
        ? [
            'accept',
            'decline',
            'redirect',
            'request-info',
            'amend',
            'cancel',
            ...(referral.overdueNotifiedFor !== referral.dueAt ? (['overdue'] as const) : []),
          ]
        : referral.status === 'info_requested'
          ? ['provide-info', 'amend', 'cancel']
          : referral.status === 'accepted'
            ? open
              ? [
                  'handoff-accept',
                  'handoff-decline',
                  'handoff-withdraw',
                  ...(open.overdueNotifiedFor !== open.dueAt ? (['handoff-overdue'] as const) : []),
                ]
              : ['complete', 'cancel', 'offer']
            : [];
    if (possible.length === 0) break;
    const step = possible[choice % possible.length]!;
    now = new Date(now.getTime() + delayMinutes * MINUTE);

    const act = (input: ActionInput, org: string) => {
      const next = applyAction(referral, input, practitionerOf(org), context(now));
      referral = { ...next.referral, seq: referral.seq + 1 };
      emit(next.event, actor(org));
    };
    switch (step) {
      case 'accept':
        act({ action: 'accept', body: {} }, referral.toOrg);
        break;
      case 'decline':
        act(
          { action: 'decline', body: { reasonCode: DECLINE_REASON_CODES[pick % DECLINE_REASON_CODES.length]!, comment: 'c' } },
          referral.toOrg,
        );
        break;
      case 'redirect': {
        const thirds = WORKLOAD_ORGS.filter((o) => o !== referral.toOrg && o !== referral.fromOrg);
        act({ action: 'redirect', body: { toOrg: thirds[pick % thirds.length]!, comment: 'c' } }, referral.toOrg);
        break;
      }
      case 'request-info':
        act({ action: 'request-info', body: { comment: 'c' } }, referral.toOrg);
        break;
      case 'provide-info':
        act({ action: 'provide-info', body: { comment: 'c' } }, referral.fromOrg);
        break;
      case 'amend':
        act({ action: 'amend', body: { priority: PRIORITIES[pick % PRIORITIES.length]!, reason: 'amended' } }, referral.fromOrg);
        break;
      case 'cancel':
        act({ action: 'cancel', body: { reasonCode: CANCEL_REASON_CODES[pick % CANCEL_REASON_CODES.length]! } }, referral.fromOrg);
        break;
      case 'complete':
        act({ action: 'complete', body: { outcome: OUTCOME_CODES[pick % OUTCOME_CODES.length]! } }, referral.ownerOrg);
        break;
      case 'overdue':
        now = new Date(Math.max(now.getTime(), Date.parse(referral.dueAt) + MINUTE));
        emit(referralOverdueEvent(referral), { sub: 'system', org: 'jointly', role: 'system' });
        referral = { ...referral, seq: referral.seq + 1, overdueNotifiedFor: referral.dueAt };
        break;
      case 'offer': {
        const targets = WORKLOAD_ORGS.filter((o) => o !== referral.ownerOrg);
        const offered = offerHandoff(
          referral,
          ulid(now.getTime()),
          { toOrg: targets[pick % targets.length]!, reason: 'r' },
          practitionerOf(referral.ownerOrg),
          actor(referral.ownerOrg),
          context(now),
        );
        referral = { ...offered.referral, seq: referral.seq + 1 };
        handoff = offered.handoff;
        emit(offered.event, actor(referral.ownerOrg), handoff.id);
        break;
      }
      case 'handoff-accept':
      case 'handoff-decline':
      case 'handoff-withdraw': {
        const action = step === 'handoff-accept' ? 'accept' : step === 'handoff-decline' ? 'decline' : 'withdraw';
        const org = action === 'withdraw' ? open!.fromOrg : open!.toOrg;
        const answer =
          action === 'decline'
            ? { action, body: { reasonCode: DECLINE_REASON_CODES[pick % DECLINE_REASON_CODES.length]! } }
            : { action, body: {} };
        const next = answerHandoff(referral, open!, answer as Parameters<typeof answerHandoff>[2], practitionerOf(org), actor(org), {
          now,
        });
        referral = { ...next.referral, seq: referral.seq + 1 };
        handoff = next.handoff;
        emit(next.event, actor(org), open!.id);
        break;
      }
      case 'handoff-overdue':
        now = new Date(Math.max(now.getTime(), Date.parse(open!.dueAt) + MINUTE));
        emit(handoffOverdueEvent(referral, open!), { sub: 'system', org: 'jointly', role: 'system' }, open!.id);
        handoff = { ...open!, overdueNotifiedFor: open!.dueAt };
        referral = { ...referral, seq: referral.seq + 1 };
        break;
    }
  }
  return events;
};

// ── The oracle ──────────────────────────────────────────────────────────────────

/** What happened in one cell, as plain facts (durations in seconds). */
export interface Facts {
  status: Record<string, number>;
  accepted: number;
  within: number;
  tta: number[];
  ttc: number[];
  outcomes: Record<string, number>;
  declines: Record<string, number>;
  cancels: Record<string, number>;
  overdue: number;
  infoRequests: number;
  amendments: number;
  redirects: number;
  offered: number;
  hAccepted: number;
  hDeclined: number;
  hWithdrawn: number;
  hOverdue: number;
  htta: number[];
  hDeclines: Record<string, number>;
}

const emptyFacts = (): Facts => ({
  status: {},
  accepted: 0,
  within: 0,
  tta: [],
  ttc: [],
  outcomes: {},
  declines: {},
  cancels: {},
  overdue: 0,
  infoRequests: 0,
  amendments: 0,
  redirects: 0,
  offered: 0,
  hAccepted: 0,
  hDeclined: 0,
  hWithdrawn: 0,
  hOverdue: 0,
  htta: [],
  hDeclines: {},
});

/** The UK calendar day of an instant, computed here independently of the code under test. */
const ukDay = (iso: string): string => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
};

const bump = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);

/** Facts per cell, recomputed by replaying each referral's history in `seq` order. */
export const bruteForce = (histories: readonly (readonly PublishedEvent[])[]): { cell: MetricCell; facts: Facts }[] => {
  const cells = new Map<string, { cell: MetricCell; facts: Facts }>();
  const at = (cell: MetricCell): Facts => {
    const key = JSON.stringify(cell);
    if (!cells.has(key)) cells.set(key, { cell, facts: emptyFacts() });
    return cells.get(key)!.facts;
  };
  for (const history of histories) {
    const events = [...history].sort((a, b) => a.seq - b.seq);
    const first = events[0]!;
    const d0 = first.data as Record<string, string>;
    const submitted = Date.parse(first.at);
    const day = ukDay(first.at);
    let toOrg = d0.toOrg!;
    let priority = d0.priority!;
    let status = 'submitted';
    let dueAt = d0.dueAt!;
    const here = (): MetricCell => ({ day, serviceArea: d0.serviceArea!, fromOrg: d0.fromOrg!, toOrg, priority });
    const handoffs = new Map<string, { cell: MetricCell; offeredAt: number }>();
    for (const event of events.slice(1)) {
      const d = event.data as Record<string, string>;
      const t = Date.parse(event.at);
      switch (event.type) {
        case 'referral.accepted':
          at(here()).accepted += 1;
          if (t <= Date.parse(dueAt)) at(here()).within += 1;
          at(here()).tta.push((t - submitted) / 1000);
          status = 'accepted';
          break;
        case 'referral.declined':
          bump(at(here()).declines, d.reasonCode!);
          status = 'declined';
          break;
        case 'referral.redirected':
          at(here()).redirects += 1;
          toOrg = d.toOrg!;
          break;
        case 'referral.info_requested':
          at(here()).infoRequests += 1;
          status = 'info_requested';
          break;
        case 'referral.info_provided':
          status = 'submitted';
          dueAt = d.dueAt!;
          break;
        case 'referral.amended':
          priority = d.priority!;
          if (d.dueAt) dueAt = d.dueAt;
          at(here()).amendments += 1;
          break;
        case 'referral.completed':
          bump(at(here()).outcomes, d.outcome!);
          at(here()).ttc.push((t - submitted) / 1000);
          status = 'completed';
          break;
        case 'referral.cancelled':
          bump(at(here()).cancels, d.reasonCode!);
          status = 'cancelled';
          break;
        case 'referral.overdue':
          at(here()).overdue += 1;
          break;
        case 'handoff.offered': {
          const cell = { day: ukDay(event.at), serviceArea: d0.serviceArea!, fromOrg: d.handoffFromOrg!, toOrg: d.handoffToOrg!, priority };
          handoffs.set(event.handoffId!, { cell, offeredAt: t });
          at(cell).offered += 1;
          break;
        }
        case 'handoff.accepted': {
          const h = handoffs.get(event.handoffId!)!;
          at(h.cell).hAccepted += 1;
          at(h.cell).htta.push((t - h.offeredAt) / 1000);
          break;
        }
        case 'handoff.declined': {
          const h = handoffs.get(event.handoffId!)!;
          at(h.cell).hDeclined += 1;
          bump(at(h.cell).hDeclines, d.reasonCode!);
          break;
        }
        case 'handoff.withdrawn':
          at(handoffs.get(event.handoffId!)!.cell).hWithdrawn += 1;
          break;
        case 'handoff.overdue':
          at(handoffs.get(event.handoffId!)!.cell).hOverdue += 1;
          break;
      }
    }
    bump(at(here()).status, status);
  }
  return [...cells.values()];
};

const mergeFacts = (into: Facts, from: Facts): Facts => {
  for (const key of [
    'accepted',
    'within',
    'overdue',
    'infoRequests',
    'amendments',
    'redirects',
    'offered',
    'hAccepted',
    'hDeclined',
    'hWithdrawn',
    'hOverdue',
  ] as const)
    into[key] += from[key];
  for (const key of ['tta', 'ttc', 'htta'] as const) into[key].push(...from[key]);
  for (const key of ['status', 'outcomes', 'declines', 'cancels', 'hDeclines'] as const) {
    for (const [k, v] of Object.entries(from[key])) into[key][k] = (into[key][k] ?? 0) + v;
  }
  return into;
};

/** The oracle's facts per group (and in total), for cells passing `keep`. */
export const expectedGroups = (
  cells: readonly { cell: MetricCell; facts: Facts }[],
  groupBy: GroupBy,
  keep: (cell: MetricCell) => boolean = () => true,
): { groups: Map<string, Facts>; total: Facts } => {
  const groups = new Map<string, Facts>();
  const total = emptyFacts();
  for (const { cell, facts } of cells) {
    if (!keep(cell)) continue;
    const id =
      groupBy === 'day'
        ? cell.day
        : groupBy === 'serviceArea'
          ? cell.serviceArea
          : groupBy === 'priority'
            ? cell.priority
            : `${cell.fromOrg}→${cell.toOrg}`;
    groups.set(id, mergeFacts(groups.get(id) ?? emptyFacts(), facts));
    mergeFacts(total, facts);
  }
  return { groups, total };
};

/** The id the oracle uses for a summary group's key. */
export const groupIdOf = (key: Record<string, string>): string =>
  'fromOrg' in key ? `${key.fromOrg}→${key.toOrg}` : Object.values(key)[0]!;

const nearestRank = (values: readonly number[], q: number): number => [...values].sort((a, b) => a - b)[Math.ceil(q * values.length) - 1]!;

/** Differences between reported figures and the oracle's facts (empty = they agree). */
export const compareFigures = (actual: MetricFigures, expected: Facts, where: string): string[] => {
  const problems: string[] = [];
  const same = (what: string, a: unknown, e: unknown) => {
    if (a !== e) problems.push(`${where} ${what}: reported ${String(a)}, brute force ${String(e)}`);
  };
  const referrals = Object.values(expected.status).reduce((s, n) => s + n, 0);
  same('referrals', actual.referrals, referrals);
  for (const [status, n] of Object.entries(actual.byStatus)) same(`byStatus.${status}`, n, expected.status[status] ?? 0);
  same('accepted', actual.accepted, expected.accepted);
  same('acceptedWithinTarget', actual.acceptedWithinTarget, expected.within);
  same(
    'acceptedWithinTargetRate',
    actual.acceptedWithinTargetRate,
    expected.accepted > 0 ? Math.round((expected.within / expected.accepted) * 10_000) / 10_000 : null,
  );
  for (const [code, n] of Object.entries(actual.completedByOutcome)) same(`completedByOutcome.${code}`, n, expected.outcomes[code] ?? 0);
  for (const [code, n] of Object.entries(actual.declinedByReason)) same(`declinedByReason.${code}`, n, expected.declines[code] ?? 0);
  for (const [code, n] of Object.entries(actual.cancelledByReason)) same(`cancelledByReason.${code}`, n, expected.cancels[code] ?? 0);
  same('overdue', actual.overdue, expected.overdue);
  same('infoRequests', actual.infoRequests, expected.infoRequests);
  same('amendments', actual.amendments, expected.amendments);
  same('redirects', actual.redirects, expected.redirects);
  same('handoffs.offered', actual.handoffs.offered, expected.offered);
  same('handoffs.accepted', actual.handoffs.accepted, expected.hAccepted);
  same('handoffs.declined', actual.handoffs.declined, expected.hDeclined);
  same('handoffs.withdrawn', actual.handoffs.withdrawn, expected.hWithdrawn);
  same('handoffs.overdue', actual.handoffs.overdue, expected.hOverdue);
  same('handoffs.open', actual.handoffs.open, expected.offered - expected.hAccepted - expected.hDeclined - expected.hWithdrawn);
  for (const [code, n] of Object.entries(actual.handoffs.declinedByReason))
    same(`handoffs.declinedByReason.${code}`, n, expected.hDeclines[code] ?? 0);
  const durations = (what: string, figures: DurationFigures, seconds: readonly number[]) => {
    same(`${what}.count`, figures.count, seconds.length);
    if (seconds.length === 0) {
      same(`${what}.medianMinutes`, figures.medianMinutes, null);
      return;
    }
    same(`${what}.meanMinutes`, figures.meanMinutes, Math.round((seconds.reduce((s, n) => s + n, 0) / seconds.length / 60) * 10) / 10);
    for (const [q, reported] of [
      [0.5, figures.medianMinutes],
      [0.9, figures.p90Minutes],
    ] as const) {
      // The sketch's promise: within the width of the bucket holding the exact value.
      const exact = nearestRank(seconds, q) / 60;
      const [lower, upper] = bucketRangeMinutes(bucketOf(exact * 60));
      const width = (upper ?? lower) - lower;
      if (reported === null || Math.abs(reported - exact) > width + 0.05) {
        problems.push(`${where} ${what} q${q}: reported ${String(reported)} min, exact ${exact} min (bucket ${lower}–${upper})`);
      }
    }
  };
  durations('timeToAccept', actual.timeToAccept, expected.tta);
  durations('timeToComplete', actual.timeToComplete, expected.ttc);
  durations('handoffs.timeToAccept', actual.handoffs.timeToAccept, expected.htta);
  return problems;
};

/**
 * The deliveries of a workload as a consumer might see them: every event at least once,
 * some several times, in a shuffled order, in batches of 1–10.
 */
export const deliveriesArbitrary = (events: readonly PublishedEvent[]): fc.Arbitrary<PublishedEvent[][]> =>
  fc
    .tuple(
      fc.array(fc.nat(Math.max(0, events.length - 1)), { maxLength: Math.ceil(events.length / 2) }),
      fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2 * events.length, maxLength: 2 * events.length }),
    )
    .chain(([redelivered, sizes]) =>
      fc
        .shuffledSubarray([...events, ...redelivered.map((i) => events[i]!)], { minLength: events.length + redelivered.length })
        .map((order) => {
          const batches: PublishedEvent[][] = [];
          for (let i = 0, b = 0; i < order.length; b++) {
            const size = sizes[b] ?? 10;
            batches.push(order.slice(i, i + size));
            i += size;
          }
          return batches;
        }),
    );
