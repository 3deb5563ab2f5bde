/**
 * The API's own routes: liveness, the OpenAPI document, and the catch-all that answers
 * unknown routes. Public, and touching nothing but the route list.
 */
import { HealthSchema, OpenApiDocumentSchema } from '../../platform/http/common-schemas.ts';
import { defineDefaultRoute, defineRoute } from '../../platform/http/route-definition.ts';
import { defineSliceFunction } from '../../platform/http/function-dispatch.ts';

/**
 * The Lambda that serves every route of this slice: one function per feature slice, chosen
 * by simulation (docs/decisions.md, record 44); its entry hands each route to its handler.
 */
export const META_FUNCTION = { functionId: 'metaApi', entry: 'functions/api/meta/handler.ts' } as const;

export const getHealthRoute = defineRoute({
  operationId: 'getHealth',
  method: 'GET',
  path: '/health',
  auth: 'none',
  ...META_FUNCTION,
  summary: 'Liveness check',
  tags: ['meta'],
  success: { status: 200, description: 'The API is up', schema: HealthSchema },
});

export const getOpenApiRoute = defineRoute({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  auth: 'none',
  ...META_FUNCTION,
  summary: 'This API’s OpenAPI 3.1 document, generated from the zod schemas',
  tags: ['meta'],
  success: { status: 200, description: 'OpenAPI 3.1 document', schema: OpenApiDocumentSchema },
});

/** The meta routes, in the order the contract lists them. */
export const META_ROUTES = [getHealthRoute, getOpenApiRoute] as const;

/**
 * The catch-all (`$default` on AWS): unknown routes answer 404 (405 when the path exists
 * with another method) as problem+json instead of API Gateway's plain `Not Found`.
 */
export const DEFAULT_ROUTE = defineDefaultRoute({
  operationId: 'notFound',
  ...META_FUNCTION,
});

/** The meta slice's Lambda and the routes it serves. */
export const metaFunction = defineSliceFunction(META_FUNCTION, [...META_ROUTES, DEFAULT_ROUTE]);
