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

/** A middleware of one request attempt, as the SDK's stack calls it. */
type AttemptMiddleware = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>;

/**
 * Sends one GetItem to `tableName` and waits for it (never longer than the timeout); never
 * throws. One attempt only: the client's retries (with their back-off) are for requests
 * whose answer matters; a failed preconnect has done its part, and retrying it would only
 * hold the cold start.
 */
export const preconnect = async (client: DynamoDBDocumentClient, tableName: string): Promise<void> => {
  const stop = new AbortController();
  const timeout = setTimeout(() => stop.abort(), PRECONNECT_TIMEOUT_MS);
  const command = new GetCommand({ TableName: tableName, Key: PRECONNECT_KEY, ProjectionExpression: JOINTLY_TABLE.partitionKey });
  // Inside the retry loop: whatever the first attempt gives, there is no second one.
  const oneAttempt: AttemptMiddleware = (next) => async (args) => {
    try {
      return await next(args);
    } finally {
      stop.abort();
    }
  };
  command.middlewareStack.addRelativeTo(oneAttempt as Parameters<typeof command.middlewareStack.addRelativeTo>[0], {
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    // Unnamed: the document client copies its command's stack into the GetItem it sends.
  });
  try {
    await client.send(command, { abortSignal: stop.signal });
  } catch {
    // Ignored on purpose (see above).
  } finally {
    clearTimeout(timeout);
  }
};
