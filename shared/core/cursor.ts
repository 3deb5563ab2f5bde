/**
 * Opaque, tamper-evident list cursors. A cursor carries the sort key to resume after and
 * an HMAC over it *and* the caller and query it was issued for, so a modified cursor, or
 * one replayed by another caller or on another query, is a 400, never a DynamoDB error.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BadRequestError } from './errors.ts';

/** What a cursor is bound to: who asked, and what (route + every query parameter but the cursor and limit). */
export interface CursorBinding {
  readonly sub: string;
  readonly scope: string;
  readonly query: Readonly<Record<string, string | number | undefined>>;
}

const canonical = (binding: CursorBinding): string =>
  JSON.stringify([
    binding.sub,
    binding.scope,
    Object.entries(binding.query)
      .filter(([name, value]) => value !== undefined && name !== 'cursor' && name !== 'limit')
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  ]);

const sign = (key: string, payload: string, binding: CursorBinding): Buffer =>
  createHmac('sha256', key).update(payload).update('\n').update(canonical(binding)).digest();

/** Encodes `after` (a sort key) as a cursor for `binding`. */
export const encodeCursor = (key: string, after: string, binding: CursorBinding): string => {
  const payload = Buffer.from(JSON.stringify({ v: 1, a: after })).toString('base64url');
  return `${payload}.${sign(key, payload, binding).toString('base64url')}`;
};

const invalid = () =>
  new BadRequestError('The cursor is not valid for this request: start again without it.', [
    { path: 'cursor', message: 'is invalid, expired or was issued for another caller or query' },
  ]);

/** The sort key inside a cursor, or a 400 if it was not issued for `binding` by this key. */
export const decodeCursor = (key: string, cursor: string, binding: CursorBinding): string => {
  const [payload, signature, extra] = cursor.split('.');
  if (!payload || !signature || extra !== undefined) throw invalid();
  // Compared as text: one canonical spelling (base64url's spare bits cannot vary).
  const expected = Buffer.from(sign(key, payload, binding).toString('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { v?: number; a?: unknown };
    if (parsed.v !== 1 || typeof parsed.a !== 'string') throw invalid();
    return parsed.a;
  } catch {
    throw invalid();
  }
};
