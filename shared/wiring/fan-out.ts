/**
 * Composition root of the fan-out worker: the workers' repository (events.ts) and the one
 * event-path adapter it uses, the delivery queue. The Lambda entry takes the defaults (a
 * DynamoDB client of its own, SQS made on first use); the local runtime and tests pass theirs.
 */
import type { DocumentClient } from '../platform/dynamodb/document-client.ts';
import { awsDeliveryQueue } from '../platform/aws/aws-job-queue.ts';
import { jobQueueOnFirstUse } from '../platform/aws/on-first-use.ts';
import { loadEventConfig } from '../platform/config/event-config.ts';
import { createFanOutHandler } from '../subscriptions/api/fan-out-handler.ts';
import type { DeliveryJob, JobQueue } from '../core/messaging-ports.ts';
import { deliveryRepositoryOn, holdOptionsFrom } from './events.ts';

/** What the fan-out worker can be given instead of its defaults. */
export interface FanOutAdapters {
  readonly documentClient?: DocumentClient;
  readonly deliveryQueue?: JobQueue<DeliveryJob>;
}

/** The fan-out worker's handler on `adapters`, the AWS ones for what they leave out. */
export const fanOutHandler = (adapters: FanOutAdapters = {}) =>
  createFanOutHandler({
    repository: deliveryRepositoryOn(adapters.documentClient),
    deliveryQueue: adapters.deliveryQueue ?? jobQueueOnFirstUse(() => awsDeliveryQueue(loadEventConfig())),
    holdOptions: holdOptionsFrom(),
  });
