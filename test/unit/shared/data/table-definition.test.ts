import { describe, expect, it } from 'vitest';
import { ENTITY_ATTRIBUTE, INDEX, JOINTLY_TABLE, keyAttributes, toCreateTableInput } from '#shared/platform/dynamodb/table-definition.ts';

describe('toCreateTableInput', () => {
  it('names the table and bills on demand', () => {
    // Prepare
    const tableName = 'jointly-test';

    // Act
    const input = toCreateTableInput(tableName);

    // Assess
    expect(input.TableName).toBe(tableName);
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('defines every key attribute exactly once, as type S', () => {
    // Prepare
    const used = new Set([
      JOINTLY_TABLE.partitionKey,
      JOINTLY_TABLE.sortKey,
      ...JOINTLY_TABLE.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
    ]);

    // Act
    const input = toCreateTableInput('t');

    // Assess
    const names = input.AttributeDefinitions.map((definition) => definition.AttributeName);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(names)).toEqual(used);
    for (const definition of input.AttributeDefinitions) expect(definition.AttributeType).toBe('S');
  });

  it('keys the table on pk (HASH) and sk (RANGE)', () => {
    // Prepare
    const expected = [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ];

    // Act
    const input = toCreateTableInput('t');

    // Assess
    expect(input.KeySchema).toEqual(expected);
  });

  it('creates every index of JOINTLY_TABLE with its HASH and RANGE keys and projection', () => {
    // Prepare
    const expected = JOINTLY_TABLE.indexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: index.projection },
    }));

    // Act
    const input = toCreateTableInput('t');

    // Assess
    expect(input.GlobalSecondaryIndexes).toEqual(expected);
    expect(input.GlobalSecondaryIndexes.map((index) => index.IndexName).sort()).toEqual(Object.values(INDEX).sort());
  });

  it('enables the stream with NEW_AND_OLD_IMAGES', () => {
    // Prepare
    const tableName = 't';

    // Act
    const input = toCreateTableInput(tableName);

    // Assess
    expect(input.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });
});

describe('keyAttributes', () => {
  it('lists each key attribute once, table keys first', () => {
    // Prepare
    const table = JOINTLY_TABLE;

    // Act
    const attributes = keyAttributes(table);

    // Assess
    expect(attributes.slice(0, 2)).toEqual(['pk', 'sk']);
    expect(new Set(attributes).size).toBe(attributes.length);
    expect(attributes).toEqual(expect.arrayContaining(['inboxPk', 'outboxPk', 'ownedPk', 'createdSk', 'dueSk', 'slaPk', 'slaSk']));
  });
});

describe('JOINTLY_TABLE', () => {
  it('selects only INSERTs of entity "event" with the outbox stream filter', () => {
    // Prepare
    const filter = JOINTLY_TABLE.outboxStreamFilter;

    // Act
    const serialised = JSON.parse(JSON.stringify(filter)) as unknown;

    // Assess
    expect(ENTITY_ATTRIBUTE).toBe('entity');
    expect(serialised).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { entity: { S: ['event'] } } },
    });
  });

  it('has a TTL attribute and a purpose for every index', () => {
    // Prepare
    const table = JOINTLY_TABLE;

    // Act
    const purposes = table.indexes.map((index) => index.purpose);

    // Assess
    expect(table.timeToLiveAttribute).toBe('expiresAt');
    for (const purpose of purposes) expect(purpose.length).toBeGreaterThan(0);
  });

  it('keeps the sparse SLA index KEYS_ONLY', () => {
    // Prepare
    const name = INDEX.slaDue;

    // Act
    const index = JOINTLY_TABLE.indexes.find((candidate) => candidate.indexName === name);

    // Assess
    expect(index).toMatchObject({ partitionKey: 'slaPk', sortKey: 'slaSk', projection: 'KEYS_ONLY' });
  });
});
