import * as z from '../../core/zod.ts';

/**
 * The most a problem document holds. Its strings partly echo the request (an unknown
 * field's name, the path), so `problemResponse` cuts them to these before sending: a huge
 * or hostile request cannot make a huge error answer, and the contract can promise maxima.
 */
export const PROBLEM_LIMITS = {
  type: 200,
  title: 100,
  detail: 2000,
  instance: 2048,
  correlationId: 128,
  errors: 50,
  errorPath: 200,
  errorMessage: 500,
} as const;

/** One field-level validation failure inside a problem document. */
export const FieldErrorSchema = z
  .object({
    path: z.string().check(z.maxLength(PROBLEM_LIMITS.errorPath)).register(z.globalRegistry, {
      description: 'Dotted path of the offending field, e.g. `subject.nhsNumber`',
      example: 'toOrg',
    }),
    message: z.string().check(z.maxLength(PROBLEM_LIMITS.errorMessage)),
  })
  .register(z.globalRegistry, { id: 'FieldError' });

/** RFC 9457 problem details, the body of every error response. */
export const ProblemSchema = z
  .object({
    type: z.string().check(z.maxLength(PROBLEM_LIMITS.type)).register(z.globalRegistry, {
      description: 'URI identifying the problem type',
      example: 'https://jointly.example/problems/not-found',
    }),
    title: z.string().check(z.maxLength(PROBLEM_LIMITS.title)),
    status: z.number().check(z.int(), z.gte(400), z.lte(599)),
    detail: z.string().check(z.maxLength(PROBLEM_LIMITS.detail)),
    instance: z
      .optional(z.string().check(z.maxLength(PROBLEM_LIMITS.instance)))
      .register(z.globalRegistry, { description: 'The request path' }),
    correlationId: z.optional(z.string().check(z.maxLength(PROBLEM_LIMITS.correlationId))),
    errors: z
      .optional(z.array(FieldErrorSchema).check(z.maxLength(PROBLEM_LIMITS.errors)))
      .register(z.globalRegistry, { description: `The offending fields, the first ${PROBLEM_LIMITS.errors} if there are more` }),
  })
  .register(z.globalRegistry, { id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' });
export type Problem = z.infer<typeof ProblemSchema>;

/**
 * The fixed bodies API Gateway itself answers with (not problem+json: HTTP APIs cannot
 * customise them), e.g. the JWT authorizer's 401 `{"message":"Unauthorized"}`.
 */
export const GATEWAY_MESSAGES = {
  401: 'Unauthorized',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
} as const;

/** The body of an answer API Gateway gives itself with `status`. */
export const gatewayErrorSchema = (status: keyof typeof GATEWAY_MESSAGES) =>
  z
    .strictObject({ message: z.literal(GATEWAY_MESSAGES[status]) })
    .register(z.globalRegistry, { description: 'Sent by API Gateway itself, not by a Jointly function' });

export const HealthSchema = z.strictObject({ status: z.literal('ok') }).register(z.globalRegistry, { id: 'Health' });

/**
 * `GET /openapi.json`: an OpenAPI 3.1 document. Its shape is the OpenAPI specification's,
 * not ours, so only its top level is checked (the one response schema that is not strict).
 */
export const OpenApiDocumentSchema = z
  .looseObject({
    openapi: z.string().check(z.maxLength(16), z.regex(/^3\.1\./)),
    info: z.looseObject({ title: z.string().check(z.maxLength(100)), version: z.string().check(z.maxLength(64)) }),
    paths: z.record(z.string().check(z.maxLength(200)), z.unknown()),
  })
  .register(z.globalRegistry, { id: 'OpenApiDocument' });
