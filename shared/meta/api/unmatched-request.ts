import { MethodNotAllowedError, NotFoundError } from '../../core/errors.ts';
import { matchesPathTemplate } from '../../platform/http/path-template.ts';
import type { RouteDefinition } from '../../platform/http/route-definition.ts';

/**
 * What a request no route matched gets: 405 with `Allow` when `path` is served under
 * other methods, else 404.
 */
export const unmatchedRequestError = (
  routes: readonly Pick<RouteDefinition, 'method' | 'path'>[],
  method: string,
  path: string,
): MethodNotAllowedError | NotFoundError => {
  const allow = routes.filter((route) => matchesPathTemplate(route.path, path)).map((route) => route.method);
  if (allow.length > 0) return new MethodNotAllowedError(`${method} is not supported on this path.`, [...new Set(allow)]);
  return new NotFoundError('No route matches this method and path.');
};
