/**
 * Generates the OpenAPI 3.1 document from the route definitions and their zod schemas, so
 * the published contract cannot drift from what the handlers validate: the very schemas
 * (body, optional or not; query; path parameters) the handler stacks are built from.
 */
import * as z from '../../core/zod.ts';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from 'zod-openapi';
import type { RouteDefinition } from './route-definition.ts';
import { gatewayErrorSchema, ProblemSchema } from './common-schemas.ts';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import { withMeta } from '../../core/schemas.ts';
import { API_VERSION } from './api-version.ts';
import { REQUEST_KEY_PATTERN } from './idempotency-header.ts';

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
};

/** Statuses every route can answer with as problem+json (500 and the rest are built below). */
const ALWAYS = [400, 413];

/** The error body of a route: problem+json, or its format's own (an OperationOutcome on the FHIR face). */
const errorContentOf = (route: RouteDefinition) =>
  route.format ? { [route.format.mediaType]: { schema: route.format.errorSchema } } : { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } };

const problemResponse = (status: number, route: RouteDefinition) => ({
  description: ERROR_DESCRIPTIONS[status] ?? 'Error',
  content: errorContentOf(route),
});

/**
 * Largest body of another media type a route can answer with: the metrics CSV, whose
 * longest form (366 daily rows of about 60 figures) stays well under 1 MiB.
 */
const ALTERNATIVE_BODY_MAX = 1024 * 1024;

/** `Retry-After` in seconds; `sent` says whether the answer always carries it. */
const retryAfter = (sent: 'always' | 'maybe', description: string) => {
  const seconds = z.number().check(z.int(), z.gte(0), z.lte(3600));
  return withMeta(sent === 'always' ? seconds : z.optional(seconds), {
    description: `Seconds to wait before sending the same request again. ${description}`,
  });
};

/**
 * 401, jwt routes only. Usually API Gateway's JWT authorizer answers, before any function
 * runs; a token it passes that is not a Cognito ID token is refused by the API as a problem.
 */
const UNAUTHORIZED: ZodOpenApiResponseObject = {
  description:
    'No valid bearer token. API Gateway’s JWT authorizer answers `{"message":"Unauthorized"}` itself (application/json); ' +
    'a token it accepts that is not an ID token (an access token) gets a problem from the API',
  headers: z.object({
    'WWW-Authenticate': z.optional(z.string().check(z.maxLength(256))).register(z.globalRegistry, {
      description: '`Bearer`, on the API’s problem answer; the authorizer’s own answer is not documented to carry it',
    }),
  }),
  content: {
    [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema },
    'application/json': { schema: gatewayErrorSchema(401) },
  },
};

/**
 * 429, every route: API Gateway's stage throttling (a token bucket: the stage's rate and
 * burst, infra/config/stage-config.ts) answers before any function runs. It sends no
 * RateLimit headers, so none are declared.
 */
const TOO_MANY_REQUESTS: ZodOpenApiResponseObject = {
  description:
    'Throttled by API Gateway: over the stage’s request rate or burst (docs/operations.md), or the AWS account’s. ' +
    'Nothing was applied: back off and send the same request again',
  headers: z.object({
    'Retry-After': retryAfter(
      'maybe',
      'API Gateway’s throttling answer is not documented to carry it (an HTTP API cannot add headers to it): when absent, wait at least 1 s and back off exponentially with jitter.',
    ),
  }),
  content: { 'application/json': { schema: gatewayErrorSchema(429) } },
};

/** 500, every route: the API's own problem, or API Gateway's answer when the function failed or timed out. */
const INTERNAL_ERROR: ZodOpenApiResponseObject = {
  description:
    'Internal error; the detail never reveals internals. A function that crashed or overran its timeout gets API Gateway’s ' +
    '`{"message":"Internal Server Error"}` (application/json) instead',
  content: {
    [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema },
    'application/json': { schema: gatewayErrorSchema(500) },
  },
};

/**
 * 503, routes whose function uses a dependency (the table, the queue, the key): busy past
 * the SDK's retries, nothing applied (shared/http/problem.ts, always with `Retry-After`).
 * API Gateway's own 503 (integration timeout, 30 s) cannot happen: API functions stop at 29 s.
 */
const SERVICE_UNAVAILABLE: ZodOpenApiResponseObject = {
  description:
    'A dependency was busy (throttling, a transaction conflict, a fault or timeout): nothing was applied, send the same request again',
  headers: z.object({ 'Retry-After': retryAfter('always', 'Always sent with this answer (1 today).') }),
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
};

/** A shared error response with the route's own error body in place of problem+json (API Gateway's answers stay). */
const withErrorContent = (response: ZodOpenApiResponseObject, route: RouteDefinition): ZodOpenApiResponseObject => {
  if (!route.format) return response;
  const { [PROBLEM_CONTENT_TYPE]: _problem, ...gateway } = response.content ?? {};
  return { ...response, content: { ...errorContentOf(route), ...gateway } };
};

const HEADER_SCHEMAS = {
  'If-Match': z
    .optional(z.string().check(z.maxLength(16)))
    .register(z.globalRegistry, { description: 'The ETag of your last read, e.g. "3" (or W/"3", 3, *): a stale one gets 412' }),
  'X-Request-Id': z.string().check(z.regex(REQUEST_KEY_PATTERN), z.maxLength(255)).register(z.globalRegistry, {
    description: 'Required: a unique id per message (a UUID), the same on a retry: a retry within 24 h replays the first answer',
  }),
  'Idempotency-Key': z.optional(z.string().check(z.regex(REQUEST_KEY_PATTERN), z.maxLength(255))).register(z.globalRegistry, {
    description:
      'Any unique string of 1–255 visible ASCII characters (a UUID): a retry with the same key and body within 24 h replays the first answer',
  }),
};

/** Whether the route's function calls a dependency that can be busy (so may answer 503). */
const usesDependency = (route: RouteDefinition): boolean => route.tableAccess !== undefined || (route.eventAccess?.length ?? 0) > 0;

const operationOf = (route: RouteDefinition): ZodOpenApiOperationObject => {
  const statuses = [...new Set([...ALWAYS, ...(route.errorStatuses ?? [])])].filter((status) => status !== 401).sort();
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
      ? {
          requestBody: {
            required: !route.request.bodyOptional,
            content: {
              [route.request.bodyEncoding === 'form'
                ? 'application/x-www-form-urlencoded'
                : (route.format?.requestMediaType ?? 'application/json')]: { schema: route.request.body },
            },
          },
        }
      : {}),
    responses: {
      [String(route.success.status)]: {
        description: route.success.description,
        ...(route.success.schema || route.success.alternatives
          ? {
              content: {
                ...(route.success.schema ? { [route.format?.mediaType ?? 'application/json']: { schema: route.success.schema } } : {}),
                ...Object.fromEntries(
                  Object.entries(route.success.alternatives ?? {}).map(([mediaType, description]) => [
                    mediaType,
                    { schema: z.string().check(z.maxLength(ALTERNATIVE_BODY_MAX)).register(z.globalRegistry, { description }) },
                  ]),
                ),
              },
            }
          : {}),
      },
      ...Object.fromEntries(statuses.map((status) => [String(status), problemResponse(status, route)])),
      ...(route.auth === 'jwt' ? { '401': withErrorContent(UNAUTHORIZED, route) } : {}),
      '429': TOO_MANY_REQUESTS,
      '500': withErrorContent(INTERNAL_ERROR, route),
      ...(usesDependency(route) ? { '503': withErrorContent(SERVICE_UNAVAILABLE, route) } : {}),
    },
  };
};

/** Tags in the order the document lists them, with what each groups. */
const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  meta: 'Liveness and this contract',
  reference: 'Registries and code lists',
  referrals: 'Joint referrals between organisations, their actions and history',
  notes: 'Case notes on a referral',
  handoffs: 'Handoffs of responsibility for an accepted referral',
  subjects: 'A person’s rights over their records: a subject access export and rectification or erasure, for information governance',
  subscriptions: 'Alert subscriptions and their deliveries',
  alerts: 'A caller’s inbox alerts',
  metrics: 'Programme evaluation figures',
  fhir: 'The FHIR R4 face (application/fhir+json): referrals as ServiceRequest and Task, over the same rules and audit',
};

/** The largest value each integer format holds. */
const INT32_MAX = 2 ** 31 - 1;

/**
 * Every integer gets its OpenAPI format from the bounds zod gives it: `int32` when they
 * fit, else `int64` (zod's default bounds are JavaScript's safe integers).
 */
const withIntegerFormat = ({ jsonSchema }: { jsonSchema: Record<string, unknown> }): void => {
  if (jsonSchema.type !== 'integer' || jsonSchema.format !== undefined) return;
  const { minimum, maximum } = jsonSchema;
  const fits = typeof minimum === 'number' && typeof maximum === 'number' && minimum >= -INT32_MAX - 1 && maximum <= INT32_MAX;
  jsonSchema.format = fits ? 'int32' : 'int64';
};

/** The OpenAPI 3.1 document for `routes`. */
export const buildOpenApiDocument = (routes: readonly RouteDefinition[], version = API_VERSION) => {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    const item = paths[route.path]!;
    (item as Record<string, ZodOpenApiOperationObject>)[route.method.toLowerCase()] = operationOf(route);
  }
  const tags = [...new Set(routes.flatMap((route) => route.tags))];
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Jointly API',
        version,
        description:
          'Joint referrals and handoffs of responsibility between health and social care organisations. ' +
          'Errors are RFC 9457 application/problem+json, except the few API Gateway answers itself (401, 429, 500). ' +
          'Every answer from a Jointly function carries X-Correlation-Id.',
        // Internal to the programme's partners, not open source: no licence grants any use.
        license: { name: 'Proprietary: no licence is granted', identifier: 'LicenseRef-Proprietary' },
        contact: { name: 'Jointly operations', email: 'jointly-ops@nhs.net' },
      },
      // Relative: each stage serves its API at the root of its own base URL (the HTTP API's
      // `$default` stage; the local runtime likewise), so `/` is right for every one.
      servers: [
        {
          url: '/',
          description: 'The stage that served this document: local (npm start), dev, staging or production',
          'x-internal': true,
        },
      ],
      tags: tags.map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}) })),
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'A Cognito ID token of the stage’s user pool, verified by API Gateway’s JWT authorizer (signature, issuer, ' +
              'audience, expiry) following RFC8725’s best practices: RS256 only, never `alg: none`; short-lived (an hour)',
          },
        },
      },
      paths,
    },
    { override: withIntegerFormat },
  );
};
