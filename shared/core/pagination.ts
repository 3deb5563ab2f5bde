import type { Caller } from './identity.ts';
import { decodeCursor, encodeCursor, type CursorBinding } from './cursor.ts';

/** A page of results; `after` is the sort key to resume after (the HTTP layer signs it). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly after?: string | undefined;
}

/** Default page size of every list. */
export const DEFAULT_LIMIT = 25;

/**
 * Turns `limit`/`cursor` query parameters into what the repository needs, and back:
 * the cursor is bound to the caller, the route and every other query parameter.
 */
export const paging = (
  key: string,
  caller: Caller,
  scope: string,
  query: { limit?: number | undefined; cursor?: string | undefined } & Record<string, unknown>,
) => {
  const binding: CursorBinding = {
    sub: caller.sub,
    scope,
    query: Object.fromEntries(
      Object.entries(query).filter(([, v]) => typeof v === 'string' || typeof v === 'number') as [string, string | number][],
    ),
  };
  return {
    limit: query.limit ?? DEFAULT_LIMIT,
    after: query.cursor ? decodeCursor(key, query.cursor, binding) : undefined,
    /** The response's `nextCursor`, present only when there is more. */
    next: (after: string | undefined) => (after ? { nextCursor: encodeCursor(key, after, binding) } : {}),
  };
};
