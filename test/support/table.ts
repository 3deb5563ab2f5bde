/**
 * A fresh table per test file on the shared DynamoDB Local, created from the same
 * definition as production, so parallel files never see each other's items.
 */
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DocumentClient } from '#shared/platform/dynamodb/document-client.ts';
import { ulid } from 'ulid';
import { inject } from 'vitest';
import { ensureTable } from '#infra/local/ensure-table.ts';
import { createDocumentClient } from '#shared/platform/dynamodb/dynamo-client.ts';

/** A table made for one test file. */
export interface TestTable {
  readonly endpoint: string;
  readonly tableName: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DocumentClient;
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named table on the run's DynamoDB Local, or on `endpoint` (a file that
 * writes tens of thousands of items starts its own: DynamoDB Local stays slower after such a
 * load even once the table is dropped, and the files after it would pay for that).
 */
export const createTestTable = async (prefix = 'test', endpoint = inject('dynamodbEndpoint')): Promise<TestTable> => {
  const tableName = `${prefix}-${ulid().toLowerCase()}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(client, tableName);
  const documentClient = createDocumentClient({ endpoint });
  return {
    endpoint,
    tableName,
    client,
    documentClient,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
      documentClient.destroy();
    },
  };
};
