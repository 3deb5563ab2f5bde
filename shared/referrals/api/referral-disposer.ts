/**
 * The disposer: the table's stream (filtered to referral items DynamoDB's TTL removed,
 * `JOINTLY_TABLE.expiryStreamFilter`) → the disposal of everything else the referral owned
 * (docs/records-retention.md). In AWS a DynamoDB event source mapping with
 * `ReportBatchItemFailures` invokes the handler this builds (functions/events/disposer, wired
 * by shared/wiring/disposer.ts); locally a stream poller invokes the same handler, after the
 * local runtime's TTL reaper has removed the item as DynamoDB would.
 *
 * A failed disposal is reported in `batchItemFailures` and retried (the mapping resumes at the
 * lowest failed record); a disposal is safe to repeat. Only ids and counts are logged.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../platform/http/logger.ts';

/** The principal DynamoDB's TTL deletes under: a REMOVE by anyone else is not a disposal. */
export const TTL_PRINCIPAL = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

/** Whether a stream record is DynamoDB's TTL removing a referral item. */
export const isExpiredReferral = (record: DynamoDBRecord): boolean => {
  const identity = (record as { userIdentity?: { type?: string; principalId?: string } }).userIdentity;
  const image = record.dynamodb?.OldImage;
  return (
    record.eventName === 'REMOVE' &&
    identity?.type === TTL_PRINCIPAL.type &&
    identity.principalId === TTL_PRINCIPAL.principalId &&
    // `entity` is the table's ENTITY_ATTRIBUTE, spelt out as the audit archiver does: api/ imports no DynamoDB platform code.
    image?.entity?.S === 'referral'
  );
};

/** What the disposer needs: the disposal of a referral whose item TTL already removed. */
export interface DisposerDeps {
  readonly disposal: {
    disposeExpired(oldImage: Record<string, unknown>): Promise<{ itemsDeleted: number; eventWritten: boolean }>;
  };
}

/** The disposer's Lambda handler. */
export const createDisposerHandler =
  (deps: DisposerDeps) =>
  async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    let disposed = 0;
    let itemsDeleted = 0;
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    const response = await processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        // The mapping's filter lets only these through; a record it would not is ignored, not failed.
        if (!isExpiredReferral(record)) return;
        const oldImage = unmarshall(record.dynamodb!.OldImage as Record<string, AttributeValue>);
        const result = await deps.disposal.disposeExpired(oldImage);
        disposed += 1;
        itemsDeleted += result.itemsDeleted;
      },
      processor,
      { ...(context ? { context } : {}), throwOnFullBatchFailure: false, processInParallel: false },
    );
    logger.info('Disposed of referrals past their retention', {
      records: event.Records.length,
      disposed,
      itemsDeleted,
      failed: response.batchItemFailures.length,
    });
    return response;
  };
