/**
 * The AWS adapter of the {@link EventBus} port: an EventBridge bus (PutEvents), and its
 * maker. Only the publisher's composition root imports this module, so only its bundle
 * holds the EventBridge client (the JSON-protocol client, aws-json-client.ts, decision record 49).
 */
import { type AwsJsonClient, awsJsonClient } from './aws-json-client.ts';
import { requiredSetting, type AwsAdapterMaker } from './on-first-use.ts';
import { EVENT_ENV } from '../config/environment.ts';
import { EVENT_SOURCE, type PublishedEvent } from '../../core/event-envelope.ts';
import type { EventBus } from '../../core/messaging-ports.ts';

/** PutEvents takes at most 10 entries per call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

/** Options of {@link EventBridgeBus}. */
export interface EventBridgeBusOptions {
  readonly eventBusName: string;
  /** An EventBridge client (only `call` is used); a default one otherwise. */
  readonly client?: Pick<AwsJsonClient, 'call'>;
}

/** One PutEvents entry, as the service takes it (`Time` in epoch seconds, the JSON protocol's timestamps). */
export interface PutEventsEntry {
  readonly EventBusName: string;
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly Time: number;
}

/** One PutEvents result entry. */
interface PutEventsResultEntry {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

/** The PutEvents entry of a published event: `source` jointly, `detail-type` = its type, `detail` = it. */
export const toPutEventsEntry = (event: PublishedEvent, eventBusName: string): PutEventsEntry => ({
  EventBusName: eventBusName,
  Source: EVENT_SOURCE,
  DetailType: event.type,
  Detail: JSON.stringify(event),
  Time: new Date(event.at).getTime() / 1000,
});

/**
 * Publishes to an EventBridge bus, ≤ 10 entries per PutEvents call. PutEvents may accept
 * some entries and reject others (throttling, internal errors): the rejected events' ids
 * are returned, and a call that fails outright fails all of its entries.
 */
export class EventBridgeBus implements EventBus {
  private readonly client: Pick<AwsJsonClient, 'call'>;
  private readonly eventBusName: string;

  constructor(options: EventBridgeBusOptions) {
    this.client = options.client ?? awsJsonClient('eventBridge');
    this.eventBusName = options.eventBusName;
  }

  async publish(events: readonly PublishedEvent[]): Promise<{ readonly failedIds: readonly string[] }> {
    const failedIds: string[] = [];
    for (let i = 0; i < events.length; i += PUT_EVENTS_MAX_ENTRIES) {
      const chunk = events.slice(i, i + PUT_EVENTS_MAX_ENTRIES);
      try {
        const { Entries = [] } = await this.client.call<{ Entries?: PutEventsResultEntry[] }>('PutEvents', {
          Entries: chunk.map((event) => toPutEventsEntry(event, this.eventBusName)),
        });
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

/** The EventBridge bus named by `JOINTLY_EVENT_BUS_NAME` (the publisher's). */
export const awsEventBus: AwsAdapterMaker<EventBus> = (config) =>
  new EventBridgeBus({ eventBusName: requiredSetting(config.eventBusName, EVENT_ENV.eventBusName, 'publish events') });
