/**
 * The pure handoff rules (DESIGN §3 "Handoff", check order of "Identity and access"):
 * every handoff status × answer × caller, the offer rules, and the answers each caller
 * is offered. Expectations come from the literal tables below, never from the module.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, UnprocessableEntityError } from '#shared/core/errors.ts';
import {
  allowedHandoffActions,
  answerHandoff,
  offerHandoff,
  type Handoff,
  type HandoffAction,
  type HandoffAnswer,
} from '#shared/referrals/domain/handoff.ts';
import type { Caller } from '#shared/core/identity.ts';
import { PRIORITIES, REFERRAL_STATUSES, type HandoffStatus, type Priority, type ReferralStatus } from '#shared/core/reference-data.ts';
import type { Actor, Referral } from '#shared/referrals/domain/referral.ts';
import { practitioner, storedReferral } from '#test/support/fixtures.ts';

/*
 * DESIGN §3, "Handoff", as a table (copied by hand from the brief):
 *
 * | action   | by (practitioner of)   | from status | to status  | referral becomes                          | event             |
 * | offer    | referral.ownerOrg      | (referral) accepted, no open handoff | offered | openHandoffId := id, toOrg joins parties | handoff.offered |
 * | accept   | handoff.toOrg (target) | offered     | accepted   | released, ownerOrg := toOrg (ownerTeam := toTeam) | handoff.accepted  |
 * | decline  | handoff.toOrg (target) | offered     | declined   | released, owner unchanged                 | handoff.declined  |
 * | withdraw | handoff.fromOrg (offering org) | offered | withdrawn | released, owner unchanged               | handoff.withdrawn |
 *
 * Check order: 403 (not this caller's side of the handoff, whatever the status) → 409.
 */
interface AnswerRow {
  readonly by: 'toOrg' | 'fromOrg';
  readonly from: readonly HandoffStatus[];
  readonly to: HandoffStatus;
  readonly ownerBecomes: 'handoff.toOrg' | 'unchanged';
  readonly event: string;
}
const ANSWER_TABLE: Readonly<Record<HandoffAction, AnswerRow>> = {
  accept: { by: 'toOrg', from: ['offered'], to: 'accepted', ownerBecomes: 'handoff.toOrg', event: 'handoff.accepted' },
  decline: { by: 'toOrg', from: ['offered'], to: 'declined', ownerBecomes: 'unchanged', event: 'handoff.declined' },
  withdraw: { by: 'fromOrg', from: ['offered'], to: 'withdrawn', ownerBecomes: 'unchanged', event: 'handoff.withdrawn' },
};
const OFFER_ROW = { by: 'ownerOrg', from: ['accepted'] as readonly ReferralStatus[], event: 'handoff.offered' } as const;

const ALL_HANDOFF_STATUSES: readonly HandoffStatus[] = ['offered', 'accepted', 'declined', 'withdrawn'];
const ALL_ANSWERS: readonly HandoffAction[] = ['accept', 'decline', 'withdraw'];

const MINUTE = 60_000;
const TARGETS: Readonly<Record<Priority, number>> = { urgent: 120, soon: 24 * 60, routine: 120 * 60 };
const KNOWN_ORGS = new Set(['provide', 'ecc', 'meht', 'ageuk-essex']);
const CREATED_AT = '2025-03-03T09:00:00.000Z';
const OFFERED_AT = '2025-03-03T11:30:00.000Z';
const NOW = new Date('2025-03-03T12:15:00.000Z');
const OFFER_CONTEXT = { now: NOW, priorityTargetMinutes: TARGETS, isKnownOrg: (org: string) => KNOWN_ORGS.has(org) };

const REFERRAL_ID = '01JNR0000000000000000000AA';
const HANDOFF_ID = '01JNH0000000000000000000HH';
const NEW_HANDOFF_ID = '01JNH0000000000000000000NN';

const PERSON_NAME = 'Ada Placeholder';
const NHS_NUMBER = '9434765919';
const REFERRAL_REASON = 'Frequent falls overnight; family worried about coping alone';
const HANDOFF_REASON = 'Discharge to the frailty unit: acute team to lead from here';
const ANSWER_COMMENT = 'Spoke to the ward sister: free text that must stay out of event data';

/*
 * The scene: Provide referred to ECC, ECC accepted and owns it, ECC offers it to MEHT.
 * Provide (the sender) is a third org to the handoff; Age UK Essex is no party at all.
 */
const TARGET = practitioner('u-meht-discharge', 'meht');
const OFFERER = practitioner('u-ecc-social-worker', 'ecc');
const SENDER = practitioner('u-provide-nurse', 'provide');
const NON_PARTY = practitioner('u-ageuk-coordinator', 'ageuk-essex');
/** A programme manager employed by the target org: role, not org, decides. */
const PROGRAMME_MANAGER: Caller = { sub: 'u-pm', org: 'meht', roles: ['programme_manager'] };
/** A caller of the offering org with no known role. */
const NO_ROLE: Caller = { sub: 'u-nobody', org: 'ecc', roles: [] };

const CALLERS: readonly { name: string; caller: Caller }[] = [
  { name: 'target-org practitioner', caller: TARGET },
  { name: 'offering-org practitioner', caller: OFFERER },
  { name: 'referral sender practitioner (third org)', caller: SENDER },
  { name: 'non-party practitioner', caller: NON_PARTY },
  { name: 'programme manager', caller: PROGRAMME_MANAGER },
  { name: 'no-role caller', caller: NO_ROLE },
];

const actorFor = (caller: Caller): Actor => ({ sub: caller.sub, org: caller.org, role: caller.roles[0] ?? 'practitioner' });
const OFFERED_BY: Actor = actorFor(OFFERER);

/** The accepted referral, owned by ECC's crisis team; `openHandoffId` set while the handoff is offered. */
const referralWith = (overrides: Partial<Referral> = {}): Referral =>
  storedReferral({
    id: REFERRAL_ID,
    fromTeam: 'community-mdt',
    toTeam: 'crisis-team',
    ownerOrg: 'ecc',
    ownerTeam: 'crisis-team',
    serviceArea: 'crisis-prevention',
    priority: 'soon',
    subject: { nhsNumber: NHS_NUMBER, name: PERSON_NAME, postcode: 'CM1 1AA' },
    reason: REFERRAL_REASON,
    status: 'accepted',
    version: 3,
    seq: 4,
    createdAt: CREATED_AT,
    updatedAt: OFFERED_AT,
    dueAt: '2025-03-04T09:00:00.000Z',
    parties: ['provide', 'ecc', 'meht'],
    ...overrides,
  });

const handoffIn = (status: HandoffStatus, overrides: Partial<Handoff> = {}): Handoff => ({
  id: HANDOFF_ID,
  referralId: REFERRAL_ID,
  fromOrg: 'ecc',
  fromTeam: 'crisis-team',
  toOrg: 'meht',
  toTeam: 'frailty-unit',
  reason: HANDOFF_REASON,
  status,
  version: status === 'offered' ? 1 : 2,
  createdAt: OFFERED_AT,
  updatedAt: OFFERED_AT,
  dueAt: '2025-03-04T11:30:00.000Z',
  offeredBy: OFFERED_BY,
  ...(status === 'offered' ? {} : { answeredBy: actorFor(TARGET) }),
  ...overrides,
});

/** The referral as it stands next to a handoff in `status`: held open only while offered. */
const referralBeside = (handoff: Handoff): Referral =>
  handoff.status === 'offered' ? referralWith({ openHandoffId: handoff.id }) : referralWith();

const answerFor = (action: HandoffAction, comment: string | null = ANSWER_COMMENT): HandoffAnswer => {
  const body = comment === null ? {} : { comment };
  return action === 'decline' ? { action, body: { reasonCode: 'no-capacity', ...body } } : { action, body };
};

/** The outcome the literal table calls for: 403, then 409, then the next status. */
const expectedAnswer = (handoff: Handoff, caller: Caller, action: HandoffAction): 403 | 409 | HandoffStatus => {
  const row = ANSWER_TABLE[action];
  if (!caller.roles.includes('practitioner') || handoff[row.by] !== caller.org) return 403;
  if (!row.from.includes(handoff.status)) return 409;
  return row.to;
};

const thrownBy = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
};

/** Every string anywhere inside a value (for "no free text in data" checks). */
const stringsIn = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
};

const FREE_TEXT = [ANSWER_COMMENT, HANDOFF_REASON, REFERRAL_REASON, PERSON_NAME, NHS_NUMBER, 'CM1 1AA'];

const ANSWER_GRID = ALL_HANDOFF_STATUSES.flatMap((status) =>
  ALL_ANSWERS.flatMap((action) => CALLERS.map(({ name, caller }) => ({ status, action, callerName: name, caller }))),
);

describe('answerHandoff: every handoff status × answer × caller against the literal table', () => {
  it('covers four statuses, three answers and six callers', () => {
    // Prepare
    const statuses = new Set(ANSWER_GRID.map((row) => row.status));
    const actions = new Set(ANSWER_GRID.map((row) => row.action));

    // Act
    const size = ANSWER_GRID.length;

    // Assess
    expect([...statuses].sort()).toEqual(['accepted', 'declined', 'offered', 'withdrawn']);
    expect([...actions].sort()).toEqual(Object.keys(ANSWER_TABLE).sort());
    expect(size).toBe(4 * 3 * 6);
  });

  it('the table yields 60 × 403, 9 × 409 and 3 successes (it is not vacuous)', () => {
    // Prepare
    const outcomes = ANSWER_GRID.map(({ status, action, caller }) => expectedAnswer(handoffIn(status), caller, action));

    // Act
    const count = (wanted: (o: (typeof outcomes)[number]) => boolean) => outcomes.filter(wanted).length;

    // Assess
    expect(count((o) => o === 403)).toBe(60);
    expect(count((o) => o === 409)).toBe(9);
    expect(outcomes.filter((o) => typeof o === 'string').sort()).toEqual(['accepted', 'declined', 'withdrawn']);
  });

  it.each(ANSWER_GRID)('$status × $action × $callerName', ({ status, action, caller }) => {
    // Prepare
    const handoff = handoffIn(status);
    const referral = referralBeside(handoff);
    const expected = expectedAnswer(handoff, caller, action);
    const actor = actorFor(caller);

    // Act
    let outcome: ReturnType<typeof answerHandoff> | undefined;
    let error: unknown;
    try {
      outcome = answerHandoff(referral, handoff, answerFor(action), caller, actor, { now: NOW });
    } catch (caught) {
      error = caught;
    }

    // Assess
    if (expected === 403) {
      expect(error).toBeInstanceOf(ForbiddenError);
      return;
    }
    if (expected === 409) {
      expect(error).toBeInstanceOf(ConflictError);
      return;
    }
    expect(error).toBeUndefined();
    const row = ANSWER_TABLE[action];
    // the handoff
    expect(outcome?.handoff).toMatchObject({
      id: HANDOFF_ID,
      status: expected,
      version: handoff.version + 1,
      updatedAt: NOW.toISOString(),
      answeredBy: actor,
      fromOrg: 'ecc',
      toOrg: 'meht',
      createdAt: OFFERED_AT,
      offeredBy: OFFERED_BY,
    });
    // the referral: released, version + 1, re-owned only on accept
    expect(outcome?.referral).not.toHaveProperty('openHandoffId');
    expect(outcome?.referral.version).toBe(referral.version + 1);
    expect(outcome?.referral.updatedAt).toBe(NOW.toISOString());
    expect(outcome?.referral.status).toBe('accepted');
    if (row.ownerBecomes === 'handoff.toOrg') {
      expect(outcome?.referral.ownerOrg).toBe(handoff.toOrg);
      expect(outcome?.referral.ownerTeam).toBe(handoff.toTeam);
    } else {
      expect(outcome?.referral.ownerOrg).toBe(referral.ownerOrg);
      expect(outcome?.referral.ownerTeam).toBe(referral.ownerTeam);
    }
    expect(outcome?.referral.parties).toEqual(referral.parties);
    // the event
    expect(outcome?.event.type).toBe(row.event);
    expect(outcome?.event.data.handoffId).toBe(HANDOFF_ID);
    expect(outcome?.event.comment).toBe(ANSWER_COMMENT);
    for (const text of FREE_TEXT) expect(stringsIn(outcome?.event.data)).not.toContain(text);
  });
});

describe('answerHandoff: details', () => {
  it('on accept without a target team, drops the old owner team', () => {
    // Prepare
    const { toTeam: _none, ...withoutTeam } = handoffIn('offered');
    const handoff: Handoff = withoutTeam;

    // Act
    const { referral } = answerHandoff(referralBeside(handoff), handoff, answerFor('accept'), TARGET, actorFor(TARGET), { now: NOW });

    // Assess
    expect(referral.ownerOrg).toBe('meht');
    expect(referral).not.toHaveProperty('ownerTeam');
  });

  it.each(['decline', 'withdraw'] as const)('on %s keeps an owner without a team teamless', (action) => {
    // Prepare
    const handoff = handoffIn('offered');
    const { ownerTeam: _none, ...teamless } = referralWith({ openHandoffId: HANDOFF_ID });
    const caller = action === 'withdraw' ? OFFERER : TARGET;

    // Act
    const { referral } = answerHandoff(teamless, handoff, answerFor(action), caller, actorFor(caller), { now: NOW });

    // Assess
    expect(referral.ownerOrg).toBe('ecc');
    expect(referral).not.toHaveProperty('ownerTeam');
  });

  it('records the decline reason code on the handoff and in the event data', () => {
    // Prepare
    const handoff = handoffIn('offered');

    // Act
    const outcome = answerHandoff(referralBeside(handoff), handoff, answerFor('decline'), TARGET, actorFor(TARGET), { now: NOW });

    // Assess
    expect(outcome.handoff.reasonCode).toBe('no-capacity');
    expect(outcome.event.data.reasonCode).toBe('no-capacity');
  });

  it('records the previous owner in the accepted event, for metrics and alerts', () => {
    // Prepare
    const handoff = handoffIn('offered');

    // Act
    const { event } = answerHandoff(referralBeside(handoff), handoff, answerFor('accept'), TARGET, actorFor(TARGET), { now: NOW });

    // Assess
    expect(event.data).toMatchObject({
      handoffId: HANDOFF_ID,
      handoffFromOrg: 'ecc',
      handoffToOrg: 'meht',
      previousOwnerOrg: 'ecc',
      ownerOrg: 'meht',
    });
  });

  it.each(ALL_ANSWERS)('%s without a comment puts no comment on the event', (action) => {
    // Prepare
    const handoff = handoffIn('offered');
    const caller = action === 'withdraw' ? OFFERER : TARGET;

    // Act
    const { event } = answerHandoff(referralBeside(handoff), handoff, answerFor(action, null), caller, actorFor(caller), { now: NOW });

    // Assess
    expect(event).not.toHaveProperty('comment');
  });

  it('answers 403, not 409, to the offering org trying to accept an already withdrawn handoff', () => {
    // Prepare
    const handoff = handoffIn('withdrawn', { answeredBy: OFFERED_BY });

    // Act
    const error = thrownBy(() => answerHandoff(referralWith(), handoff, answerFor('accept'), OFFERER, OFFERED_BY, { now: NOW }));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  it('decides the side by the handoff, not the referral: an offering org that no longer owns the referral still withdraws', () => {
    // Prepare: the referral's owner moved on (as after a race) but the handoff is ECC's offer
    const handoff = handoffIn('offered');
    const referral = referralWith({ ownerOrg: 'provide', openHandoffId: HANDOFF_ID });

    // Act
    const outcome = answerHandoff(referral, handoff, answerFor('withdraw'), OFFERER, OFFERED_BY, { now: NOW });

    // Assess
    expect(outcome.handoff.status).toBe('withdrawn');
    expect(outcome.referral.ownerOrg).toBe('provide');
  });
});

describe('allowedHandoffActions: every status × caller matches the literal table', () => {
  const cases = ALL_HANDOFF_STATUSES.flatMap((status) => CALLERS.map(({ name, caller }) => ({ status, callerName: name, caller })));

  it.each(cases)('$status, $callerName', ({ status, caller }) => {
    // Prepare
    const handoff = handoffIn(status);
    const expected = ALL_ANSWERS.filter((action) => typeof expectedAnswer(handoff, caller, action) === 'string');

    // Act
    const actions = allowedHandoffActions(handoff, caller);

    // Assess
    expect([...actions].sort()).toEqual([...expected].sort());
  });

  it('gives the target accept and decline, the offerer withdraw, everyone else nothing, while offered', () => {
    // Prepare
    const handoff = handoffIn('offered');

    // Act
    const perCaller = Object.fromEntries(CALLERS.map(({ name, caller }) => [name, allowedHandoffActions(handoff, caller)]));

    // Assess
    expect(perCaller).toEqual({
      'target-org practitioner': ['accept', 'decline'],
      'offering-org practitioner': ['withdraw'],
      'referral sender practitioner (third org)': [],
      'non-party practitioner': [],
      'programme manager': [],
      'no-role caller': [],
    });
  });
});

/*
 * Offer grid: referral status × caller × open handoff. The referral is owned by ECC (the
 * receiver, as after accept); for the grid the owner is ECC whatever the status, so that
 * the side rule and the status rule are exercised independently.
 */
const OFFER_CALLERS: readonly { name: string; caller: Caller }[] = [
  { name: 'owner-org practitioner (ecc)', caller: OFFERER },
  { name: 'sender practitioner (provide)', caller: SENDER },
  { name: 'earlier handoff target practitioner (meht)', caller: TARGET },
  { name: 'non-party practitioner', caller: NON_PARTY },
  { name: 'programme manager of the owner org', caller: { sub: 'u-pm-ecc', org: 'ecc', roles: ['programme_manager'] } },
  { name: 'no-role caller of the owner org', caller: NO_ROLE },
];

const expectedOffer = (referral: Referral, caller: Caller): 403 | 409 | 'offered' => {
  if (!caller.roles.includes('practitioner') || referral[OFFER_ROW.by] !== caller.org) return 403;
  if (!OFFER_ROW.from.includes(referral.status)) return 409;
  if (referral.openHandoffId) return 409;
  return 'offered';
};

const OFFER_GRID = REFERRAL_STATUSES.flatMap((status) =>
  [false, true].flatMap((open) => OFFER_CALLERS.map(({ name, caller }) => ({ status, open, callerName: name, caller }))),
);

describe('offerHandoff: every referral status × open handoff × caller', () => {
  it('covers six statuses, both open states and six callers', () => {
    // Prepare
    const statuses = new Set(OFFER_GRID.map((row) => row.status));

    // Act
    const size = OFFER_GRID.length;

    // Assess
    expect(statuses.size).toBe(6);
    expect(size).toBe(6 * 2 * 6);
    expect(
      OFFER_GRID.filter(
        ({ status, open, caller }) =>
          expectedOffer(referralWith({ status, ...(open ? { openHandoffId: HANDOFF_ID } : {}) }), caller) === 'offered',
      ),
    ).toHaveLength(1);
  });

  it.each(OFFER_GRID)('$status × open handoff: $open × $callerName', ({ status, open, caller }) => {
    // Prepare
    const referral = referralWith({ status, ...(open ? { openHandoffId: HANDOFF_ID } : {}) });
    const expected = expectedOffer(referral, caller);

    // Act
    let outcome: ReturnType<typeof offerHandoff> | undefined;
    let error: unknown;
    try {
      outcome = offerHandoff(
        referral,
        NEW_HANDOFF_ID,
        { toOrg: 'ageuk-essex', reason: HANDOFF_REASON },
        caller,
        actorFor(caller),
        OFFER_CONTEXT,
      );
    } catch (caught) {
      error = caught;
    }

    // Assess
    if (expected === 403) expect(error).toBeInstanceOf(ForbiddenError);
    else if (expected === 409) expect(error).toBeInstanceOf(ConflictError);
    else {
      expect(error).toBeUndefined();
      expect(outcome?.handoff.status).toBe('offered');
      expect(outcome?.event.type).toBe(OFFER_ROW.event);
    }
  });
});

describe('offerHandoff: what an offer makes', () => {
  const offer = (referral: Referral, toOrg = 'meht', toTeam?: string) =>
    offerHandoff(
      referral,
      NEW_HANDOFF_ID,
      { toOrg, ...(toTeam ? { toTeam } : {}), reason: HANDOFF_REASON },
      OFFERER,
      OFFERED_BY,
      OFFER_CONTEXT,
    );

  it('makes an offered handoff, version 1, from the owner (with its team) to the target', () => {
    // Prepare
    const referral = referralWith({ parties: ['provide', 'ecc'] });

    // Act
    const { handoff } = offer(referral, 'meht', 'frailty-unit');

    // Assess
    expect(handoff).toEqual({
      id: NEW_HANDOFF_ID,
      referralId: REFERRAL_ID,
      fromOrg: 'ecc',
      fromTeam: 'crisis-team',
      toOrg: 'meht',
      toTeam: 'frailty-unit',
      reason: HANDOFF_REASON,
      status: 'offered',
      version: 1,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      dueAt: new Date(NOW.getTime() + TARGETS.soon * MINUTE).toISOString(),
      offeredBy: OFFERED_BY,
      // MEHT held no role before: it joins by this offer (and leaves if it is declined or withdrawn).
      targetJoined: true,
    });
  });

  it('holds the referral open (openHandoffId), bumps its version, keeps owner and status, adds the target to the parties', () => {
    // Prepare
    const referral = referralWith({ parties: ['provide', 'ecc'] });

    // Act
    const { referral: next } = offer(referral);

    // Assess
    expect(next.openHandoffId).toBe(NEW_HANDOFF_ID);
    expect(next.version).toBe(referral.version + 1);
    expect(next.updatedAt).toBe(NOW.toISOString());
    expect(next.ownerOrg).toBe('ecc');
    expect(next.ownerTeam).toBe('crisis-team');
    expect(next.status).toBe('accepted');
    expect(next.parties).toEqual(['provide', 'ecc', 'meht']);
  });

  it('does not list a target twice that already is a party (a handoff back to the sender)', () => {
    // Prepare
    const referral = referralWith({ parties: ['provide', 'ecc'] });

    // Act
    const { referral: next, handoff } = offer(referral, 'provide');

    // Assess
    expect(handoff.toOrg).toBe('provide');
    expect(next.parties).toEqual(['provide', 'ecc']);
  });

  it.each(PRIORITIES)('a %s referral’s offer is due at offer time + that priority’s target', (priority) => {
    // Prepare
    const referral = referralWith({ priority });

    // Act
    const { handoff } = offer(referral);

    // Assess
    expect(Date.parse(handoff.dueAt) - NOW.getTime()).toBe(TARGETS[priority] * MINUTE);
  });

  it('records handoff.offered with the handoff id and orgs, and no free text in its data', () => {
    // Prepare
    const referral = referralWith();

    // Act
    const { event } = offer(referral);

    // Assess
    expect(event.type).toBe('handoff.offered');
    expect(event.data).toMatchObject({ handoffId: NEW_HANDOFF_ID, handoffFromOrg: 'ecc', handoffToOrg: 'meht', ownerOrg: 'ecc' });
    for (const text of FREE_TEXT) expect(stringsIn(event.data)).not.toContain(text);
  });

  it('rejects an offer to the owner itself with a 422 naming toOrg', () => {
    // Prepare
    const referral = referralWith();

    // Act
    const error = thrownBy(() => offer(referral, 'ecc'));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).errors.map((e) => e.path)).toEqual(['toOrg']);
  });

  it('answers 403 before 422 when a non-owner offers to the owner', () => {
    // Prepare
    const referral = referralWith();

    // Act
    const error = thrownBy(() =>
      offerHandoff(referral, NEW_HANDOFF_ID, { toOrg: 'ecc', reason: HANDOFF_REASON }, SENDER, actorFor(SENDER), OFFER_CONTEXT),
    );

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  it('lets the new owner offer again after an accepted handoff moved ownership', () => {
    // Prepare: MEHT accepted ECC's offer; the referral is MEHT's and released
    const first = handoffIn('offered');
    const { referral: owned } = answerHandoff(referralBeside(first), first, answerFor('accept'), TARGET, actorFor(TARGET), { now: NOW });

    // Act
    const byOldOwner = thrownBy(() => offer(owned, 'provide'));
    const byNewOwner = offerHandoff(
      owned,
      NEW_HANDOFF_ID,
      { toOrg: 'ecc', reason: HANDOFF_REASON },
      TARGET,
      actorFor(TARGET),
      OFFER_CONTEXT,
    );

    // Assess
    expect(byOldOwner).toBeInstanceOf(ForbiddenError);
    expect(byNewOwner.handoff).toMatchObject({ fromOrg: 'meht', fromTeam: 'frailty-unit', toOrg: 'ecc', status: 'offered' });
  });
});
