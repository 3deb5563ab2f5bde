/**
 * The key design, proven against Amazon's DynamoDB Local: the table built from the shared
 * definition answers every access pattern of the README's table with a GetItem or a Query
 * (never a Scan), in the promised order.
 */
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '#shared/platform/dynamodb/document-client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  handoffKeys,
  idempotencyKeys,
  metricsKeys,
  personKeys,
  referralKeys,
  slaKeys,
  subscriptionKeys,
  timeOrderedSk,
  userKeys,
} from '#shared/platform/dynamodb/keys.ts';
import { INDEX, JOINTLY_TABLE } from '#shared/platform/dynamodb/table-definition.ts';
import type { ReferralStatus } from '#shared/core/reference-data.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable('patterns');
});

afterAll(async () => {
  await table?.drop();
});

interface ReferralSeed {
  id: string;
  fromOrg: string;
  toOrg: string;
  ownerOrg: string;
  status: ReferralStatus;
  createdAt: string;
  dueAt: string;
  nhsHash?: string;
}

/** A referral item carrying every index attribute the repository will write. */
const referralItem = (r: ReferralSeed) => ({
  ...referralKeys.referral(r.id),
  entity: 'referral',
  ...r,
  inboxPk: referralKeys.listPartition('inbox', r.toOrg, r.status),
  outboxPk: referralKeys.listPartition('outbox', r.fromOrg, r.status),
  ownedPk: referralKeys.listPartition('owned', r.ownerOrg, r.status),
  createdSk: timeOrderedSk(r.createdAt, r.id),
  dueSk: timeOrderedSk(r.dueAt, r.id),
  ...(r.nhsHash ? { nhsNumberHash: personKeys.nhsNumber(r.nhsHash) } : {}),
  ...(r.status === 'submitted'
    ? { slaPk: slaKeys.partition(slaKeys.shardOf(r.id)), slaSk: slaKeys.sortKey(r.dueAt, 'referral', r.id) }
    : {}),
});

const put = (item: Record<string, unknown>) => table.documentClient.send(new PutCommand({ TableName: table.tableName, Item: item }));

const query = async (input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) =>
  (await table.documentClient.send(new QueryCommand({ TableName: table.tableName, ...input }))).Items ?? [];

describe('the table created from the shared definition', () => {
  it('has the keys, every index, the stream and TTL of JOINTLY_TABLE', async () => {
    // Prepare
    const describeTable = new DescribeTableCommand({ TableName: table.tableName });

    // Act
    const { Table } = await table.client.send(describeTable);
    const ttl = await table.client.send(new DescribeTimeToLiveCommand({ TableName: table.tableName }));

    // Assess
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(JOINTLY_TABLE.indexes.map((i) => i.indexName).sort());
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expiresAt');
  });
});

describe('referral access patterns', () => {
  const seeds: ReferralSeed[] = [
    {
      id: 'R1',
      fromOrg: 'provide',
      toOrg: 'ecc',
      ownerOrg: 'provide',
      status: 'submitted',
      createdAt: '2026-11-01T09:00:00.000Z',
      dueAt: '2026-11-06T09:00:00.000Z',
      nhsHash: 'h-alice',
    },
    {
      id: 'R2',
      fromOrg: 'meht',
      toOrg: 'ecc',
      ownerOrg: 'meht',
      status: 'submitted',
      createdAt: '2026-11-02T09:00:00.000Z',
      dueAt: '2026-11-02T11:00:00.000Z',
    },
    {
      id: 'R3',
      fromOrg: 'provide',
      toOrg: 'ecc',
      ownerOrg: 'ecc',
      status: 'accepted',
      createdAt: '2026-11-03T09:00:00.000Z',
      dueAt: '2026-11-04T09:00:00.000Z',
      nhsHash: 'h-alice',
    },
    {
      id: 'R4',
      fromOrg: 'ecc',
      toOrg: 'provide',
      ownerOrg: 'ecc',
      status: 'submitted',
      createdAt: '2026-11-04T09:00:00.000Z',
      dueAt: '2026-11-04T11:00:00.000Z',
      nhsHash: 'h-bob',
    },
  ];

  beforeAll(async () => {
    for (const seed of seeds) await put(referralItem(seed));
    // The aggregate: two handoffs, three events, a note and an access-log entry for R3.
    await put({ ...handoffKeys.handoff('R3', 'H1'), entity: 'handoff', status: 'declined' });
    await put({ ...handoffKeys.handoff('R3', 'H2'), entity: 'handoff', status: 'offered' });
    for (const seq of [1, 2, 10]) await put({ ...referralKeys.event('R3', seq), entity: 'event', seq });
    await put({ ...referralKeys.note('R3', '01NOTE'), entity: 'note' });
    await put({ ...referralKeys.access('R3', '01ACCESS'), entity: 'access' });
  });

  it('reads a referral by id with one strongly consistent GetItem', async () => {
    // Prepare
    const key = referralKeys.referral('R1');

    // Act
    const { Item } = await table.documentClient.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }));

    // Assess
    expect(Item?.id).toBe('R1');
  });

  it('reads a referral with its handoffs, and nothing else, in one Query', async () => {
    // Prepare
    const { pk } = referralKeys.referral('R3');

    // Act
    const items = await query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': referralKeys.aggregatePrefix },
      ConsistentRead: true,
    });

    // Assess
    expect(items.map((i) => i.entity)).toEqual(['referral', 'handoff', 'handoff']);
  });

  it('reads history in ascending seq order, past 9 → 10', async () => {
    // Prepare
    const { pk } = referralKeys.referral('R3');

    // Act
    const items = await query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': referralKeys.eventPrefix },
    });

    // Assess
    expect(items.map((i) => i.seq)).toEqual([1, 2, 10]);
  });

  it('lists an org inbox for one status, newest first', async () => {
    // Prepare
    const partition = referralKeys.listPartition('inbox', 'ecc', 'submitted');

    // Act
    const items = await query({
      IndexName: INDEX.inboxByCreated,
      KeyConditionExpression: 'inboxPk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
    });

    // Assess
    expect(items.map((i) => i.id)).toEqual(['R2', 'R1']);
  });

  it('lists the same inbox soonest-due first, for triage', async () => {
    // Prepare
    const partition = referralKeys.listPartition('inbox', 'ecc', 'submitted');

    // Act
    const items = await query({
      IndexName: INDEX.inboxByDue,
      KeyConditionExpression: 'inboxPk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: true,
    });

    // Assess
    expect(items.map((i) => i.id)).toEqual(['R2', 'R1']);
    expect(items[0]?.dueAt < items[1]?.dueAt).toBe(true);
  });

  it('resumes a list after a cursor sort key (what a page boundary uses)', async () => {
    // Prepare
    const partition = referralKeys.listPartition('inbox', 'ecc', 'submitted');
    const cursor = timeOrderedSk('2026-11-02T09:00:00.000Z', 'R2');

    // Act
    const items = await query({
      IndexName: INDEX.inboxByCreated,
      KeyConditionExpression: 'inboxPk = :pk AND createdSk < :cursor',
      ExpressionAttributeValues: { ':pk': partition, ':cursor': cursor },
      ScanIndexForward: false,
    });

    // Assess
    expect(items.map((i) => i.id)).toEqual(['R1']);
  });

  it('lists outbox and owned boxes from their own partitions', async () => {
    // Prepare
    const outbox = referralKeys.listPartition('outbox', 'provide', 'submitted');
    const owned = referralKeys.listPartition('owned', 'ecc', 'accepted');

    // Act
    const sent = await query({
      IndexName: INDEX.outboxByCreated,
      KeyConditionExpression: 'outboxPk = :pk',
      ExpressionAttributeValues: { ':pk': outbox },
    });
    const responsible = await query({
      IndexName: INDEX.ownedByDue,
      KeyConditionExpression: 'ownedPk = :pk',
      ExpressionAttributeValues: { ':pk': owned },
    });

    // Assess
    expect(sent.map((i) => i.id)).toEqual(['R1']);
    expect(responsible.map((i) => i.id)).toEqual(['R3']);
  });

  it("finds a person's referrals by the keyed hash of their NHS number", async () => {
    // Prepare
    const partition = personKeys.nhsNumber('h-alice');

    // Act
    const items = await query({
      IndexName: INDEX.personByNhsNumber,
      KeyConditionExpression: 'nhsNumberHash = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
    });

    // Assess
    expect(items.map((i) => i.id)).toEqual(['R3', 'R1']);
  });

  it('finds only what is due from the sparse SLA index, across its fixed shards', async () => {
    // Prepare
    const now = '2026-11-05T00:00:00.000Z';

    // Act
    const due: string[] = [];
    for (let shard = 0; shard < 8; shard++) {
      const items = await query({
        IndexName: INDEX.slaDue,
        KeyConditionExpression: 'slaPk = :pk AND slaSk <= :now',
        ExpressionAttributeValues: { ':pk': slaKeys.partition(shard), ':now': now },
      });
      due.push(...items.map((i) => String(i.pk)));
    }

    // Assess: R1 is not yet due, R3 is accepted (not in the sparse index).
    expect(due.sort()).toEqual([referralKeys.referral('R2').pk, referralKeys.referral('R4').pk]);
  });
});

describe('user, subscription, idempotency and metrics patterns', () => {
  it("lists a user's unread alerts from the sparse index and all alerts from the base table", async () => {
    // Prepare
    await put({
      ...userKeys.alert('u1', '01EVENTA', 'S1'),
      entity: 'alert',
      inboxPk: userKeys.unreadAlertsPartition('u1'),
      createdSk: '2026-11-01T00:00:00.000Z#A',
    });
    await put({ ...userKeys.alert('u1', '01EVENTB', 'S1'), entity: 'alert', createdSk: '2026-11-02T00:00:00.000Z#B' });

    // Act
    const unread = await query({
      IndexName: INDEX.inboxByCreated,
      KeyConditionExpression: 'inboxPk = :pk',
      ExpressionAttributeValues: { ':pk': userKeys.unreadAlertsPartition('u1') },
    });
    const all = await query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'USER#u1', ':prefix': userKeys.alertPrefix },
      ScanIndexForward: false,
    });

    // Assess
    expect(unread).toHaveLength(1);
    expect(all.map((i) => i.sk)).toEqual([userKeys.alert('u1', '01EVENTB', 'S1').sk, userKeys.alert('u1', '01EVENTA', 'S1').sk]);
  });

  it('makes an alert per (event, subscription) idempotent with a conditional put', async () => {
    // Prepare
    const item = { ...userKeys.alert('u2', '01EVENTC', 'S9'), entity: 'alert' };
    await put(item);

    // Act
    const again = table.documentClient.send(
      new PutCommand({ TableName: table.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );

    // Assess
    await expect(again).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  });

  it('finds the subscriptions matching an event by org and programme-wide', async () => {
    // Prepare
    await put({ ...subscriptionKeys.match('ecc', 'S1'), entity: 'subscription-match' });
    await put({ ...subscriptionKeys.match('*', 'S2'), entity: 'subscription-match' });

    // Act
    const forEcc = await query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'SUBSCRIBERS#ecc' } });
    const programmeWide = await query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'SUBSCRIBERS#*' } });

    // Assess
    expect(forEcc.map((i) => i.sk)).toEqual(['SUBSCRIPTION#S1']);
    expect(programmeWide.map((i) => i.sk)).toEqual(['SUBSCRIPTION#S2']);
  });

  it('lists deliveries of a subscription newest first', async () => {
    // Prepare
    await put({ ...subscriptionKeys.delivery('S1', '2026-11-01T00:00:00.000Z', 'E1', 1), outcome: 'failed' });
    await put({ ...subscriptionKeys.delivery('S1', '2026-11-01T00:00:05.000Z', 'E1', 2), outcome: 'delivered' });

    // Act
    const items = await query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'SUBSCRIPTION#S1', ':prefix': subscriptionKeys.deliveryPrefix },
      ScanIndexForward: false,
    });

    // Assess
    expect(items.map((i) => i.outcome)).toEqual(['delivered', 'failed']);
  });

  it('claims an idempotency key exactly once', async () => {
    // Prepare
    const claim = () =>
      table.documentClient.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { ...idempotencyKeys.record('hash-1'), status: 'in-flight', expiresAt: 1_900_000_000 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );

    // Act
    const results = await Promise.allSettled([claim(), claim(), claim()]);

    // Assess
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it("reads one shard's metrics counters of a day range, every service area and month, by one sort-key range", async () => {
    // Prepare
    const cell = (day: string, serviceArea = 'rapid-response') => ({
      day,
      serviceArea,
      fromOrg: 'provide',
      toOrg: 'ecc',
      priority: 'urgent',
    });
    await table.documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table.tableName, Item: { ...metricsKeys.counter(cell('2026-11-29'), 3), st_submitted: 2 } } },
          {
            Put: { TableName: table.tableName, Item: { ...metricsKeys.counter(cell('2026-12-01', 'joint-referral'), 3), st_submitted: 7 } },
          },
          { Put: { TableName: table.tableName, Item: { ...metricsKeys.counter(cell('2026-12-02'), 3), st_submitted: 1 } } },
          { Put: { TableName: table.tableName, Item: { ...metricsKeys.counter(cell('2026-11-30'), 4), st_submitted: 5 } } },
        ],
      }),
    );
    const range = metricsKeys.dayRange('2026-11-29', '2026-12-01');

    // Act
    const items = await query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': metricsKeys.partition(3), ':from': range.lower, ':to': range.upper },
    });

    // Assess
    expect(items.map((i) => i.st_submitted)).toEqual([2, 7]);
    expect(items.map((i) => metricsKeys.cellOf(String(i.sk)))).toEqual([cell('2026-11-29'), cell('2026-12-01', 'joint-referral')]);
  });
});
