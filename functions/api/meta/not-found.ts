import { DEFAULT_ROUTE } from '../../../shared/meta/api/routes.ts';
import { unmatchedRequestError } from '../../../shared/meta/api/unmatched-request.ts';
import { ROUTES } from '../../../shared/wiring/routes.ts';

/**
 * `$default`: every request no route matched. A path served under another method gets
 * 405 with `Allow`; anything else 404. Both as problem+json, like every other error.
 */
export const handler = DEFAULT_ROUTE.handle(({ event }) => {
  throw unmatchedRequestError(ROUTES, event.requestContext.http.method, event.rawPath);
});
