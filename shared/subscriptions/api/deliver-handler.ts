/**
 * Delivery worker: consumes the `deliveries` queue, one job per message, and makes one
 * attempt to deliver one event to one webhook or email subscription. A failed attempt is
 * recorded and re-queued with backoff (the message itself succeeds), the last one
 * dead-lettered; a slow receiver holds up only its own message. Built on its dependencies
 * by shared/wiring/deliver.ts (AWS adapters for the Lambda entry, local ones locally).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { AttemptInProgressError, deliver, DeliveryQueueMessageSchema, type DeliverDeps, type DeliverResult } from '../domain/delivery.ts';
import { deliveryIdOf, type DeliveryQueueMessage } from '../../core/messaging-ports.ts';
import { releaseWindow, type ReleaseDeps } from '../domain/release.ts';
import { logger } from '../../platform/http/logger.ts';

/** A queue message that is not a delivery job (named by field paths, never values). */
class MalformedJobError extends Error {
  override readonly name = 'MalformedJobError';
}

const parseJob = (body: string): DeliveryQueueMessage => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedJobError('Message body is not JSON.');
  }
  const result = DeliveryQueueMessageSchema.safeParse(json);
  if (!result.success) {
    throw new MalformedJobError(
      `Message is not a delivery job (${[...new Set(result.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ')}).`,
    );
  }
  return result.data as DeliveryQueueMessage;
};

/** One attempt's log line: ids, outcome, status code and a short reason; never bodies, secrets, URLs or personal data. */
const logAttempt = (ids: Record<string, unknown>, result: DeliverResult): void => {
  const level = result.status === 'delivered' || result.status === 'duplicate' || result.status === 'dropped' ? 'info' : 'warn';
  logger[level]('Delivery attempt', { ...ids, ...result });
};

const handleRecord = async (record: SQSRecord, deps: ReleaseDeps): Promise<void> => {
  let ids: Record<string, unknown> = { messageId: record.messageId };
  try {
    const job = parseJob(record.body);
    if (job.kind === 'release') {
      ids = { ...ids, subscriptionId: job.subscriptionId, sendAt: job.sendAt };
      const released = await releaseWindow(job, {
        ...deps,
        // Each send's outcome as a queued delivery's: the delivery metrics count both alike.
        observe: (sent, result) => logAttempt({ ...ids, ...sent, attempt: 1 }, result),
      });
      logger.info('Window released', { ...ids, ...released });
      return;
    }
    ids = {
      ...ids,
      [job.kind === 'digest' ? 'digestId' : 'eventId']: deliveryIdOf(job),
      subscriptionId: job.subscriptionId,
      attempt: job.attempt,
    };
    logAttempt(ids, await deliver(job, deps));
  } catch (error) {
    const ours = error instanceof MalformedJobError || error instanceof AttemptInProgressError;
    logger.warn('Delivery job failed; message will be retried', {
      ...ids,
      error: (error as Error)?.name ?? 'Error',
      ...(ours ? { reason: (error as Error).message } : {}),
    });
    throw error;
  }
};

/** The SQS batch handler (ReportBatchItemFailures) on `deps`. Jobs of one batch are attempted in parallel. */
export const createDeliverHandler =
  (deps: DeliverDeps & Pick<ReleaseDeps, 'repository'>) =>
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    // A processor per invocation: it holds the batch's state, and the local runtime may run invocations concurrently.
    processPartialResponse(
      event,
      (record: SQSRecord) =>
        handleRecord(record, {
          ...deps,
          // A release stops before the timeout rather than be cut off mid-send (its retry resumes).
          ...(context?.getRemainingTimeInMillis ? { remainingTimeMs: () => context.getRemainingTimeInMillis() } : {}),
        }),
      new BatchProcessor(EventType.SQS),
      { context, throwOnFullBatchFailure: false },
    );
