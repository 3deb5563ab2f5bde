import { describe, expect, it } from 'vitest';
import { BadRequestError } from '#shared/core/errors.ts';
import { decodeCursor, encodeCursor, type CursorBinding } from '#shared/core/cursor.ts';

const KEY = 'unit-test-cursor-key-0123456789abcdef';
const OTHER_KEY = 'another-cursor-key-fedcba9876543210';
const AFTER = 'REFERRAL#2025-03-03T09:00:00.000Z#01JNR0000000000000000000AA';
const BINDING: CursorBinding = {
  sub: 'u-receiver',
  scope: 'GET /referrals',
  query: { box: 'inbox', sort: 'newest', status: 'submitted', limit: 25 },
};

/** Runs `act` and returns what it threw, failing the test if it did not throw. */
const thrownBy = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
};

/** Asserts `error` is the contract's 400 naming `cursor`. */
const expectCursorRejection = (error: unknown): void => {
  expect(error).toBeInstanceOf(BadRequestError);
  expect((error as BadRequestError).errors[0]?.path).toBe('cursor');
};

/** Replaces the first character of a base64url string by a different one. */
const flipFirst = (text: string): string => `${text.startsWith('A') ? 'B' : 'A'}${text.slice(1)}`;

describe('cursor round trip', () => {
  it('decodes to the sort key it was issued for', () => {
    // Prepare
    const cursor = encodeCursor(KEY, AFTER, BINDING);

    // Act
    const after = decodeCursor(KEY, cursor, BINDING);

    // Assess
    expect(after).toBe(AFTER);
  });

  it('is opaque: neither the sort key nor the caller appears in clear', () => {
    // Prepare
    const cursor = encodeCursor(KEY, AFTER, BINDING);

    // Act
    const text = cursor;

    // Assess
    expect(text).not.toContain('REFERRAL#');
    expect(text).not.toContain('u-receiver');
    expect(text).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('round-trips keys with unicode and separators', () => {
    // Prepare
    const after = 'ORG#ecc#DUE#2025-03-03T11:00:00.000Z#ü.é/😀';
    const cursor = encodeCursor(KEY, after, BINDING);

    // Act
    const decoded = decodeCursor(KEY, cursor, BINDING);

    // Assess
    expect(decoded).toBe(after);
  });

  it('is not invalidated by a change of limit', () => {
    // Prepare
    const cursor = encodeCursor(KEY, AFTER, BINDING);
    const withOtherLimit: CursorBinding = { ...BINDING, query: { ...BINDING.query, limit: 100 } };
    const withoutLimit: CursorBinding = { ...BINDING, query: { box: 'inbox', sort: 'newest', status: 'submitted' } };

    // Act
    const afterOtherLimit = decodeCursor(KEY, cursor, withOtherLimit);
    const afterNoLimit = decodeCursor(KEY, cursor, withoutLimit);

    // Assess
    expect(afterOtherLimit).toBe(AFTER);
    expect(afterNoLimit).toBe(AFTER);
  });

  it('ignores the order of query parameters, undefined values and the cursor parameter itself', () => {
    // Prepare
    const cursor = encodeCursor(KEY, AFTER, BINDING);
    const reordered: CursorBinding = {
      ...BINDING,
      query: { status: 'submitted', cursor: cursor, serviceArea: undefined, sort: 'newest', box: 'inbox' },
    };

    // Act
    const after = decodeCursor(KEY, cursor, reordered);

    // Assess
    expect(after).toBe(AFTER);
  });
});

describe('cursor rejection (400 naming cursor)', () => {
  const cursor = encodeCursor(KEY, AFTER, BINDING);
  const [payload = '', signature = ''] = cursor.split('.');

  it.each([
    {
      name: 'a tampered payload with the original signature',
      value: `${Buffer.from(JSON.stringify({ v: 1, a: 'REFERRAL#9999' })).toString('base64url')}.${signature}`,
    },
    { name: 'a payload with one character changed', value: `${flipFirst(payload)}.${signature}` },
    { name: 'a tampered signature', value: `${payload}.${flipFirst(signature)}` },
    { name: 'a truncated signature', value: cursor.slice(0, -4) },
    { name: 'a cursor cut before the dot', value: payload },
    { name: 'an empty signature', value: `${payload}.` },
    { name: 'an empty payload', value: `.${signature}` },
    { name: 'an extra dot and segment', value: `${cursor}.x` },
    { name: 'a trailing dot', value: `${cursor}.` },
    { name: 'the empty string', value: '' },
    { name: 'garbage', value: 'not a cursor at all' },
  ])('rejects $name', ({ value }) => {
    // Prepare
    const given = value;

    // Act
    const error = thrownBy(() => decodeCursor(KEY, given, BINDING));

    // Assess
    expectCursorRejection(error);
  });

  it.each([
    { name: 'another caller (sub)', binding: { ...BINDING, sub: 'u-someone-else' } },
    { name: 'another scope', binding: { ...BINDING, scope: 'GET /handoffs' } },
    { name: 'another value of a query parameter', binding: { ...BINDING, query: { ...BINDING.query, status: 'accepted' } } },
    { name: 'an added query parameter', binding: { ...BINDING, query: { ...BINDING.query, serviceArea: 'rapid-response' } } },
    { name: 'a removed query parameter', binding: { ...BINDING, query: { box: 'inbox', sort: 'newest', limit: 25 } } },
  ])('rejects a cursor replayed by $name', ({ binding }) => {
    // Prepare
    const issued = encodeCursor(KEY, AFTER, BINDING);

    // Act
    const error = thrownBy(() => decodeCursor(KEY, issued, binding));

    // Assess
    expectCursorRejection(error);
  });

  it('rejects a cursor signed with another key', () => {
    // Prepare
    const foreign = encodeCursor(OTHER_KEY, AFTER, BINDING);

    // Act
    const error = thrownBy(() => decodeCursor(KEY, foreign, BINDING));

    // Assess
    expectCursorRejection(error);
  });
});
