/**
 * Composition root of the outbox publisher: the one event-path adapter it uses, the bus.
 * The Lambda entry takes the default, EventBridge (made on first use, from
 * `JOINTLY_EVENT_BUS_NAME`); the local runtime passes its in-process bus.
 */
import { awsEventBus } from '../platform/aws/aws-event-bus.ts';
import { busOnFirstUse } from '../platform/aws/on-first-use.ts';
import { loadEventConfig } from '../platform/config/event-config.ts';
import { createPublisherHandler } from '../platform/dynamodb/outbox-publisher.ts';
import type { EventBus } from '../core/messaging-ports.ts';

/** What the publisher can be given instead of its AWS adapter. */
export interface PublisherAdapters {
  readonly bus?: EventBus;
}

/** The publisher's handler on `adapters`, EventBridge for what they leave out. */
export const publisherHandler = (adapters: PublisherAdapters = {}) =>
  createPublisherHandler({ bus: adapters.bus ?? busOnFirstUse(() => awsEventBus(loadEventConfig())) });
