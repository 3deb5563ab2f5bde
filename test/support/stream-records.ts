/**
 * Hand-built DynamoDB stream records (as Lambda delivers them) of outbox event items and
 * other items, and a capturing fake bus, for publisher and poller tests.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { ulid } from 'ulid';
import { referralKeys } from '#shared/platform/dynamodb/keys.ts';
import type { PublishedEvent } from '#shared/core/event-envelope.ts';
import type { EventBus } from '#shared/core/messaging-ports.ts';

export const STREAM_ARN = 'arn:aws:dynamodb:eu-west-2:000000000000:table/test/stream/2026-11-28T00:00:00.000';

/** An event item as the repository writes it (comment included: it must never be published). */
export const eventItem = (referralId: string, seq: number, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...referralKeys.event(referralId, seq),
  entity: 'event',
  id: ulid(),
  type: seq === 1 ? 'referral.submitted' : 'note.added',
  seq,
  at: '2026-11-28T00:06:46.000Z',
  actor: { sub: 'alice', org: 'provide', role: 'practitioner' },
  referralId,
  data: { status: 'submitted', fromOrg: 'provide', toOrg: 'ecc', parties: ['provide', 'ecc'] },
  comment: 'Free text that stays in the table',
  ...overrides,
});

/** A stream record of `item` with sequence number `sequence`. */
export const streamRecord = (
  sequence: number,
  item: Record<string, unknown>,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT',
): DynamoDBRecord => {
  const image = marshall(item, { removeUndefinedValues: true }) as unknown as Record<string, AttributeValue>;
  return {
    eventID: ulid(),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-2',
    dynamodb: {
      ApproximateCreationDateTime: 1_795_827_600,
      Keys: { pk: { S: String(item.pk) }, sk: { S: String(item.sk) } },
      ...(eventName !== 'REMOVE' ? { NewImage: image } : {}),
      ...(eventName !== 'INSERT' ? { OldImage: image } : {}),
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: STREAM_ARN,
  };
};

/** `count` event records of one referral, seq 1…count, sequence numbers from `firstSequence`. */
export const eventRecords = (count: number, referralId = ulid(), firstSequence = 1): DynamoDBRecord[] =>
  Array.from({ length: count }, (_, i) => streamRecord(firstSequence + i, eventItem(referralId, i + 1)));

/** `count` records of `count` different referrals (each its seq 1), sequence numbers 1…count. */
export const oneEventPerReferral = (count: number): DynamoDBRecord[] =>
  Array.from({ length: count }, (_, i) => streamRecord(i + 1, eventItem(ulid(), 1)));

/** The event id a record carries. */
export const eventIdOf = (record: DynamoDBRecord): string => String(record.dynamodb!.NewImage!.id!.S);

/** A bus that records what it was given, failing the ids `fail` chooses. */
export class CapturingBus implements EventBus {
  readonly published: PublishedEvent[] = [];
  readonly calls: PublishedEvent[][] = [];
  fail: (event: PublishedEvent) => boolean = () => false;

  async publish(events: readonly PublishedEvent[]): Promise<{ readonly failedIds: readonly string[] }> {
    this.calls.push([...events]);
    const failedIds = events.filter((e) => this.fail(e)).map((e) => e.id);
    this.published.push(...events.filter((e) => !failedIds.includes(e.id)));
    return { failedIds };
  }
}

/** The sequence number of a record. */
export const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb!.SequenceNumber!;
