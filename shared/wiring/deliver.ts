/**
 * Composition root of the delivery worker: the workers' shared wiring (events.ts) and the
 * event-path adapters it uses: the delivery queue for retries (SQS in AWS), the sealer
 * that opens webhook secrets (KMS) and the mailer (SES).
 */
import { eventAdaptersOf } from '../platform/aws/adapter-registry.ts';
import { awsDeliveryQueue } from '../platform/aws/aws-job-queue.ts';
import { awsMailer } from '../platform/aws/aws-mailer.ts';
import { awsSealer } from '../platform/aws/aws-sealer.ts';

export { deliveryBackoffBaseMs, deliveryRepository, eventConfig } from './events.ts';

/**
 * The adapters to use now: the local runtime's registration if there is one, else the AWS
 * ones (the bus fails if used). Resolved per invocation, so a registration made after
 * import counts.
 */
export const workerAdapters = eventAdaptersOf({ deliveryQueue: awsDeliveryQueue, sealer: awsSealer, mailer: awsMailer });
