/**
 * The subscription, delivery and alert routes through their real handler modules on
 * DynamoDB Local (in-process, as the local gateway would call them): stored shapes the
 * fan-out and delivery workers rely on, ownership (others' ids are 404), secrets never
 * returned, pagination, redrive through the wiring's delivery queue, alerts and acks.
 */
import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand, ScanCommand } from '#shared/platform/dynamodb/document-client.ts';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { subscriptionKeys, userKeys } from '#shared/platform/dynamodb/keys.ts';
import { INDEX } from '#shared/platform/dynamodb/table-definition.ts';
import { LocalSealer } from '#infra/local/adapters/local-sealer.ts';
import { headerOf, httpEvent, invoke, jsonBody, type TestableHandler } from '#test/support/http-event.ts';
import {
  TEST_SEAL_KEY,
  alertItem,
  capturingQueue,
  deadLetterItem,
  deliveryItem,
  deliveryJob,
  seed,
  ulidAt,
} from '#test/support/subscription-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;
const handlers = {} as Record<'create' | 'list' | 'remove' | 'deliveries' | 'redrive' | 'alerts' | 'ack', TestableHandler>;
const queue = capturingQueue();

const SECRET = 'shh-this-is-the-webhook-secret-42';
const RECEIVER = 'http://127.0.0.1:9999/hook';

type Role = 'practitioner' | 'programme_manager' | 'none';
interface Who {
  readonly sub: string;
  readonly org: string;
  readonly role: Role;
}
const PAT: Who = { sub: 'pat-provide', org: 'provide', role: 'practitioner' };
const EVE: Who = { sub: 'eve-ecc', org: 'ecc', role: 'practitioner' };
const MAX: Who = { sub: 'max-pm', org: 'meht', role: 'programme_manager' };
const NOBODY: Who = { sub: 'nobody', org: 'ecc', role: 'none' };

const claimsOf = (who: Who) => ({
  sub: who.sub,
  token_use: 'id',
  'custom:org': who.org,
  'cognito:groups': who.role === 'none' ? '[]' : `[${who.role}]`,
});

const call = (
  handler: TestableHandler,
  who: Who,
  request: {
    method: string;
    path: string;
    route: string;
    body?: unknown;
    pathParameters?: Record<string, string>;
    headers?: Record<string, string>;
  },
) =>
  invoke(
    handler,
    httpEvent({
      method: request.method,
      path: request.path,
      routeKey: `${request.method} ${request.route}`,
      headers: { ...(request.body === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
      ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
      claims: claimsOf(who),
    }),
  );

const createSubscription = (who: Who, body: unknown, headers?: Record<string, string>) =>
  call(handlers.create, who, { method: 'POST', path: '/subscriptions', route: '/subscriptions', body, headers });
const listSubscriptions = (who: Who, query = '') =>
  call(handlers.list, who, { method: 'GET', path: `/subscriptions${query}`, route: '/subscriptions' });
const deleteSubscription = (who: Who, id: string) =>
  call(handlers.remove, who, { method: 'DELETE', path: `/subscriptions/${id}`, route: '/subscriptions/{id}', pathParameters: { id } });
const listDeliveries = (who: Who, id: string, query = '') =>
  call(handlers.deliveries, who, {
    method: 'GET',
    path: `/subscriptions/${id}/deliveries${query}`,
    route: '/subscriptions/{id}/deliveries',
    pathParameters: { id },
  });
const redrive = (who: Who, id: string) =>
  call(handlers.redrive, who, {
    method: 'POST',
    path: `/subscriptions/${id}/redrive`,
    route: '/subscriptions/{id}/redrive',
    pathParameters: { id },
  });
const listAlerts = (who: Who, query = '') => call(handlers.alerts, who, { method: 'GET', path: `/alerts${query}`, route: '/alerts' });
const ackAlert = (who: Who, id: string) =>
  call(handlers.ack, who, { method: 'POST', path: `/alerts/${id}/ack`, route: '/alerts/{id}/ack', pathParameters: { id } });

const INBOX = { eventTypes: ['handoff.*', 'referral.overdue'], channel: { type: 'inbox' } };
const WEBHOOK = { eventTypes: ['*'], channel: { type: 'webhook', url: RECEIVER, secret: SECRET } };

/** Keys sorted at every level, as Powertools sorts a payload before hashing it. */
const sortedDeep = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortedDeep)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, sortedDeep((value as Record<string, unknown>)[k])]),
        )
      : value;

const idOf = (response: APIGatewayProxyStructuredResultV2): string => jsonBody<{ id: string }>(response).id;

const getItem = async (key: { pk: string; sk: string }) =>
  (await table.documentClient.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item;

const partition = async (pk: string, prefix: string) =>
  (
    await table.documentClient.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const matchItemsOf = async (subscriptionId: string, orgs: readonly string[]) =>
  (await Promise.all(orgs.map((org) => getItem(subscriptionKeys.match(org, subscriptionId))))).filter(Boolean);

beforeAll(async () => {
  table = await createTestTable('subs');
  Object.assign(process.env, {
    JOINTLY_TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    JOINTLY_SUBJECT_HASH_KEY: 's'.repeat(40),
    JOINTLY_CURSOR_KEY: 'c'.repeat(40),
    JOINTLY_WEBHOOK_POLICY: 'allow-loopback',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  // The routes that seal or queue are built on a wiring with the local runtime's sealer and this queue, as the runtime builds them.
  const { createSubscriptionWiring } = await import('#shared/wiring/subscriptions.ts');
  const wiring = createSubscriptionWiring({ sealer: new LocalSealer(TEST_SEAL_KEY), deliveryQueue: queue });
  type Module = { handler: TestableHandler; createHandler?: (w: typeof wiring) => TestableHandler };
  const load = async (name: string) => {
    const module = (await import(`../../../functions/api/subscriptions/${name}.ts`)) as Module;
    return module.createHandler ? module.createHandler(wiring) : module.handler;
  };
  handlers.create = await load('create-subscription');
  handlers.list = await load('list-subscriptions');
  handlers.remove = await load('delete-subscription');
  handlers.deliveries = await load('list-deliveries');
  handlers.redrive = await load('redrive-subscription');
  handlers.alerts = await load('list-alerts');
  handlers.ack = await load('ack-alert');
});

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  queue.sent.length = 0;
});

afterAll(async () => {
  vi.restoreAllMocks();
  await table?.drop();
});

describe('POST /subscriptions', () => {
  it('creates a practitioner’s inbox subscription filed under their own org: 201, Location, the item and its match item', async () => {
    // Prepare
    const body = { ...INBOX };

    // Act
    const response = await createSubscription(PAT, body);

    // Assess
    expect(response.statusCode).toBe(201);
    const view = jsonBody<Record<string, unknown>>(response);
    expect(headerOf(response, 'Location')).toBe(`/subscriptions/${view.id}`);
    expect(view).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      eventTypes: ['handoff.*', 'referral.overdue'],
      filters: { orgs: ['provide'] },
      channel: { type: 'inbox' },
      delivery: { mode: 'immediate' },
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      status: 'active',
    });
    expect(Date.parse(String(view.expiresAt)) - Date.parse(String(view.createdAt))).toBe(90 * 24 * 3600 * 1000);
    const item = await getItem(userKeys.subscription(PAT.sub, String(view.id)));
    expect(item).toMatchObject({
      entity: 'subscription',
      id: view.id,
      ownerSub: PAT.sub,
      ownerOrg: 'provide',
      filters: { orgs: ['provide'] },
    });
    const matches = await matchItemsOf(String(view.id), ['provide', '*', 'ecc']);
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ ...subscriptionKeys.match('provide', String(view.id)), entity: 'subscription-match' });
    const { pk, sk, entity, validUntil, expiresAt, inboxPk, createdSk, ...subscription } = item!;
    expect(matches[0]!.subscription).toEqual({ ...subscription, expiresAt: validUntil });
    // The table's TTL forgets the items 30 days after the subscription expires.
    expect(expiresAt).toBe(Math.floor((Date.parse(String(view.expiresAt)) + 30 * 24 * 3600 * 1000) / 1000));
    expect(matches[0]!.expiresAt).toBe(expiresAt);
  });

  it('files a programme manager’s subscription under each org named, or programme-wide under *', async () => {
    // Prepare
    const someOrgs = { ...INBOX, filters: { orgs: ['provide', 'ecc'], serviceAreas: ['crisis-prevention'] } };
    const everything = { eventTypes: ['*'], channel: { type: 'email', address: 'max@mse.nhs.uk' } };

    // Act
    const some = await createSubscription(MAX, someOrgs);
    const wide = await createSubscription(MAX, everything);

    // Assess
    expect(some.statusCode).toBe(201);
    expect(wide.statusCode).toBe(201);
    expect((await matchItemsOf(idOf(some), ['provide', 'ecc', 'meht', '*'])).map((i) => i!.pk).sort()).toEqual([
      'SUBSCRIBERS#ecc',
      'SUBSCRIBERS#provide',
    ]);
    expect((await matchItemsOf(idOf(wide), ['provide', 'ecc', 'meht', 'ageuk-essex', '*'])).map((i) => i!.pk)).toEqual(['SUBSCRIBERS#*']);
    expect(jsonBody(wide)).toMatchObject({ filters: {}, channel: { type: 'email', address: 'max@mse.nhs.uk' } });
  });

  it('seals a webhook secret and never returns it: not on create, list, or an idempotent replay', async () => {
    // Prepare
    const key = `webhook-${Date.now()}`;

    // Act
    const created = await createSubscription(PAT, WEBHOOK, { 'idempotency-key': key });
    const replayed = await createSubscription(PAT, WEBHOOK, { 'idempotency-key': key });
    const listed = await listSubscriptions(PAT, '?limit=100');

    // Assess
    expect(created.statusCode).toBe(201);
    expect(replayed.statusCode).toBe(201);
    expect(idOf(replayed)).toBe(idOf(created));
    expect(jsonBody(created)).toMatchObject({ channel: { type: 'webhook', url: RECEIVER } });
    const stored = await getItem(userKeys.subscription(PAT.sub, idOf(created)));
    const sealed = (stored!.channel as { sealedSecret: string }).sealedSecret;
    expect(sealed).toMatch(/^v2\./);
    expect(await new LocalSealer(TEST_SEAL_KEY).open(sealed, { subscriptionId: idOf(created) })).toBe(SECRET);
    const [match] = await matchItemsOf(idOf(created), ['provide']);
    expect((match!.subscription as { channel: { sealedSecret: string } }).channel.sealedSecret).toBe(sealed);
    for (const response of [created, replayed, listed]) {
      expect(response.body).not.toContain(SECRET);
      expect(response.body).not.toContain(sealed);
      expect(response.body).not.toMatch(/secret/i);
    }
  });

  it('keeps the webhook secret out of the idempotency record, yet refuses the same key with another secret (422)', async () => {
    // Prepare
    const key = `webhook-secret-${Date.now()}`;
    const otherSecret = 'a-different-webhook-secret-of-length-40!!';

    // Act
    const created = await createSubscription(MAX, WEBHOOK, { 'idempotency-key': key });
    const sameBody = await createSubscription(MAX, WEBHOOK, { 'idempotency-key': key });
    const otherSecretSameKey = await createSubscription(
      MAX,
      { ...WEBHOOK, channel: { ...WEBHOOK.channel, secret: otherSecret } },
      { 'idempotency-key': key },
    );

    // Assess
    expect(created.statusCode).toBe(201);
    expect(sameBody.statusCode).toBe(201);
    expect(idOf(sameBody)).toBe(idOf(created));
    expect(otherSecretSameKey.statusCode).toBe(422);
    const records = (
      await table.documentClient.send(
        new ScanCommand({
          TableName: table.tableName,
          FilterExpression: 'begins_with(pk, :p)',
          ExpressionAttributeValues: { ':p': 'IDEMPOTENCY#' },
          ConsistentRead: true,
        }),
      )
    ).Items!;
    const mine = records.filter((r) => JSON.stringify(r).includes(idOf(created)));
    expect(mine).toHaveLength(1);
    const stored = JSON.stringify(mine[0]);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toMatch(/"secret"/);
    // The payload hash is not the unkeyed hash of the body with the secret in it (Powertools' default).
    const unkeyed = createHash('md5')
      .update(JSON.stringify(sortedDeep({ ...WEBHOOK })))
      .digest('base64');
    expect(mine[0]!.validation).toBeDefined();
    expect(mine[0]!.validation).not.toBe(unkeyed);
  });

  it('rejects a webhook URL outside the local policy with 422 naming channel.url, writing nothing', async () => {
    // Prepare
    const before = (await partition(`USER#${EVE.sub}`, 'SUBSCRIPTION#')).length;

    // Act
    const responses = await Promise.all(
      ['http://169.254.169.254/latest/meta-data/', 'https://10.0.0.1/', 'ftp://127.0.0.1/'].map((url) =>
        createSubscription(EVE, { ...WEBHOOK, channel: { ...WEBHOOK.channel, url } }),
      ),
    );

    // Assess
    for (const response of responses) {
      expect(response.statusCode).toBe(422);
      expect(jsonBody<{ errors: { path: string }[] }>(response).errors.map((e) => e.path)).toEqual(['channel.url']);
    }
    expect((await partition(`USER#${EVE.sub}`, 'SUBSCRIPTION#')).length).toBe(before);
  });

  it('answers 400 naming unknown fields, 422 for unknown orgs, 403 for another org or no role', async () => {
    // Prepare
    const unknownField = { ...INBOX, channel: { type: 'inbox', colour: 'red' } };
    const unknownOrg = { ...INBOX, filters: { orgs: ['provide', 'atlantis'] } };
    const otherOrg = { ...INBOX, filters: { orgs: ['ecc'] } };

    // Act
    const badRequest = await createSubscription(PAT, unknownField);
    const unprocessable = await createSubscription(PAT, unknownOrg);
    const forbidden = await createSubscription(PAT, otherOrg);
    const noRole = await createSubscription(NOBODY, INBOX);

    // Assess
    expect(badRequest.statusCode).toBe(400);
    expect(jsonBody<{ errors: { path: string }[] }>(badRequest).errors.map((e) => e.path)).toEqual(['channel.colour']);
    expect(unprocessable.statusCode).toBe(422);
    expect(jsonBody<{ errors: { path: string }[] }>(unprocessable).errors.map((e) => e.path)).toEqual(['filters.orgs.1']);
    expect(forbidden.statusCode).toBe(403);
    expect(noRole.statusCode).toBe(403);
    for (const r of [badRequest, unprocessable, forbidden, noRole]) expect(headerOf(r, 'Content-Type')).toBe('application/problem+json');
  });
});

describe('GET /subscriptions', () => {
  const SAM: Who = { sub: 'sam-ageuk', org: 'ageuk-essex', role: 'practitioner' };

  it('lists only the caller’s own, newest first, in pages with a cursor bound to the caller', async () => {
    // Prepare
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(idOf(await createSubscription(SAM, INBOX)));
    await createSubscription(EVE, INBOX);

    // Act
    const first = await listSubscriptions(SAM, '?limit=2');
    const { nextCursor } = jsonBody<{ nextCursor: string }>(first);
    const second = await listSubscriptions(SAM, `?limit=2&cursor=${encodeURIComponent(nextCursor)}`);
    const stolen = await listSubscriptions(EVE, `?limit=2&cursor=${encodeURIComponent(nextCursor)}`);

    // Assess
    expect(first.statusCode).toBe(200);
    expect(jsonBody<{ items: { id: string }[] }>(first).items.map((s) => s.id)).toEqual([ids[2], ids[1]]);
    expect(jsonBody<{ items: { id: string }[]; nextCursor?: string }>(second)).toEqual({
      items: [expect.objectContaining({ id: ids[0] })],
    });
    expect(stolen.statusCode).toBe(400);
  });
});

describe('DELETE /subscriptions/{id}', () => {
  it('removes the subscription and every match item: 204 without a body; then 404', async () => {
    // Prepare
    const id = idOf(await createSubscription(MAX, { ...INBOX, filters: { orgs: ['provide', 'ecc', 'meht'] } }));

    // Act
    const deleted = await deleteSubscription(MAX, id);
    const again = await deleteSubscription(MAX, id);

    // Assess
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(await getItem(userKeys.subscription(MAX.sub, id))).toBeUndefined();
    expect(await matchItemsOf(id, ['provide', 'ecc', 'meht'])).toEqual([]);
    expect(again.statusCode).toBe(404);
  });

  it('answers 404 for another user’s subscription and leaves it and its match items', async () => {
    // Prepare
    const id = idOf(await createSubscription(PAT, INBOX));

    // Act
    const byColleagueElsewhere = await deleteSubscription(EVE, id);
    const byProgrammeManager = await deleteSubscription(MAX, id);

    // Assess
    expect(byColleagueElsewhere.statusCode).toBe(404);
    expect(byProgrammeManager.statusCode).toBe(404);
    expect(await getItem(userKeys.subscription(PAT.sub, id))).toBeDefined();
    expect(await matchItemsOf(id, ['provide'])).toHaveLength(1);
  });

  it('answers 400 for an id that is not a ULID', async () => {
    // Prepare
    const id = 'SUBSCRIPTION#x';

    // Act
    const response = await deleteSubscription(PAT, id);

    // Assess
    expect(response.statusCode).toBe(400);
  });
});

describe('GET /subscriptions/{id}/deliveries and POST …/redrive', () => {
  let subscriptionId: string;

  beforeAll(async () => {
    subscriptionId = idOf(await createSubscription(EVE, { ...WEBHOOK, eventTypes: ['referral.*'] }));
  });

  it('lists attempts newest first, in pages', async () => {
    // Prepare
    const eventId = ulidAt('2026-01-05T09:00:00.000Z');
    await seed(table.documentClient, table.tableName, [
      deliveryItem(subscriptionId, { eventId, attempt: 1, at: '2026-01-05T09:00:01.000Z', outcome: 'failed', httpStatus: 503 }),
      deliveryItem(subscriptionId, { eventId, attempt: 2, at: '2026-01-05T09:00:31.000Z', outcome: 'failed', error: 'timeout' }),
      deliveryItem(subscriptionId, { eventId, attempt: 3, at: '2026-01-05T09:02:31.000Z', outcome: 'delivered', httpStatus: 204 }),
    ]);

    // Act
    const first = await listDeliveries(EVE, subscriptionId, '?limit=2');
    const cursor = jsonBody<{ nextCursor: string }>(first).nextCursor;
    const second = await listDeliveries(EVE, subscriptionId, `?limit=2&cursor=${encodeURIComponent(cursor)}`);

    // Assess
    expect(first.statusCode).toBe(200);
    expect(jsonBody<{ items: unknown[] }>(first).items).toEqual([
      { eventId, attempt: 3, at: '2026-01-05T09:02:31.000Z', outcome: 'delivered', httpStatus: 204 },
      { eventId, attempt: 2, at: '2026-01-05T09:00:31.000Z', outcome: 'failed', error: 'timeout' },
    ]);
    expect(jsonBody(second)).toEqual({
      items: [{ eventId, attempt: 1, at: '2026-01-05T09:00:01.000Z', outcome: 'failed', httpStatus: 503 }],
    });
  });

  it('answers 404 to anyone but the owner, for deliveries and redrive, and redrives nothing', async () => {
    // Prepare
    const job = deliveryJob(subscriptionId, EVE.sub, ulidAt('2026-01-05T11:00:00.000Z'), 5);
    await seed(table.documentClient, table.tableName, [deadLetterItem(job)]);

    // Act
    const responses = [
      await listDeliveries(PAT, subscriptionId),
      await listDeliveries(MAX, subscriptionId),
      await redrive(PAT, subscriptionId),
      await redrive(MAX, subscriptionId),
    ];

    // Assess
    for (const response of responses) expect(response.statusCode).toBe(404);
    expect(queue.sent).toEqual([]);
    expect(await getItem(subscriptionKeys.deadLetter(subscriptionId, job.event.id))).toBeDefined();
  });

  it('queues every dead letter again as attempt 1 through the delivery queue, deletes them, and answers 202', async () => {
    // Prepare
    const dead = await partition(`SUBSCRIPTION#${subscriptionId}`, 'DEADLETTER#');
    const jobs = Array.from({ length: 3 }, (_, i) => deliveryJob(subscriptionId, EVE.sub, ulidAt(`2026-01-05T12:0${i}:00.000Z`), 6));
    await seed(table.documentClient, table.tableName, jobs.map(deadLetterItem));
    const expected = [...dead.map((d) => d.job as (typeof jobs)[number]), ...jobs];

    // Act
    const response = await redrive(EVE, subscriptionId);
    const again = await redrive(EVE, subscriptionId);

    // Assess
    expect(response.statusCode).toBe(202);
    expect(jsonBody(response)).toEqual({ redriven: expected.length });
    expect(queue.sent.map((j) => j.event.id).sort()).toEqual(expected.map((j) => j.event.id).sort());
    for (const job of queue.sent) expect(job).toEqual({ ...expected.find((e) => e.event.id === job.event.id), attempt: 1 });
    expect(await partition(`SUBSCRIPTION#${subscriptionId}`, 'DEADLETTER#')).toEqual([]);
    expect(jsonBody(again)).toEqual({ redriven: 0 });
  });
});

describe('GET /alerts and POST /alerts/{id}/ack', () => {
  const ANA: Who = { sub: 'ana-ecc', org: 'ecc', role: 'practitioner' };
  const subscriptionId = ulidAt('2026-02-01T00:00:00.000Z');
  const times = ['2026-02-01T09:00:00.000Z', '2026-02-01T10:00:00.000Z', '2026-02-01T11:00:00.000Z', '2026-02-01T12:00:00.000Z'];
  const eventIds = times.map(ulidAt);
  const alertIds = eventIds.map((eventId) => `${eventId}.${subscriptionId}`);
  const othersEventId = ulidAt('2026-02-01T13:00:00.000Z');

  beforeAll(async () => {
    await seed(table.documentClient, table.tableName, [
      ...eventIds.map((eventId, i) =>
        alertItem({ sub: ANA.sub, eventId, subscriptionId, createdAt: times[i]!, read: i === 0 ? '2026-02-01T09:30:00.000Z' : undefined }),
      ),
      alertItem({ sub: EVE.sub, eventId: othersEventId, subscriptionId, createdAt: '2026-02-01T13:00:00.000Z' }),
    ]);
  });

  const idsOf = (response: APIGatewayProxyStructuredResultV2) => jsonBody<{ items: { id: string }[] }>(response).items.map((a) => a.id);

  it('lists unread alerts (newest first) apart from all alerts, only the caller’s', async () => {
    // Prepare
    const expectedUnread = [alertIds[3], alertIds[2], alertIds[1]];

    // Act
    const unread = await listAlerts(ANA, '?unread=true');
    const all = await listAlerts(ANA, '?unread=false');
    const byDefault = await listAlerts(ANA);

    // Assess
    expect(unread.statusCode).toBe(200);
    expect(idsOf(unread)).toEqual(expectedUnread);
    expect(idsOf(all)).toEqual([...expectedUnread, alertIds[0]]);
    expect(idsOf(byDefault)).toEqual(idsOf(all));
    expect(jsonBody<{ items: Record<string, unknown>[] }>(unread).items[0]).toEqual({
      id: alertIds[3],
      eventId: eventIds[3],
      subscriptionId,
      type: 'handoff.offered',
      referralId: expect.any(String),
      summary: expect.any(String),
      createdAt: times[3],
    });
  });

  it('pages unread alerts with a cursor that is bound to the unread query', async () => {
    // Prepare
    const first = await listAlerts(ANA, '?unread=true&limit=2');
    const cursor = encodeURIComponent(jsonBody<{ nextCursor: string }>(first).nextCursor);

    // Act
    const second = await listAlerts(ANA, `?unread=true&limit=2&cursor=${cursor}`);
    const crossed = await listAlerts(ANA, `?unread=false&limit=2&cursor=${cursor}`);

    // Assess
    expect(idsOf(first)).toEqual([alertIds[3], alertIds[2]]);
    expect(jsonBody(second)).toEqual({ items: [expect.objectContaining({ id: alertIds[1] })] });
    expect(crossed.statusCode).toBe(400);
  });

  it('acks the caller’s own alert: 200 with readAt, out of the unread list; acking again keeps the first readAt', async () => {
    // Prepare
    const target = alertIds[2]!;

    // Act
    const acked = await ackAlert(ANA, target);
    const ackedAgain = await ackAlert(ANA, target);
    const unread = await listAlerts(ANA, '?unread=true');

    // Assess
    expect(acked.statusCode).toBe(200);
    const readAt = jsonBody<{ readAt: string }>(acked).readAt;
    expect(jsonBody(acked)).toMatchObject({ id: target, readAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(ackedAgain.statusCode).toBe(200);
    expect(jsonBody<{ readAt: string }>(ackedAgain).readAt).toBe(readAt);
    expect(idsOf(unread)).toEqual([alertIds[3], alertIds[1]]);
    const item = await getItem(userKeys.alert(ANA.sub, eventIds[2]!, subscriptionId));
    expect(item).not.toHaveProperty('inboxPk');
    expect(item?.readAt).toBe(readAt);
  });

  it('answers 404 for someone else’s alert and for a missing one, changing nothing; 400 for a malformed id', async () => {
    // Prepare
    const evesAlert = `${othersEventId}.${subscriptionId}`;
    const missing = `${ulidAt('2026-03-01T00:00:00.000Z')}.${subscriptionId}`;

    // Act
    const others = await ackAlert(ANA, evesAlert);
    const none = await ackAlert(ANA, missing);
    const malformed = await ackAlert(ANA, 'ALERT#x');

    // Assess
    expect(others.statusCode).toBe(404);
    expect(none.statusCode).toBe(404);
    expect(malformed.statusCode).toBe(400);
    expect(idsOf(await listAlerts(EVE, '?unread=true'))).toEqual([evesAlert]);
    expect(await getItem(userKeys.alert(ANA.sub, othersEventId, subscriptionId))).toBeUndefined();
  });

  it('answers 403 to a caller with no role, and 400 for a bad unread value', async () => {
    // Prepare
    const query = '?unread=maybe';

    // Act
    const noRole = await listAlerts(NOBODY, '?unread=true');
    const bad = await listAlerts(ANA, query);

    // Assess
    expect(noRole.statusCode).toBe(403);
    expect(bad.statusCode).toBe(400);
  });
});

describe('the unread index', () => {
  it('holds only unread alerts (ack removes the sparse key)', async () => {
    // Prepare
    const who: Who = { sub: 'ian-meht', org: 'meht', role: 'practitioner' };
    const eventId = ulidAt('2026-04-01T00:00:00.000Z');
    const subscriptionId = ulidAt('2026-04-01T00:00:00.000Z');
    await seed(table.documentClient, table.tableName, [
      alertItem({ sub: who.sub, eventId, subscriptionId, createdAt: '2026-04-01T00:00:00.000Z' }),
    ]);
    const unreadIndex = async () =>
      (
        await table.documentClient.send(
          new QueryCommand({
            TableName: table.tableName,
            IndexName: INDEX.inboxByCreated,
            KeyConditionExpression: 'inboxPk = :pk',
            ExpressionAttributeValues: { ':pk': userKeys.unreadAlertsPartition(who.sub) },
          }),
        )
      ).Items ?? [];
    const before = (await unreadIndex()).length;

    // Act
    await ackAlert(who, `${eventId}.${subscriptionId}`);

    // Assess
    expect(before).toBe(1);
    expect(await unreadIndex()).toEqual([]);
  });
});

describe('concurrent writes', () => {
  it('of 6 concurrent deletes of one subscription exactly one wins (204); the rest get 404 or 409', async () => {
    // Prepare
    const id = idOf(await createSubscription(MAX, { ...INBOX, filters: { orgs: ['provide', 'ecc'] } }));

    // Act
    const responses = await Promise.all(Array.from({ length: 6 }, () => deleteSubscription(MAX, id)));

    // Assess
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    for (const s of statuses.filter((s) => s !== 204)) expect([404, 409]).toContain(s);
    expect(await matchItemsOf(id, ['provide', 'ecc'])).toEqual([]);
  });

  it('6 concurrent acks of one alert all answer 200 with one readAt', async () => {
    // Prepare
    const who: Who = { sub: 'kay-provide', org: 'provide', role: 'practitioner' };
    const eventId = ulidAt('2026-05-01T00:00:00.000Z');
    const subscriptionId = ulidAt('2026-05-01T00:00:00.000Z');
    await seed(table.documentClient, table.tableName, [
      alertItem({ sub: who.sub, eventId, subscriptionId, createdAt: '2026-05-01T00:00:00.000Z' }),
    ]);

    // Act
    const responses = await Promise.all(Array.from({ length: 6 }, () => ackAlert(who, `${eventId}.${subscriptionId}`)));

    // Assess
    for (const r of responses) expect(r.statusCode).toBe(200);
    expect(new Set(responses.map((r) => jsonBody<{ readAt: string }>(r).readAt)).size).toBe(1);
  });
});
