/**
 * The cold start's DynamoDB preconnect (shared/platform/dynamodb/preconnect.ts): one GetItem
 * of a key no item has, against DynamoDB Local; it never fails the cold start, whatever the
 * table or the endpoint does.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/platform/dynamodb/dynamo-client.ts';
import { PRECONNECT_KEY, preconnect } from '#shared/platform/dynamodb/preconnect.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable('preconnect');
});

afterAll(async () => {
  await table?.drop();
});

/** A document client on `endpoint` that records the commands it sends. */
const recordingClient = (endpoint: string) => {
  const client = createDocumentClient({ endpoint });
  const sent: { command: string; input: unknown }[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ command: String(context.commandName), input: args.input });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return { client, sent };
};

describe('preconnect', () => {
  it('sends one GetItem of the reserved key, which finds nothing and writes nothing', async () => {
    // Prepare
    const { client, sent } = recordingClient(table.endpoint);

    // Act
    await preconnect(client, table.tableName);

    // Assess
    expect(sent).toEqual([{ command: 'GetItemCommand', input: expect.objectContaining({ TableName: table.tableName }) }]);
    const { Item } = await table.documentClient.send(
      new GetCommand({ TableName: table.tableName, Key: PRECONNECT_KEY, ConsistentRead: true }),
    );
    expect(Item).toBeUndefined();
  });

  it('resolves without throwing when the table does not exist', async () => {
    // Prepare
    const { client } = recordingClient(table.endpoint);

    // Act
    const connecting = preconnect(client, `${table.tableName}-missing`);

    // Assess
    await expect(connecting).resolves.toBeUndefined();
  });

  it('resolves without throwing, after one attempt (no retries), when nothing listens at the endpoint', async () => {
    // Prepare: a port nothing listens on (the discard port, closed here); count the attempts.
    const { client } = recordingClient('http://127.0.0.1:9');
    let attempts = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        attempts++;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'countAttempts', priority: 'low' },
    );

    // Act
    const connecting = preconnect(client, table.tableName);

    // Assess
    await expect(connecting).resolves.toBeUndefined();
    expect(attempts).toBe(1);
  });
});
