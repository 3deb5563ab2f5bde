/**
 * Generates the OpenAPI 3.1 document from the route definitions and their zod schemas, so
 * the published contract cannot drift from what the handlers validate: the very schemas
 * (body, optional or not; query; path parameters) the handler stacks are built from.
 */
import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import type { RouteDefinition } from './route-definition.ts';
import { ProblemSchema } from './common-schemas.ts';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Malformed request: the problem names each offending field in `errors[]`',
  401: 'No valid bearer token. On AWS the JWT authorizer answers `{"message":"Unauthorized"}` itself',
  403: 'Visible to the caller, but not their action',
  404: 'Not found, or not visible to the caller',
  409: 'The record’s state does not allow this action now',
  412: 'Stale `If-Match`',
  413: 'Request body over 1 MiB',
  415: 'Request body is not application/json',
  422: 'Well-formed, but breaks a domain rule',
  500: 'Internal error; the detail never reveals internals',
};

const ALWAYS = [400, 413, 500];

const problemResponse = (status: number) => ({
  description: ERROR_DESCRIPTIONS[status] ?? 'Error',
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
});

const HEADER_SCHEMAS = {
  'If-Match': z.string().optional().meta({ description: 'The ETag of your last read, e.g. "3": a stale one gets 412' }),
  'Idempotency-Key': z
    .string()
    .optional()
    .meta({ description: 'Any unique string (a UUID): a retry with the same key and body within 24 h replays the first answer' }),
};

const operationOf = (route: RouteDefinition): ZodOpenApiOperationObject => {
  const statuses = [...new Set([...ALWAYS, ...(route.errorStatuses ?? [])])].sort();
  // The route's own path schema: defineRoute checks its keys are the template's parameters.
  const path = route.request?.path;
  const headerNames = route.request?.headers ?? [];
  const headers = headerNames.length > 0 ? z.object(Object.fromEntries(headerNames.map((h) => [h, HEADER_SCHEMAS[h]]))) : undefined;
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [...route.tags],
    ...(route.auth === 'jwt' ? { security: [{ bearerAuth: [] }] } : { security: [] }),
    ...(route.request?.query || path || headers
      ? {
          requestParams: {
            ...(route.request?.query ? { query: route.request.query } : {}),
            ...(path ? { path } : {}),
            ...(headers ? { header: headers } : {}),
          },
        }
      : {}),
    ...(route.request?.body
      ? { requestBody: { required: !route.request.bodyOptional, content: { 'application/json': { schema: route.request.body } } } }
      : {}),
    responses: {
      [String(route.success.status)]: {
        description: route.success.description,
        ...(route.success.schema || route.success.alternatives
          ? {
              content: {
                ...(route.success.schema ? { 'application/json': { schema: route.success.schema } } : {}),
                ...Object.fromEntries(
                  Object.entries(route.success.alternatives ?? {}).map(([mediaType, description]) => [mediaType, { schema: z.string().meta({ description }) }]),
                ),
              },
            }
          : {}),
      },
      ...Object.fromEntries(statuses.map((status) => [String(status), problemResponse(status)])),
    },
  };
};

/** The OpenAPI 3.1 document for `routes`. */
export const buildOpenApiDocument = (routes: readonly RouteDefinition[], version = '1.0.0') => {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    (item as Record<string, ZodOpenApiOperationObject>)[route.method.toLowerCase()] = operationOf(route);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Jointly API',
      version,
      description:
        'Joint referrals and handoffs of responsibility between health and social care organisations. ' +
        'Errors are RFC 9457 application/problem+json. Every response carries X-Correlation-Id.',
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (Cognito ID token)' },
      },
    },
    paths,
  });
};
