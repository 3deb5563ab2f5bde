/**
 * Composition root of `GET /metrics/summary`: configuration read once per cold start, the
 * DynamoDB client, the metrics repository as a reader, and the summary use case.
 */
import { ORGANISATIONS } from '../core/organisations.ts';
import { loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { DynamoMetricsRepository } from '../metrics/data/metrics-repository.ts';
import { MetricsService } from '../metrics/domain/metrics-service.ts';

const config = loadRuntimeConfig();

/** The DynamoDB document client of this function instance. */
export const evaluationDocumentClient = createDocumentClient({ endpoint: config.dynamodbEndpoint });

/** The summary use case: Queries on the counter cells of the period. */
export const metricsService = new MetricsService({
  reader: new DynamoMetricsRepository({ client: evaluationDocumentClient, tableName: requireTableName(config) }),
  organisations: ORGANISATIONS.map((org) => org.id),
});
