/**
 * A page of search results as a FHIR searchset Bundle with absolute links: `self` is the
 * request as sent, `next` the same request with the next page's signed cursor in `_cursor`.
 */
import type { Page } from '../../core/pagination.ts';
import type { HttpEvent } from '../../platform/http/middleware.ts';
import { searchsetBundle, type ServedResource } from '../domain/bundles.ts';

/** The searchset of `page` for a search of `type` at `base`, answering `event`. */
export const searchsetBundleOf = (
  base: string,
  type: string,
  event: HttpEvent,
  page: Page<{ readonly resourceType: string; readonly id?: string | undefined }>,
  nextCursor: string | undefined,
) => {
  const self = `${base}/${type}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const next = (cursor: string) => {
    const params = new URLSearchParams(event.rawQueryString);
    params.set('_cursor', cursor);
    return `${base}/${type}?${params.toString()}`;
  };
  return searchsetBundle({
    base,
    self,
    ...(nextCursor ? { next: next(nextCursor) } : {}),
    // Every resource we serve has an id: ours are always stored ones.
    entries: page.items.map((resource) => ({ resource: resource as ServedResource })),
  });
};
