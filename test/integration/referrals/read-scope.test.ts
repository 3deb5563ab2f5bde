/**
 * Reads fail closed (DESIGN §3 "Fail closed"): `POST /referrals/search` through the real
 * handler modules on DynamoDB Local with every token shape Cognito can hand the HTTP API
 * authorizer, and the repository's required read scope underneath.
 *
 * The leak this guards against: an access token (or an ID token of a user created without
 * `custom:org`) passes the deployed JWT authorizer, became a caller with `org: ''`, and the
 * search's party filter was added only when the org was truthy, so the search answered with
 * every organisation's referrals for the NHS number.
 */
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoReferralRepository } from '#shared/referrals/data/referral-repository.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';
import { httpEvent, lambdaContext } from '#test/support/http-event.ts';

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

let table: TestTable;
let create: Handler;
let search: Handler;
let repository: DynamoReferralRepository;

const SUBJECT_HASH_KEY = 's'.repeat(40);
const NHS_NUMBER = '9434765919';
const REASON_PROVIDE = 'Provide: falls at home twice this week';
const REASON_MEHT = 'MEHT: discharge needs a package of care';

const idToken = (sub: string, org: string, group = 'practitioner') => ({
  sub,
  token_use: 'id',
  'custom:org': org,
  'cognito:groups': `[${group}]`,
});

/** What the authorizer hands on for a Cognito access token: no `aud`, no custom attributes. */
const accessToken = (sub: string, group: string) => ({
  sub,
  token_use: 'access',
  client_id: 'jointly-client',
  scope: 'openid email',
  username: sub,
  'cognito:groups': `[${group}]`,
});

const call = (handler: Handler, path: string, claims: Record<string, string>, body: unknown) =>
  handler(
    httpEvent({
      method: 'POST',
      path,
      routeKey: `POST ${path}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      claims,
    }),
    lambdaContext(),
  );

let provideReferralId: string;
let mehtReferralId: string;

beforeAll(async () => {
  table = await createTestTable('scope');
  Object.assign(process.env, {
    JOINTLY_TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    JOINTLY_SUBJECT_HASH_KEY: SUBJECT_HASH_KEY,
    JOINTLY_CURSOR_KEY: 'c'.repeat(40),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  ({ handler: create } = (await import('#functions/api/referrals/create-referral.ts')) as never);
  ({ handler: search } = (await import('#functions/api/referrals/search-referrals.ts')) as never);
  repository = new DynamoReferralRepository({ client: table.documentClient, tableName: table.tableName, subjectHashKey: SUBJECT_HASH_KEY });
  const subject = { nhsNumber: NHS_NUMBER, name: 'Scope Person' };
  const fromProvide = await call(create, '/referrals', idToken('scope-provide', 'provide'), {
    toOrg: 'ecc',
    serviceArea: 'rapid-response',
    priority: 'urgent',
    subject,
    reason: REASON_PROVIDE,
  });
  const fromMeht = await call(create, '/referrals', idToken('scope-meht', 'meht'), {
    toOrg: 'ageuk-essex',
    serviceArea: 'joint-referral',
    priority: 'soon',
    subject,
    reason: REASON_MEHT,
  });
  if (fromProvide.statusCode !== 201 || fromMeht.statusCode !== 201)
    throw new Error(`seeding failed: ${fromProvide.body} ${fromMeht.body}`);
  provideReferralId = JSON.parse(fromProvide.body!).id;
  mehtReferralId = JSON.parse(fromMeht.body!).id;
});

afterAll(async () => {
  await table?.drop();
});

describe('POST /referrals/search with tokens that are not an ID token of a registered org', () => {
  it('answers 401 problem+json, with no referral, to a practitioner’s access token (no custom:org)', async () => {
    // Act
    const reply = await call(search, '/referrals/search', accessToken('scope-at', 'practitioner'), { nhsNumber: NHS_NUMBER });

    // Assess
    expect(reply.statusCode).toBe(401);
    expect(reply.headers?.['Content-Type']).toBe('application/problem+json');
    expect(reply.body).not.toContain(REASON_PROVIDE);
    expect(reply.body).not.toContain(REASON_MEHT);
  });

  it('answers 401 to a programme manager’s access token too', async () => {
    // Act
    const reply = await call(search, '/referrals/search', accessToken('scope-at-pm', 'programme_manager'), { nhsNumber: NHS_NUMBER });

    // Assess
    expect(reply.statusCode).toBe(401);
    expect(reply.body).not.toContain(NHS_NUMBER);
  });

  it('never returns other organisations’ referrals to a token without custom:org (the old leak)', async () => {
    // Prepare: the claims the reviewer found getting through, with and without token_use.
    const leaky: Record<string, string>[] = [
      { sub: 'scope-no-org', 'cognito:groups': '[practitioner]' },
      { sub: 'scope-no-org', token_use: 'id', 'cognito:groups': '[practitioner]' },
      { sub: 'scope-fake-org', token_use: 'id', 'custom:org': 'nhs-fake', 'cognito:groups': '[practitioner]' },
    ];

    // Act
    const replies = await Promise.all(leaky.map((claims) => call(search, '/referrals/search', claims, { nhsNumber: NHS_NUMBER })));

    // Assess
    for (const reply of replies) {
      expect(reply.statusCode === 401 || reply.statusCode === 403).toBe(true);
      expect(reply.body).not.toContain(provideReferralId);
      expect(reply.body).not.toContain(mehtReferralId);
      expect(reply.body).not.toContain(REASON_MEHT);
    }
    expect(replies.map((r) => r.statusCode)).toEqual([401, 403, 403]);
  });

  it('still answers a registered practitioner with their own org’s referral only', async () => {
    // Act
    const reply = await call(search, '/referrals/search', idToken('scope-provide', 'provide'), { nhsNumber: NHS_NUMBER });

    // Assess
    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body!).items.map((r: { id: string }) => r.id)).toEqual([provideReferralId]);
  });
});

describe('the repository’s required read scope', () => {
  it('findByPerson with an org scope returns only referrals the org is party to; programme-wide all', async () => {
    // Act
    const asMeht = await repository.findByPerson({ nhsNumber: NHS_NUMBER }, { kind: 'org', org: 'meht' }, { limit: 25 });
    const asAgeUk = await repository.findByPerson({ nhsNumber: NHS_NUMBER }, { kind: 'org', org: 'ageuk-essex' }, { limit: 25 });
    const asEcc = await repository.findByPerson({ nhsNumber: NHS_NUMBER }, { kind: 'org', org: 'ecc' }, { limit: 25 });
    const programme = await repository.findByPerson({ nhsNumber: NHS_NUMBER }, { kind: 'programme' }, { limit: 25 });

    // Assess
    expect(asMeht.items.map((r) => r.id)).toEqual([mehtReferralId]);
    expect(asAgeUk.items.map((r) => r.id)).toEqual([mehtReferralId]);
    expect(asEcc.items.map((r) => r.id)).toEqual([provideReferralId]);
    expect(programme.items.map((r) => r.id).sort()).toEqual([provideReferralId, mehtReferralId].sort());
  });

  it('a list scoped to one org reads no other org’s box, whatever orgs it is asked for', async () => {
    // Act
    const page = await repository.list({
      scope: { kind: 'org', org: 'provide' },
      box: 'outbox',
      orgs: ['meht', 'provide'],
      statuses: ['submitted'],
      sort: 'newest',
      limit: 25,
    });
    const handoffs = await repository.listHandoffs({
      scope: { kind: 'org', org: 'provide' },
      box: 'inbox',
      orgs: ['meht'],
      statuses: ['offered'],
      limit: 25,
    });

    // Assess
    expect(page.items.map((r) => r.id)).toEqual([provideReferralId]);
    expect(handoffs.items).toEqual([]);
  });

  it('an org scope cannot be built without an org, nor a programme scope with one (by type)', () => {
    // Prepare: these lines would not compile; the runtime check documents the intent.
    // @ts-expect-error an org scope needs its org
    const missingOrg: Parameters<DynamoReferralRepository['findByPerson']>[1] = { kind: 'org' };
    // @ts-expect-error an org scope names a registered org, never ''
    const emptyOrg: Parameters<DynamoReferralRepository['findByPerson']>[1] = { kind: 'org', org: '' };

    // Act
    const kinds = [missingOrg.kind, emptyOrg.kind];

    // Assess
    expect(kinds).toEqual(['org', 'org']);
  });
});
