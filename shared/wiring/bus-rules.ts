/**
 * The bus's rules: one source for the CDK EventBridge rules and the local in-process bus.
 * Each rule sends matching events to one queue; each queue has one consumer function (the
 * function whose event source is that queue: infra/function-settings.ts, `consumerOf`).
 */
import { METRIC_EVENT_TYPES } from '../metrics/domain/event-metrics.ts';
import { EVENT_SOURCE } from '../core/event-envelope.ts';
import type { EventPattern } from '../core/event-pattern.ts';

/** A rule: events matching `pattern` go to the queue `target`. */
export interface BusRule {
  readonly id: string;
  readonly description: string;
  readonly pattern: EventPattern;
  readonly target: QueueName;
}

/** The queues of the event path, and how often a message is received before its dead-letter queue. */
export const QUEUES = {
  /** Events to fan out to subscriptions (inbox alerts, delivery jobs). */
  fanOut: { maxReceiveCount: 5 },
  /** One message per webhook/email delivery: a slow endpoint delays only its own messages. */
  deliveries: { maxReceiveCount: 3 },
  /** Events that move a programme evaluation figure, to the metrics consumer (counters + EMF). */
  metrics: { maxReceiveCount: 5 },
} as const;
export type QueueName = keyof typeof QUEUES;

export const BUS_RULES: readonly BusRule[] = [
  {
    id: 'fanOut',
    description: 'Every Jointly event, to the subscription fan-out',
    pattern: { source: [EVENT_SOURCE] },
    target: 'fanOut',
  },
  {
    id: 'metrics',
    description: 'Every Jointly event that moves a programme evaluation figure, to the metrics consumer',
    pattern: { source: [EVENT_SOURCE], 'detail-type': [...METRIC_EVENT_TYPES] },
    target: 'metrics',
  },
];
