/**
 * Composition root of the fan-out worker: the workers' shared wiring (events.ts) and the
 * one event-path adapter it uses, the delivery queue (SQS in AWS).
 */
import { eventAdaptersOf } from '../platform/aws/adapter-registry.ts';
import { awsDeliveryQueue } from '../platform/aws/aws-job-queue.ts';

export { deliveryRepository } from './events.ts';

/**
 * The adapters to use now: the local runtime's registration if there is one, else the AWS
 * delivery queue (any other port fails if used). Resolved per invocation, so a
 * registration made after import counts.
 */
export const workerAdapters = eventAdaptersOf({ deliveryQueue: awsDeliveryQueue });
