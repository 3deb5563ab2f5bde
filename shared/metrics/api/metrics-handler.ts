/**
 * Metrics consumer: consumes the `metrics` queue (every event that moves a figure, from
 * the bus rule) and keeps the programme's evaluation counters incrementally — idempotent
 * per event, commutative across events (README "Metrics") — then publishes the business
 * metrics as EMF. Partial batch responses: only failed messages are received again. Built
 * on its dependencies by shared/wiring/metrics.ts.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { countMessages, type MetricsConsumerDeps } from '../domain/metrics-consumer.ts';
import { logger } from '../../platform/http/logger.ts';

/** The SQS batch handler (ReportBatchItemFailures) on `deps`: the counter cells and the EMF sink. */
export const createMetricsHandler =
  (deps: MetricsConsumerDeps) =>
  async (event: SQSEvent, _context: Context): Promise<SQSBatchResponse> => {
    const result = await countMessages(event.Records, deps);
    for (const skip of result.skipped) {
      // An event that should count but lacks data is a bug upstream: visible, but not retried for ever.
      if (skip.incomplete) logger.warn('Event not counted', { eventId: skip.eventId, reason: skip.reason });
      else logger.debug('Event not counted', { eventId: skip.eventId, reason: skip.reason });
    }
    for (const failure of result.failed) logger.warn('Metrics failed; message will be retried', failure);
    logger.info('Metrics counted', {
      messages: event.Records.length,
      counted: result.counted,
      duplicates: result.duplicates,
      skipped: result.skipped.length,
      failed: result.failed.length,
    });
    return { batchItemFailures: result.failed.map((f) => ({ itemIdentifier: f.messageId })) };
  };
