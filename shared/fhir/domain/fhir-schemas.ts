/**
 * The FHIR face's request and response shapes, for validation and the OpenAPI document.
 * Resources are described, not re-specified: FHIR R4 defines them (the tests validate every
 * one we emit against its base definitions), so the contract names the resource type and
 * leaves the rest open rather than copy a partial, drifting schema of the standard.
 */
import * as z from '../../core/zod.ts';
import { CursorSchema, LimitSchema, patterned } from '../../referrals/domain/referral-schemas.ts';

/** A FHIR logical id: 1–64 letters, digits, `-` and `.` (R4 `id` datatype). */
export const FhirIdSchema = patterned(/^[A-Za-z0-9\-.]{1,64}$/, 64, 'must be a FHIR id: 1–64 letters, digits, - or .');

/** `/{id}` of a FHIR read. */
export const FhirReadPathSchema = z.object({ id: FhirIdSchema });

/** A FHIR resource of `type`, as the standard defines it (open: every element the standard allows). */
const resourceOf = (type: string, description: string) =>
  z
    .looseObject({ resourceType: z.literal(type), id: z.optional(z.string().check(z.maxLength(64))) })
    .register(z.globalRegistry, { id: `Fhir${type}`, description: `A FHIR R4 ${type}. ${description}` });

export const ServiceRequestSchema = resourceOf('ServiceRequest', 'The referral (docs/fhir.md maps every field).');
export const TaskSchema = resourceOf('Task', 'The referral’s fulfilment, or one handoff of responsibility (docs/fhir.md).');
export const OrganizationSchema = resourceOf('Organization', 'An organisation of the registry, with its ODS code when configured.');
export const CodeSystemSchema = resourceOf('CodeSystem', 'One of Jointly’s code lists.');
export const CapabilityStatementSchema = resourceOf('CapabilityStatement', 'Exactly what this FHIR face implements.');
export const OperationOutcomeSchema = resourceOf('OperationOutcome', 'Why the request failed: one issue per problem, naming the element.');

const commaList = (pattern: RegExp, message: string) => z.string().check(z.maxLength(512), z.regex(pattern, message));

/**
 * `GET /Task` parameters. `owner` is required (a worklist is one organisation's); FHIR's
 * OR-lists (`status=requested,received`) and repeated `_lastUpdated` (joined with commas by
 * API Gateway) are lists. Unknown parameters are refused, naming them, rather than ignored.
 */
export const TaskSearchQuerySchema = z.strictObject({
  owner: patterned(/^(Organization\/)?[a-z0-9][a-z0-9-]{0,63}$/, 77, 'must be Organization/<id> or <id> of a registered organisation'),
  status: z.optional(commaList(/^[a-z-]+(,[a-z-]+)*$/, 'must be one or more Task status codes, comma-separated')),
  _lastUpdated: z.optional(commaList(/^[a-z]{2}[0-9T:.+Z-]+(,[a-z]{2}[0-9T:.+Z-]+)*$/, 'must be a prefix and a date, e.g. ge2026-12-01')),
  _count: LimitSchema,
  _cursor: z.optional(CursorSchema),
});

/** A FHIR Bundle. */
export const BundleSchema = z
  .looseObject({ resourceType: z.literal('Bundle'), type: z.string().check(z.maxLength(32)) })
  .register(z.globalRegistry, { id: 'FhirBundle', description: 'A FHIR R4 Bundle: a searchset of Tasks, each with its absolute fullUrl.' });

/**
 * `/{operation}` of a system-level operation. API Gateway does not document `$` as allowed
 * in an HTTP API route path, so the operation is a path parameter restricted to the names
 * served: the URL a client calls is the FHIR one (`/fhir/R4/$process-message`).
 */
export const FhirOperationPathSchema = z.object({
  operation: z.enum(['$process-message'], { message: 'must be $process-message, the only operation served here' }),
});

/** A FHIR message Bundle as `$process-message` takes it: its entries are read (and refused, naming the element) by the use case. */
export const MessageBundleSchema = z
  .looseObject({
    resourceType: z.literal('Bundle', { message: 'must be Bundle' }),
    type: z.string().check(z.maxLength(32)),
    entry: z
      .array(
        z.looseObject({
          fullUrl: z.optional(z.string().check(z.maxLength(2048))),
          resource: z.looseObject({ resourceType: z.string().check(z.maxLength(64)) }),
        }),
      )
      .check(z.minLength(2, 'must hold the MessageHeader and the ServiceRequest'), z.maxLength(20)),
  })
  .register(z.globalRegistry, {
    id: 'FhirMessageBundle',
    description:
      'A FHIR R4 message Bundle: the MessageHeader (servicerequest-request, reason new or update) first, then the ServiceRequest and, if not contained, the Patient.',
  });

/**
 * `POST /ServiceRequest/_search` form: the patient's identifier as `system|value` (an NHS
 * number, or a local id issued by the caller's organisation) and the page size. In the body,
 * never the URL: access logs keep URLs.
 */
export const ServiceRequestSearchFormSchema = z.strictObject({
  identifier: patterned(/^[^|\s]{1,200}\|[^|\s]{1,64}$/, 265, 'must be system|value, e.g. https://fhir.nhs.uk/Id/nhs-number|9434765919'),
  _count: LimitSchema,
});

/** `POST /ServiceRequest/_search` query: only the next page's cursor (from the `next` link). */
export const ServiceRequestSearchQuerySchema = z.strictObject({ _cursor: z.optional(CursorSchema) });

/** `GET /ServiceRequest?…`: read only to refuse it, whatever it carries (an identifier, above all). */
export const RefusedSearchQuerySchema = z.looseObject({
  identifier: z.optional(z.string().check(z.maxLength(4096))).register(z.globalRegistry, {
    description: 'Refused here (400): send it in the form body of POST ServiceRequest/_search',
  }),
});
