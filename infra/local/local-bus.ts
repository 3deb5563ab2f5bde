/**
 * The local EventBridge bus: wraps each published event in EventBridge's envelope and
 * sends it to the queue of every rule of `BUS_RULES` whose pattern matches (the same
 * patterns the CDK rules deploy, applied by the same matcher), as EventBridge's SQS
 * targets do: the message body is the whole envelope.
 */
import { randomUUID } from 'node:crypto';
import { BUS_RULES, type BusRule, type QueueName } from '../../shared/wiring/bus-rules.ts';
import { EVENT_SOURCE, type BusEvent, type PublishedEvent } from '../../shared/core/event-envelope.ts';
import { matchesPattern } from '../../shared/core/event-pattern.ts';
import type { EventBus } from '../../shared/core/messaging-ports.ts';

/** EventBridge's envelope around a published event, as a rule target receives it. */
export interface EventBridgeEnvelope extends BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
}

/** Where a rule's matches go: something that takes a message body. */
export interface RuleTarget {
  sendBody(body: string): void | Promise<void>;
}

/** Options of {@link LocalBus}. */
export interface LocalBusOptions {
  readonly targets: Readonly<Record<QueueName, RuleTarget>>;
  readonly rules?: readonly BusRule[];
  readonly account?: string;
  readonly region?: string;
}

/** The envelope EventBridge puts around `event` (its `time` at second precision, as EventBridge gives it). */
export const toEventBridgeEnvelope = (event: PublishedEvent, account = '000000000000', region = 'local'): EventBridgeEnvelope => ({
  version: '0',
  id: randomUUID(),
  'detail-type': event.type,
  source: EVENT_SOURCE,
  account,
  time: new Date(event.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region,
  resources: [],
  detail: event,
});

/** An in-process {@link EventBus} routing by the bus rules. */
export class LocalBus implements EventBus {
  private readonly targets: Readonly<Record<QueueName, RuleTarget>>;
  private readonly rules: readonly BusRule[];
  private readonly account: string;
  private readonly region: string;

  constructor(options: LocalBusOptions) {
    this.targets = options.targets;
    this.rules = options.rules ?? BUS_RULES;
    this.account = options.account ?? '000000000000';
    this.region = options.region ?? 'local';
  }

  async publish(events: readonly PublishedEvent[]): Promise<{ readonly failedIds: readonly string[] }> {
    const failedIds: string[] = [];
    for (const event of events) {
      const envelope = toEventBridgeEnvelope(event, this.account, this.region);
      try {
        for (const rule of this.rules) {
          if (matchesPattern(rule.pattern, envelope)) await this.targets[rule.target].sendBody(JSON.stringify(envelope));
        }
      } catch {
        failedIds.push(event.id);
      }
    }
    return { failedIds };
  }
}
