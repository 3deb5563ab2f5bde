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

/** The FHIR validator, loaded on the first FHIR answer only (its definitions take most of a second to load). */
let fhirValidator: Promise<typeof import('./fhir-validator.ts')> | undefined;

/**
 * Throws (failing the test) if a FHIR answer, error or not, is not valid FHIR R4 (structure
 * and required bindings, test/support/fhir-validator.ts).
 */
export const assertValidFhir = async (method: string, path: string, status: number, body: unknown): Promise<void> => {
  fhirValidator ??= import('./fhir-validator.ts');
  const issues = (await fhirValidator).fhirIssuesOf(body);
  if (issues.length > 0) {
    throw new Error(`FHIR validation: ${method} ${path} → ${status}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
};

/**
 * Throws (failing the test) if a 2xx JSON response breaks its route's response schema.
 * Non-JSON answers (CSV, 204) and routes the table does not know (`/_local/*`) are skipped.
 */
export const assertResponseContract = (method: string, path: string, status: number, contentType: string | null, body: unknown): void => {
  if (status < 200 || status >= 300) return;
  const route = routeOf(method, path);
  const mediaType = route?.format?.mediaType ?? 'application/json';
  if (!contentType?.startsWith(mediaType)) return;
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
