/**
 * Composition root of the subscription, delivery and alert handlers: configuration read
 * and validated once per cold start, the DynamoDB adapter and the event-path adapters
 * (sealer, delivery queue) plugged into the subscription service. The handlers that page
 * also need the cursor key: they import subscription-lists.ts, so the others neither
 * bundle the Secrets Manager client nor call it at cold start.
 */
import { newUlid } from '../core/ids.ts';
import { emailDomainsByOrg, ORGANISATIONS } from '../core/organisations.ts';
import { loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { DynamoSubscriptionRepository } from '../subscriptions/data/subscription-repository.ts';
import { SubscriptionService } from '../subscriptions/domain/subscription-service.ts';
import { eventAdaptersOf } from '../platform/aws/adapter-registry.ts';
import { awsDeliveryQueue } from '../platform/aws/aws-job-queue.ts';
import { awsSealer } from '../platform/aws/aws-sealer.ts';
import { loadEventConfig } from '../platform/config/event-config.ts';
import type { SecretSealer } from '../core/messaging-ports.ts';

const config = loadRuntimeConfig();
const eventConfig = loadEventConfig();

/** The DynamoDB repository of this function instance. */
export const subscriptionRepository = new DynamoSubscriptionRepository({
  client: createDocumentClient({ endpoint: config.dynamodbEndpoint }),
  tableName: requireTableName(config),
});

/**
 * The event-path adapters are resolved per use, not at import: the local runtime's
 * registration if there is one (so a registration made after import counts), else the AWS
 * adapters these functions use (KMS sealer, SQS queue), each configured on first use.
 * Secrets are sealed with the very sealer the delivery worker opens them with.
 */
const eventAdapters = eventAdaptersOf({ sealer: awsSealer, deliveryQueue: awsDeliveryQueue });

const sealer: SecretSealer = {
  seal: (plaintext, context) => eventAdapters().sealer.seal(plaintext, context),
  open: (sealed, context) => eventAdapters().sealer.open(sealed, context),
};

/** The subscription use cases of this function instance. */
export const subscriptionService = new SubscriptionService({
  repository: subscriptionRepository,
  sealer,
  deliveryQueue: () => eventAdapters().deliveryQueue,
  organisations: ORGANISATIONS.map((org) => org.id),
  emailDomains: emailDomainsByOrg(config.orgEmailDomains),
  subscriptionCap: config.subscriptionCap,
  webhookPolicy: eventConfig.webhookPolicy,
  newId: newUlid,
});
