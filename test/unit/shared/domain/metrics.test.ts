/**
 * The pure metrics rules: what each event adds to which counters (from real domain events),
 * the duration histogram and its percentile error bound, grouping, and — as a property over
 * randomised multi-org workloads — that counters summed from the events in ANY order, with
 * redeliveries dropped by id, equal a brute-force replay of the histories.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerHandoff, offerHandoff } from '#shared/referrals/domain/handoff.ts';
import type { Caller } from '#shared/core/identity.ts';
import {
  BUCKET_COUNT,
  DURATION_BUCKET_BOUNDS_MINUTES,
  bucketOf,
  bucketRangeMinutes,
  quantileMinutes,
} from '#shared/metrics/domain/histogram.ts';
import {
  COUNTER,
  addCounters,
  cellKeyOf,
  mergeDeltas,
  reportingDayOf,
  type CellRow,
  type Counters,
  type MetricCell,
} from '#shared/metrics/domain/counters.ts';
import { GROUP_BY, summarise } from '#shared/metrics/domain/summary.ts';
import { figuresOf } from '#shared/metrics/domain/figures.ts';
import { metricsOfEvent, type MetricEvent } from '#shared/metrics/domain/event-metrics.ts';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '#shared/core/reference-data.ts';
import { applyAction, createReferral } from '#shared/referrals/domain/referral-transitions.ts';
import { referralOverdueEvent, type ActionInput, type EventDraft, type Referral } from '#shared/referrals/domain/referral.ts';
import {
  bruteForce,
  compareFigures,
  expectedGroups,
  groupIdOf,
  storyOf,
  workloadArbitrary,
  WORKLOAD_ORGS,
} from '#test/support/metrics-workload.ts';
import { practitioner } from '#test/support/fixtures.ts';

const T0 = new Date('2026-03-02T09:00:00.000Z');
const MINUTE = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);
const who = (org: Caller['org']): Caller => practitioner(`${org}-1`, org);
const context = (now: Date) => ({ now, priorityTargetMinutes: DEFAULT_PRIORITY_TARGET_MINUTES, isKnownOrg: () => true });
const asEvent = (draft: EventDraft, when: Date, handoffId?: string): MetricEvent => ({
  id: `E${when.getTime()}`,
  type: draft.type,
  at: when.toISOString(),
  referralId: 'R1',
  ...(handoffId ? { handoffId } : {}),
  data: draft.data,
});

/** A Provide → ECC urgent rapid-response referral submitted at T0. */
const submitted = (): { referral: Referral; event: MetricEvent } => {
  const { referral, event } = createReferral(
    'R1',
    { toOrg: 'ecc', serviceArea: 'rapid-response', priority: 'urgent', subject: { localId: 'L1' }, reason: 'Falls' },
    who('provide'),
    context(T0),
  );
  return { referral, event: asEvent(event, T0) };
};

const act = (referral: Referral, input: ActionInput, org: Caller['org'], minutes: number) => {
  const next = applyAction(referral, input, who(org), context(at(minutes)));
  return { referral: next.referral, event: asEvent(next.event, at(minutes)) };
};

const cell = (overrides: Partial<MetricCell> = {}): MetricCell => ({
  day: '2026-03-02',
  serviceArea: 'rapid-response',
  fromOrg: 'provide',
  toOrg: 'ecc',
  priority: 'urgent',
  ...overrides,
});

/** The deltas of an event as `{ "<cell key>": counters }`. */
const deltas = (event: MetricEvent): Record<string, Counters> => {
  const result = metricsOfEvent(event);
  if (!result.counted) throw new Error(`not counted: ${result.reason}`);
  return Object.fromEntries(result.cells.map((d) => [cellKeyOf(d.cell), d.counters]));
};

describe('duration histogram', () => {
  it('buckets by exclusive upper bounds in minutes, with an overflow bucket past 60 days', () => {
    // Act / Assess
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(59)).toBe(0);
    expect(bucketOf(60)).toBe(1);
    expect(bucketOf(119 * 60)).toBe(DURATION_BUCKET_BOUNDS_MINUTES.indexOf(120));
    expect(bucketOf(120 * 60)).toBe(DURATION_BUCKET_BOUNDS_MINUTES.indexOf(120) + 1);
    expect(bucketOf(86_400 * 60)).toBe(BUCKET_COUNT - 1);
    expect(bucketRangeMinutes(0)).toEqual([0, 1]);
    expect(bucketRangeMinutes(BUCKET_COUNT - 1)).toEqual([86_400, null]);
  });

  it('keeps every bucket at most 5 minutes wide below 10 minutes and at most half its lower bound above', () => {
    for (let i = 0; i < DURATION_BUCKET_BOUNDS_MINUTES.length; i++) {
      const [lower, upper] = bucketRangeMinutes(i);
      if (upper! <= 10) expect(upper! - lower).toBeLessThanOrEqual(5);
      else expect(upper! - lower).toBeLessThanOrEqual(lower / 2 + 1e-9);
    }
  });

  it('reads the median and p90 from merged buckets, interpolating inside the bucket', () => {
    // Prepare: 4 acceptances at 30–45 min, 1 at 2–3 h
    const buckets = Array.from({ length: BUCKET_COUNT }, () => 0);
    buckets[bucketOf(40 * 60)] = 4;
    buckets[bucketOf(150 * 60)] = 1;

    // Act / Assess
    expect(quantileMinutes(buckets, 0.5)).toBeCloseTo(30 + (15 * 2.5) / 4);
    expect(quantileMinutes(buckets, 0.9)).toBeCloseTo(120 + 60 * 0.5);
    expect(
      quantileMinutes(
        Array.from({ length: BUCKET_COUNT }, () => 0),
        0.5,
      ),
    ).toBeNull();
  });

  it('is within the width of the bucket holding the exact (nearest-rank) quantile, for any sample', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 80 * 24 * 3600 }), { minLength: 1, maxLength: 200 }),
        fc.constantFrom(0.5, 0.9),
        (seconds, q) => {
          // Prepare
          const buckets = Array.from({ length: BUCKET_COUNT }, () => 0);
          for (const s of seconds) buckets[bucketOf(s)]! += 1;
          const exact = [...seconds].sort((a, b) => a - b)[Math.ceil(q * seconds.length) - 1]! / 60;

          // Act
          const estimate = quantileMinutes(buckets, q)!;

          // Assess
          const [lower, upper] = bucketRangeMinutes(bucketOf(exact * 60));
          expect(estimate).toBeGreaterThanOrEqual(lower);
          if (upper !== null) expect(estimate).toBeLessThanOrEqual(upper);
        },
      ),
    );
  });
});

describe('event → counter deltas', () => {
  it('referral.submitted: +1 submitted on its submission-day cell', () => {
    // Act
    const result = metricsOfEvent(submitted().event);

    // Assess
    expect(result).toMatchObject({
      counted: true,
      serviceArea: 'rapid-response',
      emf: [{ name: 'ReferralsSubmitted', unit: 'Count', value: 1 }],
    });
    expect(deltas(submitted().event)).toEqual({ [cellKeyOf(cell())]: { st_submitted: 1 } });
  });

  it('attributes to the UK calendar day: a referral made at 00:30 BST counts on that day, not the UTC evening before', () => {
    // Prepare
    const { event } = submitted();
    const lateEvening = { ...event, at: '2026-06-30T23:30:00.000Z', data: { ...event.data, submittedAt: '2026-06-30T23:30:00.000Z' } };

    // Act / Assess
    expect(reportingDayOf('2026-06-30T23:30:00.000Z')).toBe('2026-07-01');
    expect(reportingDayOf('2026-12-31T23:30:00.000Z')).toBe('2026-12-31');
    expect(Object.keys(deltas(lateEvening))).toEqual([cellKeyOf(cell({ day: '2026-07-01' }))]);
  });

  it('referral.accepted within target: submitted −1, accepted +1, accepted within target, time to accept bucketed', () => {
    // Prepare
    const { referral } = submitted();

    // Act
    const accepted = act(referral, { action: 'accept', body: {} }, 'ecc', 40);

    // Assess
    expect(accepted.event.data).toMatchObject({ fromStatus: 'submitted', dueAt: referral.dueAt, submittedAt: T0.toISOString() });
    expect(deltas(accepted.event)).toEqual({
      [cellKeyOf(cell())]: { st_submitted: -1, st_accepted: 1, acc: 1, acc_in: 1, [`tta_${bucketOf(2400)}`]: 1, tta_n: 1, tta_s: 2400 },
    });
  });

  it('a late acceptance counts as accepted but not within target, and on the submission day however late', () => {
    // Prepare: urgent = 2 h; accepted a day and a half later
    const { referral } = submitted();

    // Act
    const accepted = act(referral, { action: 'accept', body: {} }, 'ecc', 36 * 60);
    const counters = deltas(accepted.event)[cellKeyOf(cell())]!;

    // Assess
    expect(counters).toMatchObject({ acc: 1, tta_n: 1, tta_s: 36 * 3600 });
    expect(counters).not.toHaveProperty('acc_in');
  });

  it('the clock pauses while information is awaited: within target is judged against the moved dueAt', () => {
    // Prepare: asked at 30 min, answered 5 h later, accepted 60 min after that (6.5 h in, urgent = 2 h)
    const asked = act(submitted().referral, { action: 'request-info', body: { comment: 'c' } }, 'ecc', 30);
    const answered = act(asked.referral, { action: 'provide-info', body: { comment: 'c' } }, 'provide', 330);

    // Act
    const accepted = act(answered.referral, { action: 'accept', body: {} }, 'ecc', 390);

    // Assess
    expect(deltas(asked.event)).toEqual({ [cellKeyOf(cell())]: { st_submitted: -1, st_info_requested: 1, irq: 1 } });
    expect(deltas(answered.event)).toEqual({ [cellKeyOf(cell())]: { st_info_requested: -1, st_submitted: 1 } });
    expect(deltas(accepted.event)[cellKeyOf(cell())]).toMatchObject({ acc: 1, acc_in: 1 });
  });

  it('referral.redirected moves the referral to the new pair and counts the redirect against the old receiver', () => {
    // Act
    const redirected = act(submitted().referral, { action: 'redirect', body: { toOrg: 'meht', comment: 'c' } }, 'ecc', 10);

    // Assess
    expect(deltas(redirected.event)).toEqual({
      [cellKeyOf(cell())]: { st_submitted: -1, rdr: 1 },
      [cellKeyOf(cell({ toOrg: 'meht' }))]: { st_submitted: 1 },
    });
  });

  it('referral.amended: a priority change moves the referral between priorities; any amendment counts once', () => {
    // Act
    const repriced = act(submitted().referral, { action: 'amend', body: { priority: 'soon' } }, 'provide', 5);
    const reworded = act(submitted().referral, { action: 'amend', body: { reason: 'Falls, twice' } }, 'provide', 5);

    // Assess
    expect(repriced.event.data).toMatchObject({ previousPriority: 'urgent', priority: 'soon' });
    expect(deltas(repriced.event)).toEqual({
      [cellKeyOf(cell())]: { st_submitted: -1 },
      [cellKeyOf(cell({ priority: 'soon' }))]: { st_submitted: 1, amd: 1 },
    });
    expect(deltas(reworded.event)).toEqual({ [cellKeyOf(cell())]: { amd: 1 } });
  });

  it('declines, cancellations (from any status) and completions count by code; completion times submission → completion', () => {
    // Prepare
    const accepted = act(submitted().referral, { action: 'accept', body: {} }, 'ecc', 30);

    // Act
    const declined = act(submitted().referral, { action: 'decline', body: { reasonCode: 'no-capacity', comment: 'c' } }, 'ecc', 10);
    const cancelled = act(accepted.referral, { action: 'cancel', body: { reasonCode: 'person-admitted' } }, 'provide', 60);
    const completed = act(accepted.referral, { action: 'complete', body: { outcome: 'admission-avoided' } }, 'ecc', 3 * 24 * 60);

    // Assess
    expect(deltas(declined.event)).toEqual({ [cellKeyOf(cell())]: { st_submitted: -1, st_declined: 1, 'dec_no-capacity': 1 } });
    expect(deltas(cancelled.event)).toEqual({ [cellKeyOf(cell())]: { st_accepted: -1, st_cancelled: 1, 'cnc_person-admitted': 1 } });
    expect(deltas(completed.event)).toEqual({
      [cellKeyOf(cell())]: {
        st_accepted: -1,
        st_completed: 1,
        'out_admission-avoided': 1,
        [`ttc_${bucketOf(3 * 86400)}`]: 1,
        ttc_n: 1,
        ttc_s: 3 * 86400,
      },
    });
    expect(metricsOfEvent(completed.event)).toMatchObject({
      emf: expect.arrayContaining([{ name: 'AdmissionsAvoided', unit: 'Count', value: 1 }]),
    });
  });

  it('referral.overdue counts a breach without moving the status', () => {
    // Act
    const overdue = asEvent(referralOverdueEvent(submitted().referral), at(121));

    // Assess
    expect(deltas(overdue)).toEqual({ [cellKeyOf(cell())]: { ovd: 1 } });
  });

  it('handoff events count on the offer day and the handoff’s own pair, with the time to accept an offer', () => {
    // Prepare: ECC accepted on day 1; offers Age UK on day 2; accepted 3 h later, on day 2
    const accepted = act(submitted().referral, { action: 'accept', body: {} }, 'ecc', 30);
    const offeredAt = at(24 * 60);
    const offer = offerHandoff(
      accepted.referral,
      'H1',
      { toOrg: 'ageuk-essex', reason: 'r' },
      who('ecc'),
      { sub: 'e', org: 'ecc', role: 'practitioner' },
      context(offeredAt),
    );
    const answeredAt = at(27 * 60);
    const answer = answerHandoff(
      offer.referral,
      offer.handoff,
      { action: 'accept', body: {} },
      who('ageuk-essex'),
      { sub: 'a', org: 'ageuk-essex', role: 'practitioner' },
      { now: answeredAt },
    );
    const handoffCell = cellKeyOf(cell({ day: '2026-03-03', fromOrg: 'ecc', toOrg: 'ageuk-essex' }));

    // Act / Assess
    expect(deltas(asEvent(offer.event, offeredAt, 'H1'))).toEqual({ [handoffCell]: { h_off: 1 } });
    expect(deltas(asEvent(answer.event, answeredAt, 'H1'))).toEqual({
      [handoffCell]: { h_acc: 1, [`htta_${bucketOf(3 * 3600)}`]: 1, htta_n: 1, htta_s: 3 * 3600 },
    });
  });

  it('counts nothing for note.added, and flags an event lacking the data a figure needs (naming fields, not values)', () => {
    // Prepare
    const { event } = submitted();
    const { submittedAt: _dropped, ...withoutSubmittedAt } = event.data as Record<string, unknown>;

    // Act
    const note = metricsOfEvent({ ...event, type: 'note.added' });
    const incomplete = metricsOfEvent({ ...event, data: withoutSubmittedAt });

    // Assess
    expect(note).toEqual({ counted: false, incomplete: false, reason: 'note.added moves no figure' });
    expect(incomplete).toEqual({ counted: false, incomplete: true, reason: 'referral.submitted lacks usable submittedAt' });
  });
});

describe('merging and grouping', () => {
  it('merges deltas per cell and drops counters that cancel out', () => {
    // Act
    const merged = mergeDeltas([
      { cell: cell(), counters: { st_submitted: 1 } },
      { cell: cell(), counters: { st_submitted: -1, st_accepted: 1 } },
      { cell: cell({ toOrg: 'meht' }), counters: { rdr: 0 } },
    ]);

    // Assess
    expect(merged).toEqual([{ cell: cell(), counters: { st_accepted: 1 } }]);
  });

  it('lists every expected group zero-filled, keeps to the scope (days, service areas, org) and totals what it kept', () => {
    // Prepare
    const rows: CellRow[] = [
      { cell: cell(), counters: { st_accepted: 2 } },
      { cell: cell({ day: '2026-03-09' }), counters: { st_accepted: 5 } },
      { cell: cell({ fromOrg: 'meht', toOrg: 'ageuk-essex' }), counters: { st_accepted: 7 } },
      { cell: cell({ serviceArea: 'joint-referral' }), counters: { st_accepted: 11 } },
    ];

    // Act
    const byPair = summarise(rows, {
      from: '2026-03-01',
      to: '2026-03-07',
      serviceAreas: ['rapid-response'],
      org: 'ecc',
      organisations: [...WORKLOAD_ORGS],
      groupBy: 'orgPair',
    });
    const byDay = summarise(rows, {
      from: '2026-03-01',
      to: '2026-03-03',
      serviceAreas: ['rapid-response'],
      organisations: [...WORKLOAD_ORGS],
      groupBy: 'day',
    });

    // Assess
    expect(byPair.groups.map((g) => g.key)).toEqual([
      { fromOrg: 'provide', toOrg: 'ecc' },
      { fromOrg: 'ecc', toOrg: 'provide' },
      { fromOrg: 'ecc', toOrg: 'meht' },
      { fromOrg: 'ecc', toOrg: 'ageuk-essex' },
      { fromOrg: 'meht', toOrg: 'ecc' },
      { fromOrg: 'ageuk-essex', toOrg: 'ecc' },
    ]);
    expect(byPair.groups[0]!.figures.byStatus.accepted).toBe(2);
    expect(byPair.total.referrals).toBe(2);
    expect(byDay.groups.map((g) => [g.key, g.figures.referrals])).toEqual([
      [{ day: '2026-03-01' }, 0],
      [{ day: '2026-03-02' }, 9],
      [{ day: '2026-03-03' }, 0],
    ]);
  });

  it('derives rates and handoff backlog from counters, null where undefined', () => {
    // Act
    const figures = figuresOf({
      st_completed: 3,
      acc: 4,
      acc_in: 3,
      'out_admission-avoided': 2,
      'out_discharged-home': 1,
      h_off: 5,
      h_acc: 2,
      h_wdr: 1,
      irq: 3,
    });
    const empty = figuresOf({});

    // Assess
    expect(figures).toMatchObject({
      referrals: 3,
      acceptedWithinTargetRate: 0.75,
      admissionAvoidedRate: 0.6667,
      infoRequestsPerReferral: 1,
      handoffs: { open: 2 },
    });
    expect(empty).toMatchObject({
      acceptedWithinTargetRate: null,
      admissionAvoidedRate: null,
      infoRequestsPerReferral: null,
      timeToAccept: { count: 0, medianMinutes: null },
    });
  });
});

describe('property: incremental counters = brute-force replay of the histories', () => {
  it('for randomised multi-org workloads, with every event delivered in any order and redelivered any number of times', () => {
    fc.assert(
      fc.property(
        workloadArbitrary(15).chain((plans) => {
          const histories = plans.map((plan) => storyOf(plan, '2026-05'));
          const events = histories.flat();
          return fc.tuple(
            fc.constant(histories),
            fc.shuffledSubarray(events, { minLength: events.length }),
            fc.array(fc.nat(events.length - 1), { maxLength: events.length }),
          );
        }),
        ([histories, shuffled, redeliveries]) => {
          // Prepare: the delivery stream as a consumer sees it
          const events = histories.flat();
          const stream = [...shuffled, ...redeliveries.map((i) => events[i]!)];

          // Act: count each event once (a consumed-marker per id), ADD its deltas
          const seen = new Set<string>();
          const cells = new Map<string, CellRow>();
          for (const event of stream) {
            if (seen.has(event.id)) continue;
            seen.add(event.id);
            const result = metricsOfEvent(event);
            if (!result.counted) continue;
            for (const delta of result.cells) {
              const known = cells.get(cellKeyOf(delta.cell)) ?? { cell: delta.cell, counters: {} };
              addCounters(known.counters, delta.counters);
              cells.set(cellKeyOf(delta.cell), known);
            }
          }

          // Assess: every grouping agrees with the oracle, group by group and in total
          const oracle = bruteForce(histories);
          for (const groupBy of GROUP_BY) {
            const summary = summarise([...cells.values()], {
              from: '2026-05-01',
              to: '2026-05-31',
              serviceAreas: ['rapid-response', 'crisis-prevention', 'joint-referral'],
              organisations: [...WORKLOAD_ORGS],
              groupBy,
            });
            const expected = expectedGroups(oracle, groupBy);
            const problems = [
              ...summary.groups.flatMap((g) =>
                compareFigures(
                  g.figures,
                  expected.groups.get(groupIdOf(g.key as Record<string, string>)) ?? expectedGroups([], groupBy).total,
                  `${groupBy} ${groupIdOf(g.key as Record<string, string>)}`,
                ),
              ),
              ...compareFigures(summary.total, expected.total, `${groupBy} total`),
            ];
            expect(problems).toEqual([]);
            // No status count is negative once every event is in.
            for (const g of summary.groups) for (const n of Object.values(g.figures.byStatus)) expect(n).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 150 },
    );
    // 150 randomised workloads: about a second alone, several when the suite shares two cores; no timing is asserted.
  }, 60_000);

  it('names counters the way the figures read them', () => {
    expect([COUNTER.status('accepted'), COUNTER.declined('duplicate'), COUNTER.handoffDeclined('other')]).toEqual([
      'st_accepted',
      'dec_duplicate',
      'hdec_other',
    ]);
  });
});
