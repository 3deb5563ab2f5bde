import { ROUTES } from '../../../infra/routes.ts';
import { MethodNotAllowedError, NotFoundError } from '../../../shared/core/errors.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { matchesPathTemplate } from '../../../shared/platform/http/path-template.ts';

/**
 * `$default`: every request no route matched. A path served under another method gets
 * 405 with `Allow`; anything else 404. Both as problem+json, like every other error.
 */
export const handler = httpHandler({ auth: 'none' }, ({ event }) => {
  const path = event.rawPath;
  const allow = ROUTES.filter((route) => matchesPathTemplate(route.path, path)).map((route) => route.method);
  if (allow.length > 0) {
    throw new MethodNotAllowedError(`${event.requestContext.http.method} is not supported on this path.`, [...new Set(allow)]);
  }
  throw new NotFoundError('No route matches this method and path.');
});
