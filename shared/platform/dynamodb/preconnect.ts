/**
 * Opening a function's DynamoDB connection during its cold start, while it waits for
 * something else (its secrets from Secrets Manager). In AWS the first DynamoDB request
 * of a fresh instance pays DNS, TCP and TLS set-up to the regional endpoint, credential
 * resolution and the SDK's first-use work; done here, it overlaps the secret reads' own
 * network wait instead of following it, on the request a person is waiting for.
 *
 * The request is a GetItem of a key no item has (it costs half a read capacity unit once
 * per instance, needs only the read grant every function has, and returns nothing). Its
 * outcome is ignored: the first real request reports any real problem, with its own error.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JOINTLY_TABLE } from './table-definition.ts';

/** The key of the read: a partition no entity uses. */
export const PRECONNECT_KEY = { [JOINTLY_TABLE.partitionKey]: 'PRECONNECT', [JOINTLY_TABLE.sortKey]: 'PRECONNECT' } as const;

/** How long the cold start waits for it at most. */
export const PRECONNECT_TIMEOUT_MS = 1000;

/** Sends one GetItem to `tableName` and waits for it (never longer than the timeout); never throws. */
export const preconnect = async (client: DynamoDBDocumentClient, tableName: string): Promise<void> => {
  try {
    await client.send(new GetCommand({ TableName: tableName, Key: PRECONNECT_KEY, ProjectionExpression: JOINTLY_TABLE.partitionKey }), {
      abortSignal: AbortSignal.timeout(PRECONNECT_TIMEOUT_MS),
    });
  } catch {
    // Ignored on purpose (see above).
  }
};
