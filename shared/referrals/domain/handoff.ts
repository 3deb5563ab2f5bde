/**
 * Handoffs: transfer of responsibility for an accepted referral (DESIGN §3). Pure rules:
 * who may offer and answer, from which status, and what the referral becomes. At every
 * instant exactly one organisation owns the referral: the owner changes only in the same
 * transaction that accepts the handoff.
 *
 * Check order for an answer: 404 (referral not visible) → 403 (not this caller's side of
 * the *handoff*, whatever its status) → 412 (stale If-Match) → 409 (handoff not `offered`).
 */
import { ConflictError, ForbiddenError, UnprocessableEntityError } from '../../core/errors.ts';
import { hasRole, type Caller } from '../../core/identity.ts';
import type { HandoffStatus, Priority } from '../../core/reference-data.ts';
import { classification, computeDueAt, type Actor, type EventDraft, type Referral, type RuleContext } from './referral.ts';
import { joinParty, leaveParty } from './referral-transitions.ts';
import { pickFields } from '../../core/view.ts';

export const HANDOFF_ACTIONS = ['accept', 'decline', 'withdraw'] as const;
export type HandoffAction = (typeof HANDOFF_ACTIONS)[number];

/** A handoff as stored and returned. */
export interface Handoff {
  readonly id: string;
  readonly referralId: string;
  /** The offering org: the referral's owner when offered. */
  readonly fromOrg: string;
  readonly fromTeam?: string;
  readonly toOrg: string;
  readonly toTeam?: string;
  readonly reason: string;
  readonly status: HandoffStatus;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When an answer is due: offer time + the referral priority's target. */
  readonly dueAt: string;
  readonly offeredBy: Actor;
  readonly answeredBy?: Actor;
  readonly reasonCode?: string;
  /** Internal: the `dueAt` whose breach was announced (`handoff.overdue`); off the SLA watch while equal. */
  readonly overdueNotifiedFor?: string;
  /**
   * Internal: the target became a party by this offer (it held no role before), so it
   * stops being one if the offer is declined or withdrawn.
   */
  readonly targetJoined?: boolean;
}

/** Who answers which way. */
const SIDE: Readonly<Record<HandoffAction, 'target' | 'offerer'>> = {
  accept: 'target',
  decline: 'target',
  withdraw: 'offerer',
};

/** The event each answer records. */
const EVENT: Readonly<Record<HandoffAction, string>> = {
  accept: 'handoff.accepted',
  decline: 'handoff.declined',
  withdraw: 'handoff.withdrawn',
};

const NEXT_STATUS: Readonly<Record<HandoffAction, HandoffStatus>> = {
  accept: 'accepted',
  decline: 'declined',
  withdraw: 'withdrawn',
};

/** Input to {@link offerHandoff}. */
export interface NewHandoff {
  readonly toOrg: string;
  readonly toTeam?: string | undefined;
  readonly reason: string;
}

/** Throws 403 unless the caller is a practitioner of the referral's owning org. */
export const assertMayOffer = (referral: Referral, caller: Caller): void => {
  if (!hasRole(caller, 'practitioner')) throw new ForbiddenError('Programme managers read handoffs; practitioners make them.');
  if (caller.org !== referral.ownerOrg) {
    throw new ForbiddenError('Only practitioners of the organisation responsible for the referral may offer a handoff.');
  }
};

/**
 * Offers responsibility for an accepted referral to another org. The target becomes a
 * party (it can read the referral from now on); the referral holds the open handoff's id,
 * which is what makes a second concurrent offer fail in the database.
 */
export const offerHandoff = (
  referral: Referral,
  id: string,
  input: NewHandoff,
  caller: Caller,
  actor: Actor,
  context: RuleContext & { readonly priorityTargetMinutes: Readonly<Record<Priority, number>> },
): { referral: Referral; handoff: Handoff; event: EventDraft } => {
  assertMayOffer(referral, caller);
  if (referral.status !== 'accepted') {
    throw new ConflictError(`Only an accepted referral can be handed off; this one is ${referral.status}.`);
  }
  if (referral.openHandoffId)
    throw new ConflictError('A handoff of this referral is already open: it must be answered or withdrawn first.');
  if (input.toOrg === referral.ownerOrg) {
    throw new UnprocessableEntityError('A handoff must go to another organisation.', [
      { path: 'toOrg', message: 'must differ from the organisation responsible now' },
    ]);
  }
  const now = context.now.toISOString();
  const handoff: Handoff = {
    id,
    referralId: referral.id,
    fromOrg: referral.ownerOrg,
    ...(referral.ownerTeam ? { fromTeam: referral.ownerTeam } : {}),
    toOrg: input.toOrg,
    ...(input.toTeam ? { toTeam: input.toTeam } : {}),
    reason: input.reason,
    status: 'offered',
    version: 1,
    createdAt: now,
    updatedAt: now,
    dueAt: computeDueAt(now, referral.priority, 0, context.priorityTargetMinutes),
    offeredBy: actor,
    ...(referral.parties.includes(input.toOrg) ? {} : { targetJoined: true }),
  };
  // The target becomes a party (again, if it had left): it reads the referral from now on.
  const { formerParties: _former, ...rest } = referral;
  const next: Referral = {
    ...rest,
    version: referral.version + 1,
    updatedAt: now,
    openHandoffId: id,
    ...joinParty(referral, input.toOrg),
  };
  return {
    referral: next,
    handoff,
    event: {
      type: 'handoff.offered',
      data: {
        ...classification(next),
        handoffId: id,
        handoffFromOrg: handoff.fromOrg,
        handoffToOrg: handoff.toOrg,
        offeredAt: handoff.createdAt,
        dueAt: handoff.dueAt,
      },
    },
  };
};

/** Throws 403 unless the caller is a practitioner of the handoff's side for `action`. */
export const assertMayAnswer = (handoff: Handoff, caller: Caller, action: HandoffAction): void => {
  if (!hasRole(caller, 'practitioner')) throw new ForbiddenError('Programme managers read handoffs; practitioners answer them.');
  const org = SIDE[action] === 'target' ? handoff.toOrg : handoff.fromOrg;
  if (caller.org !== org) {
    throw new ForbiddenError(
      SIDE[action] === 'target'
        ? 'Only practitioners of the organisation offered the handoff may accept or decline it.'
        : 'Only practitioners of the organisation that offered the handoff may withdraw it.',
    );
  }
};

/** The answers this caller may POST now. */
export const allowedHandoffActions = (handoff: Handoff, caller: Caller): HandoffAction[] =>
  handoff.status !== 'offered'
    ? []
    : HANDOFF_ACTIONS.filter((action) => {
        try {
          assertMayAnswer(handoff, caller, action);
          return true;
        } catch {
          return false;
        }
      });

/** Bodies of the answers. */
export type HandoffAnswer =
  | { action: 'accept'; body: { comment?: string | undefined } }
  | { action: 'decline'; body: { reasonCode: string; comment?: string | undefined } }
  | { action: 'withdraw'; body: { comment?: string | undefined } };

/**
 * Answers an open handoff: it closes, the referral's open handoff is released, and on
 * accept the target org becomes the owner. 403 before 409, as DESIGN §3 orders them.
 */
export const answerHandoff = (
  referral: Referral,
  handoff: Handoff,
  answer: HandoffAnswer,
  caller: Caller,
  actor: Actor,
  context: Pick<RuleContext, 'now'>,
): { referral: Referral; handoff: Handoff; event: EventDraft } => {
  assertMayAnswer(handoff, caller, answer.action);
  if (handoff.status !== 'offered') throw new ConflictError(`This handoff is already ${handoff.status}.`);
  const now = context.now.toISOString();
  const nextHandoff: Handoff = {
    ...handoff,
    status: NEXT_STATUS[answer.action],
    version: handoff.version + 1,
    updatedAt: now,
    answeredBy: actor,
    ...(answer.action === 'decline' ? { reasonCode: answer.body.reasonCode } : {}),
  };
  const { openHandoffId: _released, ownerTeam: _team, formerParties: _former, ...rest } = referral;
  const released: Referral = {
    ...rest,
    ...(referral.ownerTeam && answer.action !== 'accept' ? { ownerTeam: referral.ownerTeam } : {}),
    ...(answer.action === 'accept' ? { ownerOrg: handoff.toOrg, ...(handoff.toTeam ? { ownerTeam: handoff.toTeam } : {}) } : {}),
    version: referral.version + 1,
    updatedAt: now,
  };
  // A target that joined only by this offer leaves when it is declined or withdrawn (unless
  // it holds another role now); one that accepts is the owner. Whoever handed on stays.
  const leaves = answer.action !== 'accept' && handoff.targetJoined === true;
  const nextReferral: Referral = {
    ...released,
    ...(leaves
      ? leaveParty({ ...released, formerParties: referral.formerParties ?? [] }, handoff.toOrg, now)
      : referral.formerParties
        ? { formerParties: referral.formerParties }
        : {}),
  };
  const comment = answer.body.comment;
  return {
    referral: nextReferral,
    handoff: nextHandoff,
    event: {
      type: EVENT[answer.action],
      data: {
        ...classification(nextReferral),
        handoffId: handoff.id,
        handoffFromOrg: handoff.fromOrg,
        handoffToOrg: handoff.toOrg,
        // The offer's time: metrics attribute a handoff to its offer day and time its acceptance.
        offeredAt: handoff.createdAt,
        ...(answer.action === 'accept' ? { previousOwnerOrg: handoff.fromOrg } : {}),
        ...(answer.action === 'decline' ? { reasonCode: answer.body.reasonCode } : {}),
      },
      ...(comment ? { comment } : {}),
    },
  };
};

/** Whether an offer still awaits an answer whose breach is yet to be announced (the SLA watch). */
export const awaitsAnswer = (handoff: Pick<Handoff, 'status' | 'dueAt' | 'overdueNotifiedFor'>): boolean =>
  handoff.status === 'offered' && handoff.overdueNotifiedFor !== handoff.dueAt;

/** The `handoff.overdue` mark for an offer left unanswered past `dueAt` (it stays open). */
export const handoffOverdueEvent = (referral: Referral, handoff: Handoff): EventDraft => ({
  type: 'handoff.overdue',
  data: {
    ...classification(referral),
    handoffId: handoff.id,
    handoffFromOrg: handoff.fromOrg,
    handoffToOrg: handoff.toOrg,
    offeredAt: handoff.createdAt,
    dueAt: handoff.dueAt,
  },
});

/** The fields of a handoff the API shows (allow-list: a new internal field stays internal). */
export const HANDOFF_VIEW_FIELDS = [
  'id',
  'referralId',
  'fromOrg',
  'fromTeam',
  'toOrg',
  'toTeam',
  'reason',
  'status',
  'version',
  'createdAt',
  'updatedAt',
  'dueAt',
  'offeredBy',
  'answeredBy',
  'reasonCode',
] as const satisfies readonly (keyof Handoff)[];

const ACTOR_FIELDS = ['sub', 'org', 'role'] as const;

/** The handoff as the API returns it: the named fields only. */
export const toHandoffView = (handoff: Handoff): Pick<Handoff, (typeof HANDOFF_VIEW_FIELDS)[number]> => {
  const view = pickFields(handoff, HANDOFF_VIEW_FIELDS);
  return {
    ...view,
    offeredBy: pickFields(view.offeredBy, ACTOR_FIELDS),
    ...(view.answeredBy ? { answeredBy: pickFields(view.answeredBy, ACTOR_FIELDS) } : {}),
  };
};
