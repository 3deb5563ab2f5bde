/**
 * Several use cases on one DynamoDB stream batch, for one event source mapping: DynamoDB
 * advises no more than two readers per stream shard (decision 61), so consumers with no
 * latency promise share a mapping instead of each adding a reader.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

/** A stream handler reporting partial batch failures (`ReportBatchItemFailures`). */
export type StreamBatchHandler = (event: DynamoDBStreamEvent, context?: Context) => Promise<DynamoDBBatchResponse>;

/**
 * One handler running every one of `handlers` on the whole batch, concurrently; each ignores
 * the records its filter would not pass. Their failures are reported together: the mapping
 * resumes at the lowest failed record, so every handler sees the records after it again and
 * each must be safe to repeat. A handler that throws fails the whole batch.
 */
export const allOnOneBatch =
  (...handlers: readonly StreamBatchHandler[]): StreamBatchHandler =>
  async (event, context) => {
    const responses = await Promise.all(handlers.map((handler) => handler(event, context)));
    const failed = new Set(responses.flatMap((response) => response.batchItemFailures.map((failure) => failure.itemIdentifier)));
    return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
  };
