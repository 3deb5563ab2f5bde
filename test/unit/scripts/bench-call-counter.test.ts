import { DocumentClient, GetCommand, PutCommand, QueryCommand } from '#shared/platform/dynamodb/document-client.ts';
import { describe, expect, it } from 'vitest';
import { CallCounter, stringAttribute, type AlertWritten } from '#scripts/bench/call-counter.ts';

/** A document client whose commands never leave the process: a last interceptor answers `{}`. */
const offlineClient = (): DocumentClient => {
  const client = new DocumentClient({
    region: 'eu-west-2',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  client.intercept('attempt', async () => ({}));
  return client;
};

describe('stringAttribute', () => {
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
