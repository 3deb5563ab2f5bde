/**
 * Composition root of the metrics consumer: configuration read once per cold start, the
 * DynamoDB client and the metrics repository (counter cells and consumed-markers). The
 * consumer adds its EMF sink itself. The summary API has its own root
 * (`shared/wiring/evaluation.ts`), so neither bundles what only the other needs.
 */
import { loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { DynamoMetricsRepository } from '../metrics/data/metrics-repository.ts';

/** The configuration of this function instance. */
export const metricsConfig = loadRuntimeConfig();

/** The DynamoDB document client of this function instance. */
export const metricsDocumentClient = createDocumentClient({ endpoint: metricsConfig.dynamodbEndpoint });

/** Counter cells, written incrementally and idempotently. */
export const metricsRepository = new DynamoMetricsRepository({ client: metricsDocumentClient, tableName: requireTableName(metricsConfig) });
