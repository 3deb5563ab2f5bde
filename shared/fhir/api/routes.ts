/**
 * The FHIR R4 face (`/fhir/R4`, `application/fhir+json`): reads of referrals as
 * ServiceRequest and Task, the registry as Organization, our code lists as CodeSystem, and
 * the CapabilityStatement. A view over the referral slice's own use cases, so visibility,
 * 404-before-403 and the access audit are the REST API's; errors are OperationOutcome.
 */
import { defineRoute } from '../../platform/http/route-definition.ts';
import { defineSliceFunction } from '../../platform/http/function-dispatch.ts';
import {
  BundleSchema,
  CapabilityStatementSchema,
  CodeSystemSchema,
  FhirOperationPathSchema,
  FhirReadPathSchema,
  MessageBundleSchema,
  RefusedSearchQuerySchema,
  ServiceRequestSearchFormSchema,
  ServiceRequestSearchQuerySchema,
  OrganizationSchema,
  ServiceRequestSchema,
  TaskSchema,
  TaskSearchQuerySchema,
} from '../domain/fhir-schemas.ts';
import { FHIR_FORMAT } from './fhir-format.ts';

/** The Lambda of the FHIR face: its own slice's function (decision record 44), reading through the referral use cases. */
export const FHIR_FUNCTION = { functionId: 'fhirApi', entry: 'functions/api/fhir/handler.ts' } as const;

/** Where the FHIR face is served: every FHIR route's path starts with it. */
export const FHIR_BASE_PATH = '/fhir/R4';

const FHIR_ROUTE = { ...FHIR_FUNCTION, tags: ['fhir'], format: FHIR_FORMAT } as const;

/**
 * What a FHIR read of a referral's resources needs: the table (reads, and the access log it
 * writes) and the keys the referral use cases load at cold start (shared/wiring/referrals.ts;
 * test/unit/infra/route-secrets.test.ts checks the function declares exactly what it reads).
 */
const READS_REFERRALS = { tableAccess: 'readWrite', secrets: ['subjectHashKey', 'cursorKey'] } as const;

export const getFhirMetadataRoute = defineRoute({
  operationId: 'getFhirMetadata',
  method: 'GET',
  path: `${FHIR_BASE_PATH}/metadata`,
  auth: 'none',
  ...FHIR_ROUTE,
  summary: 'The CapabilityStatement: exactly what this FHIR R4 face implements',
  success: { status: 200, description: 'The CapabilityStatement', schema: CapabilityStatementSchema },
});

export const readServiceRequestRoute = defineRoute({
  operationId: 'readServiceRequest',
  method: 'GET',
  path: `${FHIR_BASE_PATH}/ServiceRequest/{id}`,
  auth: 'jwt',
  ...FHIR_ROUTE,
  summary: 'A referral as a FHIR ServiceRequest, the person as a contained Patient (the read is audited)',
  request: { path: FhirReadPathSchema },
  success: { status: 200, description: 'The ServiceRequest (ETag: the referral’s version)', schema: ServiceRequestSchema },
  errorStatuses: [401, 403, 404],
  ...READS_REFERRALS,
});

export const searchServiceRequestsRoute = defineRoute({
  operationId: 'searchServiceRequests',
  method: 'POST',
  path: `${FHIR_BASE_PATH}/ServiceRequest/_search`,
  auth: 'jwt',
  ...FHIR_ROUTE,
  summary:
    'A person’s referrals the caller may see, by patient identifier (system|value) in a form body, never the URL (the search is audited)',
  request: { body: ServiceRequestSearchFormSchema, bodyEncoding: 'form', query: ServiceRequestSearchQuerySchema },
  success: {
    status: 200,
    description: 'A searchset Bundle; POST the same form to its `next` link for the next page',
    schema: BundleSchema,
  },
  errorStatuses: [401, 403, 415, 422],
  ...READS_REFERRALS,
});

export const refuseServiceRequestGetSearchRoute = defineRoute({
  operationId: 'refuseServiceRequestGetSearch',
  method: 'GET',
  path: `${FHIR_BASE_PATH}/ServiceRequest`,
  auth: 'jwt',
  ...FHIR_ROUTE,
  summary: 'Always 400: ServiceRequests are searched by POST to ServiceRequest/_search, so no NHS number sits in a URL',
  request: { query: RefusedSearchQuerySchema },
  success: { status: 200, description: 'Never: every GET search is refused', schema: BundleSchema },
  errorStatuses: [401, 403],
});

export const readTaskRoute = defineRoute({
  operationId: 'readTask',
  method: 'GET',
  path: `${FHIR_BASE_PATH}/Task/{id}`,
  auth: 'jwt',
  ...FHIR_ROUTE,
  summary: 'A referral’s fulfilment Task (id: the referral’s), or a handoff’s (id: handoff-<handoff id>)',
  request: { path: FhirReadPathSchema },
  success: { status: 200, description: 'The Task (ETag: the referral’s or handoff’s version)', schema: TaskSchema },
  errorStatuses: [401, 403, 404],
  ...READS_REFERRALS,
});

export const searchTasksRoute = defineRoute({
  operationId: 'searchTasks',
  method: 'GET',
  path: `${FHIR_BASE_PATH}/Task`,
  auth: 'jwt',
  ...FHIR_ROUTE,
  summary: 'An organisation’s Tasks (referrals to answer or carry out, handoffs offered to it), newest first: a worklist to poll',
  request: { query: TaskSearchQuerySchema },
  success: { status: 200, description: 'A searchset Bundle; its `next` link carries a signed cursor', schema: BundleSchema },
  errorStatuses: [401, 403, 422],
  ...READS_REFERRALS,
});

export const processMessageRoute = defineRoute({
  operationId: 'processFhirMessage',
  method: 'POST',
  path: `${FHIR_BASE_PATH}/{operation}`,
  auth: 'jwt',
  ...FHIR_ROUTE,
  summary:
    '`$process-message`: a BaRS-shaped servicerequest-request message (reason new submits a referral, update + revoked cancels one); X-Request-Id deduplicates',
  request: { path: FhirOperationPathSchema, body: MessageBundleSchema, headers: ['X-Request-Id'] },
  success: {
    status: 200,
    description: 'The response message: its MessageHeader answers yours, focused on the referral as it now stands',
    schema: BundleSchema,
  },
  errorStatuses: [401, 403, 404, 409, 412, 415, 422],
  ...READS_REFERRALS,
});

export const readOrganizationRoute = defineRoute({
  operationId: 'readOrganization',
  method: 'GET',
  path: `${FHIR_BASE_PATH}/Organization/{id}`,
  auth: 'jwt',
  ...FHIR_ROUTE,
  summary: 'An organisation of the registry, with its ODS code when the stage configures one',
  request: { path: FhirReadPathSchema },
  success: { status: 200, description: 'The Organization', schema: OrganizationSchema },
  errorStatuses: [401, 403, 404],
});

export const readCodeSystemRoute = defineRoute({
  operationId: 'readCodeSystem',
  method: 'GET',
  path: `${FHIR_BASE_PATH}/CodeSystem/{id}`,
  auth: 'none',
  ...FHIR_ROUTE,
  summary: 'One of Jointly’s code lists (reasons, outcomes, service areas, statuses) as a CodeSystem',
  request: { path: FhirReadPathSchema },
  success: { status: 200, description: 'The CodeSystem', schema: CodeSystemSchema },
  errorStatuses: [404],
});

/** The FHIR routes, in the order the contract lists them. */
export const FHIR_ROUTES = [
  getFhirMetadataRoute,
  readServiceRequestRoute,
  searchServiceRequestsRoute,
  refuseServiceRequestGetSearchRoute,
  readTaskRoute,
  searchTasksRoute,
  processMessageRoute,
  readOrganizationRoute,
  readCodeSystemRoute,
] as const;

/** The FHIR face's Lambda and the routes it serves. */
export const fhirFunction = defineSliceFunction(FHIR_FUNCTION, FHIR_ROUTES);
