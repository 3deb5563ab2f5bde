/**
 * The response contract check for the e2e tests: every 2xx JSON body must conform to the
 * strict response schema (zod) of the route that served it, as the route table declares it.
 * A field the schema does not name fails the check, so an internal field cannot leak unseen.
 */
import { ROUTES } from '#shared/wiring/routes.ts';
import * as z from '#shared/core/zod.ts';
import type { RouteDefinition } from '#shared/platform/http/route-definition.ts';
import { matchesPathTemplate } from '#shared/platform/http/path-template.ts';

/** Routes with literal segments first, so `/referrals/search` wins over any `{id}` template. */
const BY_SPECIFICITY = [...ROUTES].sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0));

/** The route serving `method path` (path without query), if any. */
export const routeOf = (method: string, path: string): RouteDefinition | undefined => {
  const bare = path.split('?')[0]!;
  return BY_SPECIFICITY.find((route) => route.method === method.toUpperCase() && matchesPathTemplate(route.path, bare));
};

/** Every route whose 2xx body has been checked in this process (for the walk-every-route test). */
export const checkedRoutes = new Set<string>();

/**
 * Throws (failing the test) if a 2xx JSON response breaks its route's response schema.
 * Non-JSON answers (CSV, 204) and routes the table does not know (`/_local/*`) are skipped.
 */
export const assertResponseContract = (method: string, path: string, status: number, contentType: string | null, body: unknown): void => {
  if (status < 200 || status >= 300 || !contentType?.startsWith('application/json')) return;
  const route = routeOf(method, path);
  if (!route) return;
  if (route.success.status !== status) {
    throw new Error(`Response contract: ${route.method} ${route.path} answered ${status}, the route table says ${route.success.status}`);
  }
  if (!route.success.schema) throw new Error(`Response contract: ${route.method} ${route.path} has no response schema`);
  const result = z.safeParse(route.success.schema, body);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new Error(`Response contract: ${route.method} ${route.path} → ${status} breaks its schema: ${issues}`);
  }
  checkedRoutes.add(`${route.method} ${route.path}`);
};
