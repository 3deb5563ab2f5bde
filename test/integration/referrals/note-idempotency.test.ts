/**
 * `Idempotency-Key` is scoped to the caller, the route and its concrete path: the same key
 * and body on another referral's notes is another request (it used to replay the first
 * note's 201 and write nothing). Through the real handler modules on DynamoDB Local.
 */
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTable, type TestTable } from '#test/support/table.ts';
import { httpEvent, lambdaContext } from '#test/support/http-event.ts';

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

let table: TestTable;
let createReferral: Handler;
let addNote: Handler;
let listNotes: Handler;

const PAT = { sub: 'idem-pat', token_use: 'id', 'custom:org': 'provide', 'cognito:groups': '[practitioner]' };
const SAM = { sub: 'idem-sam', token_use: 'id', 'custom:org': 'provide', 'cognito:groups': '[practitioner]' };

const post = (
  handler: Handler,
  path: string,
  routeKey: string,
  body: unknown,
  options: { key?: string; claims?: Record<string, string>; id?: string } = {},
) =>
  handler(
    httpEvent({
      method: 'POST',
      path,
      routeKey,
      headers: { 'content-type': 'application/json', ...(options.key ? { 'idempotency-key': options.key } : {}) },
      body: JSON.stringify(body),
      claims: options.claims ?? PAT,
      ...(options.id ? { pathParameters: { id: options.id } } : {}),
    }),
    lambdaContext(),
  );

const note = (id: string, text: string, key: string, claims = PAT) =>
  post(addNote, `/referrals/${id}/notes`, 'POST /referrals/{id}/notes', { text }, { key, claims, id });

const notesOf = async (id: string): Promise<{ id: string; text: string }[]> => {
  const reply = await listNotes(
    httpEvent({ path: `/referrals/${id}/notes`, routeKey: 'GET /referrals/{id}/notes', claims: PAT, pathParameters: { id } }),
    lambdaContext(),
  );
  return JSON.parse(reply.body!).items;
};

const newReferral = async (): Promise<string> => {
  const reply = await post(createReferral, '/referrals', 'POST /referrals', {
    toOrg: 'ecc',
    serviceArea: 'crisis-prevention',
    priority: 'soon',
    subject: { localId: 'IDEM-1' },
    reason: 'Carer breakdown',
  });
  if (reply.statusCode !== 201) throw new Error(`create failed: ${reply.body}`);
  return JSON.parse(reply.body!).id;
};

beforeAll(async () => {
  table = await createTestTable('note-idem');
  Object.assign(process.env, {
    JOINTLY_TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    JOINTLY_SUBJECT_HASH_KEY: 's'.repeat(40),
    JOINTLY_CURSOR_KEY: 'c'.repeat(40),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  ({ handler: createReferral } = (await import('#functions/api/referrals/create-referral.ts')) as never);
  ({ handler: addNote } = (await import('#functions/api/referrals/add-note.ts')) as never);
  ({ handler: listNotes } = (await import('#functions/api/referrals/list-notes.ts')) as never);
});

afterAll(async () => {
  await table?.drop();
});

describe('Idempotency-Key on POST /referrals/{id}/notes is scoped to the concrete path', () => {
  it('writes both notes when the same key and body go to two different referrals', async () => {
    // Prepare
    const [first, second] = [await newReferral(), await newReferral()];

    // Act
    const onFirst = await note(first, 'Called the family; visit booked.', 'same-key-two-referrals');
    const onSecond = await note(second, 'Called the family; visit booked.', 'same-key-two-referrals');

    // Assess
    expect([onFirst.statusCode, onSecond.statusCode]).toEqual([201, 201]);
    const [a, b] = [JSON.parse(onFirst.body!), JSON.parse(onSecond.body!)];
    expect(a.id).not.toBe(b.id);
    expect([a.referralId, b.referralId]).toEqual([first, second]);
    expect((await notesOf(first)).map((n) => n.id)).toEqual([a.id]);
    expect((await notesOf(second)).map((n) => n.id)).toEqual([b.id]);
  });

  it('still replays the same key and body on the same path, writing one note', async () => {
    // Prepare
    const id = await newReferral();

    // Act
    const original = await note(id, 'Discharge planned for Friday.', 'replay-key');
    const replay = await note(id, 'Discharge planned for Friday.', 'replay-key');

    // Assess
    expect([original.statusCode, replay.statusCode]).toEqual([201, 201]);
    expect(JSON.parse(replay.body!).id).toBe(JSON.parse(original.body!).id);
    expect(await notesOf(id)).toHaveLength(1);
  });

  it('answers 422 to the same key with another body on the same path, writing nothing more', async () => {
    // Prepare
    const id = await newReferral();
    await note(id, 'First text.', 'changed-body-key');

    // Act
    const reply = await note(id, 'Another text.', 'changed-body-key');

    // Assess
    expect(reply.statusCode).toBe(422);
    expect(await notesOf(id)).toHaveLength(1);
  });

  it('treats the same key from another caller as a new request', async () => {
    // Prepare
    const id = await newReferral();

    // Act
    const fromPat = await note(id, 'Same words.', 'shared-key');
    const fromSam = await note(id, 'Same words.', 'shared-key', SAM);

    // Assess
    expect([fromPat.statusCode, fromSam.statusCode]).toEqual([201, 201]);
    expect(JSON.parse(fromSam.body!).id).not.toBe(JSON.parse(fromPat.body!).id);
    expect(await notesOf(id)).toHaveLength(2);
  });
});
