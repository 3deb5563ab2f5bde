/**
 * The delivery queue for functions that queue only on some requests: the delivery worker
 * (a retry after a failed attempt) and the subscription API (a redrive). Its maker loads
 * the SQS adapter (aws-job-queue.ts) by `import()` on the first send, so their bundles
 * carry it as a chunk their cold starts do not load.
 * The fan-out queues on nearly every invocation and imports aws-job-queue.ts directly.
 */
import type { AwsAdapterMaker } from './on-first-use.ts';
import type { DeliveryQueueMessage, JobQueue } from '../../core/messaging-ports.ts';

/** The SQS queue of delivery jobs at `JOINTLY_DELIVERY_QUEUE_URL`, its module loaded on the first send. */
export const awsDeliveryQueueOnDemand: AwsAdapterMaker<JobQueue<DeliveryQueueMessage>> = async (config) =>
  (await import('./aws-job-queue.ts')).awsDeliveryQueue(config);
