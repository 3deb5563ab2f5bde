import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, UnprocessableEntityError } from '#shared/core/errors.ts';
import type { Caller } from '#shared/core/identity.ts';
import { REFERRAL_STATUSES, type Priority, type ReferralStatus } from '#shared/core/reference-data.ts';
import {
  REFERRAL_ACTIONS,
  toReferralView,
  type ActionInput,
  type NewReferral,
  type Referral,
  type ReferralAction,
  type RuleContext,
} from '#shared/referrals/domain/referral.ts';
import { allowedActions, canRead, readLimitOf } from '#shared/referrals/domain/referral-policy.ts';
import { applyAction, createReferral } from '#shared/referrals/domain/referral-transitions.ts';
import type { Subject } from '#shared/referrals/domain/referral-schemas.ts';
import { practitioner, storedReferral } from '#test/support/fixtures.ts';

/*
 * DESIGN §3's action table, copied literally. Expectations are derived from this copy,
 * never from the module's own ACTION_RULES.
 *
 * | action       | by (practitioner of) | from status                         | to status                     |
 * | accept       | toOrg                | submitted                           | accepted (ownerOrg := toOrg)  |
 * | decline      | toOrg                | submitted                           | declined                      |
 * | redirect     | toOrg                | submitted                           | submitted, toOrg := new org   |
 * | request-info | toOrg                | submitted                           | info_requested                |
 * | provide-info | fromOrg              | info_requested                      | submitted                     |
 * | amend        | fromOrg              | submitted, info_requested           | unchanged                     |
 * | cancel       | fromOrg              | submitted, info_requested, accepted | cancelled                     |
 * | complete     | ownerOrg             | accepted                            | completed                     |
 */
type SideField = 'toOrg' | 'fromOrg' | 'ownerOrg';
interface DesignRow {
  readonly by: SideField;
  readonly from: readonly string[];
  /** `'unchanged'` keeps the status the referral had. */
  readonly to: string;
  readonly event: string;
}
const DESIGN_TABLE: Readonly<Record<string, DesignRow>> = {
  accept: { by: 'toOrg', from: ['submitted'], to: 'accepted', event: 'referral.accepted' },
  decline: { by: 'toOrg', from: ['submitted'], to: 'declined', event: 'referral.declined' },
  redirect: { by: 'toOrg', from: ['submitted'], to: 'submitted', event: 'referral.redirected' },
  'request-info': { by: 'toOrg', from: ['submitted'], to: 'info_requested', event: 'referral.info_requested' },
  'provide-info': { by: 'fromOrg', from: ['info_requested'], to: 'submitted', event: 'referral.info_provided' },
  amend: { by: 'fromOrg', from: ['submitted', 'info_requested'], to: 'unchanged', event: 'referral.amended' },
  cancel: { by: 'fromOrg', from: ['submitted', 'info_requested', 'accepted'], to: 'cancelled', event: 'referral.cancelled' },
  complete: { by: 'ownerOrg', from: ['accepted'], to: 'completed', event: 'referral.completed' },
};
const designRow = (action: string): DesignRow => {
  const row = DESIGN_TABLE[action];
  if (!row) throw new Error(`DESIGN table has no row for ${action}`);
  return row;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TARGETS: Readonly<Record<Priority, number>> = { urgent: 120, soon: 24 * 60, routine: 120 * 60 };
const KNOWN_ORGS = new Set(['provide', 'ecc', 'meht', 'ageuk-essex']);
const CREATED_AT = '2025-03-03T09:00:00.000Z';
const T0 = Date.parse(CREATED_AT);
const at = (offsetMs: number): Date => new Date(T0 + offsetMs);
const contextAt = (now: Date): RuleContext => ({ now, priorityTargetMinutes: TARGETS, isKnownOrg: (org) => KNOWN_ORGS.has(org) });
const NOW = at(45 * MINUTE);
const CONTEXT = contextAt(NOW);

const SUBJECT: Subject = {
  nhsNumber: '9434765919',
  localId: 'CASE-77',
  name: 'Ada Placeholder',
  dateOfBirth: '1941-07-19',
  postcode: 'CM1 1AA',
};
const REASON_TEXT = 'Frequent falls overnight; family worried about coping alone';

const SENDER = practitioner('u-sender', 'provide');
const RECEIVER = practitioner('u-receiver', 'ecc');
const THIRD_OWNER = practitioner('u-owner', 'meht');
const NON_PARTY = practitioner('u-stranger', 'ageuk-essex');
const PROGRAMME_MANAGER: Caller = { sub: 'u-pm', org: 'provide', roles: ['programme_manager'] };
const NO_ROLE: Caller = { sub: 'u-nobody', org: 'ecc', roles: [] };

const CALLERS: readonly { name: string; caller: Caller }[] = [
  { name: 'sender practitioner', caller: SENDER },
  { name: 'receiver practitioner', caller: RECEIVER },
  { name: 'third-org owner practitioner', caller: THIRD_OWNER },
  { name: 'non-party practitioner', caller: NON_PARTY },
  { name: 'programme manager', caller: PROGRAMME_MANAGER },
  { name: 'caller with no known role', caller: NO_ROLE },
];

/** A referral from provide to ecc, in `status`, by default owned by a third org (meht) as after a handoff. */
const referralIn = (status: ReferralStatus, overrides: Partial<Referral> = {}): Referral =>
  storedReferral({
    id: '01JNR0000000000000000000AA',
    ownerOrg: 'meht',
    subject: SUBJECT,
    reason: REASON_TEXT,
    status,
    version: 4,
    seq: 6,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    dueAt: new Date(T0 + 2 * HOUR).toISOString(),
    parties: ['provide', 'ecc', 'meht'],
    ...(status === 'info_requested' ? { infoRequestedAt: new Date(T0 + 10 * MINUTE).toISOString() } : {}),
    ...overrides,
  });

const COMMENTS: Readonly<Record<ReferralAction, string>> = {
  accept: 'Accepting: crisis team will visit tonight',
  decline: 'Declining: outside our catchment for this service',
  redirect: 'Redirecting to the voluntary partner nearer the person',
  'request-info': 'Please send the latest medication list',
  'provide-info': 'Medication list attached to the case file',
  amend: 'not sent: amend takes no comment',
  cancel: 'Cancelling: the person has gone to stay with family',
  complete: 'Completing: care package in place since Monday',
};

/** A valid body for each action. */
const inputFor = (action: ReferralAction): ActionInput => {
  switch (action) {
    case 'accept':
      return { action, body: { comment: COMMENTS.accept } };
    case 'decline':
      return { action, body: { reasonCode: 'no-capacity', comment: COMMENTS.decline } };
    case 'redirect':
      return { action, body: { toOrg: 'ageuk-essex', comment: COMMENTS.redirect } };
    case 'request-info':
      return { action, body: { comment: COMMENTS['request-info'] } };
    case 'provide-info':
      return { action, body: { comment: COMMENTS['provide-info'] } };
    case 'amend':
      return { action, body: { reason: 'Amended: falls now also in the daytime' } };
    case 'cancel':
      return { action, body: { reasonCode: 'no-longer-required', comment: COMMENTS.cancel } };
    case 'complete':
      return { action, body: { outcome: 'admission-avoided', comment: COMMENTS.complete } };
  }
};

/** Runs `act` and returns what it threw, failing the test if it did not throw. */
const thrownBy = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
};

/** The outcome DESIGN §3 calls for, from the literal table: 403, then 409, then the next status. */
const expectedOutcome = (referral: Referral, caller: Caller, action: ReferralAction): 403 | 409 | string => {
  const row = designRow(action);
  const isPractitioner = caller.roles.includes('practitioner');
  if (!isPractitioner || referral[row.by] !== caller.org) return 403;
  if (!row.from.includes(referral.status)) return 409;
  return row.to === 'unchanged' ? referral.status : row.to;
};

const OWNERSHIPS: readonly { name: string; ownerOrg: string }[] = [
  { name: 'owner is a third org (meht) after a handoff', ownerOrg: 'meht' },
  { name: 'owner is the receiver (ecc)', ownerOrg: 'ecc' },
  { name: 'owner is the sender (provide)', ownerOrg: 'provide' },
];

const MATRIX = REFERRAL_STATUSES.flatMap((status) =>
  REFERRAL_ACTIONS.flatMap((action) => CALLERS.map(({ name, caller }) => ({ status, action, callerName: name, caller }))),
);

describe('applyAction: every status × action × caller against DESIGN §3', () => {
  it('covers all six statuses, all eight actions and six callers', () => {
    // Prepare
    const statuses = new Set(MATRIX.map((row) => row.status));
    const actions = new Set(MATRIX.map((row) => row.action));

    // Act
    const size = MATRIX.length;

    // Assess
    expect([...statuses].sort()).toEqual(['accepted', 'cancelled', 'completed', 'declined', 'info_requested', 'submitted']);
    expect([...actions].sort()).toEqual(Object.keys(DESIGN_TABLE).sort());
    expect(size).toBe(6 * 8 * 6);
  });

  describe.each(OWNERSHIPS)('$name', ({ ownerOrg }) => {
    it.each(MATRIX)('$status × $action × $callerName', ({ status, action, caller }) => {
      // Prepare
      const referral = referralIn(status, { ownerOrg });
      const expected = expectedOutcome(referral, caller, action);

      // Act
      let outcome: ReturnType<typeof applyAction> | undefined;
      let error: unknown;
      try {
        outcome = applyAction(referral, inputFor(action), caller, CONTEXT);
      } catch (caught) {
        error = caught;
      }

      // Assess
      if (expected === 403) {
        expect(error).toBeInstanceOf(ForbiddenError);
      } else if (expected === 409) {
        expect(error).toBeInstanceOf(ConflictError);
      } else {
        expect(error).toBeUndefined();
        expect(outcome?.referral.status).toBe(expected);
        expect(outcome?.referral.version).toBe(referral.version + 1);
        expect(outcome?.referral.updatedAt).toBe(NOW.toISOString());
        expect(outcome?.event.type).toBe(designRow(action).event);
      }
    });
  });
});

describe('allowedActions: matches the set computed from DESIGN §3', () => {
  const cases = OWNERSHIPS.flatMap(({ name: ownership, ownerOrg }) =>
    REFERRAL_STATUSES.flatMap((status) => CALLERS.map(({ name, caller }) => ({ ownership, ownerOrg, status, callerName: name, caller }))),
  );

  it.each(cases)('$status, $callerName ($ownership)', ({ ownerOrg, status, caller }) => {
    // Prepare
    const referral = referralIn(status, { ownerOrg });
    const expected = Object.keys(DESIGN_TABLE).filter(
      (action) => typeof expectedOutcome(referral, caller, action as ReferralAction) === 'string',
    );

    // Act
    const actions = allowedActions(referral, caller);

    // Assess
    expect([...actions].sort()).toEqual([...expected].sort());
  });

  it('gives the receiver the four receiving actions on a fresh submitted referral', () => {
    // Prepare
    const referral = referralIn('submitted', { ownerOrg: 'provide', parties: ['provide', 'ecc'] });

    // Act
    const actions = allowedActions(referral, RECEIVER);

    // Assess
    expect(actions).toEqual(['accept', 'decline', 'redirect', 'request-info']);
  });

  it('offers no closing action to anyone while a handoff is open', () => {
    // Prepare
    const referral = referralIn('accepted', { ownerOrg: 'ecc', openHandoffId: 'H-1' });

    // Act
    const perCaller = CALLERS.map(({ caller }) => allowedActions(referral, caller));

    // Assess
    for (const actions of perCaller) expect(actions).toEqual([]);
  });
});

describe('applyAction: open handoff', () => {
  it.each(['cancel', 'complete'] as const)('%s while openHandoffId is set is a 409 for the right caller', (action) => {
    // Prepare
    const referral = referralIn('accepted', { ownerOrg: 'ecc', openHandoffId: 'H-1' });
    const caller = action === 'cancel' ? SENDER : RECEIVER;

    // Act
    const error = thrownBy(() => applyAction(referral, inputFor(action), caller, CONTEXT));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/handoff/i);
  });

  it('still answers 403 before 409 to the wrong side while a handoff is open', () => {
    // Prepare
    const referral = referralIn('accepted', { ownerOrg: 'ecc', openHandoffId: 'H-1' });

    // Act
    const error = thrownBy(() => applyAction(referral, inputFor('complete'), SENDER, CONTEXT));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  it('lets the same caller cancel and complete once the handoff is closed', () => {
    // Prepare
    const referral = referralIn('accepted', { ownerOrg: 'ecc' });

    // Act
    const cancelled = applyAction(referral, inputFor('cancel'), SENDER, CONTEXT);
    const completed = applyAction(referral, inputFor('complete'), RECEIVER, CONTEXT);

    // Assess
    expect(cancelled.referral.status).toBe('cancelled');
    expect(completed.referral.status).toBe('completed');
  });
});

describe('applyAction: accept', () => {
  it('makes the receiver the owner, with its team', () => {
    // Prepare
    const referral = referralIn('submitted', {
      ownerOrg: 'provide',
      fromTeam: 'community-mdt',
      ownerTeam: 'community-mdt',
      toTeam: 'crisis-team',
      parties: ['provide', 'ecc'],
    });

    // Act
    const { referral: next } = applyAction(referral, { action: 'accept', body: {} }, RECEIVER, CONTEXT);

    // Assess
    expect(next.status).toBe('accepted');
    expect(next.ownerOrg).toBe('ecc');
    expect(next.ownerTeam).toBe('crisis-team');
    expect(next.dueAt).toBe(referral.dueAt);
  });

  it('drops the sender team as owner team when the receiver has no team', () => {
    // Prepare
    const referral = referralIn('submitted', { ownerOrg: 'provide', fromTeam: 'community-mdt', ownerTeam: 'community-mdt' });

    // Act
    const { referral: next } = applyAction(referral, { action: 'accept', body: {} }, RECEIVER, CONTEXT);

    // Assess
    expect(next.ownerOrg).toBe('ecc');
    expect(next).not.toHaveProperty('ownerTeam');
  });

  it('puts no comment on the event when none was given', () => {
    // Prepare
    const referral = referralIn('submitted', { ownerOrg: 'provide' });

    // Act
    const { event } = applyAction(referral, { action: 'accept', body: {} }, RECEIVER, CONTEXT);

    // Assess
    expect(event).not.toHaveProperty('comment');
  });
});

describe('applyAction: redirect', () => {
  it('changes toOrg and toTeam, swaps the old receiver for the new one in parties (the old one is a former party), keeps dueAt and status', () => {
    // Prepare
    const referral = referralIn('submitted', { ownerOrg: 'provide', toTeam: 'crisis-team', parties: ['provide', 'ecc'] });

    // Act
    const { referral: next, event } = applyAction(
      referral,
      { action: 'redirect', body: { toOrg: 'meht', toTeam: 'frailty-unit', comment: COMMENTS.redirect } },
      RECEIVER,
      CONTEXT,
    );

    // Assess
    expect(next.status).toBe('submitted');
    expect(next.toOrg).toBe('meht');
    expect(next.toTeam).toBe('frailty-unit');
    expect(next.parties).toEqual(['provide', 'meht']);
    expect(next.formerParties).toEqual([{ org: 'ecc', leftAt: NOW.toISOString(), leftSeq: referral.seq + 1 }]);
    expect(next.dueAt).toBe(referral.dueAt);
    expect(next.ownerOrg).toBe('provide');
    expect(event.data).toMatchObject({ toOrg: 'meht', previousToOrg: 'ecc' });
  });

  it('drops the old receiving team when the new org is given none', () => {
    // Prepare
    const referral = referralIn('submitted', { ownerOrg: 'provide', toTeam: 'crisis-team', parties: ['provide', 'ecc'] });

    // Act
    const { referral: next } = applyAction(referral, inputFor('redirect'), RECEIVER, CONTEXT);

    // Assess
    expect(next.toOrg).toBe('ageuk-essex');
    expect(next).not.toHaveProperty('toTeam');
  });

  it('makes a former party that is redirected back a current party again, and the redirecting receiver a former one', () => {
    // Prepare
    const referral = referralIn('submitted', {
      ownerOrg: 'provide',
      parties: ['provide', 'ecc'],
      formerParties: [{ org: 'meht', leftAt: '2025-03-03T08:00:00.000Z', leftSeq: 2 }],
    });

    // Act
    const { referral: next } = applyAction(
      referral,
      { action: 'redirect', body: { toOrg: 'meht', comment: 'back to meht' } },
      RECEIVER,
      CONTEXT,
    );

    // Assess
    expect(next.parties).toEqual(['provide', 'meht']);
    expect(next.formerParties).toEqual([{ org: 'ecc', leftAt: NOW.toISOString(), leftSeq: referral.seq + 1 }]);
  });

  it('lets a former party read but take no action (403 whatever the status), with no allowed actions', () => {
    // Prepare
    const referral = referralIn('submitted', {
      ownerOrg: 'provide',
      toOrg: 'meht',
      parties: ['provide', 'meht'],
      formerParties: [{ org: 'ecc', leftAt: NOW.toISOString(), leftSeq: 2 }],
    });

    // Act
    const readable = canRead(referral, RECEIVER);
    const limit = readLimitOf(referral, RECEIVER);
    const allowed = allowedActions(referral, RECEIVER);
    const attempt = () => applyAction(referral, inputFor('accept'), RECEIVER, CONTEXT);

    // Assess
    expect(readable).toBe(true);
    expect(limit).toEqual({ org: 'ecc', leftAt: NOW.toISOString(), leftSeq: 2 });
    expect(allowed).toEqual([]);
    expect(attempt).toThrow(ForbiddenError);
  });

  it.each([
    { target: 'ecc', why: 'the current receiver' },
    { target: 'provide', why: 'the referrer' },
    { target: 'nowhere-trust', why: 'an unknown organisation' },
  ])('rejects a redirect to $why with a 422 naming toOrg', ({ target }) => {
    // Prepare
    const referral = referralIn('submitted', { ownerOrg: 'provide', parties: ['provide', 'ecc'] });

    // Act
    const error = thrownBy(() => applyAction(referral, { action: 'redirect', body: { toOrg: target, comment: 'x' } }, RECEIVER, CONTEXT));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).errors[0]?.path).toBe('toOrg');
  });
});

describe('applyAction: request-info and provide-info pause the clock', () => {
  it('request-info records when the information was asked for', () => {
    // Prepare
    const referral = referralIn('submitted', { ownerOrg: 'provide' });
    const now = at(30 * MINUTE);

    // Act
    const { referral: next } = applyAction(referral, inputFor('request-info'), RECEIVER, contextAt(now));

    // Assess
    expect(next.status).toBe('info_requested');
    expect(next.infoRequestedAt).toBe(now.toISOString());
    expect(next.dueAt).toBe(referral.dueAt);
  });

  it('provide-info pushes dueAt back by exactly the wait, and accumulates pausedMs over two cycles', () => {
    // Prepare: urgent (2 h target), created at T0, due at T0 + 2 h
    const fresh = referralIn('submitted', {
      ownerOrg: 'provide',
      parties: ['provide', 'ecc'],
      dueAt: new Date(T0 + 2 * HOUR).toISOString(),
    });

    // Act: asked at +30 min, answered at +90 min (60 min wait); asked at +100 min, answered at +110 min (10 min wait)
    const asked1 = applyAction(fresh, inputFor('request-info'), RECEIVER, contextAt(at(30 * MINUTE))).referral;
    const answered1 = applyAction(asked1, inputFor('provide-info'), SENDER, contextAt(at(90 * MINUTE)));
    const asked2 = applyAction(answered1.referral, inputFor('request-info'), RECEIVER, contextAt(at(100 * MINUTE))).referral;
    const answered2 = applyAction(asked2, inputFor('provide-info'), SENDER, contextAt(at(110 * MINUTE)));

    // Assess
    expect(answered1.referral.status).toBe('submitted');
    expect(answered1.referral.pausedMs).toBe(60 * MINUTE);
    expect(answered1.referral.dueAt).toBe(new Date(T0 + 2 * HOUR + 60 * MINUTE).toISOString());
    expect(answered1.referral).not.toHaveProperty('infoRequestedAt');
    expect(answered1.event.data).toMatchObject({ waitedMinutes: 60, dueAt: answered1.referral.dueAt });
    expect(answered2.referral.pausedMs).toBe(70 * MINUTE);
    expect(answered2.referral.dueAt).toBe(new Date(T0 + 2 * HOUR + 70 * MINUTE).toISOString());
    expect(answered2.referral.version).toBe(fresh.version + 4);
  });
});

describe('applyAction: amend', () => {
  it('recomputes dueAt from createdAt + the new priority target + paused time', () => {
    // Prepare: 25 minutes already spent waiting for information
    const referral = referralIn('submitted', { ownerOrg: 'provide', priority: 'urgent', pausedMs: 25 * MINUTE });

    // Act
    const { referral: next, event } = applyAction(referral, { action: 'amend', body: { priority: 'soon' } }, SENDER, CONTEXT);

    // Assess
    expect(next.priority).toBe('soon');
    expect(next.dueAt).toBe(new Date(T0 + 24 * HOUR + 25 * MINUTE).toISOString());
    expect(next.status).toBe('submitted');
    expect(event.data).toMatchObject({ fields: ['priority'], dueAt: next.dueAt });
  });

  it('keeps dueAt when only the reason changes', () => {
    // Prepare
    const referral = referralIn('info_requested', { ownerOrg: 'provide', dueAt: '2025-03-03T11:17:00.000Z' });

    // Act
    const { referral: next, event } = applyAction(
      referral,
      { action: 'amend', body: { reason: 'Now also confused at night' } },
      SENDER,
      CONTEXT,
    );

    // Assess
    expect(next.reason).toBe('Now also confused at night');
    expect(next.dueAt).toBe('2025-03-03T11:17:00.000Z');
    expect(next.status).toBe('info_requested');
    expect(event.data).toMatchObject({ fields: ['reason'] });
    expect(event.data).not.toHaveProperty('dueAt');
  });

  it('keeps dueAt when only the subject changes, and replaces the subject', () => {
    // Prepare
    const referral = referralIn('submitted', { ownerOrg: 'provide', dueAt: '2025-03-03T11:17:00.000Z' });
    const corrected: Subject = { nhsNumber: '4010232137', postcode: 'CM2 0QH' };

    // Act
    const { referral: next } = applyAction(referral, { action: 'amend', body: { subject: corrected } }, SENDER, CONTEXT);

    // Assess
    expect(next.subject).toEqual(corrected);
    expect(next.dueAt).toBe('2025-03-03T11:17:00.000Z');
    expect(next.priority).toBe(referral.priority);
  });
});

describe('applyAction: closing actions record why', () => {
  it('complete records the outcome', () => {
    // Prepare
    const referral = referralIn('accepted', { ownerOrg: 'meht' });

    // Act
    const { referral: next, event } = applyAction(referral, inputFor('complete'), THIRD_OWNER, CONTEXT);

    // Assess
    expect(next.status).toBe('completed');
    expect(next.outcome).toBe('admission-avoided');
    expect(event.data).toMatchObject({ outcome: 'admission-avoided' });
  });

  it('decline records the reason code', () => {
    // Prepare
    const referral = referralIn('submitted', { ownerOrg: 'provide' });

    // Act
    const { referral: next, event } = applyAction(referral, inputFor('decline'), RECEIVER, CONTEXT);

    // Assess
    expect(next.status).toBe('declined');
    expect(next.reasonCode).toBe('no-capacity');
    expect(event.data).toMatchObject({ reasonCode: 'no-capacity' });
  });

  it('cancel records the reason code and clears a pending information request', () => {
    // Prepare
    const referral = referralIn('info_requested', { ownerOrg: 'provide' });

    // Act
    const { referral: next, event } = applyAction(referral, inputFor('cancel'), SENDER, CONTEXT);

    // Assess
    expect(next.status).toBe('cancelled');
    expect(next.reasonCode).toBe('no-longer-required');
    expect(next).not.toHaveProperty('infoRequestedAt');
    expect(event.data).toMatchObject({ reasonCode: 'no-longer-required' });
  });
});

describe('applyAction: events carry no personal or free text', () => {
  /** A caller of the right side, and a status the action is allowed from. */
  const successfulCases: readonly { action: ReferralAction; status: ReferralStatus; caller: Caller; ownerOrg: string }[] = [
    { action: 'accept', status: 'submitted', caller: RECEIVER, ownerOrg: 'provide' },
    { action: 'decline', status: 'submitted', caller: RECEIVER, ownerOrg: 'provide' },
    { action: 'redirect', status: 'submitted', caller: RECEIVER, ownerOrg: 'provide' },
    { action: 'request-info', status: 'submitted', caller: RECEIVER, ownerOrg: 'provide' },
    { action: 'provide-info', status: 'info_requested', caller: SENDER, ownerOrg: 'provide' },
    { action: 'amend', status: 'submitted', caller: SENDER, ownerOrg: 'provide' },
    { action: 'cancel', status: 'accepted', caller: SENDER, ownerOrg: 'ecc' },
    { action: 'complete', status: 'accepted', caller: THIRD_OWNER, ownerOrg: 'meht' },
  ];

  it('has a case for every action', () => {
    // Prepare
    const covered = successfulCases.map((c) => c.action);

    // Act
    const missing = REFERRAL_ACTIONS.filter((action) => !covered.includes(action));

    // Assess
    expect(missing).toEqual([]);
  });

  it.each(successfulCases)(
    '$action: typed event, comment outside data, no subject/reason/comment in data',
    ({ action, status, caller, ownerOrg }) => {
      // Prepare
      const referral = referralIn(status, { ownerOrg });
      const input = inputFor(action);

      // Act
      const { event } = applyAction(referral, input, caller, CONTEXT);
      const data = JSON.stringify(event.data);

      // Assess
      expect(event.type).toBe(designRow(action).event);
      for (const [key, value] of Object.entries(SUBJECT)) {
        expect(data).not.toContain(`"${key}"`);
        expect(data).not.toContain(String(value));
      }
      expect(data).not.toContain(REASON_TEXT);
      expect(data).not.toContain(COMMENTS[action]);
      expect(data).not.toContain('comment');
      if ('comment' in input.body) expect(event.comment).toBe(COMMENTS[action]);
      else expect(event).not.toHaveProperty('comment');
    },
  );

  it('amend of subject and reason names the fields but not their values', () => {
    // Prepare
    const referral = referralIn('submitted', { ownerOrg: 'provide' });
    const subject: Subject = { localId: 'CASE-NEW-42', name: 'Bea Placeholder', dateOfBirth: '1950-01-02' };
    const reason = 'Corrected reason text that must stay out of events';

    // Act
    const { event } = applyAction(referral, { action: 'amend', body: { subject, reason } }, SENDER, CONTEXT);
    const data = JSON.stringify(event.data);

    // Assess
    expect(event.data).toMatchObject({ fields: ['reason', 'subject'] });
    for (const [key, value] of Object.entries(subject)) {
      expect(data).not.toContain(`"${key}"`);
      expect(data).not.toContain(String(value));
    }
    expect(data).not.toContain(reason);
  });
});

describe('createReferral', () => {
  const input: NewReferral = { toOrg: 'ecc', serviceArea: 'crisis-prevention', priority: 'soon', subject: SUBJECT, reason: REASON_TEXT };

  it('makes a submitted referral at version 1 from the caller’s org, owned by it, with both parties', () => {
    // Prepare
    const now = at(0);

    // Act
    const { referral, event } = createReferral('01JNR0000000000000000000BB', input, SENDER, contextAt(now));

    // Assess
    expect(referral).toMatchObject({
      id: '01JNR0000000000000000000BB',
      fromOrg: 'provide',
      toOrg: 'ecc',
      ownerOrg: 'provide',
      status: 'submitted',
      version: 1,
      createdAt: CREATED_AT,
      updatedAt: CREATED_AT,
      pausedMs: 0,
    });
    expect(referral.parties).toEqual(['provide', 'ecc']);
    expect(event.type).toBe('referral.submitted');
  });

  it.each([
    { priority: 'urgent' as const, minutes: 120 },
    { priority: 'soon' as const, minutes: 24 * 60 },
    { priority: 'routine' as const, minutes: 120 * 60 },
  ])('sets dueAt = createdAt + the $priority target', ({ priority, minutes }) => {
    // Prepare
    const now = at(0);

    // Act
    const { referral } = createReferral('id-1', { ...input, priority }, SENDER, contextAt(now));

    // Assess
    expect(referral.dueAt).toBe(new Date(T0 + minutes * MINUTE).toISOString());
  });

  it('uses the configured targets, not the defaults', () => {
    // Prepare
    const context: RuleContext = { ...contextAt(at(0)), priorityTargetMinutes: { urgent: 3, soon: 7, routine: 11 } };

    // Act
    const { referral } = createReferral('id-1', { ...input, priority: 'soon' }, SENDER, context);

    // Assess
    expect(referral.dueAt).toBe(new Date(T0 + 7 * MINUTE).toISOString());
  });

  it('carries teams: the sender team also owns the referral until acceptance', () => {
    // Prepare
    const withTeams: NewReferral = { ...input, fromTeam: 'community-mdt', toTeam: 'crisis-team' };

    // Act
    const { referral } = createReferral('id-1', withTeams, SENDER, CONTEXT);

    // Assess
    expect(referral).toMatchObject({ fromTeam: 'community-mdt', toTeam: 'crisis-team', ownerTeam: 'community-mdt' });
  });

  it('keeps subject and reason out of the event data', () => {
    // Prepare
    const now = at(0);

    // Act
    const { event } = createReferral('id-1', input, SENDER, contextAt(now));
    const data = JSON.stringify(event.data);

    // Assess
    for (const [key, value] of Object.entries(SUBJECT)) {
      expect(data).not.toContain(`"${key}"`);
      expect(data).not.toContain(String(value));
    }
    expect(data).not.toContain(REASON_TEXT);
  });

  it('rejects an unknown toOrg with a 422 naming toOrg', () => {
    // Prepare
    const unknown: NewReferral = { ...input, toOrg: 'nowhere-trust' };

    // Act
    const error = thrownBy(() => createReferral('id-1', unknown, SENDER, CONTEXT));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).errors[0]?.path).toBe('toOrg');
  });

  it('rejects a referral to the caller’s own org with a 422 naming toOrg', () => {
    // Prepare
    const toSelf: NewReferral = { ...input, toOrg: 'provide' };

    // Act
    const error = thrownBy(() => createReferral('id-1', toSelf, SENDER, CONTEXT));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).errors[0]?.path).toBe('toOrg');
  });

  it.each([
    { name: 'a programme manager', caller: PROGRAMME_MANAGER },
    { name: 'a caller with no known role', caller: NO_ROLE },
  ])('forbids $name (403)', ({ caller }) => {
    // Prepare
    const forOtherOrg: NewReferral = { ...input, toOrg: 'meht' };

    // Act
    const error = thrownBy(() => createReferral('id-1', forOtherOrg, caller, CONTEXT));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  it('forbids a practitioner whose org is not registered (403)', () => {
    // Prepare
    const stranger = practitioner('u-x', 'unregistered-org' as Caller['org']); // impossible since identify(); the rule still refuses it;

    // Act
    const error = thrownBy(() => createReferral('id-1', input, stranger, CONTEXT));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });
});

describe('toReferralView: an allow-list', () => {
  it('shows the named fields only: internal counters, marks and any field added later stay internal', () => {
    // Prepare
    const stored = { ...referralIn('submitted'), overdueNotifiedFor: 'x', someNewInternalField: 'secret' } as Referral;

    // Act
    const view = toReferralView(stored);

    // Assess
    expect(Object.keys(view)).not.toEqual(expect.arrayContaining(['seq']));
    for (const hidden of ['seq', 'pausedMs', 'overdueNotifiedFor', 'someNewInternalField']) expect(view).not.toHaveProperty(hidden);
    expect(view).toMatchObject({ id: stored.id, status: 'submitted', parties: stored.parties });
  });
});
