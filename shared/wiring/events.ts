/**
 * What the event workers (fan-out, deliver) share: their repository on this function
 * instance's table, the delivery worker's backoff setting and the fan-out's hold timing. Each worker's own
 * composition root (fan-out.ts, deliver.ts) adds the event-path adapters it uses, so
 * neither bundles the other's AWS adapters.
 */
import type { DocumentClient } from '../platform/dynamodb/document-client.ts';
import * as z from '../core/zod.ts';
import { ConfigurationError, loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { DynamoDeliveryRepository } from '../subscriptions/data/delivery-repository.ts';
import { DEFAULT_BACKOFF_BASE_MS } from '../subscriptions/domain/delivery.ts';
import { DELIVERY_ENV, HOLD_ENV } from '../platform/config/environment.ts';
import type { HoldOptions } from '../subscriptions/domain/push-timing.ts';

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

/** How the fan-out times holds, read and validated from `env`: a tester's shortened windows, or none. */
export const holdOptionsFrom = (env: NodeJS.ProcessEnv = process.env): HoldOptions => {
  const seconds = z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(86_400))).safeParse(env[HOLD_ENV.windowSeconds] || undefined);
  if (!seconds.success) throw new ConfigurationError(`${HOLD_ENV.windowSeconds} must be a whole number of seconds (1–86400).`);
  return seconds.data === undefined ? {} : { windowSeconds: seconds.data };
};
