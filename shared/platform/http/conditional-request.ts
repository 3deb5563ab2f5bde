import { BadRequestError } from '../../core/errors.ts';

/** `ETag` value for a version: a strong validator, `"<version>"`. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * The version an `If-Match` header asks for: `"3"`, `3` or `W/"3"`; `*` or absent means
 * "any" (undefined). Anything else is a 400 naming the header.
 */
export const parseIfMatch = (headers: Readonly<Record<string, string | undefined>> | undefined): number | undefined => {
  const raw = headers?.['if-match']?.trim();
  if (raw === undefined || raw === '' || raw === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(raw);
  if (!match?.[1]) {
    throw new BadRequestError('If-Match must be an ETag from a previous read, such as "3".', [
      { path: 'If-Match', message: 'must be an ETag such as "3"' },
    ]);
  }
  return Number(match[1]);
};
