/**
 * The referral state machine and access policy (DESIGN §3). Pure: no I/O, no clock, no
 * ids — callers pass `now` and ids in, so every rule is testable exhaustively.
 *
 * Check order for an action (after 401 and 400/422, which the HTTP layer owns):
 * 404 not visible → 403 not this caller's action by role or side (whatever the status)
 * → 412 stale If-Match (repository) → 409 wrong status or an open handoff.
 */
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableEntityError } from '../../core/errors.ts';
import { hasRole, type Caller } from '../../core/identity.ts';
import type { Priority, ReferralStatus, Role, ServiceArea } from '../../core/reference-data.ts';
import type { Subject } from './referral-schemas.ts';
import { pickFields } from '../../core/view.ts';

export const REFERRAL_ACTIONS = [
  'accept',
  'decline',
  'redirect',
  'request-info',
  'provide-info',
  'amend',
  'cancel',
  'complete',
] as const;
export type ReferralAction = (typeof REFERRAL_ACTIONS)[number];

/** Which side of the referral may take an action. */
export type Side = 'receiver' | 'sender' | 'owner';

export type ReferralEventType =
  | 'referral.submitted'
  | 'referral.accepted'
  | 'referral.declined'
  | 'referral.redirected'
  | 'referral.info_requested'
  | 'referral.info_provided'
  | 'referral.amended'
  | 'referral.completed'
  | 'referral.cancelled'
  | 'referral.overdue';

interface ActionRule {
  readonly by: Side;
  readonly from: readonly ReferralStatus[];
  readonly event: ReferralEventType;
}

/** DESIGN §3's action table, verbatim. */
export const ACTION_RULES: Readonly<Record<ReferralAction, ActionRule>> = {
  accept: { by: 'receiver', from: ['submitted'], event: 'referral.accepted' },
  decline: { by: 'receiver', from: ['submitted'], event: 'referral.declined' },
  redirect: { by: 'receiver', from: ['submitted'], event: 'referral.redirected' },
  'request-info': { by: 'receiver', from: ['submitted'], event: 'referral.info_requested' },
  'provide-info': { by: 'sender', from: ['info_requested'], event: 'referral.info_provided' },
  amend: { by: 'sender', from: ['submitted', 'info_requested'], event: 'referral.amended' },
  cancel: { by: 'sender', from: ['submitted', 'info_requested', 'accepted'], event: 'referral.cancelled' },
  complete: { by: 'owner', from: ['accepted'], event: 'referral.completed' },
};

/** Actions that close the referral, and so may not run while a handoff is open. */
const CLOSING_ACTIONS: ReadonlySet<ReferralAction> = new Set(['cancel', 'complete']);

/** A referral as stored. `seq` and `pausedMs` are internal; the rest is the API shape. */
export interface Referral {
  readonly id: string;
  readonly fromOrg: string;
  readonly fromTeam?: string;
  readonly toOrg: string;
  readonly toTeam?: string;
  readonly ownerOrg: string;
  readonly ownerTeam?: string;
  readonly serviceArea: ServiceArea;
  readonly priority: Priority;
  readonly subject: Subject;
  readonly reason: string;
  readonly status: ReferralStatus;
  /** The ETag: counts changes to the referral itself. */
  readonly version: number;
  /** Last event sequence number: counts every event, notes and overdue marks included. */
  readonly seq: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly dueAt: string;
  /** Total time spent waiting for information, which pushes `dueAt` back. */
  readonly pausedMs: number;
  readonly infoRequestedAt?: string;
  readonly outcome?: string;
  readonly reasonCode?: string;
  /** The organisations that are parties now: sender, receiver, owner, open handoff target (and past owners). */
  readonly parties: readonly string[];
  /**
   * Organisations that stopped being parties (redirected away, a declined or withdrawn
   * handoff target), with when and at which event `seq` they left. An org is never in both.
   */
  readonly formerParties?: readonly FormerParty[];
  readonly openHandoffId?: string;
  /**
   * The `dueAt` whose breach was last announced (`referral.overdue`). Internal: while it
   * equals `dueAt` the referral is off the SLA watch; a new `dueAt` re-arms it.
   */
  readonly overdueNotifiedFor?: string;
}

/** An organisation that stopped being a party: it reads the referral as it stood at `leftSeq`. */
export interface FormerParty {
  readonly org: string;
  readonly leftAt: string;
  /** The `seq` of the event that made it leave: it sees events and notes up to this one. */
  readonly leftSeq: number;
}

/** What an event records about a change, before the repository gives it id and seq. */
export interface EventDraft {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** Free text from the actor: shown in history, never published on the bus. */
  readonly comment?: string;
}

/** Who did something, as recorded on events, notes and the access log. */
export interface Actor {
  readonly sub: string;
  readonly org: string;
  readonly role: Role | 'system';
}

/** Everything a rule needs that is not in the referral. */
export interface RuleContext {
  readonly now: Date;
  readonly priorityTargetMinutes: Readonly<Record<Priority, number>>;
  readonly isKnownOrg: (org: string) => boolean;
}

const MINUTE = 60_000;

/** `createdAt` + the priority's target + time spent waiting for information. */
export const computeDueAt = (
  createdAt: string,
  priority: Priority,
  pausedMs: number,
  targets: Readonly<Record<Priority, number>>,
): string => new Date(Date.parse(createdAt) + targets[priority] * MINUTE + pausedMs).toISOString();

/** The acting role a caller takes: practitioners act; programme managers only read. */
export const actingRole = (caller: Caller): Role | undefined =>
  hasRole(caller, 'practitioner') ? 'practitioner' : hasRole(caller, 'programme_manager') ? 'programme_manager' : undefined;

/** The actor record for a caller. */
export const actorOf = (caller: Caller): Actor => ({ sub: caller.sub, org: caller.org, role: actingRole(caller) ?? 'practitioner' });

/** A caller with no known role may do nothing (403), whatever the record. */
export const assertHasKnownRole = (caller: Caller): void => {
  if (!actingRole(caller)) throw new ForbiddenError('Your account has no Jointly role (practitioner or programme_manager).');
};

/** The record of `org` having left the referral, if it is a former party. */
export const formerPartyOf = (referral: Pick<Referral, 'formerParties'>, org: string): FormerParty | undefined =>
  referral.formerParties?.find((former) => former.org === org);

/**
 * Whether the caller may see this referral: programme managers all, practitioners their
 * parties' (current, or former: those read it as it stood when they left).
 */
export const canRead = (referral: Pick<Referral, 'parties' | 'formerParties'>, caller: Caller): boolean =>
  hasRole(caller, 'programme_manager') ||
  (hasRole(caller, 'practitioner') && (referral.parties.includes(caller.org) || formerPartyOf(referral, caller.org) !== undefined));

/**
 * How far this caller reads a referral they can see: `undefined` = all of it (programme
 * managers, current parties); a {@link FormerParty} = only as it stood when their org left.
 */
export const readLimitOf = (referral: Pick<Referral, 'parties' | 'formerParties'>, caller: Caller): FormerParty | undefined =>
  hasRole(caller, 'programme_manager') || referral.parties.includes(caller.org) ? undefined : formerPartyOf(referral, caller.org);

/** Throws 403 unless the caller's org is a party now: a former party can read, never act or write. */
export const assertCurrentParty = (referral: Pick<Referral, 'parties'>, caller: Caller): void => {
  if (!referral.parties.includes(caller.org)) {
    throw new ForbiddenError('Your organisation is no longer a party to this referral: you can read it as it stood when you left, and take no action.');
  }
};

/** Throws 404 unless the caller may see the referral: existence is never revealed. */
export const assertCanRead = (referral: Pick<Referral, 'parties' | 'formerParties'> | undefined, caller: Caller): void => {
  if (!referral || !canRead(referral, caller)) throw new NotFoundError('No referral with this id is visible to you.');
};

/**
 * Which orgs' boxes a caller may list: a programme manager any known org (`org=`) or all
 * of them; a practitioner only their own (naming another is 403). An unknown `org` is 422.
 */
export const listableOrgs = (caller: Caller, requested: string | undefined, known: ReadonlySet<string>, what: string): string[] => {
  if (hasRole(caller, 'programme_manager')) {
    if (requested !== undefined && !known.has(requested)) {
      throw new UnprocessableEntityError('org is not a known organisation.', [{ path: 'org', message: 'is not a known organisation' }]);
    }
    return requested ? [requested] : [...known];
  }
  if (requested !== undefined && requested !== caller.org) throw new ForbiddenError(`Practitioners list their own organisation’s ${what} only.`);
  return [caller.org];
};

/** The org on `side` of a referral. */
export const orgOnSide = (referral: Referral, side: Side): string =>
  side === 'receiver' ? referral.toOrg : side === 'sender' ? referral.fromOrg : referral.ownerOrg;

const SIDE_NAMES: Readonly<Record<Side, string>> = {
  receiver: 'the receiving organisation',
  sender: 'the referring organisation',
  owner: 'the organisation responsible for the referral',
};

/** Throws 403 unless this caller is a practitioner of the action's side. Status is not considered. */
export const assertMayTake = (referral: Referral, caller: Caller, action: ReferralAction): void => {
  if (!hasRole(caller, 'practitioner')) throw new ForbiddenError('Programme managers read referrals; practitioners act on them.');
  assertCurrentParty(referral, caller);
  if (!sideMayTake(referral, caller, action)) {
    throw new ForbiddenError(`Only practitioners of ${SIDE_NAMES[ACTION_RULES[action].by]} may ${action.replace('-', ' ')} this referral.`);
  }
};

/** Whether the caller's org is on the side that takes `action` (roles aside). */
const sideMayTake = (referral: Referral, caller: Caller, action: ReferralAction): boolean =>
  orgOnSide(referral, ACTION_RULES[action].by) === caller.org;

/** Whether the referral's status allows `action`, and no open handoff blocks a closing one. */
const stateAllows = (referral: Referral, action: ReferralAction): boolean =>
  ACTION_RULES[action].from.includes(referral.status) && !(referral.openHandoffId && CLOSING_ACTIONS.has(action));

/** Throws 409 unless the referral's state allows the action now. */
export const assertStateAllows = (referral: Referral, action: ReferralAction): void => {
  const rule = ACTION_RULES[action];
  if (!rule.from.includes(referral.status)) {
    throw new ConflictError(`A referral that is ${referral.status} cannot be ${action === 'amend' ? 'amended' : `sent to ${action}`}; it must be ${rule.from.join(' or ')}.`);
  }
  if (!stateAllows(referral, action)) {
    throw new ConflictError('A handoff of this referral is open: withdraw it or wait for an answer first.');
  }
};

/**
 * The actions this caller may POST now (the 403 and 409 rules of the asserts above, as
 * plain checks: a GET builds no errors; If-Match is the client's).
 */
export const allowedActions = (referral: Referral, caller: Caller): ReferralAction[] =>
  hasRole(caller, 'practitioner') && referral.parties.includes(caller.org)
    ? REFERRAL_ACTIONS.filter((action) => sideMayTake(referral, caller, action) && stateAllows(referral, action))
    : [];

/**
 * Organisational facts every referral event carries, for subscription filters and metrics.
 * `submittedAt` (the referral's `createdAt`) lets the metrics consumer attribute every
 * event of a referral to its submission day (the cohort), whatever order events arrive in.
 */
export const classification = (r: Referral) => ({
  status: r.status,
  submittedAt: r.createdAt,
  fromOrg: r.fromOrg,
  toOrg: r.toOrg,
  ownerOrg: r.ownerOrg,
  serviceArea: r.serviceArea,
  priority: r.priority,
  parties: [...r.parties],
});

/**
 * `org` becomes a party (again): added to `parties`, and no longer a former party. Returns
 * only the fields that change, to spread over the next referral.
 */
export const joinParty = (referral: Pick<Referral, 'parties' | 'formerParties'>, org: string): Pick<Referral, 'parties' | 'formerParties'> => {
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
  const unchanged = { parties: [...referral.parties], ...(referral.formerParties?.length ? { formerParties: [...referral.formerParties] } : {}) };
  if (org === referral.fromOrg || org === referral.toOrg || org === referral.ownerOrg || !referral.parties.includes(org)) return unchanged;
  return {
    parties: referral.parties.filter((party) => party !== org),
    formerParties: [...(referral.formerParties ?? []).filter((former) => former.org !== org), { org, leftAt, leftSeq: referral.seq + 1 }],
  };
};

/** Input to {@link createReferral}. */
export interface NewReferral {
  readonly toOrg: string;
  readonly toTeam?: string | undefined;
  readonly fromTeam?: string | undefined;
  readonly serviceArea: ServiceArea;
  readonly priority: Priority;
  readonly subject: Subject;
  readonly reason: string;
}

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

/** Bodies of the actions, as validated by the HTTP layer. */
export type ActionInput =
  | { action: 'accept'; body: { comment?: string | undefined } }
  | { action: 'decline'; body: { reasonCode: string; comment: string } }
  | { action: 'redirect'; body: { toOrg: string; toTeam?: string | undefined; comment: string } }
  | { action: 'request-info'; body: { comment: string } }
  | { action: 'provide-info'; body: { comment: string } }
  | { action: 'amend'; body: { priority?: Priority | undefined; reason?: string | undefined; subject?: Subject | undefined } }
  | { action: 'cancel'; body: { reasonCode: string; comment?: string | undefined } }
  | { action: 'complete'; body: { outcome: string; comment?: string | undefined } };

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
        throw new UnprocessableEntityError('toOrg is not a known organisation.', [{ path: 'toOrg', message: 'is not a known organisation' }]);
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
      return done({ ...omit(base, 'infoRequestedAt'), status: 'submitted', pausedMs, dueAt }, { dueAt, waitedMinutes: Math.round(waited / MINUTE) });
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
      return done({ ...omit(base, 'infoRequestedAt'), status: 'cancelled', reasonCode: input.body.reasonCode }, { reasonCode: input.body.reasonCode });
    case 'complete':
      return done({ ...base, status: 'completed', outcome: input.body.outcome }, { outcome: input.body.outcome });
  }
};

/** The actor of marks the system makes on its own (overdue breaches). */
export const SYSTEM_ACTOR: Actor = { sub: 'system', org: 'jointly', role: 'system' };

/**
 * Whether the referral awaits a response whose breach is still to be announced: the SLA
 * watch (sparse index) holds exactly these. `info_requested` is not watched: its clock is paused.
 */
export const awaitsResponse = (referral: Pick<Referral, 'status' | 'dueAt' | 'overdueNotifiedFor'>): boolean =>
  referral.status === 'submitted' && referral.overdueNotifiedFor !== referral.dueAt;

/**
 * The `referral.overdue` mark for a referral past `dueAt` with no response: the event only
 * (`version` is unchanged: a breach is not a change to the referral itself).
 */
export const referralOverdueEvent = (referral: Referral): EventDraft => ({
  type: 'referral.overdue',
  data: { ...classification(referral), dueAt: referral.dueAt },
});

/** The fields of a referral the API shows (allow-list: a new internal field stays internal). */
export const REFERRAL_VIEW_FIELDS = [
  'id', 'fromOrg', 'fromTeam', 'toOrg', 'toTeam', 'ownerOrg', 'ownerTeam', 'serviceArea', 'priority', 'subject', 'reason',
  'status', 'version', 'createdAt', 'updatedAt', 'dueAt', 'infoRequestedAt', 'outcome', 'reasonCode', 'parties',
  'formerParties', 'openHandoffId',
] as const satisfies readonly (keyof Referral)[];

/** The referral as the API returns it: the named fields only. */
export const toReferralView = (referral: Referral) => {
  const view = pickFields(referral, REFERRAL_VIEW_FIELDS);
  return view.formerParties ? { ...view, formerParties: view.formerParties.map((f) => pickFields(f, ['org', 'leftAt', 'leftSeq'] as const)) } : view;
};
