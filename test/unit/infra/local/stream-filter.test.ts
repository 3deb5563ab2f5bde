/**
 * The local poller applies the CDK event source mapping's filter (the same object) with the
 * bus's pattern matcher: inserted outbox event items only. And it hands records over in
 * Lambda's shape.
 */
import { describe, expect, it } from 'vitest';
import { JOINTLY_TABLE } from '#shared/platform/dynamodb/table-definition.ts';
import { matchesPattern } from '#shared/core/event-pattern.ts';
import { OUTBOX_STREAM_FILTER } from '#infra/local/stream-poller.ts';
import { toLambdaRecord } from '#infra/local/stream-records.ts';
import { eventItem, streamRecord } from '#test/support/stream-records.ts';

describe('the outbox stream filter', () => {
  it('is the very filter the CDK mapping deploys: INSERT of an entity=event item', () => {
    // Prepare
    const expected = { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['event'] } } } };

    // Act
    const filter = OUTBOX_STREAM_FILTER;

    // Assess
    expect(filter).toBe(JOINTLY_TABLE.outboxStreamFilter);
    expect(filter).toEqual(expected);
  });

  it.each([
    ['an inserted event item', streamRecord(1, eventItem('r1', 1)), true],
    ['a modified event item', streamRecord(2, eventItem('r1', 1), 'MODIFY'), false],
    ['a removed event item', streamRecord(3, eventItem('r1', 1), 'REMOVE'), false],
    ['an inserted referral item', streamRecord(4, { pk: 'REFERRAL#r1', sk: 'REFERRAL', entity: 'referral', status: 'submitted' }), false],
    ['an inserted access-log entry', streamRecord(5, { pk: 'REFERRAL#r1', sk: 'ACCESS#1', entity: 'access' }), false],
    ['an inserted note', streamRecord(6, { pk: 'REFERRAL#r1', sk: 'NOTE#1', entity: 'note', text: 'x' }), false],
    ['an inserted item without an entity', streamRecord(7, { pk: 'IDEMPOTENCY#x', sk: 'IDEMPOTENCY' }), false],
    ['an item whose entity is a number', streamRecord(8, { pk: 'X', sk: 'Y', entity: 7 }), false],
  ])('%s → %s', (_name, record, selected) => {
    // Prepare
    const filter = OUTBOX_STREAM_FILTER;

    // Act
    const matched = matchesPattern(filter, record);

    // Assess
    expect(matched).toBe(selected);
  });
});

describe('toLambdaRecord', () => {
  it('turns a Streams API record into the record Lambda delivers', () => {
    // Prepare
    const sdkRecord = {
      eventID: 'e1',
      eventName: 'INSERT' as const,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2026-11-28T00:06:46.000Z'),
        Keys: { pk: { S: 'a' }, sk: { S: 'b' } },
        NewImage: { pk: { S: 'a' }, sk: { S: 'b' }, blob: { B: new Uint8Array([1, 2, 3]) }, list: { L: [{ M: { n: { N: '1' } } }] } },
        SequenceNumber: '000000000000000000042',
        SizeBytes: 30,
        StreamViewType: 'NEW_AND_OLD_IMAGES' as const,
      },
    };

    // Act
    const record = toLambdaRecord(sdkRecord, 'arn:stream');

    // Assess
    expect(record).toEqual({
      eventID: 'e1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      eventSourceARN: 'arn:stream',
      dynamodb: {
        ApproximateCreationDateTime: Date.parse('2026-11-28T00:06:46.000Z') / 1000,
        Keys: { pk: { S: 'a' }, sk: { S: 'b' } },
        NewImage: { pk: { S: 'a' }, sk: { S: 'b' }, blob: { B: 'AQID' }, list: { L: [{ M: { n: { N: '1' } } }] } },
        SequenceNumber: '000000000000000000042',
        SizeBytes: 30,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  });

  it('takes the Streams API’s own JSON too: base64 binaries and fractional epoch seconds', () => {
    // Prepare: what the local poller's JSON-protocol client reads from DynamoDB Local.
    const jsonRecord = {
      eventID: 'e2',
      eventName: 'MODIFY',
      dynamodb: {
        ApproximateCreationDateTime: 1_764_288_406.75,
        Keys: { pk: { S: 'a' }, sk: { S: 'b' } },
        NewImage: { pk: { S: 'a' }, sk: { S: 'b' }, blob: { B: 'AQID' }, set: { BS: ['AQ==', 'Ag=='] } },
        SequenceNumber: '000000000000000000043',
      },
    };

    // Act
    const record = toLambdaRecord(jsonRecord, 'arn:stream');

    // Assess
    expect(record.dynamodb).toEqual({
      ApproximateCreationDateTime: 1_764_288_406,
      Keys: { pk: { S: 'a' }, sk: { S: 'b' } },
      NewImage: { pk: { S: 'a' }, sk: { S: 'b' }, blob: { B: 'AQID' }, set: { BS: ['AQ==', 'Ag=='] } },
      SequenceNumber: '000000000000000000043',
    });
    expect(record.eventName).toBe('MODIFY');
  });
});
