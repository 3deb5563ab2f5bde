/**
 * DynamoDB adapter of {@link ReferralRepository}: the referral aggregate in its own
 * partition (item, handoffs, events, notes, access log), list and person indexes on the
 * item itself. Every change is one TransactWriteItems conditioned on what was read.
 */
import { createHmac } from 'node:crypto';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { encodeTime } from 'ulid';
import { awaitsAnswer, type Handoff } from '../domain/handoff.ts';
import { unreachable, type ReadScope } from '../../core/identity.ts';
import { awaitsResponse, classification, type Actor, type EventDraft, type Referral } from '../domain/referral.ts';
import {
  ConcurrentChangeError,
  type AccessEntry,
  type FormerPartySnapshot,
  type ListHandoffsParams,
  type ReadBounds,
  type ListReferralsParams,
  type HandoffRepository,
  type ReferralRepository,
  type StoredEvent,
  type StoredNote,
} from '../domain/ports.ts';
import type { Page } from '../../core/pagination.ts';
import { SubjectHasher, type SubjectHashKeys } from './subject-hash.ts';
import { handoffKeys, personKeys, referralKeys, slaKeys, timeOrderedSk } from '../../platform/dynamodb/keys.ts';
import type { Box } from '../../core/reference-data.ts';
import { INDEX } from '../../platform/dynamodb/table-definition.ts';
import { monotonicUlids } from '../../core/ids.ts';

const nextUlid = monotonicUlids();

/** Fields of a referral item that are the referral itself (everything else is keys/indexes). */
const REFERRAL_FIELDS = [
  'id', 'fromOrg', 'fromTeam', 'toOrg', 'toTeam', 'ownerOrg', 'ownerTeam', 'serviceArea', 'priority', 'subject',
  'reason', 'status', 'version', 'seq', 'createdAt', 'updatedAt', 'dueAt', 'pausedMs', 'infoRequestedAt', 'outcome',
  'reasonCode', 'parties', 'formerParties', 'openHandoffId', 'overdueNotifiedFor',
] as const;

const HANDOFF_FIELDS = [
  'id', 'referralId', 'fromOrg', 'fromTeam', 'toOrg', 'toTeam', 'reason', 'status', 'version', 'createdAt', 'updatedAt',
  'dueAt', 'offeredBy', 'answeredBy', 'reasonCode', 'overdueNotifiedFor', 'targetJoined',
] as const;

const pick = <T>(item: Record<string, unknown>, fields: readonly string[]): T =>
  Object.fromEntries(fields.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as T;

/** The referral held by a stored referral item. */
export const referralFromItem = (item: Record<string, unknown>): Referral => pick<Referral>(item, REFERRAL_FIELDS);

/** The handoff held by a stored handoff item. */
export const handoffFromItem = (item: Record<string, unknown>): Handoff => pick<Handoff>(item, HANDOFF_FIELDS);

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

const LIST_INDEX: Readonly<Record<Box, Readonly<Record<'newest' | 'due', { index: string; pk: string; sk: string }>>>> = {
  inbox: {
    newest: { index: INDEX.inboxByCreated, pk: 'inboxPk', sk: 'createdSk' },
    due: { index: INDEX.inboxByDue, pk: 'inboxPk', sk: 'dueSk' },
  },
  outbox: {
    newest: { index: INDEX.outboxByCreated, pk: 'outboxPk', sk: 'createdSk' },
    due: { index: INDEX.outboxByDue, pk: 'outboxPk', sk: 'dueSk' },
  },
  owned: {
    newest: { index: INDEX.ownedByCreated, pk: 'ownedPk', sk: 'createdSk' },
    due: { index: INDEX.ownedByDue, pk: 'ownedPk', sk: 'dueSk' },
  },
};

/** Which team attribute `team=` filters on in each box. */
const TEAM_ATTRIBUTE: Readonly<Record<Box, string>> = { inbox: 'toTeam', outbox: 'fromTeam', owned: 'ownerTeam' };

/** Upper bound on Query rounds one list partition may take to fill a filtered page. */
const MAX_ROUNDS = 5;

/**
 * The orgs whose box partitions a scoped list may read: an org scope only its own org,
 * whatever was asked for (defence in depth: the service has already refused another org).
 */
const orgsWithin = (scope: ReadScope, orgs: readonly string[]): readonly string[] => {
  switch (scope.kind) {
    case 'org':
      return orgs.filter((org) => org === scope.org);
    case 'programme':
      return orgs;
    default:
      return unreachable(scope);
  }
};

/**
 * The filter a scoped person search needs: an org sees only referrals it is party to; the
 * programme sees all. Built from the scope's kind, never from whether an org is truthy.
 */
const visibilityFilter = (scope: ReadScope): { expression?: string; values: Record<string, unknown> } => {
  switch (scope.kind) {
    case 'org':
      // A former party still finds the referral; the service replaces it by what the org saw.
      return { expression: 'contains(parties, :org) OR contains(formerPartyOrgs, :org)', values: { ':org': scope.org } };
    case 'programme':
      return { values: {} };
    default:
      return unreachable(scope);
  }
};

/** Options of {@link DynamoReferralRepository}. */
export interface DynamoReferralRepositoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /**
   * Key(s) of the HMAC that turns NHS numbers and local ids into index keys: one key (version
   * `v1`) or a versioned set during a rotation (shared/referrals/data/subject-hash.ts).
   */
  readonly subjectHashKey: string | SubjectHashKeys;
}

/**
 * Whether a write lost to another write: a failed condition, or DynamoDB's own
 * transaction conflict (which DynamoDB Local never raises; tests inject it). Either way
 * the caller re-reads and decides again.
 */
export const lostToConcurrentWrite = (error: unknown): boolean => {
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
  }
  const name = (error as { name?: string })?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionConflictException';
};

/** DynamoDB implementation of the referral repository. */
export class DynamoReferralRepository implements ReferralRepository, HandoffRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly hasher: SubjectHasher;

  constructor(options: DynamoReferralRepositoryOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.hasher = new SubjectHasher(options.subjectHashKey);
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
      ...(nhsNumber ? { nhsNumberHash: personKeys.nhsNumber(this.hashIdentifier('nhs', nhsNumber)) } : {}),
      // The local id is the sender's own: `fromOrg` issued it (and never changes).
      ...(localId ? { localIdHash: personKeys.localId(this.hashIdentifier('local', localId, referral.fromOrg)) } : {}),
      // Flat list of former parties' orgs, so search can filter on them with `contains`.
      ...(referral.formerParties?.length ? { formerPartyOrgs: referral.formerParties.map((f) => f.org) } : {}),
      // Sparse: only referrals awaiting a response, breach not yet announced, are watched.
      ...(awaitsResponse(referral)
        ? { slaPk: slaKeys.partition(slaKeys.shardOf(referral.id)), slaSk: slaKeys.sortKey(referral.dueAt, 'referral', referral.id) }
        : {}),
    };
  }

  private eventItem(
    referral: Referral,
    seq: number,
    event: EventDraft,
    actor: Actor,
    at: string,
    handoffId?: string,
  ): StoredEvent & Record<string, unknown> {
    return eventItemOf(referral.id, seq, event, actor, at, handoffId);
  }

  private static toEvent(item: Record<string, unknown>): StoredEvent {
    return pick<StoredEvent>(item, ['id', 'type', 'seq', 'at', 'actor', 'referralId', 'handoffId', 'data', 'comment']);
  }

  private static toReferral(item: Record<string, unknown>): Referral {
    return referralFromItem(item);
  }

  private static toHandoff(item: Record<string, unknown>): Handoff {
    return handoffFromItem(item);
  }

  /** The stored handoff item: the handoff plus its list and SLA index attributes. */
  toHandoffItem(handoff: Handoff): Record<string, unknown> {
    return {
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
    };
  }

  async create(referral: Referral, event: EventDraft, actor: Actor): Promise<StoredEvent> {
    const eventItem = this.eventItem(referral, 1, event, actor, referral.createdAt);
    // A conflict here (another transaction on the same new keys, or DynamoDB's own
    // TransactionConflict) means nothing was applied: the service sends the same write again.
    await this.transact([
      { Put: { TableName: this.tableName, Item: this.toItem(referral), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.tableName, Item: eventItem, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return DynamoReferralRepository.toEvent(eventItem);
  }

  async get(id: string): Promise<Referral | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: referralKeys.referral(id), ConsistentRead: true }),
    );
    return Item ? DynamoReferralRepository.toReferral(Item) : undefined;
  }

  async getWithHandoffs(id: string): Promise<{ referral: Referral; handoffs: Handoff[] } | undefined> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': referralKeys.referral(id).pk, ':prefix': referralKeys.aggregatePrefix },
        ConsistentRead: true,
      }),
    );
    const item = Items.find((i) => i.sk === referralKeys.referral(id).sk);
    if (!item) return undefined;
    const handoffs = Items.filter((i) => i.entity === 'handoff').map(DynamoReferralRepository.toHandoff);
    return { referral: DynamoReferralRepository.toReferral(item), handoffs };
  }

  async commitChange(previous: Referral, next: Referral, event: EventDraft, actor: Actor): Promise<StoredEvent> {
    const seq = previous.seq + 1;
    const stored: Referral = { ...next, seq };
    const eventItem = this.eventItem(stored, seq, event, actor, next.updatedAt);
    const snapshots = await this.formerPartyWrites(previous, stored);
    await this.transact([
      ...snapshots,
      {
        Put: {
          TableName: this.tableName,
          Item: this.toItem(stored),
          ConditionExpression: '#version = :version AND #seq = :seq',
          ExpressionAttributeNames: { '#version': 'version', '#seq': 'seq' },
          ExpressionAttributeValues: { ':version': previous.version, ':seq': previous.seq },
        },
      },
      { Put: { TableName: this.tableName, Item: eventItem, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return DynamoReferralRepository.toEvent(eventItem);
  }

  async addNote(previous: Referral, text: string, actor: Actor): Promise<StoredNote> {
    const seq = previous.seq + 1;
    const createdAt = new Date().toISOString();
    const id = nextUlid(Date.parse(createdAt));
    const note: StoredNote = { id, referralId: previous.id, text, author: { ...actor }, createdAt };
    const eventItem = this.eventItem(previous, seq, { type: 'note.added', data: { ...classification(previous), noteId: id } }, actor, createdAt);
    await this.transact([
      {
        Update: {
          TableName: this.tableName,
          Key: referralKeys.referral(previous.id),
          UpdateExpression: 'SET #seq = :next',
          ConditionExpression: '#seq = :seq',
          ExpressionAttributeNames: { '#seq': 'seq' },
          ExpressionAttributeValues: { ':seq': previous.seq, ':next': seq },
        },
      },
      // The note keeps its event's `seq`, so a former party's read can stop where it left.
      { Put: { TableName: this.tableName, Item: { ...referralKeys.note(previous.id, id), entity: 'note', ...note, seq } } },
      { Put: { TableName: this.tableName, Item: eventItem, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return note;
  }

  /**
   * Reads one partition of an index in key order, past `after`, until `limit` items pass
   * the filter or the partition ends (bounded rounds). `more` says whether it may hold more.
   */
  private async readPartition(
    input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
    limit: number,
  ): Promise<{ items: Record<string, unknown>[]; more: boolean }> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const page = await this.client.send(
        new QueryCommand({ ...input, TableName: this.tableName, Limit: limit - items.length + 1, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
      if (items.length > limit || !startKey) break;
    }
    return { items, more: items.length > limit || startKey !== undefined };
  }

  /**
   * Reads several partitions of one index in parallel and merges them on the index's sort
   * key, which is unique per item, so the cursor is simply the last sort key returned.
   */
  private async listMerged(options: {
    index: string;
    pk: string;
    sk: string;
    partitions: readonly string[];
    descending: boolean;
    limit: number;
    after?: string | undefined;
    filters?: readonly { attribute: string; value: unknown }[];
  }): Promise<{ items: Record<string, unknown>[]; after?: string | undefined }> {
    const { index, pk, sk, descending, limit, after } = options;
    const filters = options.filters ?? [];
    const names: Record<string, string> = { '#pk': pk, ...(after ? { '#sk': sk } : {}) };
    const values: Record<string, unknown> = {};
    filters.forEach((filter, i) => {
      names[`#f${i}`] = filter.attribute;
      values[`:f${i}`] = filter.value;
    });
    const results = await Promise.all(
      options.partitions.map((partition) =>
        this.readPartition(
          {
            IndexName: index,
            KeyConditionExpression: after ? `#pk = :pk AND #sk ${descending ? '<' : '>'} :after` : '#pk = :pk',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ...values, ':pk': partition, ...(after ? { ':after': after } : {}) },
            ScanIndexForward: !descending,
            ...(filters.length > 0 ? { FilterExpression: filters.map((_, i) => `#f${i} = :f${i}`).join(' AND ') } : {}),
          },
          limit,
        ),
      ),
    );
    const merged = results
      .flatMap((r) => r.items)
      .sort((a, b) => (String(a[sk]) < String(b[sk]) ? -1 : 1) * (descending ? -1 : 1));
    const page = merged.slice(0, limit);
    const more = merged.length > limit || results.some((r) => r.more);
    const last = page.at(-1);
    return { items: page, after: more && last ? String(last[sk]) : undefined };
  }

  async list(params: ListReferralsParams): Promise<Page<Referral>> {
    const { index, pk, sk } = LIST_INDEX[params.box][params.sort];
    const result = await this.listMerged({
      index,
      pk,
      sk,
      partitions: orgsWithin(params.scope, params.orgs).flatMap((org) => params.statuses.map((status) => referralKeys.listPartition(params.box, org, status))),
      descending: params.sort === 'newest',
      limit: params.limit,
      after: params.after,
      filters: [
        ...(params.serviceArea ? [{ attribute: 'serviceArea', value: params.serviceArea }] : []),
        ...(params.team ? [{ attribute: TEAM_ATTRIBUTE[params.box], value: params.team }] : []),
      ],
    });
    return { items: result.items.map(DynamoReferralRepository.toReferral), after: result.after };
  }

  async listHandoffs(params: ListHandoffsParams): Promise<Page<Handoff>> {
    const { index, pk, sk } = LIST_INDEX[params.box].newest;
    const result = await this.listMerged({
      index,
      pk,
      sk,
      partitions: orgsWithin(params.scope, params.orgs).flatMap((org) => params.statuses.map((status) => handoffKeys.listPartition(params.box, org, status))),
      descending: true,
      limit: params.limit,
      after: params.after,
    });
    return { items: result.items.map(DynamoReferralRepository.toHandoff), after: result.after };
  }

  async offerHandoff(previous: Referral, next: Referral, handoff: Handoff, event: EventDraft, actor: Actor): Promise<StoredEvent> {
    const seq = previous.seq + 1;
    const stored: Referral = { ...next, seq };
    const eventItem = this.eventItem(stored, seq, event, actor, handoff.createdAt, handoff.id);
    const snapshots = await this.formerPartyWrites(previous, stored);
    await this.transact(
      [
        ...snapshots,
        {
          Put: {
            TableName: this.tableName,
            Item: this.toItem(stored),
            // The database, not a prior read, guarantees at most one open handoff.
            ConditionExpression: '#version = :version AND #seq = :seq AND attribute_not_exists(openHandoffId)',
            ExpressionAttributeNames: { '#version': 'version', '#seq': 'seq' },
            ExpressionAttributeValues: { ':version': previous.version, ':seq': previous.seq },
          },
        },
        { Put: { TableName: this.tableName, Item: this.toHandoffItem(handoff), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: this.tableName,
            Item: { ...handoffKeys.pointer(handoff.id), entity: 'handoff-pointer', referralId: handoff.referralId },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: this.tableName, Item: eventItem, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    );
    return DynamoReferralRepository.toEvent(eventItem);
  }

  async getHandoff(id: string): Promise<{ referral: Referral; handoff: Handoff } | undefined> {
    const { Item: pointer } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: handoffKeys.pointer(id), ConsistentRead: true }),
    );
    if (!pointer) return undefined;
    const referralId = String(pointer.referralId);
    const { Responses } = await this.client.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: { Keys: [referralKeys.referral(referralId), handoffKeys.handoff(referralId, id)], ConsistentRead: true },
        },
      }),
    );
    const items = Responses?.[this.tableName] ?? [];
    const referral = items.find((i) => i.entity === 'referral');
    const handoff = items.find((i) => i.entity === 'handoff');
    if (!referral || !handoff) return undefined;
    return { referral: DynamoReferralRepository.toReferral(referral), handoff: DynamoReferralRepository.toHandoff(handoff) };
  }

  async answerHandoff(
    previous: { referral: Referral; handoff: Handoff },
    next: { referral: Referral; handoff: Handoff },
    event: EventDraft,
    actor: Actor,
  ): Promise<StoredEvent> {
    const seq = previous.referral.seq + 1;
    const stored: Referral = { ...next.referral, seq };
    const eventItem = this.eventItem(stored, seq, event, actor, next.handoff.updatedAt, next.handoff.id);
    const snapshots = await this.formerPartyWrites(previous.referral, stored, next.handoff);
    await this.transact([
      ...snapshots,
      {
        Put: {
          TableName: this.tableName,
          Item: this.toItem(stored),
          ConditionExpression: '#version = :version AND #seq = :seq AND openHandoffId = :handoff',
          ExpressionAttributeNames: { '#version': 'version', '#seq': 'seq' },
          ExpressionAttributeValues: { ':version': previous.referral.version, ':seq': previous.referral.seq, ':handoff': previous.handoff.id },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: this.toHandoffItem(next.handoff),
          ConditionExpression: '#version = :version AND #status = :offered',
          ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: { ':version': previous.handoff.version, ':offered': 'offered' },
        },
      },
      { Put: { TableName: this.tableName, Item: eventItem, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return DynamoReferralRepository.toEvent(eventItem);
  }

  /**
   * The snapshot items a change writes or removes, for the same transaction: a snapshot
   * for each org that leaves with this change (at `next.seq`), a delete for each that
   * rejoins. The handoffs as they stand are read first (only when someone leaves): the
   * transaction is conditioned on the referral's version, and every handoff change moves
   * it, so they cannot change between this read and the commit. `answered` replaces the
   * stored copy of the handoff this change answers.
   */
  private async formerPartyWrites(
    previous: Referral,
    next: Referral,
    answered?: Handoff,
  ): Promise<NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>> {
    const before = new Map((previous.formerParties ?? []).map((f) => [f.org, f]));
    const after = new Map((next.formerParties ?? []).map((f) => [f.org, f]));
    const leaving = [...after.values()].filter((f) => f.leftSeq === next.seq && before.get(f.org)?.leftSeq !== f.leftSeq);
    const rejoining = [...before.keys()].filter((org) => !after.has(org));
    if (leaving.length === 0 && rejoining.length === 0) return [];
    let handoffs: Handoff[] = [];
    if (leaving.length > 0) {
      const stored = await this.handoffsOf(previous.id);
      handoffs = stored.map((h) => (answered && h.id === answered.id ? answered : h));
    }
    return [
      ...leaving.map((former) => ({
        Put: {
          TableName: this.tableName,
          Item: {
            ...referralKeys.formerParty(next.id, former.org),
            entity: 'former-party',
            org: former.org,
            leftAt: former.leftAt,
            leftSeq: former.leftSeq,
            referral: { ...next },
            handoffs,
          },
        },
      })),
      ...rejoining.map((org) => ({ Delete: { TableName: this.tableName, Key: referralKeys.formerParty(next.id, org) } })),
    ];
  }

  /** Every handoff of a referral (consistent Query on its partition). */
  private async handoffsOf(referralId: string): Promise<Handoff[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': referralKeys.referral(referralId).pk, ':prefix': handoffKeys.handoff(referralId, '').sk },
        ConsistentRead: true,
      }),
    );
    return Items.map(DynamoReferralRepository.toHandoff);
  }

  async formerPartySnapshot(referralId: string, org: string): Promise<FormerPartySnapshot | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: referralKeys.formerParty(referralId, org), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      org: String(Item.org),
      leftAt: String(Item.leftAt),
      leftSeq: Number(Item.leftSeq),
      referral: DynamoReferralRepository.toReferral(Item.referral as Record<string, unknown>),
      handoffs: ((Item.handoffs as Record<string, unknown>[]) ?? []).map(DynamoReferralRepository.toHandoff),
    };
  }

  /** One TransactWriteItems; losing to a concurrent write becomes {@link ConcurrentChangeError}. */
  private async transact(items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (lostToConcurrentWrite(error)) throw new ConcurrentChangeError('The referral changed since it was read.');
      throw error;
    }
  }

  async findByPerson(
    identifier: { nhsNumber: string } | { localId: string; issuer: string },
    scope: ReadScope,
    page: { limit: number; after?: string | undefined },
  ): Promise<Page<Referral>> {
    // One partition per live key version (one, outside a rotation), merged newest first.
    const [index, attribute, partitions] =
      'nhsNumber' in identifier
        ? [INDEX.personByNhsNumber, 'nhsNumberHash', this.hasher.hashesForLookup('nhs', identifier.nhsNumber).map(personKeys.nhsNumber)]
        : [INDEX.personByLocalId, 'localIdHash', this.hasher.hashesForLookup('local', identifier.localId, identifier.issuer).map(personKeys.localId)];
    const visibility = visibilityFilter(scope);
    const results = await Promise.all(
      partitions.map((partition) =>
        this.readPartition(
          {
            IndexName: index,
            KeyConditionExpression: page.after ? '#pk = :pk AND createdSk < :after' : '#pk = :pk',
            ExpressionAttributeNames: { '#pk': attribute },
            ExpressionAttributeValues: {
              ':pk': partition,
              ...(page.after ? { ':after': page.after } : {}),
              ...visibility.values,
            },
            // Referrals the caller may not see never leave DynamoDB.
            ...(visibility.expression ? { FilterExpression: visibility.expression } : {}),
            ScanIndexForward: false,
          },
          page.limit,
        ),
      ),
    );
    const merged = results.flatMap((r) => r.items).sort((a, b) => (String(a.createdSk) < String(b.createdSk) ? 1 : -1));
    const found = merged.slice(0, page.limit);
    const more = merged.length > page.limit || results.some((r) => r.more);
    const last = found.at(-1);
    return { items: found.map(DynamoReferralRepository.toReferral), after: more && last ? String(last.createdSk) : undefined };
  }

  /**
   * One page of an item collection inside the referral's partition, resuming after a sort
   * key. `upper` bounds the sort key (inclusive); `maxSeq` keeps items whose `seq` is at
   * most it (or that have none), reading on (bounded rounds) to fill the page.
   */
  private async pageOfCollection(
    id: string,
    prefix: string,
    options: { limit: number; after?: string | undefined; descending: boolean; upper?: string | undefined; maxSeq?: number | undefined },
  ): Promise<{ items: Record<string, unknown>[]; after?: string }> {
    const { pk } = referralKeys.referral(id);
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined = options.after ? { pk, sk: options.after } : undefined;
    for (let round = 0; round < (options.maxSeq === undefined ? 1 : MAX_ROUNDS); round++) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: options.upper ? 'pk = :pk AND sk BETWEEN :prefix AND :upper' : 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': pk,
            ':prefix': prefix,
            ...(options.upper ? { ':upper': options.upper } : {}),
            ...(options.maxSeq !== undefined ? { ':maxSeq': options.maxSeq } : {}),
          },
          ...(options.maxSeq !== undefined
            ? { FilterExpression: 'attribute_not_exists(#seq) OR #seq <= :maxSeq', ExpressionAttributeNames: { '#seq': 'seq' } }
            : {}),
          ScanIndexForward: !options.descending,
          Limit: options.limit - items.length,
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
      if (!startKey || items.length >= options.limit) break;
    }
    return { items, ...(startKey ? { after: String(startKey.sk) } : {}) };
  }

  async history(id: string, options: { limit: number; after?: string | undefined } & ReadBounds): Promise<Page<StoredEvent>> {
    const upper = options.maxSeq === undefined ? undefined : referralKeys.event(id, options.maxSeq).sk;
    const page = await this.pageOfCollection(id, referralKeys.eventPrefix, { limit: options.limit, after: options.after, upper, descending: false });
    return { items: page.items.map(DynamoReferralRepository.toEvent), after: page.after };
  }

  async notes(id: string, options: { limit: number; after?: string | undefined } & ReadBounds): Promise<Page<StoredNote>> {
    const page = await this.pageOfCollection(id, referralKeys.notePrefix, { limit: options.limit, after: options.after, maxSeq: options.maxSeq, descending: true });
    return { items: page.items.map((i) => pick<StoredNote>(i, ['id', 'referralId', 'text', 'author', 'createdAt', 'seq'])), after: page.after };
  }

  async accessLog(id: string, options: { limit: number; after?: string | undefined } & ReadBounds): Promise<Page<AccessEntry>> {
    // Entry ids are ULIDs of their time: `~` sorts after every ULID of the same millisecond.
    const upper = options.until === undefined ? undefined : `${referralKeys.accessPrefix}${encodeTime(Date.parse(options.until), 10)}~`;
    const page = await this.pageOfCollection(id, referralKeys.accessPrefix, { limit: options.limit, after: options.after, upper, descending: true });
    return { items: page.items.map((i) => pick<AccessEntry>(i, ['at', 'actor', 'what'])), after: page.after };
  }

  async recordAccess(referralIds: readonly string[], entry: AccessEntry): Promise<void> {
    const items = referralIds.map((id) => ({
      PutRequest: {
        Item: { ...referralKeys.access(id, nextUlid(Date.parse(entry.at))), entity: 'access', referralId: id, ...entry },
      },
    }));
    if (items.length === 1) {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: items[0]!.PutRequest.Item }));
      return;
    }
    for (let i = 0; i < items.length; i += 25) {
      let pending: typeof items | undefined = items.slice(i, i + 25);
      // BatchWrite may leave items unprocessed under throttling: retry those, bounded.
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt === 5) throw new Error('The access log could not be written.');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
        const result: { UnprocessedItems?: Record<string, unknown[]> } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = result.UnprocessedItems?.[this.tableName] as typeof items | undefined;
      }
    }
  }

  /** Updates only `seq`, for system marks that add an event without changing the referral. */
  async bumpSeq(previous: Referral): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: referralKeys.referral(previous.id),
        UpdateExpression: 'SET #seq = :next',
        ConditionExpression: '#seq = :seq',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: { ':seq': previous.seq, ':next': previous.seq + 1 },
      }),
    );
  }
}
