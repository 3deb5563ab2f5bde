/**
 * Search results as FHIR `Bundle` resources. Pages are cursor-based and never counted
 * (counting would read every match), so a searchset carries no `total`: clients follow
 * the `next` link until there is none.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';

/** A resource that has an id, as every resource Jointly serves does. */
export type ServedResource = Resource & { readonly id: string };

/** One search result: a match, or a resource included alongside the matches. */
export interface SearchEntry {
  readonly resource: ServedResource;
  /** `match` unless given. */
  readonly mode?: 'match' | 'include';
}

/** What a searchset page is made of. */
export interface SearchsetInput {
  /** The absolute base URL of the FHIR API, such as `https://api.example/fhir/R4`, without a trailing slash. */
  readonly base: string;
  /** The absolute URL of this page. */
  readonly self: string;
  /** The absolute URL of the next page, when there is one. */
  readonly next?: string;
  readonly entries: readonly SearchEntry[];
}

/** A page of search results, each entry with its absolute `fullUrl` on `base`. */
export const searchsetBundle = (input: SearchsetInput): Bundle => ({
  resourceType: 'Bundle',
  type: 'searchset',
  link: [{ relation: 'self', url: input.self }, ...(input.next ? [{ relation: 'next', url: input.next }] : [])],
  // FHIR JSON has no empty arrays: an empty page has no `entry` at all.
  ...(input.entries.length > 0
    ? {
        entry: input.entries.map(({ resource, mode }) => ({
          fullUrl: `${input.base}/${resource.resourceType}/${resource.id}`,
          resource,
          search: { mode: mode ?? 'match' },
        })),
      }
    : {}),
});
