import { describe, expect, it } from 'vitest';
import { CORRELATION_HEADER, correlationIdFrom } from '#shared/platform/http/correlation-id.ts';

/** A ULID: 26 characters of Crockford base32 (no I, L, O, U). */
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('correlationIdFrom', () => {
  it('uses the lower-case header name API Gateway delivers', () => {
    // Prepare
    const name = CORRELATION_HEADER;

    // Act
    const id = correlationIdFrom({ [name]: 'abc' });

    // Assess
    expect(name).toBe('x-correlation-id');
    expect(id).toBe('abc');
  });

  it('echoes a safe id sent by the client', () => {
    // Prepare
    const sent = 'client-Req_42.retry:1';

    // Act
    const id = correlationIdFrom({ 'x-correlation-id': sent });

    // Assess
    expect(id).toBe(sent);
  });

  it('accepts the mixed-case header name too', () => {
    // Prepare
    const headers = { 'X-Correlation-Id': 'mixed-case-1' };

    // Act
    const id = correlationIdFrom(headers);

    // Assess
    expect(id).toBe('mixed-case-1');
  });

  it('echoes an id of exactly 128 characters', () => {
    // Prepare
    const sent = 'a'.repeat(128);

    // Act
    const id = correlationIdFrom({ 'x-correlation-id': sent });

    // Assess
    expect(id).toBe(sent);
  });

  it('generates a ULID when none is sent', () => {
    // Prepare
    const headers = {};

    // Act
    const id = correlationIdFrom(headers);

    // Assess
    expect(id).toMatch(ULID);
  });

  it('generates a ULID when there are no headers at all', () => {
    // Prepare
    const headers = undefined;

    // Act
    const id = correlationIdFrom(headers);

    // Assess
    expect(id).toMatch(ULID);
  });

  it.each([
    ['a newline (header or log-line splitting)', 'abc\ninjected: yes'],
    ['a carriage return', 'abc\r\nSet-Cookie: x=1'],
    ['more than 128 characters', 'a'.repeat(129)],
    ['spaces', 'has spaces in it'],
    ['an empty value', ''],
    ['non-ASCII characters', 'café'],
    ['quotes and braces', '"}{"level":"ERROR'],
  ])('replaces an id with %s by a fresh ULID', (_what, sent) => {
    // Prepare
    const headers = { 'x-correlation-id': sent };

    // Act
    const id = correlationIdFrom(headers);

    // Assess
    expect(id).not.toBe(sent);
    expect(id).toMatch(ULID);
    expect(id).toHaveLength(26);
  });

  it('generates a different id per request', () => {
    // Prepare
    const headers = {};

    // Act
    const first = correlationIdFrom(headers);
    const second = correlationIdFrom(headers);

    // Assess
    expect(first).not.toBe(second);
  });
});
