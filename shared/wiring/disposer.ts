/**
 * Composition root of the disposer (shared/referrals/api/referral-disposer.ts): the DynamoDB
 * disposal adapter on this function's client and table. The Lambda entry takes a client of its
 * own; the local runtime and tests pass theirs.
 */
import type { DocumentClient } from '../platform/dynamodb/document-client.ts';
import { loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { createDisposerHandler } from '../referrals/api/referral-disposer.ts';
import { DynamoReferralDisposal } from '../referrals/data/referral-disposal.ts';

/** What the disposer can be given instead of its defaults. */
export interface DisposerAdapters {
  readonly documentClient?: DocumentClient;
}

/** The disposer's handler on `adapters`. Configuration is read now. */
export const disposerHandler = (adapters: DisposerAdapters = {}) => {
  const config = loadRuntimeConfig();
  return createDisposerHandler({
    disposal: new DynamoReferralDisposal({
      client: adapters.documentClient ?? createDocumentClient({ endpoint: config.dynamodbEndpoint }),
      tableName: requireTableName(config),
    }),
  });
};
