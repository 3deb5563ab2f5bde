/**
 * `batchGetAll` on DynamoDB Local: keys DynamoDB leaves unprocessed (it does under
 * throttling; DynamoDB Local never does, so a wrapper of the real client holds some back)
 * are asked again, and a table that stays busy is a 503, not a partial answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '#shared/core/errors.ts';
import { BatchGetCommand, type DocumentClient, PutCommand } from '#shared/platform/dynamodb/document-client.ts';
import { batchGetAll, type TableAccess } from '#shared/platform/dynamodb/table-access.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;
const keys = Array.from({ length: 6 }, (_, i) => ({ pk: `ITEM#${i}`, sk: 'A' }));

/**
 * The real client, except that `busyRounds` BatchGetItems send only the first half of their
 * keys (rounded down) and answer the rest as unprocessed.
 */
const holdingBack = (client: DocumentClient, busyRounds: number) => {
  const sent: number[] = [];
  let rounds = 0;
  const wrapped = {
    send: async (command: { operation: string; input: unknown }) => {
      if (command.operation !== 'BatchGetItem') return client.send(command as never);
      const input = (command as BatchGetCommand).input;
      const [tableName, request] = Object.entries(input.RequestItems ?? {})[0]!;
      const asked = request.Keys ?? [];
      sent.push(asked.length);
      if (rounds >= busyRounds) return client.send(command as never);
      rounds += 1;
      const half = Math.floor(asked.length / 2);
      if (half === 0) return { Responses: { [tableName]: [] }, UnprocessedKeys: { [tableName]: { ...request, Keys: asked } } };
      const answer = (await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { ...request, Keys: asked.slice(0, half) } } }),
      )) as {
        Responses?: Record<string, unknown[]>;
      };
      return { Responses: answer.Responses, UnprocessedKeys: { [tableName]: { ...request, Keys: asked.slice(half) } } };
    },
  } as unknown as DocumentClient;
  return { client: wrapped, sent };
};

beforeAll(async () => {
  table = await createTestTable('batchget');
  for (const key of keys.slice(0, 5)) {
    await table.documentClient.send(new PutCommand({ TableName: table.tableName, Item: { ...key, value: key.pk } }));
  }
});

afterAll(async () => {
  await table?.drop();
});

describe('batchGetAll', () => {
  it('asks again for the keys left unprocessed and returns every item that exists', async () => {
    // Prepare
    const busy = holdingBack(table.documentClient, 2);
    const access: TableAccess = { client: busy.client, tableName: table.tableName };

    // Act
    const items = await batchGetAll(access, keys, { consistentRead: true });

    // Assess
    expect(items.map((i) => i.pk).sort()).toEqual(['ITEM#0', 'ITEM#1', 'ITEM#2', 'ITEM#3', 'ITEM#4']);
    expect(busy.sent).toEqual([6, 3, 2]);
  });

  it('applies the projection to every round', async () => {
    // Prepare
    const busy = holdingBack(table.documentClient, 1);
    const access: TableAccess = { client: busy.client, tableName: table.tableName };

    // Act
    const items = await batchGetAll(access, keys.slice(0, 4), { projection: 'pk' });

    // Assess
    expect(items).toHaveLength(4);
    expect(items.every((i) => Object.keys(i).join() === 'pk')).toBe(true);
  });

  it('a table that stays busy is a ServiceUnavailableError (503), not a partial answer', async () => {
    // Prepare
    const busy = holdingBack(table.documentClient, 100);
    const access: TableAccess = { client: busy.client, tableName: table.tableName };

    // Act
    const reading = batchGetAll(access, keys);

    // Assess
    await expect(reading).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
