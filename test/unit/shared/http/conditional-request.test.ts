import { describe, expect, it } from 'vitest';
import { BadRequestError } from '#shared/core/errors.ts';
import { etagOf, parseIfMatch } from '#shared/platform/http/conditional-request.ts';

/** Runs `act` and returns what it threw, failing the test if it did not throw. */
const thrownBy = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
};

describe('etagOf', () => {
  it('is the version as a strong, quoted validator', () => {
    // Prepare
    const version = 3;

    // Act
    const etag = etagOf(version);

    // Assess
    expect(etag).toBe('"3"');
  });
});

describe('parseIfMatch', () => {
  it.each([
    { header: '"3"', version: 3 },
    { header: '3', version: 3 },
    { header: 'W/"3"', version: 3 },
    { header: '  "42"  ', version: 42 },
    { header: '"123456789"', version: 123456789 },
  ])('reads $header as version $version', ({ header, version }) => {
    // Prepare
    const headers = { 'if-match': header };

    // Act
    const parsed = parseIfMatch(headers);

    // Assess
    expect(parsed).toBe(version);
  });

  it('reads back what etagOf produced', () => {
    // Prepare
    const headers = { 'if-match': etagOf(17) };

    // Act
    const parsed = parseIfMatch(headers);

    // Assess
    expect(parsed).toBe(17);
  });

  it.each([
    { name: '*', headers: { 'if-match': '*' } },
    { name: 'an absent header', headers: { 'content-type': 'application/json' } },
    { name: 'an undefined header value', headers: { 'if-match': undefined } },
    { name: 'an empty header', headers: { 'if-match': '' } },
    { name: 'no headers at all', headers: undefined },
  ])('means "any version" for $name', ({ headers }) => {
    // Prepare
    const given = headers;

    // Act
    const parsed = parseIfMatch(given);

    // Assess
    expect(parsed).toBeUndefined();
  });

  it.each(['abc', '"abc"', '-1', '"3", "4"', '3.5', 'W/', '"1234567890"', 'W/"x"'])('rejects %j with a 400 naming If-Match', (header) => {
    // Prepare
    const headers = { 'if-match': header };

    // Act
    const error = thrownBy(() => parseIfMatch(headers));

    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).errors[0]?.path).toBe('If-Match');
    expect((error as BadRequestError).message).toContain('If-Match');
  });
});
