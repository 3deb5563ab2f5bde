/**
 * What the event workers (fan-out, deliver) share: their repository on this function
 * instance's table, and the delivery worker's backoff setting. Each worker's own
 * composition root (fan-out.ts, deliver.ts) adds the event-path adapters it uses, so
 * neither bundles the other's AWS adapters.
 */
import type { DocumentClient } from '../platform/dynamodb/document-client.ts';
import * as z from '../core/zod.ts';
import { ConfigurationError, loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { DynamoDeliveryRepository } from '../subscriptions/data/delivery-repository.ts';
import { DEFAULT_BACKOFF_BASE_MS } from '../subscriptions/domain/delivery.ts';
import { DELIVERY_ENV } from '../platform/config/environment.ts';

/**
 * The workers' repository on this function instance's table (configuration read now),
 * through `documentClient`, or a client of its own.
 */
export const deliveryRepositoryOn = (documentClient?: DocumentClient): DynamoDeliveryRepository => {
  const config = loadRuntimeConfig();
  return new DynamoDeliveryRepository({
    client: documentClient ?? createDocumentClient({ endpoint: config.dynamodbEndpoint }),
    tableName: requireTableName(config),
  });
};

/** Backoff base of delivery retries, in ms, read and validated from `env`. */
export const deliveryBackoffBaseMs = (env: NodeJS.ProcessEnv = process.env): number => {
  const backoff = z
    ._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(900_000)), DEFAULT_BACKOFF_BASE_MS)
    .safeParse(env[DELIVERY_ENV.backoffBaseMs] || undefined);
  if (!backoff.success) throw new ConfigurationError(`${DELIVERY_ENV.backoffBaseMs} must be a whole number of milliseconds (0–900000).`);
  return backoff.data;
};
