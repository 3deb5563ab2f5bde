/**
 * Composition root of the SLA sweep: configuration read once per cold start and the
 * DynamoDB sweeper. The Lambda entry takes a client of its own; the local runtime and
 * tests pass theirs.
 */
import type { DocumentClient } from '../platform/dynamodb/document-client.ts';
import { loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { DynamoSlaSweeper } from '../referrals/data/sla-sweep.ts';
import { createSlaSweepHandler } from '../sla/api/sla-sweep-handler.ts';

/** What the SLA sweep can be given instead of its defaults. */
export interface SlaSweepAdapters {
  readonly documentClient?: DocumentClient;
}

/** The SLA sweep's handler on `adapters`. Configuration is read now. */
export const slaSweepHandler = (adapters: SlaSweepAdapters = {}) => {
  const config = loadRuntimeConfig();
  return createSlaSweepHandler(
    new DynamoSlaSweeper({
      client: adapters.documentClient ?? createDocumentClient({ endpoint: config.dynamodbEndpoint }),
      tableName: requireTableName(config),
    }),
  );
};
