/**
 * Composition root of the delivery worker: the workers' repository (events.ts) and the
 * event-path adapters it uses: the delivery queue for retries, the sealer that opens
 * webhook secrets, the mailer and the pinned webhook transport. The Lambda entry takes the
 * defaults (SQS, KMS, SES, each made, and its module loaded, on first use;
 * Node's HTTP client for webhooks); the local runtime and tests pass theirs.
 */
import type { DocumentClient } from '../platform/dynamodb/document-client.ts';
import { awsDeliveryQueueOnDemand } from '../platform/aws/aws-job-queue-on-demand.ts';
import { awsMailer } from '../subscriptions/data/aws-mailer.ts';
import { awsSealer } from '../subscriptions/data/aws-sealer.ts';
import { postPinned } from '../subscriptions/data/webhook-transport.ts';
import { jobQueueOnFirstUse, mailerOnFirstUse, sealerOnFirstUse } from '../platform/aws/on-first-use.ts';
import { loadEventConfig } from '../platform/config/event-config.ts';
import { createDeliverHandler } from '../subscriptions/api/deliver-handler.ts';
import type { DeliverDeps } from '../subscriptions/domain/delivery.ts';
import type { DeliveryQueueMessage, JobQueue, Mailer, SecretSealer } from '../core/messaging-ports.ts';
import { deliveryBackoffBaseMs, deliveryRepositoryOn } from './events.ts';
import type { WebhookTransport } from '../subscriptions/domain/ports.ts';
import type { WebhookPolicy } from '../subscriptions/domain/webhook-url.ts';

/** What the delivery worker can be given instead of its defaults. */
export interface DeliverAdapters {
  readonly documentClient?: DocumentClient;
  readonly deliveryQueue?: JobQueue<DeliveryQueueMessage>;
  readonly sealer?: SecretSealer;
  readonly mailer?: Mailer;
  /** Sends webhook POSTs; default: the pinned transport under the stage's policy. */
  readonly webhookTransport?: WebhookTransport;
  /** Wraps each attempt's call-out (the local runtime's fault injection); none by default. */
  readonly callOut?: DeliverDeps['callOut'];
}

/** The pinned webhook transport under `policy` (Node's own HTTP client: nothing to load lazily). */
const pinnedWebhookTransport = (policy: WebhookPolicy): WebhookTransport => ({
  post: (url, request) => postPinned(url, request, policy),
});

/** The delivery worker's handler on `adapters`, the AWS ones for what they leave out. Configuration is read now. */
export const deliverHandler = (adapters: DeliverAdapters = {}) => {
  const eventConfig = loadEventConfig();
  return createDeliverHandler({
    repository: deliveryRepositoryOn(adapters.documentClient),
    deliveryQueue: adapters.deliveryQueue ?? jobQueueOnFirstUse(() => awsDeliveryQueueOnDemand(eventConfig)),
    sealer: adapters.sealer ?? sealerOnFirstUse(() => awsSealer(eventConfig)),
    mailer: adapters.mailer ?? mailerOnFirstUse(() => awsMailer(eventConfig)),
    webhookTransport: adapters.webhookTransport ?? pinnedWebhookTransport(eventConfig.webhookPolicy),
    webhookPolicy: eventConfig.webhookPolicy,
    appBaseUrl: eventConfig.appBaseUrl,
    backoffBaseMs: deliveryBackoffBaseMs(),
    ...(adapters.callOut ? { callOut: adapters.callOut } : {}),
  });
};
