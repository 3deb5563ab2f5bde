/**
 * Ports: what the domain needs from the outside world, as small interfaces. Adapters in
 * `shared/referrals/data` (DynamoDB) implement them; tests may use the real adapters on DynamoDB Local.
 */
import type { Actor, EventDraft, Referral } from './referral.ts';
import type { Box, HandoffStatus, ReferralStatus, ServiceArea } from '../../core/reference-data.ts';
import type { Handoff } from './handoff.ts';
import type { ReadScope } from '../../core/identity.ts';
import type { Page } from '../../core/pagination.ts';

/** An event as stored and returned by history. */
export interface StoredEvent {
  readonly id: string;
  readonly type: string;
  readonly seq: number;
  readonly at: string;
  readonly actor: Actor;
  readonly referralId: string;
  readonly handoffId?: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly comment?: string;
}

export interface StoredNote {
  readonly id: string;
  readonly referralId: string;
  readonly text: string;
  readonly author: Actor;
  readonly createdAt: string;
  /** Internal: the `seq` of its `note.added` event (absent on notes written before it was kept). */
  readonly seq?: number;
}

/**
 * What a former party reads: the referral and its handoffs as they stood when the org left
 * (stored in the same transaction as the change that made it leave).
 */
export interface FormerPartySnapshot {
  readonly org: string;
  readonly leftAt: string;
  readonly leftSeq: number;
  readonly referral: Referral;
  readonly handoffs: readonly Handoff[];
}

/** Bounds on a read of a referral's collections for a former party; absent = everything. */
export interface ReadBounds {
  /** Events and notes up to this `seq`. */
  readonly maxSeq?: number | undefined;
  /** Access-log entries up to this instant (ISO-8601). */
  readonly until?: string | undefined;
}

export interface AccessEntry {
  readonly at: string;
  readonly actor: Actor;
  /** What was read: `detail`, `history`, `notes`, `search`, `list`. */
  readonly what: string;
}

/** A repository write lost to a concurrent change (the referral's state moved since it was read): nothing was applied. */
export { ConcurrentChangeError } from '../../core/optimistic-retry.ts';

/** Parameters of a box listing. */
export interface ListReferralsParams {
  /** Whose records may come back at all (required: an unscoped list cannot be expressed). */
  readonly scope: ReadScope;
  readonly box: Box;
  /** The orgs' boxes asked for; the adapter reads only those within `scope`. */
  readonly orgs: readonly string[];
  readonly statuses: readonly ReferralStatus[];
  readonly serviceArea?: ServiceArea | undefined;
  readonly team?: string | undefined;
  readonly sort: 'newest' | 'due';
  readonly limit: number;
  readonly after?: string | undefined;
}

/** Parameters of a handoff listing. */
export interface ListHandoffsParams {
  /** Whose records may come back at all (required: an unscoped list cannot be expressed). */
  readonly scope: ReadScope;
  readonly box: 'inbox' | 'outbox';
  /** The orgs' boxes asked for; the adapter reads only those within `scope`. */
  readonly orgs: readonly string[];
  readonly statuses: readonly HandoffStatus[];
  readonly limit: number;
  readonly after?: string | undefined;
}

/** One list partition of an organisation's work: a box of referrals or of handoffs, at one status. */
export type WorkSource =
  | { readonly kind: 'referral'; readonly box: Box; readonly status: ReferralStatus }
  | { readonly kind: 'handoff'; readonly box: 'inbox' | 'outbox'; readonly status: HandoffStatus };

/** Parameters of a work listing: one organisation's referrals and handoffs from several boxes, newest first. */
export interface ListWorkParams {
  /** Whose records may come back at all (required: an unscoped list cannot be expressed). */
  readonly scope: ReadScope;
  /** The organisation whose boxes are read; the adapter reads nothing outside `scope`. */
  readonly org: string;
  readonly sources: readonly WorkSource[];
  /** Only items last updated at or after this instant (ISO 8601). */
  readonly updatedFrom?: string | undefined;
  /** Only items last updated before this instant (ISO 8601). */
  readonly updatedBefore?: string | undefined;
  readonly limit: number;
  readonly after?: string | undefined;
}

/** An item of a work listing. */
export type WorkItem = { readonly kind: 'referral'; readonly referral: Referral } | { readonly kind: 'handoff'; readonly handoff: Handoff };

/** Persistence of referrals, their events, notes and access log. */
export interface ReferralRepository {
  /** Writes a new referral and its first event in one transaction. */
  create(referral: Referral, event: EventDraft, actor: Actor): Promise<StoredEvent>;
  /** Strongly consistent read of the referral item alone. */
  get(id: string): Promise<Referral | undefined>;
  /** Strongly consistent read of the referral with its handoff items (one Query). */
  getWithHandoffs(id: string): Promise<{ referral: Referral; handoffs: Handoff[] } | undefined>;
  /**
   * Replaces `previous` by `next` and appends the event, in one transaction conditioned on
   * `previous.version` and `previous.seq`. Throws {@link ConcurrentChangeError} if either moved.
   */
  commitChange(previous: Referral, next: Referral, event: EventDraft, actor: Actor): Promise<StoredEvent>;
  /** Appends a note and its event (seq + 1, version unchanged), conditioned on `previous.seq`. */
  addNote(previous: Referral, text: string, actor: Actor): Promise<StoredNote>;
  list(params: ListReferralsParams): Promise<Page<Referral>>;
  /**
   * A person's referrals by identifier, newest first, within `scope`: for an org scope only
   * those the org is (or was, for former parties) party to; programme-wide all of them. The
   * scope is required. A local id means nothing without the organisation that issued it (`issuer`).
   */
  findByPerson(
    identifier: { nhsNumber: string } | { localId: string; issuer: string },
    scope: ReadScope,
    page: { limit: number; after?: string | undefined },
  ): Promise<Page<Referral>>;
  history(id: string, options: { limit: number; after?: string | undefined } & ReadBounds): Promise<Page<StoredEvent>>;
  notes(id: string, options: { limit: number; after?: string | undefined } & ReadBounds): Promise<Page<StoredNote>>;
  accessLog(id: string, options: { limit: number; after?: string | undefined } & ReadBounds): Promise<Page<AccessEntry>>;
  /** What `org` saw when it left `referralId` (strongly consistent), if it is a former party. */
  formerPartySnapshot(referralId: string, org: string): Promise<FormerPartySnapshot | undefined>;
  /** Records reads of referrals' personal data (before the response is sent). */
  recordAccess(referralIds: readonly string[], entry: AccessEntry): Promise<void>;
  /** One page of an organisation's referrals and handoffs from several boxes (a worklist), newest first. */
  listWork(params: ListWorkParams): Promise<Page<WorkItem>>;
}

/** Persistence of handoffs, inside their referral's aggregate. */
export interface HandoffRepository {
  /**
   * Writes the offer (referral with its open handoff, the handoff, its id pointer, the event)
   * in one transaction conditioned on the referral as read and on no handoff being open.
   */
  offerHandoff(previous: Referral, next: Referral, handoff: Handoff, event: EventDraft, actor: Actor): Promise<StoredEvent>;
  /** The handoff and its referral, strongly consistent. */
  getHandoff(id: string): Promise<{ referral: Referral; handoff: Handoff } | undefined>;
  /** Closes the handoff and releases (and on accept re-owns) the referral, in one transaction. */
  answerHandoff(
    previous: { referral: Referral; handoff: Handoff },
    next: { referral: Referral; handoff: Handoff },
    event: EventDraft,
    actor: Actor,
  ): Promise<StoredEvent>;
  listHandoffs(params: ListHandoffsParams): Promise<Page<Handoff>>;
  formerPartySnapshot(referralId: string, org: string): Promise<FormerPartySnapshot | undefined>;
  recordAccess(referralIds: readonly string[], entry: AccessEntry): Promise<void>;
}
