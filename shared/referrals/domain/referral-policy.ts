/**
 * Who may read a referral, how far, and which actions they may take on it now (DESIGN §3's
 * access policy). Pure: every rule takes the referral and the caller.
 */
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableEntityError } from '../../core/errors.ts';
import { actingRole, hasRole, type Caller } from '../../core/identity.ts';
import {
  ACTION_RULES,
  CLOSING_ACTIONS,
  REFERRAL_ACTIONS,
  type Actor,
  type FormerParty,
  type Referral,
  type ReferralAction,
  type Side,
} from './referral.ts';

/** The actor record for a caller. */
export const actorOf = (caller: Caller): Actor => ({ sub: caller.sub, org: caller.org, role: actingRole(caller) ?? 'practitioner' });

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
    throw new ForbiddenError(
      'Your organisation is no longer a party to this referral: you can read it as it stood when you left, and take no action.',
    );
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
  if (requested !== undefined && requested !== caller.org)
    throw new ForbiddenError(`Practitioners list their own organisation’s ${what} only.`);
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
    throw new ConflictError(
      `A referral that is ${referral.status} cannot be ${action === 'amend' ? 'amended' : `sent to ${action}`}; it must be ${rule.from.join(' or ')}.`,
    );
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
