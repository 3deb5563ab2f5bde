/**
 * What the FHIR API implements, as one list, and the `CapabilityStatement` (`GET /metadata`)
 * built from it. The router is meant to read the same list, so the statement cannot claim
 * an interaction the API lacks or miss one it has.
 */
import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceInteraction,
  CapabilityStatementRestResourceSearchParam,
} from '@medplum/fhirtypes';
import { DEFAULT_LIMIT } from '../../core/pagination.ts';
import { PAGE_MAX } from '../../referrals/domain/referral-schemas.ts';
import { FHIR_MEDIA_TYPE, FHIR_VERSION } from './fhir-systems.ts';

/** The resource types the API serves. */
export type FhirResourceType = 'ServiceRequest' | 'Task' | 'Organization' | 'CodeSystem';

/** One search parameter a resource type supports. */
export interface FhirSearchParamCapability {
  readonly name: string;
  readonly type: CapabilityStatementRestResourceSearchParam['type'];
  /** The SearchParameter it implements, where FHIR defines one (`_count` is a result parameter, not a SearchParameter). */
  readonly definition?: string;
  readonly documentation: string;
}

/** What the API does with one resource type. */
export interface FhirResourceCapability {
  readonly type: FhirResourceType;
  readonly interactions: readonly CapabilityStatementRestResourceInteraction['code'][];
  readonly searchParams: readonly FhirSearchParamCapability[];
  readonly documentation: string;
}

/** An operation the API implements. */
export interface FhirOperationCapability {
  readonly name: string;
  readonly definition: string;
  readonly documentation: string;
}

/** Everything the FHIR API implements. */
export interface FhirInteractions {
  readonly resources: readonly FhirResourceCapability[];
  readonly operations: readonly FhirOperationCapability[];
}

const SEARCH_PARAMETER = 'http://hl7.org/fhir/SearchParameter';

/** The single list of what the FHIR API implements, from which the capability statement is built. */
export const FHIR_INTERACTIONS: FhirInteractions = {
  resources: [
    {
      type: 'ServiceRequest',
      interactions: ['read', 'search-type'],
      searchParams: [
        {
          name: 'identifier',
          type: 'token',
          documentation:
            'The patient’s identifier as system|value: an NHS number (https://fhir.nhs.uk/Id/nhs-number) or a local id issued by ' +
            'your organisation. POST ServiceRequest/_search with a form body only: a GET search is refused, so no NHS number sits in a URL.',
        },
        {
          name: '_count',
          type: 'number',
          documentation: `Page size, 1–${PAGE_MAX} (default ${DEFAULT_LIMIT}); POST the same form to the next link for more.`,
        },
      ],
      documentation: 'Referrals: the request for care, from the referring to the receiving organisation.',
    },
    {
      type: 'Task',
      interactions: ['read', 'search-type'],
      searchParams: [
        {
          name: 'owner',
          type: 'reference',
          definition: `${SEARCH_PARAMETER}/Task-owner`,
          documentation: 'The organisation that must act: `Organization/<id>`.',
        },
        {
          name: 'status',
          type: 'token',
          definition: `${SEARCH_PARAMETER}/Task-status`,
          documentation: 'A FHIR task status code (see Task.businessStatus for the Jointly status).',
        },
        {
          name: '_lastUpdated',
          type: 'date',
          definition: `${SEARCH_PARAMETER}/Resource-lastUpdated`,
          documentation: 'When the referral or handoff last changed.',
        },
        {
          name: '_count',
          type: 'number',
          documentation: `Page size, 1–${PAGE_MAX} (default ${DEFAULT_LIMIT}); follow the next link for more.`,
        },
      ],
      documentation:
        'The work: one Task per referral (id = the referral id) for the receiver to respond to and carry it out, ' +
        'one per handoff of responsibility (id = handoff-<handoff id>), part of the referral’s Task, ' +
        'and one rejected Task per receiver that redirected the referral (id = redirected-<referral id>-<seq>).',
    },
    {
      type: 'Organization',
      interactions: ['read'],
      searchParams: [],
      documentation: 'The organisations taking part in the programme.',
    },
    {
      type: 'CodeSystem',
      interactions: ['read'],
      searchParams: [],
      documentation: 'Jointly’s code lists (service areas, priorities, reasons, outcomes, statuses, task codes).',
    },
  ],
  operations: [
    {
      name: 'process-message',
      definition: 'http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message',
      documentation:
        'Synchronous servicerequest-request messages (BaRS-shaped): reason new submits a referral, update with a revoked ' +
        'ServiceRequest cancels one. X-Request-Id is required and deduplicates per caller; the answer is the response message.',
    },
  ],
};

/** What the statement needs from its deployment. */
export interface CapabilityStatementInput {
  /** The absolute base URL of the FHIR API, such as `https://api.example/fhir/R4`. */
  readonly base: string;
  /** When the statement was last changed: the deployment's date, since it changes only with a deploy. */
  readonly date: string;
  readonly softwareVersion: string;
}

const toRestResource = (capability: FhirResourceCapability): CapabilityStatementRestResource => ({
  type: capability.type,
  profile: `http://hl7.org/fhir/StructureDefinition/${capability.type}`,
  documentation: capability.documentation,
  interaction: capability.interactions.map((code) => ({ code })),
  // meta.versionId is the ETag's version, on every resource served.
  versioning: 'versioned',
  ...(capability.searchParams.length > 0
    ? {
        searchParam: capability.searchParams.map((param) => ({
          name: param.name,
          type: param.type,
          ...(param.definition ? { definition: param.definition } : {}),
          documentation: param.documentation,
        })),
      }
    : {}),
});

/** The server's CapabilityStatement (`GET /metadata`), built from {@link FHIR_INTERACTIONS}. */
export const capabilityStatement = (input: CapabilityStatementInput): CapabilityStatement => ({
  resourceType: 'CapabilityStatement',
  name: 'JointlyFhirApi',
  title: 'Jointly FHIR R4 API',
  status: 'active',
  date: input.date,
  publisher: 'Jointly',
  kind: 'instance',
  software: { name: 'Jointly', version: input.softwareVersion },
  implementation: { description: 'Jointly: joint referrals between NHS community health and council social care', url: input.base },
  fhirVersion: FHIR_VERSION,
  format: [FHIR_MEDIA_TYPE, 'json'],
  rest: [
    {
      mode: 'server',
      security: {
        service: [
          {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth', display: 'OAuth' }],
          },
        ],
        description: 'OAuth2 bearer tokens: a Cognito ID token in the Authorization header (`Bearer <token>`) on every request.',
      },
      resource: FHIR_INTERACTIONS.resources.map(toRestResource),
      // FHIR JSON has no empty arrays: no operations, no `operation`.
      ...(FHIR_INTERACTIONS.operations.length > 0
        ? { operation: FHIR_INTERACTIONS.operations.map(({ name, definition, documentation }) => ({ name, definition, documentation })) }
        : {}),
    },
  ],
});
