/**
 * The single Jointly table, defined once. The CDK data stack and the local runtime both
 * build the table from this object, so keys, indexes, stream and TTL cannot drift.
 *
 * Pure data plus one pure function: no AWS SDK or CDK imports, so it can be bundled
 * anywhere. The access patterns each index serves are listed in the README and next
 * to each key builder in `keys.ts`.
 */

/** A global secondary index: every index key is a string attribute. */
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** `ALL` for indexes that answer list routes; `KEYS_ONLY` where the caller re-reads. */
  readonly projection: 'ALL' | 'KEYS_ONLY';
  /** Why the index exists, for humans reading the generated docs. */
  readonly purpose: string;
}

/** Everything needed to create the table, anywhere. */
export interface TableDefinition {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: readonly IndexDefinition[];
  /** Epoch-seconds attribute: items with it expire (idempotency records, dedupe markers). */
  readonly timeToLiveAttribute: string;
  readonly streamViewType: 'NEW_AND_OLD_IMAGES';
  /**
   * The stream filter that selects outbox event items. The CDK event source mapping and
   * the local stream poller apply this same pattern (EventBridge-style JSON).
   */
  readonly outboxStreamFilter: Readonly<Record<string, unknown>>;
  /**
   * The stream filter of the audit archive: inserted access-log entries and event items
   * (docs/audit-archive.md). The CDK mapping and the local poller apply it, as the outbox one.
   */
  readonly auditStreamFilter: Readonly<Record<string, unknown>>;
  /**
   * The stream filter of disposal: referral items DynamoDB's TTL deleted (a REMOVE by the
   * DynamoDB service itself, not by any function), docs/records-retention.md.
   */
  readonly expiryStreamFilter: Readonly<Record<string, unknown>>;
}

/** Attribute that names an item's entity type; event items carry `event`. */
export const ENTITY_ATTRIBUTE = 'entity';

/** Index names, referenced by repositories. */
export const INDEX = {
  inboxByCreated: 'inbox-by-created',
  inboxByDue: 'inbox-by-due',
  outboxByCreated: 'outbox-by-created',
  outboxByDue: 'outbox-by-due',
  ownedByCreated: 'owned-by-created',
  ownedByDue: 'owned-by-due',
  personByNhsNumber: 'person-by-nhs-number',
  personByLocalId: 'person-by-local-id',
  slaDue: 'sla-due',
} as const;

export const JOINTLY_TABLE: TableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  streamViewType: 'NEW_AND_OLD_IMAGES',
  outboxStreamFilter: {
    eventName: ['INSERT'],
    dynamodb: { NewImage: { [ENTITY_ATTRIBUTE]: { S: ['event'] } } },
  },
  auditStreamFilter: {
    eventName: ['INSERT'],
    dynamodb: { NewImage: { [ENTITY_ATTRIBUTE]: { S: ['access', 'event'] } } },
  },
  expiryStreamFilter: {
    eventName: ['REMOVE'],
    userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
    dynamodb: { OldImage: { [ENTITY_ATTRIBUTE]: { S: ['referral'] } } },
  },
  indexes: [
    {
      indexName: INDEX.inboxByCreated,
      partitionKey: 'inboxPk',
      sortKey: 'createdSk',
      projection: 'ALL',
      purpose: 'Referrals to an org and handoffs offered to an org, per status, newest first; a user’s unread alerts',
    },
    {
      indexName: INDEX.inboxByDue,
      partitionKey: 'inboxPk',
      sortKey: 'dueSk',
      projection: 'ALL',
      purpose: 'The same inbox partitions ordered by dueAt, for triage',
    },
    {
      indexName: INDEX.outboxByCreated,
      partitionKey: 'outboxPk',
      sortKey: 'createdSk',
      projection: 'ALL',
      purpose: 'Referrals sent by an org and handoffs offered by an org, per status, newest first',
    },
    {
      indexName: INDEX.outboxByDue,
      partitionKey: 'outboxPk',
      sortKey: 'dueSk',
      projection: 'ALL',
      purpose: 'The same outbox partitions ordered by dueAt',
    },
    {
      indexName: INDEX.ownedByCreated,
      partitionKey: 'ownedPk',
      sortKey: 'createdSk',
      projection: 'ALL',
      purpose: 'Referrals an org is responsible for now, per status, newest first',
    },
    {
      indexName: INDEX.ownedByDue,
      partitionKey: 'ownedPk',
      sortKey: 'dueSk',
      projection: 'ALL',
      purpose: 'The same owned partitions ordered by dueAt',
    },
    {
      indexName: INDEX.personByNhsNumber,
      partitionKey: 'nhsNumberHash',
      sortKey: 'createdSk',
      projection: 'ALL',
      purpose: 'A person’s referrals by keyed hash (HMAC) of their NHS number',
    },
    {
      indexName: INDEX.personByLocalId,
      partitionKey: 'localIdHash',
      sortKey: 'createdSk',
      projection: 'ALL',
      purpose: 'A person’s referrals by keyed hash (HMAC) of a local identifier',
    },
    {
      indexName: INDEX.slaDue,
      partitionKey: 'slaPk',
      sortKey: 'slaSk',
      projection: 'KEYS_ONLY',
      purpose: 'Sparse: referrals awaiting a response and open handoff offers, by dueAt, until marked overdue',
    },
  ],
};

/**
 * The filters of the record keeper's mapping, the stream's second reader (decision 61): a
 * record passing either is delivered. The CDK mapping and the local poller apply these.
 */
export const RECORD_KEEPER_STREAM_FILTERS: readonly Readonly<Record<string, unknown>>[] = [
  JOINTLY_TABLE.auditStreamFilter,
  JOINTLY_TABLE.expiryStreamFilter,
];

/** The attributes that appear in a key of the table or an index (all strings). */
export const keyAttributes = (table: TableDefinition = JOINTLY_TABLE): string[] => [
  ...new Set([table.partitionKey, table.sortKey, ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]),
];

/**
 * The `CreateTable` input for this definition (on-demand billing), used by the local
 * runtime and integration tests. Structural typing keeps the SDK out of this module.
 */
export const toCreateTableInput = (tableName: string, table: TableDefinition = JOINTLY_TABLE) => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: keyAttributes(table).map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
  KeySchema: [
    { AttributeName: table.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: table.sortKey, KeyType: 'RANGE' as const },
  ],
  GlobalSecondaryIndexes: table.indexes.map((index) => ({
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: index.projection },
  })),
  StreamSpecification: { StreamEnabled: true, StreamViewType: table.streamViewType },
});
