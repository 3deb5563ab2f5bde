/**
 * The console's client of the public Jointly API: same origin, the token kept in memory
 * only (never localStorage, never a URL), every answer read as JSON or problem+json. The
 * console has no private routes: it calls what any API client calls.
 */
import { signal } from '@preact/signals';

/** Who is signed in: the token and what the console shows of them. */
export interface Session {
  readonly token: string;
  readonly sub: string;
  /** How the header names the user (their own name or e-mail; the demo user's name locally). */
  readonly name: string;
  readonly org: string;
  readonly roles: readonly string[];
}

/** The signed-in session, in memory: a reload signs out. */
export const session = signal<Session | undefined>(undefined);

/** An API answer that was not 2xx, with the problem's title and detail (and the whole problem). */
export class ApiProblemError extends Error {
  override readonly name = 'ApiProblemError';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    /** The parsed problem+json body: its `errors` name each field that was refused. */
    readonly problem?: Record<string, unknown>,
  ) {
    super(`${status} ${title}`);
  }
}

/** Calls the API as the signed-in user; resolves to the JSON body (undefined for 204). */
export const api = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> =>
  (await apiResponse<T>(method, path, body, headers)).body;

/** As {@link api}, with the answer's `ETag` too (for `If-Match` on the next change). */
export const apiResponse = async <T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ body: T; etag: string | undefined }> => {
  const current = session.value;
  const response = await fetch(path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(current ? { authorization: `Bearer ${current.token}` } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    // The API answers no-store already; the console asks the same of the browser.
    cache: 'no-store',
    credentials: 'omit',
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  if (!response.ok) {
    throw new ApiProblemError(response.status, String(json?.title ?? response.statusText), String(json?.detail ?? ''), json);
  }
  return { body: json as T, etag: response.headers.get('etag') ?? undefined };
};

/** One page of a list answer. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}
