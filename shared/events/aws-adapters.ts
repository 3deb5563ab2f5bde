/**
 * AWS adapters of the event-path ports: the EventBridge bus (PutEvents) and SQS job
 * queues (SendMessage). Deployed functions get them through `eventAdapters()`.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EVENT_SOURCE, type PublishedEvent } from './event-envelope.ts';
import type { EventBus, JobQueue } from './ports.ts';

/** PutEvents takes at most 10 entries per call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

/** SQS's longest message delay. */
export const SQS_MAX_DELAY_SECONDS = 900;

/** Options of {@link EventBridgeBus}. */
export interface EventBridgeBusOptions {
  readonly eventBusName: string;
  /** An EventBridge client (only `send` is used); a default one otherwise. */
  readonly client?: Pick<EventBridgeClient, 'send'>;
}

/** The PutEvents entry of a published event: `source` jointly, `detail-type` = its type, `detail` = it. */
export const toPutEventsEntry = (event: PublishedEvent, eventBusName: string): PutEventsRequestEntry => ({
  EventBusName: eventBusName,
  Source: EVENT_SOURCE,
  DetailType: event.type,
  Detail: JSON.stringify(event),
  Time: new Date(event.at),
});

/**
 * Publishes to an EventBridge bus, ≤ 10 entries per PutEvents call. PutEvents may accept
 * some entries and reject others (throttling, internal errors): the rejected events' ids
 * are returned, and a call that fails outright fails all of its entries.
 */
export class EventBridgeBus implements EventBus {
  private readonly client: Pick<EventBridgeClient, 'send'>;
  private readonly eventBusName: string;

  constructor(options: EventBridgeBusOptions) {
    this.client = options.client ?? new EventBridgeClient({});
    this.eventBusName = options.eventBusName;
  }

  async publish(events: readonly PublishedEvent[]): Promise<{ readonly failedIds: readonly string[] }> {
    const failedIds: string[] = [];
    for (let i = 0; i < events.length; i += PUT_EVENTS_MAX_ENTRIES) {
      const chunk = events.slice(i, i + PUT_EVENTS_MAX_ENTRIES);
      try {
        const { Entries = [] } = await this.client.send(
          new PutEventsCommand({ Entries: chunk.map((event) => toPutEventsEntry(event, this.eventBusName)) }),
        );
        // Result entries are positional: an entry with an error code (or none at all) failed.
        chunk.forEach((event, j) => {
          const entry = Entries[j];
          if (!entry || entry.ErrorCode || !entry.EventId) failedIds.push(event.id);
        });
      } catch {
        failedIds.push(...chunk.map((event) => event.id));
      }
    }
    return { failedIds };
  }
}

/** Options of {@link SqsJobQueue}. */
export interface SqsJobQueueOptions {
  readonly queueUrl: string;
  /** An SQS client (only `send` is used); a default one otherwise. */
  readonly client?: Pick<SQSClient, 'send'>;
}

/** A delay SQS accepts: whole seconds from 0 to 900. */
export const sqsDelaySeconds = (delaySeconds: number | undefined): number =>
  Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds ?? 0)));

/** A job queue on SQS: one message per job, its JSON as the body, delayed up to 15 minutes. */
export class SqsJobQueue<T> implements JobQueue<T> {
  private readonly client: Pick<SQSClient, 'send'>;
  private readonly queueUrl: string;

  constructor(options: SqsJobQueueOptions) {
    this.client = options.client ?? new SQSClient({});
    this.queueUrl = options.queueUrl;
  }

  async send(job: T, delaySeconds?: number): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job), DelaySeconds: sqsDelaySeconds(delaySeconds) }),
    );
  }
}
