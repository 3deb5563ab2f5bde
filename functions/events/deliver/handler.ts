/**
 * Delivery worker: consumes the `deliveries` queue, one job per message, and makes one
 * attempt to deliver one event to one webhook or email subscription. A failed attempt is
 * recorded and re-queued with backoff (the message itself succeeds), the last one
 * dead-lettered; a slow receiver holds up only its own message.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { AttemptInProgressError, deliver, DeliveryJobSchema } from '../../../shared/subscriptions/domain/delivery.ts';
import { logger } from '../../../shared/platform/http/logger.ts';
import { deliveryBackoffBaseMs, deliveryRepository, eventConfig, webhookTransport, workerAdapters } from '../../../shared/wiring/deliver.ts';

/** A queue message that is not a delivery job (named by field paths, never values). */
class MalformedJobError extends Error {
  override readonly name = 'MalformedJobError';
}

const parseJob = (body: string) => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedJobError('Message body is not JSON.');
  }
  const result = DeliveryJobSchema.safeParse(json);
  if (!result.success) {
    throw new MalformedJobError(`Message is not a delivery job (${[...new Set(result.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ')}).`);
  }
  return result.data;
};

const recordHandler = async (record: SQSRecord): Promise<void> => {
  let ids: Record<string, unknown> = { messageId: record.messageId };
  try {
    const job = parseJob(record.body);
    ids = { ...ids, eventId: job.event.id, subscriptionId: job.subscriptionId, attempt: job.attempt };
    const adapters = workerAdapters();
    const result = await deliver(job, {
      repository: deliveryRepository,
      deliveryQueue: adapters.deliveryQueue,
      sealer: adapters.sealer,
      mailer: adapters.mailer,
      webhookTransport,
      webhookPolicy: eventConfig.webhookPolicy,
      faultRate: eventConfig.faultRate,
      appBaseUrl: eventConfig.appBaseUrl,
      backoffBaseMs: deliveryBackoffBaseMs,
    });
    // Ids, outcome, status code and a short reason: never bodies, secrets, URLs or personal data.
    const level = result.status === 'delivered' || result.status === 'duplicate' || result.status === 'dropped' ? 'info' : 'warn';
    logger[level]('Delivery attempt', { ...ids, ...result });
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

/** SQS batch handler (ReportBatchItemFailures). Jobs of one batch are attempted in parallel. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  // A processor per invocation: it holds the batch's state, and the local runtime may run invocations concurrently.
  processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
