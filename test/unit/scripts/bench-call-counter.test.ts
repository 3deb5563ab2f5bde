import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { CallCounter, operationName, originOf, stringAttribute, type AlertWritten } from '../../../scripts/bench/call-counter.ts';

const frame = (file: string) => `Error\n    at instrument (file:///repo/scripts/bench/call-counter.ts:40:20)\n    at createDocumentClient (file:///repo/shared/platform/dynamodb/dynamo-client.ts:52:3)\n    at file:///repo/${file}:19:11`;

/** A document client whose commands never leave the process: a last middleware answers `{}`. */
const offlineClient = (): DynamoDBDocumentClient => {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'eu-west-2', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  client.middlewareStack.add(() => async () => ({ output: { $metadata: {} }, response: {} }), { step: 'initialize', priority: 'low', name: 'offline' });
  return client;
};

describe('originOf', () => {
  it.each([
    ['the referral handlers’ composition root', 'shared/wiring/referrals.ts', 'api'],
    ['the subscription handlers’ composition root', 'shared/wiring/subscriptions.ts', 'api'],
    ['the subscription lists’ composition root', 'shared/wiring/subscription-lists.ts', 'api'],
    ['the evaluation (metrics summary) composition root', 'shared/wiring/evaluation.ts', 'api'],
    ['an API handler module', 'functions/api/get-referral/handler.ts', 'api'],
    ['the metrics consumer’s composition root', 'shared/wiring/metrics.ts', 'events'],
    ['the fan-out’s composition root', 'shared/wiring/fan-out.ts', 'events'],
    ['the event workers’ composition root', 'shared/wiring/events.ts', 'events'],
    ['the SLA sweep', 'functions/scheduled/sla-sweep/handler.ts', 'events'],
    ['the publisher', 'functions/events/publisher/handler.ts', 'events'],
    ['the benchmark’s raw counterparts', 'scripts/bench/raw-operations.ts', 'bench'],
    ['anything else', 'scripts/capacity.ts', 'other'],
  ])('a client made by %s is "%s"… ', (_who, file, origin) => {
    // Act
    const found = originOf(frame(file));

    // Assess
    expect(found).toBe(origin);
  });

  it('the call counter’s own frame never makes a client count as the benchmark’s', () => {
    // Prepare
    const stack = frame('scripts/capacity.ts');

    // Act
    const found = originOf(stack);

    // Assess
    expect(stack).toContain('scripts/bench/call-counter.ts');
    expect(found).toBe('other');
  });
});

describe('operationName and stringAttribute', () => {
  it('names commands as the DynamoDB API does', () => {
    // Act
    const names = ['PutItemCommand', 'TransactWriteItemsCommand', 'QueryCommand'].map(operationName);

    // Assess
    expect(names).toEqual(['PutItem', 'TransactWriteItems', 'Query']);
  });

  it('reads a string attribute marshalled or not, and nothing else', () => {
    // Act
    const values = [
      stringAttribute({ entity: 'alert' }, 'entity'),
      stringAttribute({ entity: { S: 'alert' } }, 'entity'),
      stringAttribute({ entity: { N: '1' } }, 'entity'),
      stringAttribute(undefined, 'entity'),
    ];

    // Assess
    expect(values).toEqual(['alert', 'alert', undefined, undefined]);
  });
});

describe('CallCounter', () => {
  it('counts each send once per origin, in order, until reset', async () => {
    // Prepare
    const counter = new CallCounter();
    const api = offlineClient();
    const bench = offlineClient();
    counter.instrumentAs('api', api);
    counter.instrumentAs('bench', bench);

    // Act
    await api.send(new QueryCommand({ TableName: 't', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'a' } }));
    await bench.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } }));
    await api.send(new PutCommand({ TableName: 't', Item: { pk: 'a', sk: 'b' } }));
    const seen = { api: counter.commands('api'), bench: counter.commands('bench'), events: counter.commands('events') };
    counter.reset();

    // Assess
    expect(seen).toEqual({ api: ['Query', 'PutItem'], bench: ['GetItem'], events: [] });
    expect(counter.commands('api')).toEqual([]);
    expect(counter.commands('bench')).toEqual([]);
  });

  it('a client made by this test (no composition root on the stack) counts as "other"', async () => {
    // Prepare
    const counter = new CallCounter();
    const client = offlineClient();
    counter.instrument(client);

    // Act
    await client.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } }));

    // Assess
    expect(counter.commands('other')).toEqual(['GetItem']);
  });

  it('tells listeners of an inbox alert written by an event-path client, and of nothing else', async () => {
    // Prepare
    const counter = new CallCounter();
    const heard: AlertWritten[] = [];
    const stop = counter.onAlert((alert) => heard.push(alert));
    const events = offlineClient();
    const api = offlineClient();
    counter.instrumentAs('events', events);
    counter.instrumentAs('api', api);
    const alert = { pk: 'USER#pm', sk: 'ALERT#e1#s1', entity: 'alert', handoffId: 'H1', referralId: 'R1' };

    // Act
    await events.send(new PutCommand({ TableName: 't', Item: alert }));
    await events.send(new PutCommand({ TableName: 't', Item: { ...alert, entity: 'delivery-state' } }));
    await api.send(new PutCommand({ TableName: 't', Item: alert }));
    stop();
    await events.send(new PutCommand({ TableName: 't', Item: { ...alert, handoffId: 'H2' } }));

    // Assess
    expect(heard).toEqual([{ handoffId: 'H1', referralId: 'R1', ownerPk: 'USER#pm' }]);
  });
});
