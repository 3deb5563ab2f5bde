/**
 * Composition root of the delivery worker: the workers' shared wiring (events.ts) and the
 * event-path adapters it uses: the delivery queue for retries (SQS in AWS), the sealer
 * that opens webhook secrets (KMS), the mailer (SES) and the pinned webhook transport.
 */
import { eventAdaptersOf } from '../platform/aws/adapter-registry.ts';
import { awsDeliveryQueue } from '../platform/aws/aws-job-queue.ts';
import { awsMailer } from '../platform/aws/aws-mailer.ts';
import { awsSealer } from '../platform/aws/aws-sealer.ts';
import type { WebhookTransport } from '../subscriptions/domain/ports.ts';
import { eventConfig } from './events.ts';

export { deliveryBackoffBaseMs, deliveryRepository, eventConfig } from './events.ts';

/**
 * The pinned webhook transport under this stage's policy, loaded on the first webhook: a
 * worker that only sends e-mail never loads undici.
 */
export const webhookTransport: WebhookTransport = {
  post: async (url, request) => (await import('../subscriptions/data/webhook-transport.ts')).postPinned(url, request, eventConfig.webhookPolicy),
};

/**
 * The adapters to use now: the local runtime's registration if there is one, else the AWS
 * ones (the bus fails if used). Resolved per invocation, so a registration made after
 * import counts.
 */
export const workerAdapters = eventAdaptersOf({ deliveryQueue: awsDeliveryQueue, sealer: awsSealer, mailer: awsMailer });
