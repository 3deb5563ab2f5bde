/**
 * The referral aggregate (DESIGN §3): what a referral is, its action table, its events and
 * what the API shows of it. Pure: no I/O, no clock, no ids. Who may read it and take which
 * action is `referral-policy.ts`; the transitions themselves are `referral-transitions.ts`.
 *
 * Check order for an action (after 401 and 400/422, which the HTTP layer owns):
 * 404 not visible → 403 not this caller's action by role or side (whatever the status)
 * → 412 stale If-Match (repository) → 409 wrong status or an open handoff.
 */
import type { Priority, ReferralStatus, Role, ServiceArea } from '../../core/reference-data.ts';
import type { Subject } from './referral-schemas.ts';
import { pickFields } from '../../core/view.ts';

// Identity's rules (every slice checks them), also here for handlers that import them with the referral rules.

import { REFERRAL_ACTIONS, type ReferralAction } from './referral-actions.ts';

export { REFERRAL_ACTIONS, type ReferralAction };

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
  | 'referral.overdue'
  | 'referral.disposed';

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
export const CLOSING_ACTIONS: ReadonlySet<ReferralAction> = new Set(['cancel', 'complete']);

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

/** One minute in ms. */
export const MINUTE = 60_000;

/** `createdAt` + the priority's target + time spent waiting for information. */
export const computeDueAt = (
  createdAt: string,
  priority: Priority,
  pausedMs: number,
  targets: Readonly<Record<Priority, number>>,
): string => new Date(Date.parse(createdAt) + targets[priority] * MINUTE + pausedMs).toISOString();

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

/** Input to `createReferral` (referral-transitions.ts). */
export interface NewReferral {
  readonly toOrg: string;
  readonly toTeam?: string | undefined;
  readonly fromTeam?: string | undefined;
  readonly serviceArea: ServiceArea;
  readonly priority: Priority;
  readonly subject: Subject;
  readonly reason: string;
}

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
  'id',
  'fromOrg',
  'fromTeam',
  'toOrg',
  'toTeam',
  'ownerOrg',
  'ownerTeam',
  'serviceArea',
  'priority',
  'subject',
  'reason',
  'status',
  'version',
  'createdAt',
  'updatedAt',
  'dueAt',
  'infoRequestedAt',
  'outcome',
  'reasonCode',
  'parties',
  'formerParties',
  'openHandoffId',
] as const satisfies readonly (keyof Referral)[];

/** The referral as the API returns it: the named fields only. */
export const toReferralView = (referral: Referral) => {
  const view = pickFields(referral, REFERRAL_VIEW_FIELDS);
  return view.formerParties
    ? { ...view, formerParties: view.formerParties.map((f) => pickFields(f, ['org', 'leftAt', 'leftSeq'] as const)) }
    : view;
};
