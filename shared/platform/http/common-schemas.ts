import * as z from 'zod';

/** One field-level validation failure inside a problem document. */
export const FieldErrorSchema = z
  .object({
    path: z.string().meta({ description: 'Dotted path of the offending field, e.g. `subject.nhsNumber`', example: 'toOrg' }),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

/** RFC 9457 problem details, the body of every error response. */
export const ProblemSchema = z
  .object({
    type: z.string().meta({ description: 'URI identifying the problem type', example: 'https://jointly.example/problems/not-found' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional().meta({ description: 'The request path' }),
    correlationId: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' });
export type Problem = z.infer<typeof ProblemSchema>;

export const HealthSchema = z.strictObject({ status: z.literal('ok') }).meta({ id: 'Health' });

/**
 * `GET /openapi.json`: an OpenAPI 3.1 document. Its shape is the OpenAPI specification's,
 * not ours, so only its top level is checked (the one response schema that is not strict).
 */
export const OpenApiDocumentSchema = z
  .looseObject({ openapi: z.string().regex(/^3\.1\./), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) })
  .meta({ id: 'OpenApiDocument' });
