import type { Caller } from './identity.ts';
import { decodeCursor, encodeCursor, type CursorBinding } from './cursor.ts';

/** A page of results; `after` is the sort key to resume after (the HTTP layer signs it). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly after?: string | undefined;
}

/** Default page size of every list. */
export const DEFAULT_LIMIT = 25;

/** A list's query: `limit`, `cursor`, and the parameters a cursor is bound to. */
export type PagingQuery = { limit?: number | undefined; cursor?: string | undefined } & Record<string, unknown>;

/**
 * Turns `limit`/`cursor` query parameters into what the repository needs, and back:
 * the cursor is bound to the caller, the route and every other query parameter.
 */
export const paging = (key: string, caller: Caller, scope: string, query: PagingQuery) => {
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

/** {@link paging} with one cursor key: what a composition root hands its handlers, so they never hold the key. */
export const pagingWith =
  (key: string) =>
  (caller: Caller, scope: string, query: PagingQuery): ReturnType<typeof paging> =>
    paging(key, caller, scope, query);
