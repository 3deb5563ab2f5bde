/**
 * `allOnOneBatch`: the record keeper's several use cases on one stream batch (decision 61).
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { allOnOneBatch, type StreamBatchHandler } from '#shared/platform/dynamodb/stream-batch.ts';

const batch = (...sequenceNumbers: string[]): DynamoDBStreamEvent => ({
  Records: sequenceNumbers.map((SequenceNumber) => ({ eventName: 'INSERT', dynamodb: { SequenceNumber } })),
});

/** A handler that records the batches it saw and fails the given records. */
const failing = (...failed: string[]) => {
  const seen: string[][] = [];
  const handler: StreamBatchHandler = async (event) => {
    seen.push(event.Records.map((r) => r.dynamodb!.SequenceNumber!));
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
  return { handler, seen };
};

describe('allOnOneBatch', () => {
  it('gives every handler the whole batch', async () => {
    // Prepare
    const first = failing();
    const second = failing();

    // Act
    const response = await allOnOneBatch(first.handler, second.handler)(batch('1', '2', '3'));

    // Assess
    expect(first.seen).toEqual([['1', '2', '3']]);
    expect(second.seen).toEqual([['1', '2', '3']]);
    expect(response.batchItemFailures).toEqual([]);
  });

  it('reports the failures of every handler, each record once', async () => {
    // Prepare
    const archive = failing('3');
    const dispose = failing('2', '3');

    // Act
    const response = await allOnOneBatch(archive.handler, dispose.handler)(batch('1', '2', '3', '4'));

    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['2', '3']);
  });

  it('fails the whole batch when a handler throws', async () => {
    // Prepare
    const broken: StreamBatchHandler = async () => {
      throw new Error('boom');
    };

    // Act
    const running = allOnOneBatch(failing().handler, broken)(batch('1'));

    // Assess
    await expect(running).rejects.toThrow('boom');
  });
});
