/**
 * The route table: the one list of API routes. The CDK API stack creates one Lambda
 * function and one HTTP API route per entry; the local gateway serves the same entries
 * with the same handler modules; `GET /openapi.json` documents them.
 *
 * Pure data (zod schemas included): no CDK or SDK imports, so handlers may import it.
 * Local-only routes (`/_local/token`) are deliberately absent: they live in the local
 * gateway, so the CDK app cannot deploy them.
 */
import type { z } from 'zod';
import { HealthSchema } from '../shared/domain/schemas/common.ts';
import { ReferenceSchema } from '../shared/domain/schemas/reference.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a route is protected: `none` is public; `jwt` is behind the JWT authorizer. */
export type RouteAuth = 'none' | 'jwt';

/** What a successful response looks like, for the OpenAPI document. */
export interface RouteResponse {
  readonly status: number;
  readonly description: string;
  readonly schema?: z.ZodType;
}

/** One API route and the Lambda entry point that serves it. */
export interface RouteDefinition {
  /** Stable, unique camelCase id: the OpenAPI operationId and the Lambda's construct id. */
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway path template, e.g. `/referrals/{id}`. */
  readonly path: string;
  readonly auth: RouteAuth;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly request?: {
    readonly query?: z.ZodObject;
    readonly body?: z.ZodType;
  };
  readonly success: RouteResponse;
  /** Error statuses this route can answer with, beyond those every route can (400, 413, 500). */
  readonly errorStatuses?: readonly number[];
  /**
   * How the route's function uses the table: the CDK grants exactly this (least privilege)
   * and sets `JOINTLY_TABLE_NAME`. Omitted = the function never touches the table.
   */
  readonly tableAccess?: 'read' | 'readWrite';
}

export const ROUTES: readonly RouteDefinition[] = [
  {
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    auth: 'none',
    entry: 'functions/api/health/handler.ts',
    summary: 'Liveness check',
    tags: ['meta'],
    success: { status: 200, description: 'The API is up', schema: HealthSchema },
  },
  {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    auth: 'none',
    entry: 'functions/api/openapi/handler.ts',
    summary: 'This API’s OpenAPI 3.1 document, generated from the zod schemas',
    tags: ['meta'],
    success: { status: 200, description: 'OpenAPI 3.1 document' },
  },
  {
    operationId: 'getReference',
    method: 'GET',
    path: '/reference',
    auth: 'jwt',
    entry: 'functions/api/reference/handler.ts',
    summary: 'Organisations, service areas, priorities with response targets, and the closed code lists',
    tags: ['reference'],
    success: { status: 200, description: 'Reference data', schema: ReferenceSchema },
    errorStatuses: [401],
  },
];

/**
 * The catch-all (`$default` on AWS): unknown routes answer 404 (405 when the path exists
 * with another method) as problem+json instead of API Gateway's plain `Not Found`.
 */
export const DEFAULT_ROUTE = {
  operationId: 'notFound',
  entry: 'functions/api/not-found/handler.ts',
} as const;

/** `GET /health` → the route key API Gateway uses (`"GET /health"`). */
export const routeKeyOf = (route: Pick<RouteDefinition, 'method' | 'path'>): string => `${route.method} ${route.path}`;
