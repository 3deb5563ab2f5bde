/**
 * Stream records as Lambda hands them to a function: base64 binaries, epoch seconds and the
 * stream's ARN on every record. The Streams API's JSON carries binaries as base64 and times
 * as epoch seconds already (possibly with a fraction); the SDK's client turns them into bytes
 * and dates. Both forms are taken, so the publisher sees what it sees in AWS.
 */
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord } from 'aws-lambda';

/** An attribute value as the Streams API (JSON: base64) or the SDK (bytes) gives it. */
export type StreamsAttributeValue = Record<string, unknown>;

/** A Streams API record (the fields converted), as its JSON or the SDK gives it. */
export interface StreamsRecord {
  readonly eventID?: string | undefined;
  readonly eventName?: string | undefined;
  readonly eventVersion?: string | undefined;
  readonly awsRegion?: string | undefined;
  readonly dynamodb?:
    | {
        readonly ApproximateCreationDateTime?: number | Date | undefined;
        readonly Keys?: Record<string, StreamsAttributeValue> | undefined;
        readonly NewImage?: Record<string, StreamsAttributeValue> | undefined;
        readonly OldImage?: Record<string, StreamsAttributeValue> | undefined;
        readonly SequenceNumber?: string | undefined;
        readonly SizeBytes?: number | undefined;
        readonly StreamViewType?: string | undefined;
      }
    | undefined;
}

const base64Of = (bytes: unknown): string => (typeof bytes === 'string' ? bytes : Buffer.from(bytes as Uint8Array).toString('base64'));

const toLambdaValue = (value: StreamsAttributeValue): LambdaAttributeValue => {
  const v = value;
  if (v.B !== undefined) return { B: base64Of(v.B) };
  if (v.BS !== undefined) return { BS: (v.BS as unknown[]).map(base64Of) };
  if (v.M !== undefined) return { M: toLambdaImage(v.M as Record<string, StreamsAttributeValue>) };
  if (v.L !== undefined) return { L: (v.L as StreamsAttributeValue[]).map(toLambdaValue) };
  return value as LambdaAttributeValue;
};

const toLambdaImage = (image: Record<string, StreamsAttributeValue>): Record<string, LambdaAttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toLambdaValue(v)]));

/** A Streams API record as Lambda hands it to a function (epoch seconds, base64 binaries, `eventSourceARN`). */
export const toLambdaRecord = (record: StreamsRecord, streamArn: string): DynamoDBRecord => {
  const d = record.dynamodb ?? {};
  return {
    ...(record.eventID ? { eventID: record.eventID } : {}),
    ...(record.eventName ? { eventName: record.eventName as DynamoDBRecord['eventName'] } : {}),
    ...(record.eventVersion ? { eventVersion: record.eventVersion } : {}),
    eventSource: 'aws:dynamodb',
    ...(record.awsRegion ? { awsRegion: record.awsRegion } : {}),
    dynamodb: {
      ...(d.ApproximateCreationDateTime !== undefined
        ? {
            ApproximateCreationDateTime: Math.floor(
              typeof d.ApproximateCreationDateTime === 'number'
                ? d.ApproximateCreationDateTime
                : d.ApproximateCreationDateTime.getTime() / 1000,
            ),
          }
        : {}),
      ...(d.Keys ? { Keys: toLambdaImage(d.Keys) } : {}),
      ...(d.NewImage ? { NewImage: toLambdaImage(d.NewImage) } : {}),
      ...(d.OldImage ? { OldImage: toLambdaImage(d.OldImage) } : {}),
      ...(d.SequenceNumber ? { SequenceNumber: d.SequenceNumber } : {}),
      ...(d.SizeBytes !== undefined ? { SizeBytes: d.SizeBytes } : {}),
      ...(d.StreamViewType ? { StreamViewType: d.StreamViewType as NonNullable<DynamoDBRecord['dynamodb']>['StreamViewType'] } : {}),
    },
    eventSourceARN: streamArn,
  };
};
