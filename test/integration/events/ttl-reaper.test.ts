/**
 * The local stand-in for DynamoDB's TTL (infra/local/ttl-reaper.ts) on DynamoDB Local: it
 * deletes only items whose `expiresAt` has passed, conditioned on the value it saw; it marks
 * its own deletions so their stream records carry the DynamoDB service's identity (and only
 * those), the marks outlive a restart through the mark file, and on the real stream the
 * disposer's filter then selects exactly the referral items it removed.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamPoller } from '#infra/local/stream-poller.ts';
import { TtlReaper, type TtlReaperOptions } from '#infra/local/ttl-reaper.ts';
import type { EventPattern } from '#shared/core/event-pattern.ts';
import { serviceErrorOf } from '#shared/platform/aws/aws-json-client.ts';
import { createDocumentClient } from '#shared/platform/dynamodb/dynamo-client.ts';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DocumentClient } from '#shared/platform/dynamodb/document-client.ts';
import { JOINTLY_TABLE } from '#shared/platform/dynamodb/table-definition.ts';
import { TTL_PRINCIPAL } from '#shared/referrals/api/referral-disposer.ts';
import { streamRecord } from '#test/support/stream-records.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

const NOW = new Date('2026-03-02T12:00:00.500Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const DAY_MS = 24 * 60 * 60 * 1000;

let table: TestTable;
let client: DocumentClient;
const reapers: TtlReaper[] = [];

beforeEach(async () => {
  table = await createTestTable('ttl-reaper');
  // The reaper's own client, so a test can intercept what it sends.
  client = createDocumentClient({ endpoint: table.endpoint });
});

afterEach(async () => {
  await Promise.all(reapers.splice(0).map((r) => r.stop()));
  client.destroy();
  await table?.drop();
});

const reaperOf = (options: Partial<TtlReaperOptions> = {}): TtlReaper => {
  const reaper = new TtlReaper({ client, tableName: table.tableName, everyMs: 60_000, clock: () => NOW, ...options });
  reapers.push(reaper);
  return reaper;
};

const put = (item: Record<string, unknown>) => table.documentClient.send(new PutCommand({ TableName: table.tableName, Item: item }));

const exists = async (pk: string, sk: string): Promise<boolean> =>
  (await table.documentClient.send(new GetCommand({ TableName: table.tableName, Key: { pk, sk }, ConsistentRead: true }))).Item !==
  undefined;

/** The REMOVE record the stream carries for an item's deletion (DynamoDB Local puts no `userIdentity` on it). */
const removal = (pk: string, sk: string, entity = 'referral'): DynamoDBRecord => streamRecord(1, { pk, sk, entity }, 'REMOVE');

const markFileIn = () => join(mkdtempSync(join(tmpdir(), 'ttl-reaper-')), 'ttl-removals.json');

describe('TtlReaper.reapNow', () => {
  it('deletes only the items whose expiresAt has passed, and says how many', async () => {
    // Prepare
    await put({ pk: 'REFERRAL#past', sk: 'REFERRAL', entity: 'referral', expiresAt: NOW_SECONDS - 3600 });
    await put({ pk: 'REFERRAL#now', sk: 'REFERRAL', entity: 'referral', expiresAt: NOW_SECONDS });
    await put({ pk: 'IDEMPOTENCY#k', sk: 'IDEMPOTENCY#k', entity: 'idempotency', expiresAt: NOW_SECONDS - 1 });
    await put({ pk: 'REFERRAL#future', sk: 'REFERRAL', entity: 'referral', expiresAt: NOW_SECONDS + 1 });
    await put({ pk: 'REFERRAL#open', sk: 'REFERRAL', entity: 'referral' });
    await put({ pk: 'REFERRAL#open', sk: 'EVENT#0000000001', entity: 'event' });

    // Act
    const deleted = await reaperOf().reapNow();

    // Assess
    expect(deleted).toBe(3);
    expect(await exists('REFERRAL#past', 'REFERRAL')).toBe(false);
    expect(await exists('REFERRAL#now', 'REFERRAL')).toBe(false);
    expect(await exists('IDEMPOTENCY#k', 'IDEMPOTENCY#k')).toBe(false);
    expect(await exists('REFERRAL#future', 'REFERRAL')).toBe(true);
    expect(await exists('REFERRAL#open', 'REFERRAL')).toBe(true);
    expect(await exists('REFERRAL#open', 'EVENT#0000000001')).toBe(true);
  });

  it('reads the whole table, past a page of Scan', async () => {
    // Prepare: six expired items of 300 KB each, beyond Scan's 1 MB page
    const padding = 'x'.repeat(300_000);
    for (let i = 0; i < 6; i++) await put({ pk: `ITEM#${i}`, sk: 'ITEM', entity: 'idempotency', padding, expiresAt: NOW_SECONDS - 1 });
    let scans = 0;
    client.intercept('call', async (context, next) => {
      if (context.operation === 'Scan') scans += 1;
      return next();
    });

    // Act
    const deleted = await reaperOf().reapNow();

    // Assess
    expect(scans).toBeGreaterThan(1);
    expect(deleted).toBe(6);
    for (let i = 0; i < 6; i++) expect(await exists(`ITEM#${i}`, 'ITEM')).toBe(false);
  });

  it('leaves an item whose expiresAt was renewed after it was read (a note on a closed referral), and does not mark it', async () => {
    // Prepare: a note lands between the reaper's Scan and its DeleteItem
    await put({ pk: 'REFERRAL#renewed', sk: 'REFERRAL', entity: 'referral', expiresAt: NOW_SECONDS - 10 });
    client.intercept('call', async (context, next) => {
      if (context.operation === 'DeleteItem') {
        await table.documentClient.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: { pk: 'REFERRAL#renewed', sk: 'REFERRAL' },
            UpdateExpression: 'SET expiresAt = :later',
            ExpressionAttributeValues: { ':later': NOW_SECONDS + 3600 },
          }),
        );
      }
      return next();
    });
    const reaper = reaperOf();

    // Act
    const deleted = await reaper.reapNow();

    // Assess
    expect(deleted).toBe(0);
    expect(await exists('REFERRAL#renewed', 'REFERRAL')).toBe(true);
    expect(reaper.identityOf(removal('REFERRAL#renewed', 'REFERRAL'))).toBeUndefined();
  });

  it('runs one pass at a time: a second call joins the pass in progress', async () => {
    // Prepare
    await put({ pk: 'REFERRAL#once', sk: 'REFERRAL', entity: 'referral', expiresAt: NOW_SECONDS - 1 });
    const reaper = reaperOf();

    // Act
    const [first, second] = await Promise.all([reaper.reapNow(), reaper.reapNow()]);

    // Assess
    expect([first, second]).toEqual([1, 1]);
    expect(await exists('REFERRAL#once', 'REFERRAL')).toBe(false);
  });

  it('deletes on its timer once started, and stops', async () => {
    // Prepare
    await put({ pk: 'REFERRAL#timed', sk: 'REFERRAL', entity: 'referral', expiresAt: NOW_SECONDS - 1 });
    const reaper = reaperOf({ everyMs: 20 });

    // Act
    reaper.start();
    const deadline = Date.now() + 5_000;
    while ((await exists('REFERRAL#timed', 'REFERRAL')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await reaper.stop();

    // Assess
    expect(await exists('REFERRAL#timed', 'REFERRAL')).toBe(false);
    await put({ pk: 'REFERRAL#after-stop', sk: 'REFERRAL', entity: 'referral', expiresAt: NOW_SECONDS - 1 });
    await new Promise((r) => setTimeout(r, 100));
    expect(await exists('REFERRAL#after-stop', 'REFERRAL')).toBe(true);
  });
});

describe('TtlReaper.identityOf', () => {
  it('gives the DynamoDB service’s identity to the REMOVE records of its own deletions only', async () => {
    // Prepare
    await put({ pk: 'REFERRAL#reaped', sk: 'REFERRAL', entity: 'referral', expiresAt: NOW_SECONDS - 1 });
    const reaper = reaperOf();
    await reaper.reapNow();

    // Act
    const reaped = reaper.identityOf(removal('REFERRAL#reaped', 'REFERRAL'));
    const deletedByAFunction = reaper.identityOf(removal('REFERRAL#erased', 'REFERRAL'));
    const sameKeyInserted = reaper.identityOf(streamRecord(2, { pk: 'REFERRAL#reaped', sk: 'REFERRAL', entity: 'referral' }, 'INSERT'));
    const sameKeyChanged = reaper.identityOf(streamRecord(3, { pk: 'REFERRAL#reaped', sk: 'REFERRAL', entity: 'referral' }, 'MODIFY'));
    const otherSortKey = reaper.identityOf(removal('REFERRAL#reaped', 'EVENT#0000000001', 'event'));

    // Assess
    expect(reaped).toEqual(TTL_PRINCIPAL);
    expect(reaped).not.toBe(TTL_PRINCIPAL);
    expect([deletedByAFunction, sameKeyInserted, sameKeyChanged, otherSortKey]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('keeps its marks in the mark file, so a new reaper (a restart) still knows its deletions', async () => {
    // Prepare
    const markFile = markFileIn();
    await put({ pk: 'REFERRAL#before-restart', sk: 'REFERRAL', entity: 'referral', expiresAt: NOW_SECONDS - 1 });
    await reaperOf({ markFile }).reapNow();

    // Act
    const restarted = reaperOf({ markFile });

    // Assess
    expect(restarted.identityOf(removal('REFERRAL#before-restart', 'REFERRAL'))).toEqual(TTL_PRINCIPAL);
    expect(restarted.identityOf(removal('REFERRAL#never-reaped', 'REFERRAL'))).toBeUndefined();
    expect(Object.keys(JSON.parse(readFileSync(markFile, 'utf8')) as object)).toHaveLength(1);
  });

  it('starts with no marks when the mark file does not exist yet', () => {
    // Act
    const reaper = reaperOf({ markFile: markFileIn() });

    // Assess
    expect(reaper.identityOf(removal('REFERRAL#any', 'REFERRAL'))).toBeUndefined();
  });

  it('forgets a mark once the stream could no longer carry its record (24 hours)', async () => {
    // Prepare: reaped now; a day and a minute later the next pass runs
    const markFile = markFileIn();
    await put({ pk: 'REFERRAL#old', sk: 'REFERRAL', entity: 'referral', expiresAt: NOW_SECONDS - 1 });
    await reaperOf({ markFile }).reapNow();
    const later = reaperOf({ markFile, clock: () => new Date(NOW.getTime() + DAY_MS + 60_000) });

    // Act
    await later.reapNow();

    // Assess
    expect(later.identityOf(removal('REFERRAL#old', 'REFERRAL'))).toBeUndefined();
    expect(reaperOf({ markFile }).identityOf(removal('REFERRAL#old', 'REFERRAL'))).toBeUndefined();
  });

  it('leaves no mark, in memory or in the file, for a deletion that failed', async () => {
    // Prepare: DynamoDB refuses the deletion outright (not a condition failure)
    const markFile = markFileIn();
    await put({ pk: 'REFERRAL#refused', sk: 'REFERRAL', entity: 'referral', expiresAt: NOW_SECONDS - 1 });
    client.intercept('call', async (context, next) => {
      if (context.operation === 'DeleteItem') throw serviceErrorOf('InternalServerError', 'Internal server error', 500);
      return next();
    });
    const reaper = reaperOf({ markFile });

    // Act
    const pass = reaper.reapNow();

    // Assess: a later deletion of this item by anyone else must not pass for TTL's
    await expect(pass).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(await exists('REFERRAL#refused', 'REFERRAL')).toBe(true);
    expect(reaper.identityOf(removal('REFERRAL#refused', 'REFERRAL'))).toBeUndefined();
    expect(reaperOf({ markFile }).identityOf(removal('REFERRAL#refused', 'REFERRAL'))).toBeUndefined();
  });
});

describe('the reaper with the disposer’s stream filter on the real stream', () => {
  it('hands on exactly the referral items it removed, marked as DynamoDB’s TTL', async () => {
    // Prepare: an expired referral and an expired event (both reaped), and a referral a function deletes
    await put({ pk: 'REFERRAL#expired', sk: 'REFERRAL', entity: 'referral', id: 'expired', expiresAt: NOW_SECONDS - 1 });
    await put({ pk: 'REFERRAL#gone', sk: 'EVENT#0000000002', entity: 'event', expiresAt: NOW_SECONDS - 1 });
    await put({ pk: 'REFERRAL#erased', sk: 'REFERRAL', entity: 'referral', id: 'erased' });
    const reaper = reaperOf();
    const received: DynamoDBRecord[] = [];
    const poller = new StreamPoller({
      endpoint: table.endpoint,
      tableName: table.tableName,
      handler: async (event) => {
        received.push(...event.Records);
      },
      filters: [JOINTLY_TABLE.expiryStreamFilter as EventPattern],
      identify: (record) => reaper.identityOf(record),
      idlePollMs: 50,
    });

    // Act
    await reaper.reapNow();
    await table.documentClient.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: 'REFERRAL#erased', sk: 'REFERRAL' } }));
    poller.start();
    await poller.caughtUp();
    await poller.stop();

    // Assess
    expect(received.map((r) => r.dynamodb?.OldImage?.id?.S)).toEqual(['expired']);
    expect(received[0]).toMatchObject({ eventName: 'REMOVE', userIdentity: TTL_PRINCIPAL });
  });
});
