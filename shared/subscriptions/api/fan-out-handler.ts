/**
 * Fan-out worker: consumes the `fanOut` queue (every Jointly event, from the bus rule) and
 * serves each event's subscriptions: inbox alerts, or one delivery job per webhook/email
 * subscription. Partial batch responses: only failed messages are retried; every step is
 * idempotent, so a retried or redelivered message duplicates nothing. A fan-out that would
 * outrun the invocation pauses (reported failed) and its retry resumes where it stopped.
 * Built on its dependencies by shared/wiring/fan-out.ts.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { MalformedMessageError, parseBusMessage } from '../../core/bus-message.ts';
import { fanOut, FanOutIncompleteError, type FanOutDeps } from '../domain/fan-out.ts';
import { logger } from '../../platform/http/logger.ts';

/** What the fan-out worker needs: its repository and the delivery queue. */
export type FanOutHandlerDeps = Pick<FanOutDeps, 'repository' | 'deliveryQueue' | 'holdOptions'>;

const handleRecord = async (record: SQSRecord, deps: FanOutHandlerDeps, context?: Context): Promise<void> => {
  let eventId: string | undefined;
  try {
    const event = parseBusMessage(record.body);
    eventId = event.id;
    const result = await fanOut(event, {
      repository: deps.repository,
      deliveryQueue: deps.deliveryQueue,
      ...(deps.holdOptions ? { holdOptions: deps.holdOptions } : {}),
      // Stop before the timeout rather than be cut off mid-page (a retry resumes from the recorded progress).
      ...(context?.getRemainingTimeInMillis ? { remainingTimeMs: () => context.getRemainingTimeInMillis() } : {}),
    });
    logger.info('Event fanned out', { eventId, type: event.type, ...result });
  } catch (error) {
    const ours = error instanceof MalformedMessageError || error instanceof FanOutIncompleteError;
    // Our messages are safe to log; a dependency's might echo input, so only its name.
    logger.warn('Fan-out failed; message will be retried', {
      messageId: record.messageId,
      ...(eventId ? { eventId } : {}),
      error: (error as Error)?.name ?? 'Error',
      ...(ours ? { reason: (error as Error).message } : {}),
    });
    throw error;
  }
};

/** The SQS batch handler (ReportBatchItemFailures) on `deps`. */
export const createFanOutHandler =
  (deps: FanOutHandlerDeps) =>
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    // A processor per invocation: it holds the batch's state, and the local runtime may run invocations concurrently.
    processPartialResponse(event, (record: SQSRecord) => handleRecord(record, deps, context), new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
