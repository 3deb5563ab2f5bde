import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Options for {@link createDocumentClient}. */
export interface DocumentClientOptions {
  /** DynamoDB Local (or any endpoint) instead of the regional AWS endpoint. */
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
}

/**
 * The document client every adapter uses. Against a local endpoint it carries dummy
 * credentials and a region, so no AWS account is ever needed (DynamoDB Local runs with
 * `-sharedDb`, so every client sees one database whatever these say).
 */
export const createDocumentClient = (options: DocumentClientOptions = {}): DynamoDBDocumentClient => {
  const local = options.endpoint !== undefined;
  const client = new DynamoDBClient({
    ...(local
      ? {
          endpoint: options.endpoint,
          region: options.region ?? 'eu-west-2',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : options.region
        ? { region: options.region }
        : {}),
    maxAttempts: 3,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
};
