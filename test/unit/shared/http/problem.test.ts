import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  UnauthenticatedError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
  type DomainError,
} from '#shared/core/errors.ts';
import {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  problemFromError,
  problemResponse,
  statusOf,
  toDomainError,
} from '#shared/platform/http/problem.ts';
import { PROBLEM_LIMITS, ProblemSchema } from '#shared/platform/http/common-schemas.ts';

const parse = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('statusOf', () => {
  const cases: ReadonlyArray<readonly [string, DomainError, number]> = [
    ['UnauthenticatedError', new UnauthenticatedError('no token'), 401],
    ['BadRequestError', new BadRequestError('bad'), 400],
    ['UnprocessableEntityError', new UnprocessableEntityError('unprocessable'), 422],
    ['NotFoundError', new NotFoundError('missing'), 404],
    ['ForbiddenError', new ForbiddenError('not yours'), 403],
    ['MethodNotAllowedError', new MethodNotAllowedError('wrong method', ['GET']), 405],
    ['PreconditionFailedError', new PreconditionFailedError('stale'), 412],
    ['ConflictError', new ConflictError('wrong state'), 409],
    ['PayloadTooLargeError', new PayloadTooLargeError('too big'), 413],
    ['UnsupportedMediaTypeError', new UnsupportedMediaTypeError('not json'), 415],
  ];

  it.each(cases)('maps %s to %i', (_name, error, expected) => {
    // Prepare
    const domainError = error;

    // Act
    const status = statusOf(domainError);

    // Assess
    expect(status).toBe(expected);
  });
});

describe('problemFromError with domain errors', () => {
  it('keeps the detail, title and type URI built from the code', () => {
    // Prepare
    const error = new NotFoundError('No referral with this id is visible to you.');

    // Act
    const response = problemFromError(error, { instance: '/referrals/abc', correlationId: 'corr-1' });

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.headers['Content-Type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(PROBLEM_CONTENT_TYPE).toBe('application/problem+json');
    expect(parse(response.body)).toEqual({
      type: `${PROBLEM_TYPE_BASE}not-found`,
      title: 'Not found',
      status: 404,
      detail: 'No referral with this id is visible to you.',
      instance: '/referrals/abc',
      correlationId: 'corr-1',
    });
  });

  it('keeps the field errors of a BadRequestError', () => {
    // Prepare
    const errors = [
      { path: 'subject.nhsNumber', message: 'Invalid NHS number' },
      { path: 'toOrg', message: 'Required' },
    ];
    const error = new BadRequestError('The request body is invalid', errors);

    // Act
    const response = problemFromError(error);

    // Assess
    const body = parse(response.body);
    expect(response.statusCode).toBe(400);
    expect(body.type).toBe('https://jointly.dev/problems/bad-request');
    expect(body.errors).toEqual(errors);
  });

  it('keeps the field errors of an UnprocessableEntityError', () => {
    // Prepare
    const error = new UnprocessableEntityError('toOrg must differ from your org', [{ path: 'toOrg', message: 'Same as the sender' }]);

    // Act
    const response = problemFromError(error);

    // Assess
    const body = parse(response.body);
    expect(response.statusCode).toBe(422);
    expect(body.type).toBe(`${PROBLEM_TYPE_BASE}unprocessable-entity`);
    expect(body.errors).toEqual([{ path: 'toOrg', message: 'Same as the sender' }]);
  });

  it('leaves out errors[] when a domain error has no field errors', () => {
    // Prepare
    const error = new BadRequestError('bad cursor');

    // Act
    const response = problemFromError(error);

    // Assess
    expect(parse(response.body)).not.toHaveProperty('errors');
  });

  it('adds an Allow header for 405', () => {
    // Prepare
    const error = new MethodNotAllowedError('DELETE is not supported on this path.', ['GET', 'POST']);

    // Act
    const response = problemFromError(error);

    // Assess
    expect(response.statusCode).toBe(405);
    expect(response.headers.Allow).toBe('GET, POST');
    expect(response.headers['Content-Type']).toBe('application/problem+json');
    expect(parse(response.body).type).toBe(`${PROBLEM_TYPE_BASE}method-not-allowed`);
  });

  it('adds no Allow header to other statuses', () => {
    // Prepare
    const error = new ConflictError('An open handoff exists.');

    // Act
    const response = problemFromError(error);

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.headers).not.toHaveProperty('Allow');
  });

  it('builds the type URI of each error from its code', () => {
    // Prepare
    const errors: DomainError[] = [
      new UnauthenticatedError('x'),
      new ForbiddenError('x'),
      new PreconditionFailedError('x'),
      new PayloadTooLargeError('x'),
      new UnsupportedMediaTypeError('x'),
    ];

    // Act
    const types = errors.map((error) => parse(problemFromError(error).body).type);

    // Assess
    expect(types).toEqual([
      'https://jointly.dev/problems/unauthenticated',
      'https://jointly.dev/problems/forbidden',
      'https://jointly.dev/problems/precondition-failed',
      'https://jointly.dev/problems/payload-too-large',
      'https://jointly.dev/problems/unsupported-media-type',
    ]);
  });
});

describe('problemFromError with anything else', () => {
  it('turns an arbitrary Error into a 500 that never reveals its message', () => {
    // Prepare
    const error = new Error('secret internals');

    // Act
    const response = problemFromError(error, { instance: '/reference', correlationId: 'corr-2' });

    // Assess
    const body = parse(response.body);
    expect(response.statusCode).toBe(500);
    expect(response.headers['Content-Type']).toBe('application/problem+json');
    expect(response.body).not.toContain('secret internals');
    expect(body.type).toBe(`${PROBLEM_TYPE_BASE}internal-error`);
    expect(body.status).toBe(500);
    expect(body.correlationId).toBe('corr-2');
    expect(body.instance).toBe('/reference');
  });

  it('treats non-Error throwables as a 500 too', () => {
    // Prepare
    const thrown = 'a string with secret internals';

    // Act
    const response = problemFromError(thrown);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret internals');
  });

  it('treats middy-style errors of 500 and above as internal', () => {
    // Prepare
    const error = Object.assign(new Error('upstream secret internals'), { statusCode: 502 });

    // Act
    const response = problemFromError(error);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret internals');
  });

  it('maps the JSON body parser’s 422 to a 400 naming (body)', () => {
    // Prepare
    const error = Object.assign(new Error('Invalid or malformed JSON was provided'), {
      statusCode: 422,
      cause: { package: '@middy/http-json-body-parser' },
    });

    // Act
    const response = problemFromError(error);

    // Assess
    const body = parse(response.body);
    expect(response.statusCode).toBe(400);
    expect(body.type).toBe(`${PROBLEM_TYPE_BASE}bad-request`);
    expect(body.errors).toEqual([{ path: '(body)', message: 'Malformed JSON' }]);
  });

  it('maps a middy 415 to Unsupported media type', () => {
    // Prepare
    const error = { statusCode: 415, message: 'Unsupported Media Type', cause: { package: '@middy/http-json-body-parser' } };

    // Act
    const response = problemFromError(error);

    // Assess
    const body = parse(response.body);
    expect(response.statusCode).toBe(415);
    expect(body.type).toBe(`${PROBLEM_TYPE_BASE}unsupported-media-type`);
    expect(body.detail).toBe('The request body must be application/json.');
  });

  it('maps a middy 413 to Payload too large', () => {
    // Prepare
    const error = { statusCode: 413, message: 'Too large' };

    // Act
    const response = problemFromError(error);

    // Assess
    expect(response.statusCode).toBe(413);
    expect(parse(response.body).type).toBe(`${PROBLEM_TYPE_BASE}payload-too-large`);
  });

  it('maps other middy 4xx errors to a 400', () => {
    // Prepare
    const error = { statusCode: 422, message: 'Something about the request', cause: { package: '@middy/other' } };

    // Act
    const response = problemFromError(error);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(parse(response.body).detail).toBe('Something about the request');
  });
});

describe('toDomainError', () => {
  it('returns a domain error unchanged', () => {
    // Prepare
    const error = new ForbiddenError('not yours');

    // Act
    const result = toDomainError(error);

    // Assess
    expect(result).toBe(error);
  });

  it('returns undefined for internal faults', () => {
    // Prepare
    const errors: unknown[] = [new Error('boom'), null, undefined, 42, { statusCode: '400' }];

    // Act
    const results = errors.map((error) => toDomainError(error));

    // Assess
    expect(results).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('problemResponse', () => {
  it('merges extra headers after the content type', () => {
    // Prepare
    const problem = { status: 405, code: 'method-not-allowed', title: 'Method not allowed', detail: 'd', headers: { Allow: 'GET' } };

    // Act
    const response = problemResponse(problem);

    // Assess
    expect(response.headers).toEqual({ 'Content-Type': 'application/problem+json', Allow: 'GET' });
    expect(parse(response.body)).toEqual({
      type: 'https://jointly.dev/problems/method-not-allowed',
      title: 'Method not allowed',
      status: 405,
      detail: 'd',
    });
  });

  it('cuts what echoes the request to the maxima the contract promises', () => {
    // Prepare
    const hugeKey = 'k'.repeat(100_000);
    const problem = {
      status: 400,
      code: 'bad-request',
      title: 'Bad request',
      detail: `The request body is invalid: check ${hugeKey}.`,
      instance: `/referrals/${'x'.repeat(10_000)}`,
      errors: Array.from({ length: 1000 }, (_, index) => ({ path: `${hugeKey}${index}`, message: 'is not a known field' })),
    };

    // Act
    const body = ProblemSchema.parse(parse(problemResponse(problem).body));

    // Assess
    expect(body.detail).toHaveLength(PROBLEM_LIMITS.detail);
    expect(body.detail.endsWith('…')).toBe(true);
    expect(body.instance).toHaveLength(PROBLEM_LIMITS.instance);
    expect(body.errors).toHaveLength(PROBLEM_LIMITS.errors);
    expect(body.errors?.[0]).toEqual({ path: `${'k'.repeat(PROBLEM_LIMITS.errorPath - 1)}…`, message: 'is not a known field' });
  });
});

describe('problemFromError with transient dependency errors', () => {
  const named = (name: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(`${name}: secret internals`), { name, ...extra });

  it.each([
    ['ThrottlingException', named('ThrottlingException')],
    ['ProvisionedThroughputExceededException', named('ProvisionedThroughputExceededException')],
    ['InternalServerError', named('InternalServerError')],
    ['TimeoutError', named('TimeoutError')],
    ['an SDK error marked retryable', named('SomethingElse', { $retryable: { throttling: false } })],
    [
      'a cancelled transaction with a TransactionConflict reason',
      named('TransactionCanceledException', { CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }] }),
    ],
  ])('%s → 503 with Retry-After, detail free of its cause', (_what, error) => {
    // Act
    const response = problemFromError(error);

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers['Retry-After']).toBe('1');
    expect(response.headers['Content-Type']).toBe('application/problem+json');
    expect(parse(response.body).type).toBe(`${PROBLEM_TYPE_BASE}service-unavailable`);
    expect(response.body).not.toContain('secret internals');
  });

  it.each([
    ['ThrottlingException', named('ThrottlingException'), 'nothing was changed'],
    [
      'a cancelled transaction with a TransactionConflict reason',
      named('TransactionCanceledException', { CancellationReasons: [{ Code: 'TransactionConflict' }] }),
      'nothing was changed',
    ],
    ['TimeoutError (the SDK, or middy stopping just before the Lambda timeout)', named('TimeoutError'), 'may or may not have been made'],
    ['InternalServerError', named('InternalServerError'), 'may or may not have been made'],
    ['an SDK error marked retryable, not as throttling', named('SomethingElse', { $retryable: {} }), 'may or may not have been made'],
  ])('%s says what the client can know of its outcome: %s', (_what, error, said) => {
    // Act
    const response = problemFromError(error);

    // Assess
    expect(response.statusCode).toBe(503);
    expect(parse(response.body).detail).toContain(said);
  });

  it('a cancelled transaction whose condition failed is not transient (500, not 503)', () => {
    // Prepare
    const error = named('TransactionCanceledException', { CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] });

    // Act
    const response = problemFromError(error);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.headers['Retry-After']).toBeUndefined();
  });
});
