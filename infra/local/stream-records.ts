/**
 * Stream records as Lambda hands them to a function: the DynamoDB Streams API returns
 * binaries as bytes and times as dates, Lambda base64 and epoch seconds, with the stream's
 * ARN on every record. The local poller converts, so the publisher sees what it sees in AWS.
 */
import type { _Record as StreamsRecord, AttributeValue as StreamsAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord } from 'aws-lambda';

const toLambdaValue = (value: StreamsAttributeValue): LambdaAttributeValue => {
  const v = value as unknown as Record<string, unknown>;
  if (v.B !== undefined) return { B: Buffer.from(v.B as Uint8Array).toString('base64') };
  if (v.BS !== undefined) return { BS: (v.BS as Uint8Array[]).map((b) => Buffer.from(b).toString('base64')) };
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
    ...(record.eventName ? { eventName: record.eventName } : {}),
    ...(record.eventVersion ? { eventVersion: record.eventVersion } : {}),
    eventSource: 'aws:dynamodb',
    ...(record.awsRegion ? { awsRegion: record.awsRegion } : {}),
    dynamodb: {
      ...(d.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(d.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      ...(d.Keys ? { Keys: toLambdaImage(d.Keys) } : {}),
      ...(d.NewImage ? { NewImage: toLambdaImage(d.NewImage) } : {}),
      ...(d.OldImage ? { OldImage: toLambdaImage(d.OldImage) } : {}),
      ...(d.SequenceNumber ? { SequenceNumber: d.SequenceNumber } : {}),
      ...(d.SizeBytes !== undefined ? { SizeBytes: d.SizeBytes } : {}),
      ...(d.StreamViewType ? { StreamViewType: d.StreamViewType } : {}),
    },
    eventSourceARN: streamArn,
  };
};
