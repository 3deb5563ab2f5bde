import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { BadRequestError } from '#shared/core/errors.ts';
import { fieldErrorsOf, parseOrThrow } from '#shared/platform/http/validation.ts';

const ReferralBody = z.object({
  toOrg: z.string().min(1),
  subject: z.object({ nhsNumber: z.string().regex(/^\d{10}$/), name: z.string().optional() }),
  tags: z.array(z.string()).optional(),
});

/** Runs `act` and returns what it threw, failing the test if it did not throw. */
const thrownBy = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
};

describe('parseOrThrow', () => {
  it('returns the parsed value when the input is valid', () => {
    // Prepare
    const input = { toOrg: 'ecc', subject: { nhsNumber: '9434765919' } };

    // Act
    const parsed = parseOrThrow(ReferralBody, input, 'The request body is invalid');

    // Assess
    expect(parsed).toEqual(input);
  });

  it('throws a BadRequestError naming a nested path such as subject.nhsNumber', () => {
    // Prepare
    const input = { toOrg: 'ecc', subject: { nhsNumber: '12' } };

    // Act
    const error = thrownBy(() => parseOrThrow(ReferralBody, input, 'The request body is invalid'));

    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    const badRequest = error as BadRequestError;
    expect(badRequest.errors.map((e) => e.path)).toEqual(['subject.nhsNumber']);
    expect(badRequest.message).toBe('The request body is invalid: check subject.nhsNumber.');
  });

  it('names every offending field once in the detail and each in errors[]', () => {
    // Prepare
    const input = { subject: { nhsNumber: 5 }, tags: ['ok', 7] };

    // Act
    const error = thrownBy(() => parseOrThrow(ReferralBody, input, 'The request body is invalid')) as BadRequestError;

    // Assess
    const paths = error.errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['toOrg', 'subject.nhsNumber', 'tags.1']));
    expect(paths).toHaveLength(3);
    expect(error.message).toContain('toOrg');
    expect(error.message).toContain('subject.nhsNumber');
    expect(error.message).toContain('tags.1');
    for (const fieldError of error.errors) expect(fieldError.message.length).toBeGreaterThan(0);
  });

  it('reports a root-level issue at path (body)', () => {
    // Prepare
    const input = ['not', 'an', 'object'];

    // Act
    const error = thrownBy(() => parseOrThrow(ReferralBody, input, 'The request body is invalid')) as BadRequestError;

    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]?.path).toBe('(body)');
    expect(error.message).toBe('The request body is invalid: check (body).');
  });

  it('puts the prefix before every nested path', () => {
    // Prepare
    const Query = z.object({ limit: z.coerce.number().int().min(1).max(100) });

    // Act
    const error = thrownBy(() => parseOrThrow(Query, { limit: '500' }, 'The query string is invalid', 'query')) as BadRequestError;

    // Assess
    expect(error.errors.map((e) => e.path)).toEqual(['query.limit']);
    expect(error.message).toBe('The query string is invalid: check query.limit.');
  });

  it('uses the prefix alone for a root-level issue when one is given', () => {
    // Prepare
    const schema = z.string();

    // Act
    const error = thrownBy(() => parseOrThrow(schema, 12, 'The header is invalid', 'If-Match')) as BadRequestError;

    // Assess
    expect(error.errors.map((e) => e.path)).toEqual(['If-Match']);
  });
});

describe('fieldErrorsOf', () => {
  it('joins numeric path segments with dots', () => {
    // Prepare
    const result = z.object({ items: z.array(z.object({ code: z.string() })) }).safeParse({ items: [{ code: 'a' }, { code: 1 }] });
    if (result.success) throw new Error('expected a failure');

    // Act
    const errors = fieldErrorsOf(result.error);

    // Assess
    expect(errors).toEqual([{ path: 'items.1.code', message: expect.any(String) }]);
  });
});
