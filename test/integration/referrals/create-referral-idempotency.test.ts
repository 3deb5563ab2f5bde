/**
 * `Idempotency-Key` on `POST /referrals`, through the real handler module (Powertools
 * idempotency on the single table in DynamoDB Local): replays, conflicts, per-caller scope.
 */
import { QueryCommand } from '#shared/platform/dynamodb/document-client.ts';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX } from '#shared/platform/dynamodb/table-definition.ts';
import { referralKeys } from '#shared/platform/dynamodb/keys.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';
import { httpEvent, lambdaContext } from '#test/support/http-event.ts';

let table: TestTable;
let handler: (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const body = {
  toOrg: 'ecc',
  serviceArea: 'crisis-prevention',
  priority: 'soon',
  subject: { localId: 'MOS-42' },
  reason: 'Carer breakdown',
};

const claims = (sub: string) => ({ sub, token_use: 'id', 'custom:org': 'provide', 'cognito:groups': '[practitioner]' });

const post = (sub: string, key: string | undefined, payload: unknown = body) =>
  handler(
    httpEvent({
      method: 'POST',
      path: '/referrals',
      routeKey: 'POST /referrals',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(payload),
      claims: claims(sub),
    }),
    lambdaContext(),
  );

const outboxCount = async (): Promise<number> => {
  const { Items = [] } = await table.documentClient.send(
    new QueryCommand({
      TableName: table.tableName,
      IndexName: INDEX.outboxByCreated,
      KeyConditionExpression: 'outboxPk = :pk',
      ExpressionAttributeValues: { ':pk': referralKeys.listPartition('outbox', 'provide', 'submitted') },
    }),
  );
  return Items.length;
};

beforeAll(async () => {
  table = await createTestTable('idem');
  Object.assign(process.env, {
    JOINTLY_TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    JOINTLY_SUBJECT_HASH_KEY: 's'.repeat(40),
    JOINTLY_CURSOR_KEY: 'c'.repeat(40),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  ({ handler } = (await import('#functions/api/referrals/create-referral.ts')) as never);
});

afterAll(async () => {
  await table?.drop();
});

describe('Idempotency-Key on POST /referrals', () => {
  it('replays the original 201 and body for the same key and body, creating one referral', async () => {
    // Prepare
    const before = await outboxCount();

    // Act
    const first = await post('pat', 'key-replay');
    const second = await post('pat', 'key-replay');

    // Assess
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(JSON.parse(second.body!).id).toBe(JSON.parse(first.body!).id);
    expect(await outboxCount()).toBe(before + 1);
  });

  it('a replay leaves like any response: correlation id, no-store and security headers', async () => {
    // Prepare
    await post('pat', 'key-headers');

    // Act
    const replay = await post('pat', 'key-headers');

    // Assess
    expect(replay.statusCode).toBe(201);
    expect(replay.headers?.['X-Correlation-Id']).toMatch(/^[0-9A-Z]{26}$/);
    expect(replay.headers?.['Cache-Control']).toBe('no-store');
    expect(replay.headers?.['X-Content-Type-Options']).toBe('nosniff');
  });

  it('rejects the same key with a different body: 422 naming Idempotency-Key', async () => {
    // Prepare
    await post('pat', 'key-other-body');

    // Act
    const response = await post('pat', 'key-other-body', { ...body, priority: 'urgent' });

    // Assess
    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body!).errors[0].path).toBe('Idempotency-Key');
  });

  it("treats another caller's identical key as a new request", async () => {
    // Prepare
    const mine = await post('pat', 'key-shared');

    // Act
    const theirs = await post('sam', 'key-shared');

    // Assess
    expect(theirs.statusCode).toBe(201);
    expect(JSON.parse(theirs.body!).id).not.toBe(JSON.parse(mine.body!).id);
  });

  it('8 concurrent creates with one key make exactly one referral; the rest replay it or get 409', async () => {
    // Prepare
    const before = await outboxCount();

    // Act
    const responses = await Promise.all(Array.from({ length: 8 }, () => post('pat', 'key-concurrent')));

    // Assess
    const created = responses.filter((r) => r.statusCode === 201).map((r) => JSON.parse(r.body!).id as string);
    expect(new Set(created).size).toBe(1);
    for (const r of responses) expect([201, 409]).toContain(r.statusCode);
    expect(await outboxCount()).toBe(before + 1);
  });

  it('without the header every POST is a new referral', async () => {
    // Prepare
    const before = await outboxCount();

    // Act
    await post('pat', undefined);
    await post('pat', undefined);

    // Assess
    expect(await outboxCount()).toBe(before + 2);
  });

  it('a malformed key is a 400 naming the header, and writes nothing', async () => {
    // Prepare
    const before = await outboxCount();

    // Act
    const response = await post('pat', 'has spaces in it');

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!).errors[0].path).toBe('Idempotency-Key');
    expect(await outboxCount()).toBe(before);
  });
});
