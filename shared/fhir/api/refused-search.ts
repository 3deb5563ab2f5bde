/**
 * Searching ServiceRequests by GET is refused, whatever it carries: a patient identifier in
 * a URL ends up in browser histories, proxies and access logs. The answer says where to send it.
 */
import { BadRequestError } from '../../core/errors.ts';

/** Throws the 400 that explains the POST-only search (naming `identifier` when one was sent). */
export const refuseGetSearch = (query: Readonly<Record<string, unknown>>): never => {
  const path = 'identifier' in query ? 'identifier' : '(query)';
  throw new BadRequestError(
    'ServiceRequests are searched by POST to ServiceRequest/_search with a form body (application/x-www-form-urlencoded), so that no NHS number or other identifier sits in a URL.',
    [{ path, message: 'must be sent in the form body of POST ServiceRequest/_search, never in the URL' }],
  );
};
