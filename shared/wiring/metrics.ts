/**
 * Composition root of the metrics consumer: configuration read once per cold start, the
 * metrics repository (counter cells and consumed-markers) on a DynamoDB client, and the
 * EMF sink. The summary API has its own root (`shared/wiring/evaluation.ts`), so neither
 * bundles what only the other needs. The Lambda entry takes a client of its own; the local
 * runtime and tests pass theirs.
 */
import type { DocumentClient } from '../platform/dynamodb/document-client.ts';
import { loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { DynamoMetricsRepository } from '../metrics/data/metrics-repository.ts';
import { emfEnabled, PowertoolsEmfSink } from '../metrics/data/emf.ts';
import { createMetricsHandler } from '../metrics/api/metrics-handler.ts';

/** What the metrics consumer can be given instead of its defaults. */
export interface MetricsAdapters {
  readonly documentClient?: DocumentClient;
}

/** The metrics consumer's handler on `adapters`. Configuration is read now. */
export const metricsHandler = (adapters: MetricsAdapters = {}) => {
  const config = loadRuntimeConfig();
  return createMetricsHandler({
    // Counter cells, written incrementally and idempotently.
    repository: new DynamoMetricsRepository({
      client: adapters.documentClient ?? createDocumentClient({ endpoint: config.dynamodbEndpoint }),
      tableName: requireTableName(config),
    }),
    sink: new PowertoolsEmfSink({ stage: config.stage, enabled: emfEnabled(config.stage) }),
  });
};
