/**
 * How the referral aggregate is stored: the referral, handoff, event, note, access-log and
 * former-party items, and what each gives back when read. Pure mapping: no calls.
 */
import { monotonicUlids } from '../../core/ids.ts';
import { awaitsAnswer, type Handoff } from '../domain/handoff.ts';
import type { AccessEntry, FormerPartySnapshot, StoredEvent, StoredNote } from '../domain/ports.ts';
import { awaitsResponse, type Actor, type EventDraft, type Referral } from '../domain/referral.ts';
import { handoffKeys, personKeys, referralKeys, slaKeys, timeOrderedSk } from '../../platform/dynamodb/keys.ts';
import { pickAttributes } from '../../platform/dynamodb/table-access.ts';
import type { SubjectHasher } from './subject-hash.ts';

/** Ids of events, notes and access-log entries: ULIDs of their time, increasing within a process. */
export const nextUlid = monotonicUlids();

/** Fields of a referral item that are the referral itself (everything else is keys/indexes). */
const REFERRAL_FIELDS = [
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
  'seq',
  'createdAt',
  'updatedAt',
  'dueAt',
  'pausedMs',
  'infoRequestedAt',
  'outcome',
  'reasonCode',
  'parties',
  'formerParties',
  'openHandoffId',
  'overdueNotifiedFor',
] as const;

const HANDOFF_FIELDS = [
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
  'overdueNotifiedFor',
  'targetJoined',
] as const;

/** The referral held by a stored referral item. */
export const referralFromItem = (item: Record<string, unknown>): Referral => pickAttributes<Referral>(item, REFERRAL_FIELDS);

/** The handoff held by a stored handoff item. */
export const handoffFromItem = (item: Record<string, unknown>): Handoff => pickAttributes<Handoff>(item, HANDOFF_FIELDS);

/** The event held by a stored event item. */
export const eventFromItem = (item: Record<string, unknown>): StoredEvent =>
  pickAttributes<StoredEvent>(item, ['id', 'type', 'seq', 'at', 'actor', 'referralId', 'handoffId', 'data', 'comment']);

/** The note held by a stored note item. */
export const noteFromItem = (item: Record<string, unknown>): StoredNote =>
  pickAttributes<StoredNote>(item, ['id', 'referralId', 'text', 'author', 'createdAt', 'seq']);

/** The entry held by a stored access-log item. */
export const accessEntryFromItem = (item: Record<string, unknown>): AccessEntry =>
  pickAttributes<AccessEntry>(item, ['at', 'actor', 'what']);

/** The snapshot held by a stored former-party item. */
export const formerPartySnapshotFromItem = (item: Record<string, unknown>): FormerPartySnapshot => ({
  org: String(item.org),
  leftAt: String(item.leftAt),
  leftSeq: Number(item.leftSeq),
  referral: referralFromItem(item.referral as Record<string, unknown>),
  handoffs: ((item.handoffs as Record<string, unknown>[]) ?? []).map(handoffFromItem),
});

/** The immutable outbox item of event `seq` of a referral (what the stream carries to the publisher). */
export const eventItemOf = (
  referralId: string,
  seq: number,
  event: EventDraft,
  actor: Actor,
  at: string,
  handoffId?: string,
): StoredEvent & Record<string, unknown> => ({
  ...referralKeys.event(referralId, seq),
  entity: 'event',
  id: nextUlid(Date.parse(at)),
  type: event.type,
  seq,
  at,
  actor: { ...actor },
  referralId,
  ...(handoffId ? { handoffId } : {}),
  data: { ...event.data },
  ...(event.comment ? { comment: event.comment } : {}),
});

/**
 * The stored referral item: the referral plus every key and index attribute derived from
 * it. Person identifiers are indexed only as keyed hashes under the hasher's current key.
 */
export const referralItemOf = (referral: Referral, hasher: SubjectHasher): Record<string, unknown> => {
  const { nhsNumber, localId } = referral.subject;
  return {
    ...referralKeys.referral(referral.id),
    entity: 'referral',
    ...referral,
    inboxPk: referralKeys.listPartition('inbox', referral.toOrg, referral.status),
    outboxPk: referralKeys.listPartition('outbox', referral.fromOrg, referral.status),
    ownedPk: referralKeys.listPartition('owned', referral.ownerOrg, referral.status),
    createdSk: timeOrderedSk(referral.createdAt, referral.id),
    dueSk: timeOrderedSk(referral.dueAt, referral.id),
    ...(nhsNumber ? { nhsNumberHash: personKeys.nhsNumber(hasher.hash('nhs', nhsNumber, {})) } : {}),
    // The local id is the sender's own: `fromOrg` issued it (and never changes).
    ...(localId ? { localIdHash: personKeys.localId(hasher.hash('local', localId, { issuer: referral.fromOrg })) } : {}),
    // Flat list of former parties' orgs, so search can filter on them with `contains`.
    ...(referral.formerParties?.length ? { formerPartyOrgs: referral.formerParties.map((f) => f.org) } : {}),
    // Sparse: only referrals awaiting a response, breach not yet announced, are watched.
    ...(awaitsResponse(referral)
      ? { slaPk: slaKeys.partition(slaKeys.shardOf(referral.id)), slaSk: slaKeys.sortKey(referral.dueAt, 'referral', referral.id) }
      : {}),
  };
};

/** The stored handoff item: the handoff plus its list and SLA index attributes. */
export const handoffItemOf = (handoff: Handoff): Record<string, unknown> => ({
  ...handoffKeys.handoff(handoff.referralId, handoff.id),
  entity: 'handoff',
  ...handoff,
  inboxPk: handoffKeys.listPartition('inbox', handoff.toOrg, handoff.status),
  outboxPk: handoffKeys.listPartition('outbox', handoff.fromOrg, handoff.status),
  createdSk: timeOrderedSk(handoff.createdAt, handoff.id),
  dueSk: timeOrderedSk(handoff.dueAt, handoff.id),
  // Sparse: only offers awaiting an answer, breach not yet announced, are watched.
  ...(awaitsAnswer(handoff)
    ? { slaPk: slaKeys.partition(slaKeys.shardOf(handoff.id)), slaSk: slaKeys.sortKey(handoff.dueAt, 'handoff', handoff.id) }
    : {}),
});
