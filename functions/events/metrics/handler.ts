/**
 * Metrics consumer: consumes the `metrics` queue (every event that moves a figure, from
 * the bus rule) and keeps the programme's evaluation counters incrementally — idempotent
 * per event, commutative across events (README "Metrics") — then publishes the business
 * metrics as EMF. Partial batch responses: only failed messages are received again.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { emfEnabled, PowertoolsEmfSink } from '../../../shared/metrics/data/emf.ts';
import { countMessages } from '../../../shared/metrics/domain/metrics-consumer.ts';
import { logger } from '../../../shared/platform/http/logger.ts';
import { metricsConfig, metricsRepository } from '../../../shared/wiring/metrics.ts';

const sink = new PowertoolsEmfSink({ stage: metricsConfig.stage, enabled: emfEnabled(metricsConfig.stage) });

/** SQS batch handler (ReportBatchItemFailures). */
export const handler = async (event: SQSEvent, _context: Context): Promise<SQSBatchResponse> => {
  const result = await countMessages(event.Records, { repository: metricsRepository, sink });
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
