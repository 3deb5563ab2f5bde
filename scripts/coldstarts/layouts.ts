/**
 * The ways the API's routes can be packed into Lambda functions, computed from the route
 * definitions (never from a list of function names that could drift):
 *
 * - `per-route`: one function per route handler (until decision record 44 the deployment):
 *   per operation, except that a route group (the eight referral actions, the three handoff
 *   answers) is one handler; the catch-all `$default` is its own function;
 * - `per-slice`: one function per feature slice, the `shared/<slice>/` folder whose
 *   `api/routes.ts` defines the route; `$default` is defined by the meta slice and joins it
 *   (the deployment since decision record 44: `functionIdOf(route)`);
 * - `single`: one function serves every route.
 *
 * **How a route's slice is known.** Not from its `entry`: handler modules sit in
 * `functions/api/<name>/`, which does not name the slice. It is the routes module that
 * defines it: {@link SLICE_ROUTES} holds each slice's exported route list (the very lists
 * `shared/wiring/routes.ts` gathers into ROUTES), and a route of ROUTES found in no slice,
 * or in two, throws, so a new slice cannot be silently left out. Pure: no I/O.
 */
import { FHIR_ROUTES } from '../../shared/fhir/api/routes.ts';
import { METRICS_ROUTES } from '../../shared/metrics/api/routes.ts';
import { DEFAULT_ROUTE, META_ROUTES } from '../../shared/meta/api/routes.ts';
import type { DefaultRoute, RouteDefinition } from '../../shared/platform/http/route-definition.ts';
import { REFERENCE_ROUTES } from '../../shared/reference/api/routes.ts';
import { handoffActionRoutes, REFERRAL_ROUTES, referralActionRoutes } from '../../shared/referrals/api/routes.ts';
import { SUBJECT_ROUTES } from '../../shared/referrals/api/subject-routes.ts';
import { SUBSCRIPTION_ROUTES } from '../../shared/subscriptions/api/routes.ts';
import { ROUTES } from '../../shared/wiring/routes.ts';

/** The layouts compared, from the most specific to the least. */
export const LAYOUT_NAMES = ['per-route', 'per-slice', 'single'] as const;
/** One of {@link LAYOUT_NAMES}. */
export type LayoutName = (typeof LAYOUT_NAMES)[number];

/** Each feature slice's routes, by its folder under `shared/`: the lists its `api/routes.ts` exports. */
export const SLICE_ROUTES: Readonly<Record<string, readonly RouteDefinition[]>> = {
  meta: META_ROUTES,
  reference: REFERENCE_ROUTES,
  referrals: REFERRAL_ROUTES,
  // The person's-rights routes: their own function, defined beside the referral routes.
  subjects: SUBJECT_ROUTES,
  subscriptions: SUBSCRIPTION_ROUTES,
  metrics: METRICS_ROUTES,
  fhir: FHIR_ROUTES,
};

/** The slice that defines the catch-all route (`shared/meta/api/routes.ts`). */
export const DEFAULT_ROUTE_SLICE = 'meta';

/** The name of the one function of the `single` layout. */
export const SINGLE_FUNCTION = 'api';

/** One function of a layout. */
export interface LayoutFunction {
  readonly id: string;
  /** Today's (per-route) function ids it serves: its cold overhead is taken from theirs. */
  readonly merges: readonly string[];
}

/** Which function serves each operation, in one layout. */
export interface Layout {
  readonly name: LayoutName;
  readonly functions: readonly LayoutFunction[];
  /** The function id serving each operationId (every route's, and the default route's). */
  readonly functionOf: ReadonlyMap<string, string>;
}

/** Route groups served by one handler module: in `per-route`, one function each. */
const ROUTE_GROUPS: Readonly<Record<string, readonly Pick<RouteDefinition, 'operationId'>[]>> = {
  referralAction: referralActionRoutes.routes,
  handoffAction: handoffActionRoutes.routes,
};

/** The deployed function of a slice (the `functionId` its routes name), or the slice's name if they name none. */
export const sliceFunctionOf = (slice: string, slices: Readonly<Record<string, readonly RouteDefinition[]>> = SLICE_ROUTES): string =>
  slices[slice]?.[0]?.functionId ?? slice;

/** The deployed function holding a `per-route` handler (for its measured cold overhead), if any route of it is known. */
export const deployedFunctionOfHandler = (handlerId: string, routes: readonly RouteDefinition[] = ROUTES): string | undefined =>
  handlerId === DEFAULT_ROUTE.operationId
    ? DEFAULT_ROUTE.functionId
    : routes.find((route) => routeHandlerOf(route) === handlerId)?.functionId;

/** The function of `route` in the `per-route` layout: its group's, or its own operation's. */
export const routeHandlerOf = (route: Pick<RouteDefinition, 'operationId'>): string =>
  Object.entries(ROUTE_GROUPS).find(([, routes]) => routes.some((r) => r.operationId === route.operationId))?.[0] ?? route.operationId;

/** The slice (folder of `shared/`) whose routes module defines `route`; throws if none or several do. */
export const sliceOf = (
  route: Pick<RouteDefinition, 'operationId'>,
  slices: Readonly<Record<string, readonly RouteDefinition[]>> = SLICE_ROUTES,
): string => {
  const found = Object.entries(slices).filter(([, routes]) => routes.some((r) => r.operationId === route.operationId));
  if (found.length !== 1) {
    throw new Error(
      `${route.operationId} is defined by ${found.length} slices (${found.map(([s]) => s).join(', ') || 'none'}): update SLICE_ROUTES.`,
    );
  }
  return found[0]![0];
};

/** The function ids of `layout` for `routes` and the catch-all `defaultRoute`. */
export const buildLayout = (
  layout: LayoutName,
  routes: readonly RouteDefinition[] = ROUTES,
  defaultRoute: Pick<DefaultRoute, 'operationId'> = DEFAULT_ROUTE,
  slices: Readonly<Record<string, readonly RouteDefinition[]>> = SLICE_ROUTES,
): Layout => {
  const functionOf = new Map<string, string>();
  const merges = new Map<string, Set<string>>();
  const place = (operationId: string, today: string, target: string): void => {
    if (functionOf.has(operationId)) throw new Error(`${operationId} appears twice in the routes.`);
    functionOf.set(operationId, target);
    merges.set(target, (merges.get(target) ?? new Set()).add(today));
  };
  const targetOf = (handler: string, slice: string): string =>
    layout === 'per-route' ? handler : layout === 'per-slice' ? slice : SINGLE_FUNCTION;
  for (const route of routes)
    place(route.operationId, routeHandlerOf(route), targetOf(routeHandlerOf(route), sliceFunctionOf(sliceOf(route, slices))));
  place(defaultRoute.operationId, defaultRoute.operationId, targetOf(defaultRoute.operationId, sliceFunctionOf(DEFAULT_ROUTE_SLICE)));
  return { name: layout, functionOf, functions: [...merges].map(([id, today]) => ({ id, merges: [...today] })) };
};
