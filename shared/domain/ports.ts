/**
 * Ports: what the domain needs from the outside world, as small interfaces. Adapters in
 * `shared/data` (DynamoDB) implement them; tests may use the real adapters on DynamoDB Local.
 */
import type { Actor, EventDraft, Referral } from './referral.ts';
import type { HandoffStatus, ReferralStatus, ServiceArea } from './reference-data.ts';
import type { Handoff } from './handoff.ts';
import type { ReadScope } from './identity.ts';
import type { Box } from '../data/keys.ts';

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
}

export interface AccessEntry {
  readonly at: string;
  readonly actor: Actor;
  /** What was read: `detail`, `history`, `notes`, `search`, `list`. */
  readonly what: string;
}

/** A page of results; `after` is the sort key to resume after (the HTTP layer signs it). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly after?: string | undefined;
}

/** The referral's state changed (or vanished) since it was read. */
export class ConcurrentChangeError extends Error {}

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
   * those the org is party to; programme-wide all of them. The scope is required.
   */
  findByPerson(
    identifier: { nhsNumber: string } | { localId: string },
    scope: ReadScope,
    page: { limit: number; after?: string | undefined },
  ): Promise<Page<Referral>>;
  history(id: string, options: { limit: number; after?: string | undefined }): Promise<Page<StoredEvent>>;
  notes(id: string, options: { limit: number; after?: string | undefined }): Promise<Page<StoredNote>>;
  accessLog(id: string, options: { limit: number; after?: string | undefined }): Promise<Page<AccessEntry>>;
  /** Records reads of referrals' personal data (before the response is sent). */
  recordAccess(referralIds: readonly string[], entry: AccessEntry): Promise<void>;
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
  recordAccess(referralIds: readonly string[], entry: AccessEntry): Promise<void>;
}
