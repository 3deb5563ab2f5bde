/**
 * The limits that keep subscriptions from being abused or outliving their owner, on
 * DynamoDB Local through the real service and repository: the per-user cap under a race
 * (a counted base-table item in each create's transaction), slots given back by delete,
 * expiry and TTL, renewal and programme managers' disable reaching the match entries the
 * fan-out reads, and the oversight list (an index Query, never a Scan).
 */
import { DeleteCommand, GetCommand } from '#shared/platform/dynamodb/document-client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionKeys, userKeys } from '#shared/platform/dynamodb/keys.ts';
import { UnprocessableEntityError } from '#shared/core/errors.ts';
import { itemsUnder } from '#test/support/event-fixtures.ts';
import { caller } from '#test/support/referral-fixtures.ts';
import { subscriptionServiceOn } from '#test/support/subscription-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;
let fixture: ReturnType<typeof subscriptionServiceOn>;
let later: ReturnType<typeof subscriptionServiceOn>;
const DAY_MS = 24 * 3600 * 1000;

const inbox = { eventTypes: ['handoff.*'], channel: { type: 'inbox' as const } };
const manager = caller('pm-limits', 'meht', 'programme_manager');

beforeAll(async () => {
  table = await createTestTable('sublimits');
  fixture = subscriptionServiceOn(table);
  // The same table seen 91 days on: everything made "now" has expired.
  later = subscriptionServiceOn(table, { clock: () => new Date(Date.now() + 91 * DAY_MS) });
});

afterAll(async () => {
  fixture?.client.destroy();
  later?.client.destroy();
  await table?.drop();
});

const subscriptionItemsOf = (sub: string) => itemsUnder(table.documentClient, table.tableName, `USER#${sub}`, userKeys.subscriptionPrefix);
const countOf = async (sub: string) =>
  (
    await table.documentClient.send(
      new GetCommand({ TableName: table.tableName, Key: userKeys.subscriptionCount(sub), ConsistentRead: true }),
    )
  ).Item?.active;
const matchItem = async (org: string, id: string) =>
  (
    await table.documentClient.send(
      new GetCommand({ TableName: table.tableName, Key: subscriptionKeys.match(org, id), ConsistentRead: true }),
    )
  ).Item;

describe('the per-user cap', () => {
  it('holds exactly when 30 creates by one user race: 20 made, 10 answered 422, nothing else written', async () => {
    // Prepare
    const nurse = caller(`nurse-race-${Date.now()}`, 'provide');

    // Act
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => fixture.service.create(nurse, inbox)));

    // Assess
    const made = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(made).toHaveLength(20);
    expect(refused).toHaveLength(10);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(UnprocessableEntityError);
      expect((r.reason as UnprocessableEntityError).errors).toEqual([
        { path: 'subscriptions', message: 'at most 20 subscriptions per person' },
      ]);
    }
    expect(await subscriptionItemsOf(nurse.sub)).toHaveLength(20);
    expect(await countOf(nurse.sub)).toBe(20);
  });

  it('gives the slot back on delete', async () => {
    // Prepare
    const nurse = caller(`nurse-delete-${Date.now()}`, 'provide');
    const made = await Promise.all(Array.from({ length: 20 }, () => fixture.service.create(nurse, inbox)));
    const full = await Promise.allSettled([fixture.service.create(nurse, inbox)]);

    // Act
    await fixture.service.delete(nurse, made[0]!.id);
    const again = await fixture.service.create(nurse, inbox);

    // Assess
    expect(full[0]!.status).toBe('rejected');
    expect(again.status).toBe('active');
    expect(await countOf(nurse.sub)).toBe(20);
  });

  it('gives expired subscriptions’ slots back: at the cap, the expired ones are removed with their match entries', async () => {
    // Prepare
    const nurse = caller(`nurse-expiry-${Date.now()}`, 'provide');
    const made = await Promise.all(Array.from({ length: 20 }, () => fixture.service.create(nurse, inbox)));

    // Act
    const fresh = await later.service.create(nurse, inbox);

    // Assess
    expect(fresh.status).toBe('active');
    expect((await subscriptionItemsOf(nurse.sub)).map((i) => i.id)).toEqual([fresh.id]);
    expect(await matchItem('provide', made[0]!.id)).toBeUndefined();
    expect(await countOf(nurse.sub)).toBe(1);
  });

  it('recounts when the table’s TTL removed a subscription without giving its slot back', async () => {
    // Prepare
    const nurse = caller(`nurse-ttl-${Date.now()}`, 'provide');
    const made = await Promise.all(Array.from({ length: 20 }, () => fixture.service.create(nurse, inbox)));
    await table.documentClient.send(new DeleteCommand({ TableName: table.tableName, Key: userKeys.subscription(nurse.sub, made[3]!.id) }));

    // Act
    const again = await fixture.service.create(nurse, inbox);

    // Assess
    expect(again.status).toBe('active');
    expect(await subscriptionItemsOf(nurse.sub)).toHaveLength(20);
    expect(await countOf(nurse.sub)).toBe(20);
  });
});

describe('expiry and renewal', () => {
  it('stores 90 days’ expiry and a TTL 30 days past it; renewal moves both on the owner item and every match entry', async () => {
    // Prepare
    const nurse = caller(`nurse-renew-${Date.now()}`, 'provide');
    const made = await fixture.service.create(nurse, { ...inbox, filters: { orgs: ['provide'] } });

    // Act
    const renewed = await later.service.renew(nurse, made.id);

    // Assess
    expect(Date.parse(renewed.expiresAt) - Date.parse(made.expiresAt)).toBeGreaterThanOrEqual(91 * DAY_MS - 60_000);
    const owner = await table.documentClient.send(
      new GetCommand({ TableName: table.tableName, Key: userKeys.subscription(nurse.sub, made.id), ConsistentRead: true }),
    );
    expect(owner.Item).toMatchObject({
      validUntil: renewed.expiresAt,
      expiresAt: Math.floor((Date.parse(renewed.expiresAt) + 30 * DAY_MS) / 1000),
    });
    const match = await matchItem('provide', made.id);
    expect(match).toMatchObject({ expiresAt: owner.Item!.expiresAt, subscription: { expiresAt: renewed.expiresAt } });
  });
});

describe('programme managers’ oversight', () => {
  it('disable marks the owner item and every match entry disabled, with who did it; renew then answers 409', async () => {
    // Prepare
    const nurse = caller(`nurse-disable-${Date.now()}`, 'ecc');
    const made = await fixture.service.create(nurse, inbox);

    // Act
    const disabled = await fixture.service.disable(manager, made.id);
    const renewal = await Promise.allSettled([fixture.service.renew(nurse, made.id)]);

    // Assess
    expect(disabled).toMatchObject({
      status: 'disabled',
      disabledBy: { sub: manager.sub, org: 'meht' },
      ownerSub: nurse.sub,
      ownerOrg: 'ecc',
    });
    expect(await matchItem('ecc', made.id)).toMatchObject({
      subscription: { status: 'disabled', disabledBy: { sub: manager.sub, org: 'meht' } },
    });
    expect(renewal[0]).toMatchObject({ status: 'rejected', reason: { name: 'ConflictError' } });
    expect((await fixture.service.list(nurse, { limit: 10 })).items[0]).toMatchObject({ id: made.id, status: 'disabled' });
  });

  it('lists every subscription newest first with its owner, by Query on an index (never a Scan) and never a secret', async () => {
    // Prepare
    const a = caller(`nurse-all-a-${Date.now()}`, 'provide');
    const b = caller(`nurse-all-b-${Date.now()}`, 'ecc');
    const first = await fixture.service.create(a, inbox);
    const second = await fixture.service.create(b, {
      ...inbox,
      channel: { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 'a-webhook-secret-of-length' },
    });
    fixture.probe.reset();

    // Act
    const page = await fixture.service.listAll(manager, { limit: 500 });

    // Assess
    expect(fixture.probe.calls).toEqual(['Query']);
    const ids = page.items.map((s) => s.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(page.items.find((s) => s.id === second.id)).toMatchObject({
      ownerSub: b.sub,
      ownerOrg: 'ecc',
      channel: { type: 'webhook', url: 'http://127.0.0.1:9' },
    });
    expect(JSON.stringify(page)).not.toMatch(/secret/i);
  });
});
