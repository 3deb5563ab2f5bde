/**
 * DynamoDB adapter of {@link ReferralRepository} and {@link HandoffRepository}: the referral
 * aggregate in its own partition (item, handoffs, events, notes, access log, former-party
 * snapshots), list and person indexes on the item itself. Every change is one
 * TransactWriteItems conditioned on what was read. How items look is `referral-items.ts`;
 * lists, person search, collections and snapshots have a module each.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, type DocumentClient } from '../../platform/dynamodb/document-client.ts';
import type { ReadScope } from '../../core/identity.ts';
import type { Page } from '../../core/pagination.ts';
import type { Handoff } from '../domain/handoff.ts';
import {
  ConcurrentChangeError,
  type AccessEntry,
  type FormerPartySnapshot,
  type HandoffRepository,
  type ListHandoffsParams,
  type ListWorkParams,
  type WorkItem,
  type ListReferralsParams,
  type ReadBounds,
  type ReferralRepository,
  type StoredEvent,
  type StoredNote,
} from '../domain/ports.ts';
import { classification, type Actor, type EventDraft, type Referral } from '../domain/referral.ts';
import { handoffKeys, referralKeys } from '../../platform/dynamodb/keys.ts';
import { batchGetAll, lostToConcurrentWrite, type TableAccess, type TransactItems } from '../../platform/dynamodb/table-access.ts';
import { formerPartyWrites, readFormerPartySnapshot } from './former-party-snapshots.ts';
import { findByPerson } from './person-search.ts';
import { readAccessLog, readHistory, readNotes, recordAccess } from './referral-collections.ts';
import {
  eventFromItem,
  eventItemOf,
  handoffFromItem,
  handoffItemOf,
  nextUlid,
  referralFromItem,
  referralItemOf,
} from './referral-items.ts';
import { listHandoffs, listReferrals, listWork } from './referral-listing.ts';
import { SubjectHasher, type SubjectHashKeys } from './subject-hash.ts';
import { DEFAULT_RETENTION, disposalEpochSeconds, isPastRetention, type RetentionPolicy } from '../../core/retention.ts';
import { isClosedStatus } from '../../core/reference-data.ts';

/** Options of {@link DynamoReferralRepository}. */
export interface DynamoReferralRepositoryOptions {
  readonly client: DocumentClient;
  readonly tableName: string;
  /**
   * Key(s) of the HMAC that turns NHS numbers and local ids into index keys: one key (version
   * `v1`) or a versioned set during a rotation (shared/referrals/data/subject-hash.ts).
   */
  readonly subjectHashKey: string | SubjectHashKeys;
  /** How long closed referrals are kept (default: the NHS Records Management Code's 8 years). */
  readonly retention?: RetentionPolicy;
  /** The clock reads compare `expiresAt` with (tests move it). @default the system clock */
  readonly clock?: () => Date;
}

/** A change to the referral with its event: the versioned put every change of the aggregate makes. */
interface VersionedChange {
  readonly previous: Referral;
  readonly next: Referral;
  readonly event: EventDraft;
  readonly actor: Actor;
  /** When the event happened. */
  readonly at: string;
  readonly handoffId?: string;
  /** The handoff this change answers (its new state goes into any former-party snapshot). */
  readonly answered?: Handoff;
  /** A further condition on the referral item, beyond its version and `seq` as read. */
  readonly condition?: { readonly expression: string; readonly values?: Record<string, unknown> };
  /** Items written in the same transaction, after the referral and before the event. */
  readonly alsoWrite?: TransactItems;
}

/** DynamoDB implementation of the referral and handoff repositories. */
export class DynamoReferralRepository implements ReferralRepository, HandoffRepository {
  private readonly table: TableAccess;
  private readonly hasher: SubjectHasher;
  private readonly retention: RetentionPolicy;
  private readonly clock: () => Date;

  constructor(options: DynamoReferralRepositoryOptions) {
    this.table = { client: options.client, tableName: options.tableName };
    this.hasher = new SubjectHasher(options.subjectHashKey);
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * When a referral last active at `lastActivity` is disposed of (the table's TTL attribute,
   * epoch seconds): only a closed referral has one. Its events, notes, handoffs and access log
   * go with it (shared/referrals/data/referral-disposal.ts).
   */
  private expiryOf(referral: Pick<Referral, 'status'>, lastActivity: string): number | undefined {
    return isClosedStatus(referral.status) ? disposalEpochSeconds(lastActivity, this.retention.closedReferral) : undefined;
  }

  /** Whether a stored referral item is past its retention: every read treats it as gone. */
  private isDisposable(item: Record<string, unknown>): boolean {
    return isPastRetention(item.expiresAt, this.clock());
  }

  /**
   * Keyed, versioned hash of a person identifier under the current key: the index never
   * holds the identifier itself. A local id is hashed with its issuing organisation.
   */
  hashIdentifier(kind: 'nhs' | 'local', value: string, issuer?: string): string {
    return this.hasher.hash(kind, value, issuer !== undefined ? { issuer } : {});
  }

  /** The stored item: the referral plus every key and index attribute derived from it. */
  toItem(referral: Referral): Record<string, unknown> {
    const expiresAt = this.expiryOf(referral, referral.updatedAt);
    return { ...referralItemOf(referral, this.hasher), ...(expiresAt === undefined ? {} : { expiresAt }) };
  }

  /** The stored handoff item: the handoff plus its list and SLA index attributes. */
  toHandoffItem(handoff: Handoff): Record<string, unknown> {
    return handoffItemOf(handoff);
  }

  async create(referral: Referral, event: EventDraft, actor: Actor): Promise<StoredEvent> {
    const eventItem = eventItemOf(referral.id, 1, event, actor, referral.createdAt);
    // A conflict here (another transaction on the same new keys, or DynamoDB's own
    // TransactionConflict) means nothing was applied: the service sends the same write again.
    await this.transact([
      { Put: { TableName: this.table.tableName, Item: this.toItem(referral), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.table.tableName, Item: eventItem, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return eventFromItem(eventItem);
  }

  async get(id: string): Promise<Referral | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: referralKeys.referral(id), ConsistentRead: true }),
    );
    return Item && !this.isDisposable(Item) ? referralFromItem(Item) : undefined;
  }

  async getWithHandoffs(id: string): Promise<{ referral: Referral; handoffs: Handoff[] } | undefined> {
    const { Items = [] } = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': referralKeys.referral(id).pk, ':prefix': referralKeys.aggregatePrefix },
        ConsistentRead: true,
      }),
    );
    const item = Items.find((i) => i.sk === referralKeys.referral(id).sk);
    if (!item || this.isDisposable(item)) return undefined;
    const handoffs = Items.filter((i) => i.entity === 'handoff').map(handoffFromItem);
    return { referral: referralFromItem(item), handoffs };
  }

  async commitChange(previous: Referral, next: Referral, event: EventDraft, actor: Actor): Promise<StoredEvent> {
    return this.commitVersioned({ previous, next, event, actor, at: next.updatedAt });
  }

  async addNote(previous: Referral, text: string, actor: Actor): Promise<StoredNote> {
    const seq = previous.seq + 1;
    const createdAt = new Date().toISOString();
    const id = nextUlid(Date.parse(createdAt));
    const note: StoredNote = { id, referralId: previous.id, text, author: { ...actor }, createdAt };
    const eventItem = eventItemOf(
      previous.id,
      seq,
      { type: 'note.added', data: { ...classification(previous), noteId: id } },
      actor,
      createdAt,
    );
    // A note on a closed referral is activity: its retention runs again from now.
    const expiresAt = this.expiryOf(previous, createdAt);
    await this.transact([
      {
        Update: {
          TableName: this.table.tableName,
          Key: referralKeys.referral(previous.id),
          UpdateExpression: expiresAt === undefined ? 'SET #seq = :next' : 'SET #seq = :next, expiresAt = :expiresAt',
          ConditionExpression: '#seq = :seq',
          ExpressionAttributeNames: { '#seq': 'seq' },
          ExpressionAttributeValues: {
            ':seq': previous.seq,
            ':next': seq,
            ...(expiresAt === undefined ? {} : { ':expiresAt': expiresAt }),
          },
        },
      },
      // The note keeps its event's `seq`, so a former party's read can stop where it left.
      { Put: { TableName: this.table.tableName, Item: { ...referralKeys.note(previous.id, id), entity: 'note', ...note, seq } } },
      { Put: { TableName: this.table.tableName, Item: eventItem, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return note;
  }

  list(params: ListReferralsParams): Promise<Page<Referral>> {
    return listReferrals(this.table, params, this.clock());
  }

  listHandoffs(params: ListHandoffsParams): Promise<Page<Handoff>> {
    return listHandoffs(this.table, params, this.clock());
  }

  listWork(params: ListWorkParams): Promise<Page<WorkItem>> {
    return listWork(this.table, params, this.clock());
  }

  async offerHandoff(previous: Referral, next: Referral, handoff: Handoff, event: EventDraft, actor: Actor): Promise<StoredEvent> {
    return this.commitVersioned({
      previous,
      next,
      event,
      actor,
      at: handoff.createdAt,
      handoffId: handoff.id,
      // The database, not a prior read, guarantees at most one open handoff.
      condition: { expression: 'attribute_not_exists(openHandoffId)' },
      alsoWrite: [
        { Put: { TableName: this.table.tableName, Item: this.toHandoffItem(handoff), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: this.table.tableName,
            Item: { ...handoffKeys.pointer(handoff.id), entity: 'handoff-pointer', referralId: handoff.referralId },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    });
  }

  async getHandoff(id: string): Promise<{ referral: Referral; handoff: Handoff } | undefined> {
    const { Item: pointer } = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: handoffKeys.pointer(id), ConsistentRead: true }),
    );
    if (!pointer) return undefined;
    const referralId = String(pointer.referralId);
    const items = await batchGetAll(this.table, [referralKeys.referral(referralId), handoffKeys.handoff(referralId, id)], {
      consistentRead: true,
    });
    const referral = items.find((i) => i.entity === 'referral');
    const handoff = items.find((i) => i.entity === 'handoff');
    if (!referral || !handoff || this.isDisposable(referral)) return undefined;
    return { referral: referralFromItem(referral), handoff: handoffFromItem(handoff) };
  }

  async answerHandoff(
    previous: { referral: Referral; handoff: Handoff },
    next: { referral: Referral; handoff: Handoff },
    event: EventDraft,
    actor: Actor,
  ): Promise<StoredEvent> {
    return this.commitVersioned({
      previous: previous.referral,
      next: next.referral,
      event,
      actor,
      at: next.handoff.updatedAt,
      handoffId: next.handoff.id,
      answered: next.handoff,
      condition: { expression: 'openHandoffId = :handoff', values: { ':handoff': previous.handoff.id } },
      alsoWrite: [
        {
          Put: {
            TableName: this.table.tableName,
            Item: this.toHandoffItem(next.handoff),
            ConditionExpression: '#version = :version AND #status = :offered',
            ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
            ExpressionAttributeValues: { ':version': previous.handoff.version, ':offered': 'offered' },
          },
        },
      ],
    });
  }

  formerPartySnapshot(referralId: string, org: string): Promise<FormerPartySnapshot | undefined> {
    return readFormerPartySnapshot(this.table, referralId, org);
  }

  findByPerson(
    identifier: { nhsNumber: string } | { localId: string; issuer: string },
    scope: ReadScope,
    page: { limit: number; after?: string | undefined },
  ): Promise<Page<Referral>> {
    return findByPerson(this.table, this.hasher, identifier, scope, page, this.clock());
  }

  history(id: string, options: { limit: number; after?: string | undefined } & ReadBounds): Promise<Page<StoredEvent>> {
    return readHistory(this.table, id, options);
  }

  notes(id: string, options: { limit: number; after?: string | undefined } & ReadBounds): Promise<Page<StoredNote>> {
    return readNotes(this.table, id, options);
  }

  accessLog(id: string, options: { limit: number; after?: string | undefined } & ReadBounds): Promise<Page<AccessEntry>> {
    return readAccessLog(this.table, id, options);
  }

  recordAccess(referralIds: readonly string[], entry: AccessEntry): Promise<void> {
    return recordAccess(this.table, referralIds, entry);
  }

  /**
   * The referral's next state (`seq` + 1) and its event in one transaction, conditioned on
   * the version and `seq` read (and `change.condition`), with the former-party snapshots
   * the change makes or removes. Throws {@link ConcurrentChangeError} if anything moved.
   */
  private async commitVersioned(change: VersionedChange): Promise<StoredEvent> {
    const { previous } = change;
    const seq = previous.seq + 1;
    const stored: Referral = { ...change.next, seq };
    const eventItem = eventItemOf(stored.id, seq, change.event, change.actor, change.at, change.handoffId);
    const snapshots = await formerPartyWrites(this.table, previous, stored, change.answered);
    await this.transact([
      ...snapshots,
      {
        Put: {
          TableName: this.table.tableName,
          Item: this.toItem(stored),
          ConditionExpression: `#version = :version AND #seq = :seq${change.condition ? ` AND ${change.condition.expression}` : ''}`,
          ExpressionAttributeNames: { '#version': 'version', '#seq': 'seq' },
          ExpressionAttributeValues: { ':version': previous.version, ':seq': previous.seq, ...change.condition?.values },
        },
      },
      ...(change.alsoWrite ?? []),
      { Put: { TableName: this.table.tableName, Item: eventItem, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return eventFromItem(eventItem);
  }

  /** One TransactWriteItems; losing to a concurrent write becomes {@link ConcurrentChangeError}. */
  private async transact(items: TransactItems): Promise<void> {
    try {
      await this.table.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (lostToConcurrentWrite(error)) throw new ConcurrentChangeError('The referral changed since it was read.');
      throw error;
    }
  }
}
