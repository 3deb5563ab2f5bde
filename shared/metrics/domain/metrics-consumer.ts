/**
 * The metrics consumer's work on one batch of bus messages: parse each (a malformed one
 * fails alone and is retried, then dead-lettered), turn each event into counter deltas
 * (`metricsOfEvent`), record the batch exactly once per event (the repository's one
 * transaction of consumed-markers and ADDs), then publish the newly counted events'
 * business metrics as EMF. Redelivered events are duplicates, not errors.
 */
import { metricsOfEvent, type EmfMetric } from './event-metrics.ts';
import type { BusinessMetricsSink, EventDeltas, MetricsRecorder, RecordResult } from './ports.ts';
import { parseBusMessage } from '../../core/bus-message.ts';

/** What the consumer needs. */
export interface MetricsConsumerDeps {
  readonly repository: MetricsRecorder;
  readonly sink: BusinessMetricsSink;
  readonly now?: () => Date;
}

/** A message of the batch. */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
}

/** What one batch did (counts and failed message ids, for the log line and the batch response). */
export interface MetricsBatchResult {
  readonly counted: number;
  readonly duplicates: number;
  /** Events that move no figure (or lack the data to), with why. */
  readonly skipped: readonly { readonly eventId: string; readonly reason: string; readonly incomplete: boolean }[];
  /** Messages to receive again, and why (error names or our own messages, never bodies). */
  readonly failed: readonly { readonly messageId: string; readonly eventId?: string; readonly error: string; readonly reason?: string }[];
}

/** Counts a batch of bus messages. */
export const countMessages = async (messages: readonly QueueMessage[], deps: MetricsConsumerDeps): Promise<MetricsBatchResult> => {
  const failed: { messageId: string; eventId?: string; error: string; reason?: string }[] = [];
  const skipped: { eventId: string; reason: string; incomplete: boolean }[] = [];
  const toCount: (EventDeltas & { messageId: string; serviceArea: string; emf: readonly EmfMetric[] })[] = [];
  for (const message of messages) {
    let event: ReturnType<typeof parseBusMessage>;
    try {
      event = parseBusMessage(message.body);
    } catch (error) {
      failed.push({ messageId: message.messageId, error: (error as Error).name, reason: (error as Error).message });
      continue;
    }
    const metrics = metricsOfEvent(event);
    if (!metrics.counted) {
      skipped.push({ eventId: event.id, reason: metrics.reason, incomplete: metrics.incomplete });
      continue;
    }
    toCount.push({
      messageId: message.messageId,
      eventId: event.id,
      referralId: event.referralId,
      cells: metrics.cells,
      serviceArea: metrics.serviceArea,
      emf: metrics.emf,
    });
  }
  if (toCount.length === 0) return { counted: 0, duplicates: 0, skipped, failed };

  let result: RecordResult;
  try {
    result = await deps.repository.record(toCount, deps.now?.() ?? new Date());
  } catch (error) {
    // Nothing of the batch was written (one transaction): every countable message is retried.
    const name = (error as Error)?.name ?? 'Error';
    for (const item of toCount) failed.push({ messageId: item.messageId, eventId: item.eventId, error: name });
    return { counted: 0, duplicates: 0, skipped, failed };
  }
  const counted = new Set(result.counted);
  // Only events counted now: a redelivery publishes nothing twice.
  const fresh = toCount.filter((item) => counted.has(item.eventId));
  deps.sink.publish(fresh.map((item) => ({ serviceArea: item.serviceArea, metrics: item.emf })));
  return { counted: result.counted.length, duplicates: result.duplicates.length, skipped, failed };
};
