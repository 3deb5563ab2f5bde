/**
 * The outbox publisher: the table's stream (filtered to inserted event items, see
 * `JOINTLY_TABLE.outboxStreamFilter`) → the event bus. In AWS a DynamoDB event source
 * mapping with `ReportBatchItemFailures` invokes the handler this builds
 * (functions/events/publisher, wired by shared/wiring/publisher.ts); locally the stream
 * poller invokes the same handler, built on the local bus, with the same `DynamoDBStreamEvent` batches.
 *
 * Order and failures: a batch is published in stream order, ≤ 10 events per PutEvents call
 * and at most one per referral in a call, and publishing stops at the first call with a
 * failure. Events the bus rejected are reported in `batchItemFailures`, and so is every
 * record after them that was not attempted, so the retry (which resumes at the lowest
 * failed sequence number) re-sends as little as possible and a referral's later event is
 * never published before an earlier one that failed. Nothing is skipped: a record that
 * cannot be published fails, and the stream holds it until it can. Delivery is still
 * at-least-once — a call can accept part of its entries, and the accepted ones after the
 * first rejected one are sent again on the retry — so consumers dedupe on the event id.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ENTITY_ATTRIBUTE } from './table-definition.ts';
import { toPublishedEvent, type PublishedEvent } from '../../core/event-envelope.ts';
import type { EventBus } from '../../core/messaging-ports.ts';
import { logger } from '../http/logger.ts';

/** Events per bus call: PutEvents' limit. */
const EVENTS_PER_CALL = 10;

/** The bus rejected the event (PutEvents entry error or failed call). */
export class PublishFailedError extends Error {
  override readonly name = 'PublishFailedError';
}

/** Not attempted: an earlier record of the batch failed, and order is kept. */
export class HeldBackError extends Error {
  override readonly name = 'HeldBackError';
}

/** The stream record's item is an event item that is not a valid event (a bug: it stays in the stream). */
export class MalformedEventItemError extends Error {
  override readonly name = 'MalformedEventItemError';
}

/** What the publisher needs. */
export interface PublisherDeps {
  /** The bus to publish to (EventBridge deployed, the in-process bus locally). */
  readonly bus: EventBus;
}

type Parsed = { readonly record: DynamoDBRecord; readonly event?: PublishedEvent; readonly error?: Error };

/** The event a stream record carries, `undefined` when it is not an event item (nothing to publish). */
const parseRecord = (record: DynamoDBRecord): Parsed => {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return { record };
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (item[ENTITY_ATTRIBUTE] !== 'event') return { record };
  try {
    return { record, event: toPublishedEvent(item) };
  } catch {
    // The item's content is never logged (its comment is free text): its key says which.
    return { record, error: new MalformedEventItemError(`Event item ${String(item.pk)} ${String(item.sk)} is not a valid event.`) };
  }
};

/**
 * Publishes the batch's events in order and returns the failure of each record that was
 * not published (by sequence number).
 */
const publishInOrder = async (records: readonly DynamoDBRecord[], bus: EventBus): Promise<Map<string, Error>> => {
  const failures = new Map<string, Error>();
  const parsed = records.map(parseRecord);
  const sequenceOf = (p: Parsed) => p.record.dynamodb?.SequenceNumber ?? '';
  let stopped = false;
  let i = 0;
  while (i < parsed.length) {
    if (stopped) {
      failures.set(sequenceOf(parsed[i]!), new HeldBackError('An earlier record of this batch was not published.'));
      i += 1;
      continue;
    }
    const current = parsed[i]!;
    if (current.error) {
      failures.set(sequenceOf(current), current.error);
      stopped = true;
      i += 1;
      continue;
    }
    // The next run of publishable records: ≤ 10 events, at most one per referral (records with
    // nothing to publish ride along). A call that accepts some entries and rejects others can
    // then never let a referral's later event through ahead of an earlier one.
    const chunk: Parsed[] = [];
    const referrals = new Set<string>();
    while (i < parsed.length && !parsed[i]!.error) {
      const next = parsed[i]!.event;
      if (next && (referrals.size === EVENTS_PER_CALL || referrals.has(next.referralId))) break;
      if (next) referrals.add(next.referralId);
      chunk.push(parsed[i]!);
      i += 1;
    }
    const sending = chunk.filter((p) => p.event);
    let failedIds = new Set<string>();
    if (sending.length > 0) {
      try {
        failedIds = new Set((await bus.publish(sending.map((p) => p.event!))).failedIds);
      } catch {
        failedIds = new Set(sending.map((p) => p.event!.id));
      }
    }
    for (const p of sending)
      if (failedIds.has(p.event!.id))
        failures.set(sequenceOf(p), new PublishFailedError(`Event ${p.event!.id} was not accepted by the bus.`));
    if (failedIds.size > 0) stopped = true;
  }
  return failures;
};

/** The publisher's Lambda handler, publishing to `deps.bus`. */
export const createPublisherHandler =
  (deps: PublisherDeps) =>
  async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    const failures = await publishInOrder(event.Records, deps.bus);
    if (failures.size > 0) {
      const counts: Record<string, number> = {};
      for (const error of failures.values()) counts[error.name] = (counts[error.name] ?? 0) + 1;
      logger.warn('Some stream records were not published; they will be retried', { records: event.Records.length, ...counts });
    }
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    return processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        const error = failures.get(record.dynamodb?.SequenceNumber ?? '');
        if (error) throw error;
      },
      processor,
      { ...(context ? { context } : {}), throwOnFullBatchFailure: false, processInParallel: false },
    );
  };
