/**
 * Our Powertools persistence layer (`TableIdempotencyLayer`, on our DynamoDB client) does
 * what Powertools' own DynamoDB layer (on the SDK's client, configured as this project
 * configured it before decision 49) does: both run the same life of a record against
 * DynamoDB Local, on twin keys, and the items they leave behind are compared field for
 * field at every step, as are the errors Powertools raises from them.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, IdempotencyItemAlreadyExistsError } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '#shared/platform/dynamodb/document-client.ts';
import { JOINTLY_TABLE } from '#shared/platform/dynamodb/table-definition.ts';
import { idempotencyItemKey, TableIdempotencyLayer } from '#shared/platform/http/idempotency-persistence.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable('idempotency-layer');
});

afterAll(async () => {
  await table?.drop();
});

/** Powertools' DynamoDB layer keyed into our table as before decision 49. */
class PowertoolsLayerOnOurTable extends DynamoDBPersistenceLayer {
  protected override getKey(idempotencyKey: string): Record<string, AttributeValue> {
    const key = idempotencyItemKey(idempotencyKey);
    return { pk: { S: String(key.pk) }, sk: { S: String(key.sk) } };
  }
}

const configured = (layer: BasePersistenceLayer, functionName: string): BasePersistenceLayer => {
  layer.configure({
    config: new IdempotencyConfig({ eventKeyJmesPath: 'key', payloadValidationJmesPath: 'body', expiresAfterSeconds: 3600 }),
    functionName,
  });
  return layer;
};

/** The twin layers: the same function name prefix but for the last letter, so their keys differ only there. */
const twins = () => ({
  ours: configured(new TableIdempotencyLayer({ tableName: table.tableName, client: table.documentClient }), 'createReferralA'),
  powertools: configured(
    new PowertoolsLayerOnOurTable({
      tableName: table.tableName,
      awsSdkV3Client: table.client,
      keyAttr: JOINTLY_TABLE.partitionKey,
      expiryAttr: JOINTLY_TABLE.timeToLiveAttribute,
    }),
    'createReferralB',
  ),
});

/** The stored item under `pk` (a record's idempotency key), with the layer's function name and the timestamps normalised. */
const stored = async (pk: string) => {
  const { Item } = await table.documentClient.send(
    new GetCommand({ TableName: table.tableName, Key: { pk, sk: 'IDEMPOTENCY' }, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: storedPk, [JOINTLY_TABLE.timeToLiveAttribute]: expiry, in_progress_expiration, ...rest } = Item as Record<string, unknown>;
  return {
    ...rest,
    pk: String(storedPk).replace(/createReferral[AB]/, 'FN'),
    hasExpiry: typeof expiry === 'number',
    hasInProgressExpiry: typeof in_progress_expiration === 'number',
  };
};

/**
 * A record without its key (twin keys differ) and with its in-progress expiry as "set or
 * not": the twins save theirs a few milliseconds apart (each checked to be near now).
 */
const comparable = (record: { idempotencyKey: string; inProgressExpiryTimestamp?: number | undefined }) => {
  if (record.inProgressExpiryTimestamp !== undefined) expect(Math.abs(record.inProgressExpiryTimestamp - Date.now())).toBeLessThan(60_000);
  return { ...record, idempotencyKey: 'twin', inProgressExpiryTimestamp: record.inProgressExpiryTimestamp !== undefined };
};

describe('TableIdempotencyLayer against Powertools’ DynamoDB layer', () => {
  it('writes the same items through a record’s life: in progress, completed, read back, deleted', async () => {
    // Prepare
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'jointly-test';
    const { ours, powertools } = twins();
    const event = { key: `k-${Date.now()}`, body: { surname: 'Example' } };
    const steps: string[] = [];
    let ourKey = '';
    let theirKey = '';
    const compare = async (step: string) => {
      steps.push(step);
      expect(await stored(ourKey), step).toEqual(await stored(theirKey));
    };

    // Act and Assess, step by step
    await Promise.all([ours.saveInProgress(event, 5_000), powertools.saveInProgress(event, 5_000)]);
    ourKey = (await ours.getRecord(event)).idempotencyKey;
    theirKey = (await powertools.getRecord(event)).idempotencyKey;
    expect(ourKey).toMatch(/^IDEMPOTENCY#jointly-test\.createReferralA#/);
    await compare('in progress');
    expect(await stored(ourKey)).toMatchObject({ status: 'INPROGRESS', hasInProgressExpiry: true, hasExpiry: true });

    await Promise.all([
      ours.saveSuccess(event, { statusCode: 201, body: '{}' }),
      powertools.saveSuccess(event, { statusCode: 201, body: '{}' }),
    ]);
    await compare('completed');
    expect(await stored(ourKey)).toMatchObject({
      status: 'COMPLETED',
      data: { statusCode: 201, body: '{}' },
      validation: expect.any(String),
    });

    const [ourRecord, theirRecord] = await Promise.all([ours.getRecord(event), powertools.getRecord(event)]);
    expect(ourRecord.getStatus()).toBe('COMPLETED');
    expect(comparable(ourRecord)).toEqual(comparable(theirRecord));

    await Promise.all([ours.deleteRecord(event), powertools.deleteRecord(event)]);
    await compare('deleted');
    expect(await stored(ourKey)).toBeUndefined();
    expect(steps).toEqual(['in progress', 'completed', 'deleted']);
  });

  it('refuses a second in-progress record as Powertools does, carrying the record it found', async () => {
    // Prepare
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'jointly-test';
    const { ours, powertools } = twins();
    const event = { key: `dup-${Date.now()}`, body: { n: 1 } };
    await Promise.all([ours.saveInProgress(event, 5_000), powertools.saveInProgress(event, 5_000)]);

    // Act
    const [ourError, theirError] = await Promise.all([
      ours.saveInProgress(event, 5_000).catch((e: unknown) => e),
      powertools.saveInProgress(event, 5_000).catch((e: unknown) => e),
    ]);

    // Assess
    expect(ourError).toBeInstanceOf(IdempotencyItemAlreadyExistsError);
    expect(theirError).toBeInstanceOf(IdempotencyItemAlreadyExistsError);
    const ourFound = (ourError as IdempotencyItemAlreadyExistsError).existingRecord;
    const theirFound = (theirError as IdempotencyItemAlreadyExistsError).existingRecord;
    expect(ourFound?.getStatus()).toBe('INPROGRESS');
    expect(comparable(ourFound!)).toEqual(comparable(theirFound!));
  });
});
