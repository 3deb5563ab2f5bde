/**
 * Bad input to `POST /referrals`, over HTTP against the local runtime (DESIGN §6: "bad
 * input gets a clear 4xx problem+json, never a 500, and changes nothing"). A fast-check
 * property throws arbitrary JSON, mutated valid bodies and non-JSON text at the route;
 * hand-written cases pin the statuses the contract names. Personal values sent must
 * never reach the runtime's output (logs).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import { readAllPages, referralApi, type ApiResponse, type CallerClaims, type ReferralApi } from '#test/support/referral-api.ts';

let runtime: RuntimeProcess;
let api: ReferralApi;

beforeAll(async () => {
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') });
  api = referralApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

const SENDER: CallerClaims = { sub: 'fuzz-provide-practitioner', org: 'provide', roles: ['practitioner'] };

// Personal values that must never be logged: distinctive, so a hit is no coincidence.
const NAME = 'Peregrine Quillfeather-Brackenbury';
const NHS_NUMBER = '9434765919';
const POSTCODE = 'CO7 9QZ';
const LOCAL_ID = 'ECC-MOSAIC-77123';
const REASON = 'Found on the floor by the Quillfeather carer; hypothermic, confused.';

/** A valid body with every optional field present, so mutations have something to break. */
const validBody = (): Record<string, unknown> => ({
  toOrg: 'ecc',
  toTeam: 'chelmsford-mdt',
  fromTeam: 'rapid-response-north',
  serviceArea: 'rapid-response',
  priority: 'urgent',
  subject: { nhsNumber: NHS_NUMBER, localId: LOCAL_ID, name: NAME, dateOfBirth: '1938-11-02', postcode: POSTCODE },
  reason: REASON,
});

const TOP_FIELDS = ['toOrg', 'toTeam', 'fromTeam', 'serviceArea', 'priority', 'subject', 'reason'] as const;
const SUBJECT_FIELDS = ['nhsNumber', 'localId', 'name', 'dateOfBirth', 'postcode'] as const;

/** Where a mutation lands: a top-level field or a field of `subject`. */
const fieldPath = fc.oneof(
  fc.constantFrom(...TOP_FIELDS).map((field) => [field] as string[]),
  fc.constantFrom(...SUBJECT_FIELDS).map((field) => ['subject', field] as string[]),
);

const wrongTyped = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

const invalidNhsNumber = fc.oneof(
  fc.constant('9434765918'), // check digit wrong
  fc.constant('0000000000'), // all zeros
  fc.constant('943 476 5919'), // spaces
  fc.constant('943476591'), // 9 digits
  fc.constant('94347659190'), // 11 digits
  fc.constant(9434765919), // a number
  fc.stringMatching(/^\d{10}$/), // mostly a wrong check digit
  fc.string({ maxLength: 12 }),
);

/** A long string built cheaply: past every field limit, sometimes past the 1 MiB body limit. */
const hugeString = fc
  .tuple(fc.constantFrom(4_001, 20_000, 300_000, 1_100_000), fc.constantFrom('x', 'é', '𝔵', '"\\', '\u0000'))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));

/** Deeply nested junk. */
const nestedJunk = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 3 }),
  ),
})).node;

type Mutation = (body: Record<string, unknown>) => void;

const setAt = (body: Record<string, unknown>, path: readonly string[], value: unknown) => {
  const [head, tail] = path;
  if (tail === undefined) body[head!] = value;
  else if (typeof body[head!] === 'object' && body[head!] !== null) (body[head!] as Record<string, unknown>)[tail] = value;
  else body[head!] = { [tail]: value };
};
const deleteAt = (body: Record<string, unknown>, path: readonly string[]) => {
  const [head, tail] = path;
  if (tail === undefined) delete body[head!];
  else if (typeof body[head!] === 'object' && body[head!] !== null) delete (body[head!] as Record<string, unknown>)[tail];
};

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // drop a field
  fieldPath.map(
    (path): Mutation =>
      (body) =>
        deleteAt(body, path),
  ),
  // wrong type
  fc.tuple(fieldPath, wrongTyped).map(
    ([path, value]): Mutation =>
      (body) =>
        setAt(body, path, value),
  ),
  // unknown field, top level or in subject (including prototype-ish names)
  fc
    .tuple(
      fc.boolean(),
      fc.oneof(
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'ownerOrg', 'status', 'version', 'fromOrg'),
      ),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(
      ([inSubject, key, value]): Mutation =>
        (body) =>
          setAt(body, inSubject ? ['subject', key] : [key], value),
    ),
  // out-of-enum values
  fc
    .tuple(
      fc.constantFrom('toOrg', 'serviceArea', 'priority'),
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('URGENT', 'emergency', 'Rapid-Response', 'nhs-england', 'ECC', ' ecc', 'ecc ', 'provide'),
      ),
    )
    .map(
      ([field, value]): Mutation =>
        (body) =>
          setAt(body, [field], value),
    ),
  // huge strings
  fc.tuple(fc.constantFrom(['reason'], ['subject', 'name'], ['subject', 'localId'], ['toTeam'], ['subject', 'postcode']), hugeString).map(
    ([path, value]): Mutation =>
      (body) =>
        setAt(body, path, value),
  ),
  // invalid NHS numbers
  invalidNhsNumber.map(
    (value): Mutation =>
      (body) =>
        setAt(body, ['subject', 'nhsNumber'], value),
  ),
  // nested junk in place of a field
  fc.tuple(fieldPath, nestedJunk).map(
    ([path, value]): Mutation =>
      (body) =>
        setAt(body, path, value),
  ),
  // odd but well-typed values
  fc
    .tuple(
      fc.constantFrom(['reason'], ['subject', 'name'], ['subject', 'dateOfBirth'], ['subject', 'postcode'], ['toTeam']),
      fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', '   ', '2999-01-01', '1940-02-30', '<script>', '../../etc', 'SW1A 1AA')),
    )
    .map(
      ([path, value]): Mutation =>
        (body) =>
          setAt(body, path, value),
    ),
);

/** A request body as text, and how it was made (for the failure report). */
const requestBody: fc.Arbitrary<{ kind: string; text: string }> = fc.oneof(
  { weight: 2, arbitrary: fc.jsonValue().map((value) => ({ kind: 'arbitrary JSON', text: JSON.stringify(value) ?? 'null' })) },
  {
    weight: 5,
    arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => {
      const body = validBody();
      for (const mutate of mutations) mutate(body);
      return { kind: 'mutated valid body', text: JSON.stringify(body) };
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom(
          '',
          '{',
          '{"toOrg":"ecc",',
          "{'toOrg':'ecc'}",
          '\uFEFF{}',
          'null',
          '[]',
          'NaN',
          '{"a":1}{"b":2}',
          '{"toOrg":"ecc"\u0000}',
        ),
        fc.jsonValue().map((value) => `${JSON.stringify(value)} trailing`),
      )
      .map((text) => ({ kind: 'not JSON (or barely)', text })),
  },
);

const expectProblem = (response: ApiResponse, status: number, field?: string) => {
  expect(response.status, `${response.status} ${response.text.slice(0, 500)}`).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  if (field) expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(field);
};

const outboxCount = async () => (await readAllPages(api, SENDER, '/referrals?box=outbox&limit=100')).length;

describe('POST /referrals with bad input', () => {
  it('any body: never a 5xx; every 4xx is problem+json (400 with errors[]); nothing is written unless 201', {
    timeout: 90_000,
  }, async () => {
    // Prepare
    const before = await outboxCount();
    let accepted = 0;
    const statuses = new Map<number, number>();

    // Act
    await fc.assert(
      fc.asyncProperty(requestBody, async ({ text }) => {
        const response = await api.post(SENDER, '/referrals', undefined, { rawBody: text });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);

        // Assess (per request)
        expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
        expect([201, 400, 413, 422]).toContain(response.status);
        if (response.status === 201) {
          accepted += 1;
          expect(response.body).toMatchObject({ fromOrg: 'provide', status: 'submitted', version: 1 });
          return;
        }
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.body).toMatchObject({ status: response.status, title: expect.any(String), detail: expect.any(String) });
        if (response.status === 400) {
          expect(Array.isArray(response.body.errors) && response.body.errors.length > 0, response.text.slice(0, 300)).toBe(true);
          for (const error of response.body.errors) expect(error).toMatchObject({ path: expect.any(String), message: expect.any(String) });
        }
      }),
      { numRuns: 150 },
    );

    // Assess (nothing written by a rejected body)
    expect(await outboxCount()).toBe(before + accepted);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  });

  it('an NHS number with a wrong check digit → 400 naming subject.nhsNumber', async () => {
    // Prepare
    const body = { ...validBody(), subject: { nhsNumber: '9434765918', name: NAME } };
    const before = await outboxCount();

    // Act
    const response = await api.post(SENDER, '/referrals', body);

    // Assess
    expectProblem(response, 400, 'subject.nhsNumber');
    expect(await outboxCount()).toBe(before);
  });

  it('a subject with neither nhsNumber nor localId → 400 naming subject', async () => {
    // Prepare
    const body = { ...validBody(), subject: { name: NAME, postcode: POSTCODE } };

    // Act
    const response = await api.post(SENDER, '/referrals', body);

    // Assess
    expectProblem(response, 400);
    expect(response.body.errors.some((e: { path: string }) => e.path.startsWith('subject'))).toBe(true);
  });

  it('an unknown toOrg → 422 naming toOrg', async () => {
    // Prepare
    const body = { ...validBody(), toOrg: 'nowhere-trust' };
    const before = await outboxCount();

    // Act
    const response = await api.post(SENDER, '/referrals', body);

    // Assess
    expectProblem(response, 422, 'toOrg');
    expect(await outboxCount()).toBe(before);
  });

  it('toOrg = the caller’s own org → 422 naming toOrg', async () => {
    // Prepare
    const body = { ...validBody(), toOrg: 'provide' };
    const before = await outboxCount();

    // Act
    const response = await api.post(SENDER, '/referrals', body);

    // Assess
    expectProblem(response, 422, 'toOrg');
    expect(await outboxCount()).toBe(before);
  });

  it('a body over 1 MiB → 413', async () => {
    // Prepare
    const body = { ...validBody(), reason: 'x'.repeat(1024 * 1024 + 1) };
    const before = await outboxCount();

    // Act
    const response = await api.post(SENDER, '/referrals', body);

    // Assess
    expectProblem(response, 413);
    expect(await outboxCount()).toBe(before);
  });

  it('malformed JSON → 400', async () => {
    // Prepare
    const text = `{"toOrg":"ecc","subject":{"name":"${NAME}"`;

    // Act
    const response = await api.post(SENDER, '/referrals', undefined, { rawBody: text });

    // Assess
    expectProblem(response, 400);
    expect(response.body.errors.length).toBeGreaterThan(0);
  });

  it('a text/plain body → 415', async () => {
    // Prepare
    const text = JSON.stringify(validBody());
    const before = await outboxCount();

    // Act
    const response = await api.post(SENDER, '/referrals', undefined, { rawBody: text, headers: { 'Content-Type': 'text/plain' } });

    // Assess
    expectProblem(response, 415);
    expect(await outboxCount()).toBe(before);
  });

  it('a valid body is accepted (the property above is not vacuous)', async () => {
    // Prepare
    const before = await outboxCount();

    // Act
    const response = await api.post(SENDER, '/referrals', validBody());

    // Assess
    expect(response.status, response.text).toBe(201);
    expect(await outboxCount()).toBe(before + 1);
  });

  it('no personal value sent in any request appears in the runtime’s output', async () => {
    // Prepare
    await new Promise((r) => setTimeout(r, 300)); // let the last log lines arrive

    // Act
    const output = runtime.output();

    // Assess
    expect(output).toMatch(/"statusCode":\s*201/); // requests are logged, so the check below means something
    for (const personal of [NAME, 'Quillfeather', NHS_NUMBER, '9434765918', POSTCODE, LOCAL_ID, REASON, '1938-11-02']) {
      expect(output, personal).not.toContain(personal);
    }
  });
});

describe('referral ids in the path that are no ids', () => {
  const BAD_IDS = ['not-an-id', '01m8ft5kgtxqajy8m3aaaaaaaa', '%ZZ', '%E0%A4%A', '..%2F..%2Fhealth', `${'0'.repeat(27)}`];
  const ROUTES_ON_AN_ID: [string, string, unknown][] = [
    ['GET', '', undefined],
    ['GET', '/history', undefined],
    ['POST', '/accept', {}],
    ['POST', '/notes', { text: 'hello' }],
  ];
  const cases = BAD_IDS.flatMap((id) =>
    ROUTES_ON_AN_ID.map(([method, suffix, body]) => ({ label: `${method} /referrals/${id}${suffix}`, id, method, suffix, body })),
  );

  it.each(cases)('$label → 400 problem+json naming id, never a 5xx', async ({ id, method, suffix, body }) => {
    // Prepare
    const path = `/referrals/${id}${suffix}`;

    // Act
    const response = await api.request(SENDER, method, path, body === undefined ? {} : { body });

    // Assess
    expectProblem(response, 400, 'id');
  });
});
