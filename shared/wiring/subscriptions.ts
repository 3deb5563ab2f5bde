/**
 * Composition root of the subscription, delivery and alert handlers: configuration read
 * and validated once per cold start, the DynamoDB adapter and the event-path adapters
 * (sealer, delivery queue) plugged into the subscription service.
 */
import { ulid } from 'ulid';
import { ORGANISATIONS } from '../config/organisations.ts';
import { loadRuntimeConfig, requireTableName } from '../config/runtime-config.ts';
import { loadApiSecrets } from '../config/secrets.ts';
import { createDocumentClient } from '../data/dynamo-client.ts';
import { DynamoSubscriptionRepository } from '../data/subscription-repository.ts';
import { SubscriptionService } from '../domain/subscription-service.ts';
import { eventAdapters } from '../events/adapters.ts';
import { loadEventConfig } from '../events/event-config.ts';
import type { SecretSealer } from '../events/ports.ts';

const config = loadRuntimeConfig();
const eventConfig = loadEventConfig();
const secrets = await loadApiSecrets(config);

/** The DynamoDB repository of this function instance. */
export const subscriptionRepository = new DynamoSubscriptionRepository({
  client: createDocumentClient({ endpoint: config.dynamodbEndpoint }),
  tableName: requireTableName(config),
});

/**
 * The event-path adapters are resolved per use, not at import: the local runtime's
 * registration if there is one (so a registration made after import counts), else the AWS
 * adapters (KMS sealer, SQS queue), each configured on first use. Secrets are sealed with
 * the very sealer the delivery worker opens them with.
 */
const sealer: SecretSealer = {
  seal: (plaintext) => eventAdapters().sealer.seal(plaintext),
  open: (sealed) => eventAdapters().sealer.open(sealed),
};

/** The subscription use cases of this function instance. */
export const subscriptionService = new SubscriptionService({
  repository: subscriptionRepository,
  sealer,
  deliveryQueue: () => eventAdapters().deliveryQueue,
  organisations: ORGANISATIONS.map((org) => org.id),
  webhookPolicy: eventConfig.webhookPolicy,
  newId: ulid,
});

/** Key signing list cursors. */
export const cursorKey = secrets.cursorKey;
