import { createHash } from 'node:crypto';

/**
 * What a search's cursor is bound to in place of the person searched for: a digest of the
 * search body, so the identifier (in the body, never the URL) never rides in a cursor.
 */
export const personDigestOf = (search: unknown): string => createHash('sha256').update(JSON.stringify(search)).digest('base64url');
