/**
 * The disposer (shared/referrals/api/referral-disposer.ts) with a fake disposal, and the
 * stream filter its event source mapping deploys (`JOINTLY_TABLE.expiryStreamFilter`): only
 * DynamoDB's own TTL removal of a referral item starts a disposal; anyone else's delete, and
 * TTL's removal of any other item, never does. A failed disposal is reported for a retry.
 */
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { matchesPattern, type EventPattern } from '#shared/core/event-pattern.ts';
import { JOINTLY_TABLE } from '#shared/platform/dynamodb/table-definition.ts';
import { logger } from '#shared/platform/http/logger.ts';
import { createDisposerHandler, isExpiredReferral, TTL_PRINCIPAL } from '#shared/referrals/api/referral-disposer.ts';
import { referralItemOf } from '#shared/referrals/data/referral-items.ts';
import { SubjectHasher } from '#shared/referrals/data/subject-hash.ts';
import { storedReferral } from '#test/support/fixtures.ts';
import { eventItem, streamRecord } from '#test/support/stream-records.ts';

const NHS_NUMBER = '9434765919';
const hasher = new SubjectHasher('k'.repeat(32));

/** A closed referral's item as the table holds it, past its retention. */
const referralItem = (id: string): Record<string, unknown> => ({
  ...referralItemOf(
    storedReferral({
      id,
      status: 'completed',
      outcome: 'admission-avoided',
      seq: 7,
      subject: { nhsNumber: NHS_NUMBER, name: 'Ada Example' },
    }),
    hasher,
  ),
  expiresAt: 1_741_000_000,
});

const withIdentity = (record: DynamoDBRecord, identity: { type: string; principalId: string } | undefined): DynamoDBRecord =>
  (identity ? { ...record, userIdentity: identity } : record) as DynamoDBRecord;

/** DynamoDB's TTL removing `item`: a REMOVE record under the service's own identity. */
const ttlRemoval = (sequence: number, item: Record<string, unknown>): DynamoDBRecord =>
  withIdentity(streamRecord(sequence, item, 'REMOVE'), { ...TTL_PRINCIPAL });

/** A function's or a person's DeleteItem: a REMOVE record with no `userIdentity`. */
const userDeletion = (sequence: number, item: Record<string, unknown>): DynamoDBRecord => streamRecord(sequence, item, 'REMOVE');

const idOf = (n: number) => `01JNR0000000000000000000${String(n).padStart(2, '0')}`;
const sequenceOf = (record: DynamoDBRecord) => record.dynamodb!.SequenceNumber!;

/** A disposal that records what it was given and fails the referral ids in `failing`. */
const fakeDisposal = (failing: readonly string[] = []) => {
  const disposed: Record<string, unknown>[] = [];
  return {
    disposed,
    disposal: {
      disposeExpired: async (oldImage: Record<string, unknown>) => {
        if (failing.includes(String(oldImage.id))) throw new Error(`DynamoDB refused the disposal of ${String(oldImage.id)}`);
        disposed.push(oldImage);
        return { itemsDeleted: 5, eventWritten: true };
      },
    },
  };
};

const eventOf = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

beforeEach(() => {
  // The handler's summary line, kept out of the test output (one test reads it).
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('JOINTLY_TABLE.expiryStreamFilter', () => {
  const filter = JOINTLY_TABLE.expiryStreamFilter as EventPattern;

  it('matches DynamoDB’s TTL removing a referral item', () => {
    // Prepare
    const record = ttlRemoval(1, referralItem(idOf(1)));

    // Act
    const matches = matchesPattern(filter, record);

    // Assess
    expect(matches).toBe(true);
    expect(isExpiredReferral(record)).toBe(true);
  });

  it.each<[string, DynamoDBRecord]>([
    ['a DeleteItem by a function or a person (an erasure)', userDeletion(1, referralItem(idOf(1)))],
    [
      'a REMOVE by another principal',
      withIdentity(streamRecord(1, referralItem(idOf(1)), 'REMOVE'), { type: 'Service', principalId: 'backup.amazonaws.com' }),
    ],
    [
      'a REMOVE under a user identity of another type',
      withIdentity(streamRecord(1, referralItem(idOf(1)), 'REMOVE'), { type: 'User', principalId: 'dynamodb.amazonaws.com' }),
    ],
    ['TTL removing an event item', ttlRemoval(1, eventItem(idOf(1), 3))],
    [
      'TTL removing an idempotency record',
      ttlRemoval(1, { pk: 'IDEMPOTENCY#abc', sk: 'IDEMPOTENCY#abc', entity: 'idempotency', expiresAt: 1 }),
    ],
    ['TTL removing an item with no entity', ttlRemoval(1, { pk: 'X', sk: 'Y', expiresAt: 1 })],
    ['a referral item written', withIdentity(streamRecord(1, referralItem(idOf(1)), 'INSERT'), { ...TTL_PRINCIPAL })],
    ['a referral item changed', withIdentity(streamRecord(1, referralItem(idOf(1)), 'MODIFY'), { ...TTL_PRINCIPAL })],
  ])('does not match %s, and neither does the handler’s own check', (_name, record) => {
    // Act
    const matches = matchesPattern(filter, record);

    // Assess
    expect(matches).toBe(false);
    expect(isExpiredReferral(record)).toBe(false);
  });
});

describe('createDisposerHandler', () => {
  it('disposes of a referral TTL removed, from the item the record carries', async () => {
    // Prepare
    const { disposed, disposal } = fakeDisposal();
    const handler = createDisposerHandler({ disposal });

    // Act
    const response = await handler(eventOf(ttlRemoval(1, referralItem(idOf(1)))));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(disposed).toHaveLength(1);
    expect(disposed[0]).toMatchObject({ pk: `REFERRAL#${idOf(1)}`, entity: 'referral', id: idOf(1), seq: 7, status: 'completed' });
    expect(disposed[0]!.subject).toEqual({ nhsNumber: NHS_NUMBER, name: 'Ada Example' });
  });

  it('ignores every record that is not TTL removing a referral item, without failing it', async () => {
    // Prepare
    const { disposed, disposal } = fakeDisposal();
    const handler = createDisposerHandler({ disposal });
    const records = [
      userDeletion(1, referralItem(idOf(1))),
      ttlRemoval(2, eventItem(idOf(2), 3)),
      withIdentity(streamRecord(3, referralItem(idOf(3)), 'MODIFY'), { ...TTL_PRINCIPAL }),
      ttlRemoval(4, referralItem(idOf(4))),
    ];

    // Act
    const response = await handler(eventOf(...records));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(disposed.map((image) => image.id)).toEqual([idOf(4)]);
  });

  it('reports a failed disposal in batchItemFailures by its sequence number, and disposes of the others', async () => {
    // Prepare
    const { disposed, disposal } = fakeDisposal([idOf(2)]);
    const handler = createDisposerHandler({ disposal });
    const records = [1, 2, 3].map((n) => ttlRemoval(n, referralItem(idOf(n))));

    // Act
    const response = await handler(eventOf(...records));

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: sequenceOf(records[1]!) }]);
    expect(disposed.map((image) => image.id)).toEqual([idOf(1), idOf(3)]);
  });

  it('reports every record when every disposal fails, rather than throwing', async () => {
    // Prepare
    const { disposal } = fakeDisposal([idOf(1), idOf(2)]);
    const handler = createDisposerHandler({ disposal });
    const records = [1, 2].map((n) => ttlRemoval(n, referralItem(idOf(n))));

    // Act
    const response = await handler(eventOf(...records));

    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.map(sequenceOf));
  });

  it('logs counts only, never what the referral held', async () => {
    // Prepare
    const info = vi.mocked(logger.info);
    const { disposal } = fakeDisposal([idOf(2)]);
    const handler = createDisposerHandler({ disposal });
    const records = [ttlRemoval(1, referralItem(idOf(1))), ttlRemoval(2, referralItem(idOf(2))), userDeletion(3, referralItem(idOf(3)))];

    // Act
    await handler(eventOf(...records));

    // Assess
    expect(info).toHaveBeenCalledWith('Disposed of referrals past their retention', {
      records: 3,
      disposed: 1,
      itemsDeleted: 5,
      failed: 1,
    });
    expect(JSON.stringify(info.mock.calls)).not.toContain(NHS_NUMBER);
    expect(JSON.stringify(info.mock.calls)).not.toContain('Ada Example');
  });
});
