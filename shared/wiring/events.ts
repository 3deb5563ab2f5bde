/**
 * What the event workers (fan-out, deliver) share: configuration read and validated once
 * per cold start, the DynamoDB client and repository. Each worker's own composition root
 * (fan-out.ts, deliver.ts) adds the event-path adapters it uses, so neither bundles the
 * other's SDK clients.
 */
import * as z from 'zod';
import { ConfigurationError, loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { DynamoDeliveryRepository } from '../subscriptions/data/delivery-repository.ts';
import { DEFAULT_BACKOFF_BASE_MS } from '../subscriptions/domain/delivery.ts';
import { loadEventConfig } from '../platform/config/event-config.ts';
import { DELIVERY_ENV } from '../platform/config/environment.ts';

const config = loadRuntimeConfig();

/** The event-path configuration of this function instance. */
export const eventConfig = loadEventConfig();

const backoff = z.coerce.number().int().min(0).max(900_000).default(DEFAULT_BACKOFF_BASE_MS).safeParse(process.env[DELIVERY_ENV.backoffBaseMs] || undefined);
if (!backoff.success) throw new ConfigurationError(`${DELIVERY_ENV.backoffBaseMs} must be a whole number of milliseconds (0–900000).`);

/** Backoff base of delivery retries, in ms. */
export const deliveryBackoffBaseMs: number = backoff.data;

/** The DynamoDB document client of this function instance. */
export const eventsDocumentClient = createDocumentClient({ endpoint: config.dynamodbEndpoint });

/** The workers' repository. */
export const deliveryRepository = new DynamoDeliveryRepository({ client: eventsDocumentClient, tableName: requireTableName(config) });

