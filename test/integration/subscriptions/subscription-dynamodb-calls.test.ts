/**
 * DynamoDB calls per subscription, delivery and alert operation, counted at the client
 * (not declared): the maxima the README's table states.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caller } from '#test/support/referral-fixtures.ts';
import {
  alertItem,
  deadLetterItem,
  deliveryItem,
  deliveryJob,
  seed,
  subscriptionServiceOn,
  ulidAt,
} from '#test/support/subscription-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;
let fixture: ReturnType<typeof subscriptionServiceOn>;

const manager = caller('pm-calls', 'meht', 'programme_manager');
const nurse = caller('nurse-calls', 'provide');

beforeAll(async () => {
  table = await createTestTable('subcalls');
  fixture = subscriptionServiceOn(table);
});

afterAll(async () => {
  fixture?.client.destroy();
  await table?.drop();
});

const callsOf = async (operation: () => Promise<unknown>): Promise<string[]> => {
  fixture.probe.reset();
  await operation();
  return [...fixture.probe.calls];
};

/** Asserts `calls` holds at most `maxima[name]` of each command, and nothing else. */
const expectAtMost = (calls: readonly string[], maxima: Readonly<Record<string, number>>) => {
  const counts = calls.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});
  for (const [name, count] of Object.entries(counts))
    expect(count, `${name} in ${calls.join(', ')}`).toBeLessThanOrEqual(maxima[name] ?? 0);
};

const inbox = { eventTypes: ['handoff.*'], channel: { type: 'inbox' as const } };

describe('DynamoDB calls per subscription operation', () => {
  it('create: one TransactWriteItems, however many orgs it is filed under', async () => {
    // Prepare
    const body = { ...inbox, filters: { orgs: ['provide', 'ecc', 'meht', 'ageuk-essex'] } };

    // Act
    const calls = await callsOf(() => fixture.service.create(manager, body));

    // Assess
    expect(calls).toEqual(['TransactWriteItems']);
  });

  it('create a webhook subscription: at most one TransactWriteItems (sealing is not a table call)', async () => {
    // Prepare
    const body = { eventTypes: ['*'], channel: { type: 'webhook' as const, url: 'http://127.0.0.1:9999/hook', secret: 'x'.repeat(32) } };

    // Act
    const calls = await callsOf(() => fixture.service.create(nurse, body));

    // Assess
    expectAtMost(calls, { TransactWriteItems: 1 });
  });

  it('list: one Query', async () => {
    // Prepare
    await fixture.service.create(manager, inbox);

    // Act
    const calls = await callsOf(() => fixture.service.list(manager, { limit: 25 }));

    // Assess
    expect(calls).toEqual(['Query']);
  });

  it('delete: one GetItem and one TransactWriteItems (the item and every match item)', async () => {
    // Prepare
    const { id } = await fixture.service.create(manager, { ...inbox, filters: { orgs: ['provide', 'ecc'] } });

    // Act
    const calls = await callsOf(() => fixture.service.delete(manager, id));

    // Assess
    expect(calls).toEqual(['GetItem', 'TransactWriteItems']);
  });

  it("another user's id: one GetItem, nothing written", async () => {
    // Prepare
    const { id } = await fixture.service.create(manager, inbox);

    // Act
    const calls = await callsOf(() => fixture.service.delete(nurse, id).catch(() => undefined));

    // Assess
    expect(calls).toEqual(['GetItem']);
  });

  it('deliveries: one GetItem and one Query', async () => {
    // Prepare
    const { id } = await fixture.service.create(nurse, inbox);
    const eventId = ulidAt('2026-01-01T00:00:00.000Z');
    await seed(table.documentClient, table.tableName, [
      deliveryItem(id, { eventId, attempt: 1, at: '2026-01-01T00:00:01.000Z', outcome: 'delivered', httpStatus: 200 }),
    ]);

    // Act
    const calls = await callsOf(() => fixture.service.deliveries(nurse, id, { limit: 25 }));

    // Assess
    expect(calls).toEqual(['GetItem', 'Query']);
  });

  it('redrive of 30 dead letters: one GetItem, one Query, one BatchWriteItem per 25', async () => {
    // Prepare
    const { id } = await fixture.service.create(nurse, inbox);
    const jobs = Array.from({ length: 30 }, (_, i) =>
      deliveryJob(id, nurse.sub, ulidAt(`2026-01-02T00:00:${String(i).padStart(2, '0')}.000Z`), 6),
    );
    await seed(table.documentClient, table.tableName, jobs.map(deadLetterItem));

    // Act
    const calls = await callsOf(() => fixture.service.redrive(nurse, id));

    // Assess
    expectAtMost(calls, { GetItem: 1, Query: 1, BatchWriteItem: 2 });
    expect(calls).toContain('BatchWriteItem');
    expect(fixture.queue.sent).toHaveLength(30);
  });

  it('alerts, unread or all: one Query; ack: one UpdateItem', async () => {
    // Prepare
    const subscriptionId = ulidAt('2026-01-03T00:00:00.000Z');
    const eventId = ulidAt('2026-01-03T00:00:00.000Z');
    await seed(table.documentClient, table.tableName, [
      alertItem({ sub: nurse.sub, eventId, subscriptionId, createdAt: '2026-01-03T00:00:00.000Z' }),
    ]);

    // Act
    const unread = await callsOf(() => fixture.service.alerts(nurse, { unread: true, limit: 25 }));
    const all = await callsOf(() => fixture.service.alerts(nurse, { unread: false, limit: 25 }));
    const ack = await callsOf(() => fixture.service.ackAlert(nurse, `${eventId}.${subscriptionId}`));

    // Assess
    expect(unread).toEqual(['Query']);
    expect(all).toEqual(['Query']);
    expect(ack).toEqual(['UpdateItem']);
  });
});
