/**
 * The referral's transitions: a new referral, and each action applied to one (403 and 409
 * checked first, in that order). Pure: callers pass `now` and ids in.
 */
import { ForbiddenError, UnprocessableEntityError } from '../../core/errors.ts';
import { hasRole, type Caller } from '../../core/identity.ts';
import {
  ACTION_RULES,
  classification,
  computeDueAt,
  MINUTE,
  type ActionInput,
  type EventDraft,
  type NewReferral,
  type Referral,
  type RuleContext,
} from './referral.ts';
import { assertMayTake, assertStateAllows } from './referral-policy.ts';

/**
 * `org` becomes a party (again): added to `parties`, and no longer a former party. Returns
 * only the fields that change, to spread over the next referral.
 */
export const joinParty = (
  referral: Pick<Referral, 'parties' | 'formerParties'>,
  org: string,
): Pick<Referral, 'parties' | 'formerParties'> => {
  const formerParties = (referral.formerParties ?? []).filter((former) => former.org !== org);
  return {
    parties: referral.parties.includes(org) ? [...referral.parties] : [...referral.parties, org],
    ...(formerParties.length > 0 ? { formerParties } : {}),
  };
};

/**
 * `org` stops being a party, at the event `seq` about to be written (`referral.seq + 1`):
 * removed from `parties`, recorded in `formerParties`. Unchanged if it still holds a role
 * (sender, receiver, owner) — the caller decides what "still" means for its change.
 */
export const leaveParty = (
  referral: Pick<Referral, 'parties' | 'formerParties' | 'seq' | 'fromOrg' | 'toOrg' | 'ownerOrg'>,
  org: string,
  leftAt: string,
): Pick<Referral, 'parties' | 'formerParties'> => {
  const unchanged = {
    parties: [...referral.parties],
    ...(referral.formerParties?.length ? { formerParties: [...referral.formerParties] } : {}),
  };
  if (org === referral.fromOrg || org === referral.toOrg || org === referral.ownerOrg || !referral.parties.includes(org)) return unchanged;
  return {
    parties: referral.parties.filter((party) => party !== org),
    formerParties: [...(referral.formerParties ?? []).filter((former) => former.org !== org), { org, leftAt, leftSeq: referral.seq + 1 }],
  };
};

/** A new referral from the caller's org, `submitted`, version 1, and its `referral.submitted` event. */
export const createReferral = (
  id: string,
  input: NewReferral,
  caller: Caller,
  context: RuleContext,
): { referral: Referral; event: EventDraft } => {
  // 422 (the request itself breaks a rule) before 403 (not this caller's action), per DESIGN §3.
  if (!context.isKnownOrg(input.toOrg)) {
    throw new UnprocessableEntityError('toOrg is not a known organisation.', [{ path: 'toOrg', message: 'is not a known organisation' }]);
  }
  if (input.toOrg === caller.org) {
    throw new UnprocessableEntityError('A referral must go to another organisation.', [
      { path: 'toOrg', message: 'must differ from your own organisation' },
    ]);
  }
  if (!hasRole(caller, 'practitioner')) throw new ForbiddenError('Only practitioners may make referrals.');
  if (!context.isKnownOrg(caller.org)) throw new ForbiddenError('Your organisation is not registered with Jointly.');
  const now = context.now.toISOString();
  const referral: Referral = {
    id,
    fromOrg: caller.org,
    ...(input.fromTeam ? { fromTeam: input.fromTeam } : {}),
    toOrg: input.toOrg,
    ...(input.toTeam ? { toTeam: input.toTeam } : {}),
    ownerOrg: caller.org,
    ...(input.fromTeam ? { ownerTeam: input.fromTeam } : {}),
    serviceArea: input.serviceArea,
    priority: input.priority,
    subject: input.subject,
    reason: input.reason,
    status: 'submitted',
    version: 1,
    seq: 1,
    createdAt: now,
    updatedAt: now,
    dueAt: computeDueAt(now, input.priority, 0, context.priorityTargetMinutes),
    pausedMs: 0,
    parties: [caller.org, input.toOrg],
  };
  return { referral, event: { type: 'referral.submitted', data: { ...classification(referral), dueAt: referral.dueAt } } };
};

const omit = <T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> => {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
};

/**
 * Applies an action the caller may take (403 and 409 checked here, in that order) and
 * returns the next referral (version + 1) and the event describing the change.
 */
export const applyAction = (
  referral: Referral,
  input: ActionInput,
  caller: Caller,
  context: RuleContext,
): { referral: Referral; event: EventDraft } => {
  const { action } = input;
  assertMayTake(referral, caller, action);
  assertStateAllows(referral, action);
  const now = context.now.toISOString();
  const base = { ...referral, version: referral.version + 1, updatedAt: now };
  const comment = 'comment' in input.body ? input.body.comment : undefined;
  // `fromStatus` (with `previousToOrg` / `previousPriority` where those change) says where the
  // referral was before, so metrics can move it between counters commutatively (−1 there, +1 here).
  const done = (next: Referral, data: Record<string, unknown> = {}) => ({
    referral: next,
    event: {
      type: ACTION_RULES[action].event,
      data: { ...classification(next), fromStatus: referral.status, ...data },
      ...(comment ? { comment } : {}),
    },
  });

  switch (input.action) {
    case 'accept':
      return done(
        {
          ...omit(base, 'ownerTeam'),
          status: 'accepted',
          ownerOrg: referral.toOrg,
          ...(referral.toTeam ? { ownerTeam: referral.toTeam } : {}),
        },
        // The response target in force when accepted: "accepted within target" is `at <= dueAt`.
        { dueAt: referral.dueAt },
      );
    case 'decline':
      return done({ ...base, status: 'declined', reasonCode: input.body.reasonCode }, { reasonCode: input.body.reasonCode });
    case 'redirect': {
      const { toOrg, toTeam } = input.body;
      if (!context.isKnownOrg(toOrg)) {
        throw new UnprocessableEntityError('toOrg is not a known organisation.', [
          { path: 'toOrg', message: 'is not a known organisation' },
        ]);
      }
      if (toOrg === referral.toOrg || toOrg === referral.fromOrg) {
        throw new UnprocessableEntityError('A redirect must name a third organisation.', [
          { path: 'toOrg', message: 'must differ from the current receiver and the referrer' },
        ]);
      }
      // The receiver redirected away stops being a party (it never held the referral);
      // the new receiver becomes one, again if it had left before.
      const redirected = { ...omit(base, 'toTeam'), toOrg, ...(toTeam ? { toTeam } : {}) };
      const membership = joinParty(leaveParty(redirected, referral.toOrg, now), toOrg);
      return done({ ...omit(redirected, 'formerParties'), ...membership }, { previousToOrg: referral.toOrg });
    }
    case 'request-info':
      return done({ ...base, status: 'info_requested', infoRequestedAt: now });
    case 'provide-info': {
      const waited = Math.max(0, context.now.getTime() - Date.parse(referral.infoRequestedAt ?? now));
      const pausedMs = referral.pausedMs + waited;
      const dueAt = computeDueAt(referral.createdAt, referral.priority, pausedMs, context.priorityTargetMinutes);
      return done(
        { ...omit(base, 'infoRequestedAt'), status: 'submitted', pausedMs, dueAt },
        { dueAt, waitedMinutes: Math.round(waited / MINUTE) },
      );
    }
    case 'amend': {
      const { priority, reason, subject } = input.body;
      const fields = [priority && 'priority', reason && 'reason', subject && 'subject'].filter(Boolean) as string[];
      const nextPriority = priority ?? referral.priority;
      const dueAt =
        priority && priority !== referral.priority
          ? computeDueAt(referral.createdAt, nextPriority, referral.pausedMs, context.priorityTargetMinutes)
          : referral.dueAt;
      return done(
        { ...base, priority: nextPriority, reason: reason ?? referral.reason, subject: subject ?? referral.subject, dueAt },
        {
          fields,
          ...(dueAt !== referral.dueAt ? { dueAt } : {}),
          ...(nextPriority !== referral.priority ? { previousPriority: referral.priority } : {}),
        },
      );
    }
    case 'cancel':
      return done(
        { ...omit(base, 'infoRequestedAt'), status: 'cancelled', reasonCode: input.body.reasonCode },
        { reasonCode: input.body.reasonCode },
      );
    case 'complete':
      return done({ ...base, status: 'completed', outcome: input.body.outcome }, { outcome: input.body.outcome });
  }
};
