/**
 * One Lambda serving a feature slice's routes (decision record 44): API Gateway names the
 * route it matched in `routeKey` (`POST /referrals`, `$default`), and the slice's entry
 * hands the event to that route's own handler, which keeps its own middleware stack
 * (schemas, auth, If-Match, idempotency). Nothing is matched twice and no route's stack
 * is shared with another.
 */
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpLambdaHandler } from './middleware.ts';
import { RouteDefinitionError, routeKeyOf, type RouteDefinition } from './route-definition.ts';

/** The `routeKey` API Gateway sends for the catch-all route. */
export const DEFAULT_ROUTE_KEY = '$default';

/** A route a slice function serves: an operation (method and path), or the catch-all (neither). */
export interface ServedRoute {
  readonly operationId: string;
  readonly method?: RouteDefinition['method'];
  readonly path?: string;
}

const keyOf = ({ method, path }: ServedRoute): string => (method && path ? routeKeyOf({ method, path }) : DEFAULT_ROUTE_KEY);

/**
 * The Lambda handler of a function that serves `routes`, each by the handler named by its
 * `operationId` in `handlers`. Throws {@link RouteDefinitionError} at init when a route has
 * no handler or a handler no route, so a slice's entry cannot drift from its routes. An
 * event for a route the function does not serve is a wiring fault (500), as in a group.
 */
export const serveRoutes = (routes: readonly ServedRoute[], handlers: Readonly<Record<string, HttpLambdaHandler>>): HttpLambdaHandler => {
  const byRouteKey = new Map<string, HttpLambdaHandler>();
  for (const route of routes) {
    const handler = handlers[route.operationId];
    if (!handler) throw new RouteDefinitionError(`${route.operationId}: no handler in this function's entry.`);
    byRouteKey.set(keyOf(route), handler);
  }
  const served = new Set(routes.map((route) => route.operationId));
  const unused = Object.keys(handlers).filter((operationId) => !served.has(operationId));
  if (unused.length > 0) throw new RouteDefinitionError(`Handlers for routes this function does not serve: ${unused.join(', ')}.`);
  return (event: HttpEvent, context: Context) => {
    const handler = byRouteKey.get(event.routeKey);
    // API Gateway only invokes this function for its own routes; anything else is a wiring fault (500).
    if (!handler) throw new RouteDefinitionError(`No route of this function has the key ${event.routeKey}.`);
    return handler(event, context);
  };
};

/** Where a slice's Lambda lives: its function id (construct id, settings key) and entry module. */
export interface SliceFunctionSpec {
  readonly functionId: string;
  /** The entry module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
}

/** A feature slice's Lambda: the routes it serves, and how its entry builds its handler. */
export interface SliceFunction extends SliceFunctionSpec {
  readonly routes: readonly ServedRoute[];
  /** The Lambda handler: each route to the handler named by its `operationId`. */
  serve(handlers: Readonly<Record<string, HttpLambdaHandler>>): HttpLambdaHandler;
}

/**
 * Defines the Lambda of a slice: `routes` must all name it (`functionId` and `entry`), as
 * the CDK stack and the local runtime deploy routes by those two fields.
 */
export const defineSliceFunction = (
  spec: SliceFunctionSpec,
  routes: readonly (ServedRoute & Partial<Pick<RouteDefinition, 'functionId' | 'entry'>>)[],
): SliceFunction => {
  for (const route of routes) {
    if (route.functionId !== spec.functionId || route.entry !== spec.entry) {
      throw new RouteDefinitionError(`${route.operationId}: a route of ${spec.functionId} must name its functionId and entry.`);
    }
  }
  return { ...spec, routes, serve: (handlers) => serveRoutes(routes, handlers) };
};
