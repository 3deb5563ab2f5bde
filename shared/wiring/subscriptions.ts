/**
 * Composition root of the subscription, delivery and alert handlers: configuration read
 * and validated once per cold start, the DynamoDB adapter and the event-path adapters
 * (sealer, delivery queue) plugged into the subscription service. The handlers that page
 * also need the cursor key: they import subscription-lists.ts, so the others neither
 * bundle the Secrets Manager client nor call it at cold start.
 *
 * `subscriptionWiring` is the deployed one (KMS sealer and SQS queue, each made, and its
 * module loaded, on first use). The handlers that seal or queue (create,
 * redrive) are built from a wiring, so the local runtime builds them again on its own
 * (`createSubscriptionWiring` with its sealer and queue); the others use no event-path
 * adapter and run on this one everywhere.
 */
import type { DocumentClient } from '../platform/dynamodb/document-client.ts';
import { newUlid } from '../core/ids.ts';
import { emailDomainsByOrg, ORGANISATIONS } from '../core/organisations.ts';
import { loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { systemResolver } from '../subscriptions/data/system-resolver.ts';
import { DynamoSubscriptionRepository } from '../subscriptions/data/subscription-repository.ts';
import { SubscriptionService } from '../subscriptions/domain/subscription-service.ts';
import { awsDeliveryQueueOnDemand } from '../platform/aws/aws-job-queue-on-demand.ts';
import { awsSealer } from '../subscriptions/data/aws-sealer.ts';
import { jobQueueOnFirstUse, sealerOnFirstUse } from '../platform/aws/on-first-use.ts';
import { loadEventConfig } from '../platform/config/event-config.ts';
import type { DeliveryJob, JobQueue, SecretSealer } from '../core/messaging-ports.ts';

/** What the subscription handlers can be given instead of their defaults. */
export interface SubscriptionAdapters {
  readonly documentClient?: DocumentClient;
  /** Seals webhook secrets; the delivery worker must open them with the same key. */
  readonly sealer?: SecretSealer;
  /** Where redriven deliveries are queued. */
  readonly deliveryQueue?: JobQueue<DeliveryJob>;
}

/** The subscription handlers' dependencies. */
export interface SubscriptionWiring {
  /** The DynamoDB client the repository uses. */
  readonly documentClient: DocumentClient;
  readonly subscriptionRepository: DynamoSubscriptionRepository;
  /** The subscription use cases. */
  readonly subscriptionService: SubscriptionService;
}

/** The subscription wiring on `adapters`, the AWS ones for what they leave out. Configuration is read now. */
export const createSubscriptionWiring = (adapters: SubscriptionAdapters = {}): SubscriptionWiring => {
  const config = loadRuntimeConfig();
  const eventConfig = loadEventConfig();
  const documentClient = adapters.documentClient ?? createDocumentClient({ endpoint: config.dynamodbEndpoint });
  const subscriptionRepository = new DynamoSubscriptionRepository({ client: documentClient, tableName: requireTableName(config) });
  const deliveryQueue = adapters.deliveryQueue ?? jobQueueOnFirstUse(() => awsDeliveryQueueOnDemand(eventConfig));
  const subscriptionService = new SubscriptionService({
    repository: subscriptionRepository,
    sealer: adapters.sealer ?? sealerOnFirstUse(() => awsSealer(eventConfig)),
    deliveryQueue: () => deliveryQueue,
    organisations: ORGANISATIONS.map((org) => org.id),
    emailDomains: emailDomainsByOrg(config.orgEmailDomains),
    subscriptionCap: config.subscriptionCap,
    webhookPolicy: eventConfig.webhookPolicy,
    resolve: systemResolver,
    newId: newUlid,
  });
  return { documentClient, subscriptionRepository, subscriptionService };
};

/** The wiring of this function instance: AWS adapters, each made on first use. */
export const subscriptionWiring: SubscriptionWiring = createSubscriptionWiring();

export const { subscriptionRepository, subscriptionService } = subscriptionWiring;
