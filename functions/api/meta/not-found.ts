import { DEFAULT_ROUTE } from '../../../shared/meta/api/routes.ts';
import { unmatchedRequestError } from '../../../shared/meta/api/unmatched-request.ts';
import { PATH_FORMATS, ROUTES } from '../../../shared/wiring/routes.ts';

/**
 * `$default`: every request no route matched. A path served under another method gets
 * 405 with `Allow`; anything else 404. Both as problem+json, like every other error, or as
 * an OperationOutcome under the FHIR face's path, as a FHIR client expects.
 */
export const handler = DEFAULT_ROUTE.handle(({ event }) => {
  throw unmatchedRequestError(ROUTES, event.requestContext.http.method, event.rawPath);
}, PATH_FORMATS);
