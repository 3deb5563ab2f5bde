/**
 * Inbound referrals, BaRS-shaped: a FHIR `message` Bundle whose MessageHeader asks for
 * `servicerequest-request` is read into one of our use-case inputs (a new referral, or the
 * cancellation of one), and the answer is the response message. Reading decides nothing a
 * use case decides: the referral service applies the REST API's rules, in the REST API's
 * order, to what this reads, and writes nothing when either refuses.
 *
 * Every refusal names the element it is about as a FHIRPath-like expression
 * (`Bundle.entry[1].resource.priority`), which the FHIR face returns as the issue's `expression`.
 */
import type { Bundle, BundleEntry, MessageHeader, Patient, ServiceRequest } from '@medplum/fhirtypes';
import { BadRequestError, UnprocessableEntityError, type FieldError } from '../../core/errors.ts';
import { CANCEL_REASON_CODES, SERVICE_AREAS, type CancelReasonCode } from '../../core/reference-data.ts';
import * as z from '../../core/zod.ts';
import { CreateReferralBodySchema, ReferralIdSchema } from '../../referrals/domain/referral-schemas.ts';
import type { NewReferral } from '../../referrals/domain/referral.ts';
import {
  codeSystemUrl,
  LOCAL_ID_SYSTEM,
  NHS_NUMBER_SYSTEM,
  ODS_CODE_SYSTEM,
  ORGANISATION_ID_SYSTEM,
  REFERRAL_ID_SYSTEM,
} from './fhir-systems.ts';
import { fromFhirPriority } from './state-mapping.ts';

/** The BaRS message event this door takes, and the reasons it understands. */
export const MESSAGE_EVENT_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/message-events-bars';
export const SERVICE_REQUEST_REQUEST = 'servicerequest-request';
export const MESSAGE_REASON_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/message-reason-bars';

/** What a message asks for, in our terms. */
export type ReferralMessage =
  | { readonly kind: 'new'; readonly headerId: string; readonly referral: NewReferral }
  | {
      readonly kind: 'cancel';
      readonly headerId: string;
      readonly referralId: string;
      readonly reasonCode: CancelReasonCode;
      readonly comment?: string | undefined;
    };

/** How the reader resolves organisations: by our id, or by an NHS ODS code the stage configured. */
export interface OrganisationLookup {
  readonly isKnown: (id: string) => boolean;
  readonly byOdsCode: (code: string) => string | undefined;
}

/** A 400 naming `path`. */
const invalid = (path: string, message: string): BadRequestError => new BadRequestError(`${path} ${message}.`, [{ path, message }]);

/** A 422 naming `path`: well-formed, but not something we can do. */
const unprocessable = (path: string, message: string): UnprocessableEntityError =>
  new UnprocessableEntityError(`${path} ${message}.`, [{ path, message }]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

interface Located<R> {
  readonly resource: R;
  /** Its FHIRPath in the message, e.g. `Bundle.entry[1].resource`. */
  readonly path: string;
}

/** The entry a reference names: by `fullUrl`, or by `<type>/<id>` of the entry's resource. */
const resolveEntry = (bundle: Bundle, reference: string): Located<Record<string, unknown>> | undefined => {
  const entries = bundle.entry ?? [];
  const index = entries.findIndex(
    (entry: BundleEntry) =>
      entry.fullUrl === reference || (entry.resource && `${entry.resource.resourceType}/${entry.resource.id}` === reference),
  );
  const resource = entries[index]?.resource;
  return index >= 0 && isObject(resource) ? { resource, path: `Bundle.entry[${index}].resource` } : undefined;
};

/** The organisation a Reference names: `Organization/<id>`, or an identifier (ours or an ODS code). */
const organisationOf = (reference: unknown, path: string, organisations: OrganisationLookup): string => {
  if (!isObject(reference)) throw invalid(path, 'must name an organisation');
  if (typeof reference.reference === 'string') {
    const id = /^Organization\/([a-z0-9][a-z0-9-]{0,63})$/.exec(reference.reference)?.[1];
    if (!id) throw invalid(`${path}.reference`, 'must be Organization/<id>');
    if (!organisations.isKnown(id)) throw unprocessable(`${path}.reference`, 'is not a registered organisation');
    return id;
  }
  const identifier = reference.identifier;
  if (isObject(identifier) && typeof identifier.value === 'string') {
    if (identifier.system === ORGANISATION_ID_SYSTEM && organisations.isKnown(identifier.value)) return identifier.value;
    const byOds = identifier.system === ODS_CODE_SYSTEM ? organisations.byOdsCode(identifier.value) : undefined;
    if (byOds) return byOds;
    throw unprocessable(`${path}.identifier`, 'is not a registered organisation (our id or a configured ODS code)');
  }
  throw invalid(path, 'must have a reference (Organization/<id>) or an identifier');
};

/** The first coding of `concepts` in `system`, if any. */
const codeIn = (concepts: unknown, system: string): string | undefined => {
  for (const concept of Array.isArray(concepts) ? concepts : [concepts]) {
    const coding = isObject(concept) && Array.isArray(concept.coding) ? concept.coding : [];
    const found = coding.find((c: unknown) => isObject(c) && c.system === system && typeof c.code === 'string');
    if (found) return found.code as string;
  }
  return undefined;
};

/** The MessageHeader (the first entry, as FHIR messages require) and what it asks for. */
const readHeader = (bundle: Bundle): { header: MessageHeader; reason: 'new' | 'update' } => {
  const header = bundle.entry?.[0]?.resource as unknown;
  if (!isObject(header) || header.resourceType !== 'MessageHeader') {
    throw invalid('Bundle.entry[0].resource', 'must be the MessageHeader (the first entry of a message)');
  }
  if (typeof header.id !== 'string' || header.id.length === 0) {
    throw invalid('Bundle.entry[0].resource.id', 'is required: the response names the message it answers by it');
  }
  const event = header.eventCoding;
  if (!isObject(event) || event.code !== SERVICE_REQUEST_REQUEST || (event.system !== undefined && event.system !== MESSAGE_EVENT_SYSTEM)) {
    throw unprocessable('Bundle.entry[0].resource.eventCoding', `must be ${MESSAGE_EVENT_SYSTEM}|${SERVICE_REQUEST_REQUEST}`);
  }
  const reason = codeIn(header.reason, MESSAGE_REASON_SYSTEM);
  if (reason !== 'new' && reason !== 'update') {
    throw invalid('Bundle.entry[0].resource.reason', `must be coded ${MESSAGE_REASON_SYSTEM} new or update`);
  }
  return { header: header as unknown as MessageHeader, reason };
};

/** The ServiceRequest the header's focus names, in the Bundle. */
const readFocus = (bundle: Bundle, header: MessageHeader): Located<ServiceRequest> => {
  const reference = header.focus?.[0]?.reference;
  if (typeof reference !== 'string') throw invalid('Bundle.entry[0].resource.focus', 'must reference the ServiceRequest');
  const found = resolveEntry(bundle, reference);
  if (found?.resource.resourceType !== 'ServiceRequest') {
    throw invalid('Bundle.entry[0].resource.focus', 'must reference a ServiceRequest entry of this Bundle');
  }
  return found as unknown as Located<ServiceRequest>;
};

/** The person: the contained Patient `subject` names, or a Patient entry of the Bundle. */
const readPatient = (bundle: Bundle, request: Located<ServiceRequest>): Located<Patient> => {
  const reference = request.resource.subject?.reference;
  const path = `${request.path}.subject`;
  if (typeof reference !== 'string') throw invalid(path, 'must reference the Patient');
  if (reference.startsWith('#')) {
    const index = (request.resource.contained ?? []).findIndex((r) => r.resourceType === 'Patient' && r.id === reference.slice(1));
    if (index < 0) throw invalid(path, 'must reference a contained Patient');
    return { resource: request.resource.contained![index] as Patient, path: `${request.path}.contained[${index}]` };
  }
  const found = resolveEntry(bundle, reference);
  if (found?.resource.resourceType !== 'Patient') throw invalid(path, 'must reference a Patient entry of this Bundle');
  return found as unknown as Located<Patient>;
};

/** The subject in our shape, and where each of its fields came from (for errors). */
const readSubject = (patient: Located<Patient>): { subject: Record<string, string>; sources: Record<string, string> } => {
  const subject: Record<string, string> = {};
  const sources: Record<string, string> = {};
  const take = (field: string, value: string | undefined, source: string) => {
    if (value === undefined) return;
    subject[field] = value;
    sources[field] = source;
  };
  const { resource, path } = patient;
  (resource.identifier ?? []).forEach((identifier, i) => {
    if (identifier.system === NHS_NUMBER_SYSTEM) take('nhsNumber', identifier.value, `${path}.identifier[${i}].value`);
    if (identifier.system === LOCAL_ID_SYSTEM) take('localId', identifier.value, `${path}.identifier[${i}].value`);
  });
  const name = resource.name?.[0];
  const fullName = name?.text ?? ([...(name?.given ?? []), name?.family].filter(Boolean).join(' ') || undefined);
  take('name', fullName, `${path}.name[0]`);
  take('dateOfBirth', resource.birthDate, `${path}.birthDate`);
  take('postcode', resource.address?.[0]?.postalCode, `${path}.address[0].postalCode`);
  return { subject, sources };
};

/** Our validation of a new referral, with each failing field named where the message carried it. */
const validated = (input: Record<string, unknown>, sources: Readonly<Record<string, string>>): NewReferral => {
  const result = z.safeParse(CreateReferralBodySchema, input);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    return { path: sources[key] ?? sources[String(issue.path[0])] ?? key, message: issue.message };
  });
  throw new BadRequestError(`The ServiceRequest is invalid: check ${[...new Set(errors.map((e) => e.path))].join(', ')}.`, errors);
};

/** A new referral from an active ServiceRequest: performer, category, priority, subject, reason. */
const readNewReferral = (bundle: Bundle, request: Located<ServiceRequest>, organisations: OrganisationLookup, callerOrg: string) => {
  const { resource, path } = request;
  if (resource.status !== 'active') throw unprocessable(`${path}.status`, 'must be active for reason new');
  if (resource.requester !== undefined && organisationOf(resource.requester, `${path}.requester`, organisations) !== callerOrg) {
    throw unprocessable(`${path}.requester`, 'must be your own organisation (referrals are sent from the caller’s)');
  }
  const performer = resource.performer?.[0];
  if (performer === undefined) throw invalid(`${path}.performer`, 'must name the organisation referred to');
  const toOrg = organisationOf(performer, `${path}.performer[0]`, organisations);
  const serviceArea = codeIn(resource.category, codeSystemUrl('service-area'));
  if (!serviceArea || !(SERVICE_AREAS as readonly string[]).includes(serviceArea)) {
    throw invalid(`${path}.category`, `must be coded ${codeSystemUrl('service-area')} (${SERVICE_AREAS.join(', ')})`);
  }
  const priority = resource.priority === undefined ? undefined : fromFhirPriority(resource.priority);
  if (!priority) throw invalid(`${path}.priority`, 'is required: routine, urgent, asap or stat');
  const reason = resource.reasonCode?.[0]?.text ?? resource.reasonCode?.[0]?.coding?.[0]?.display ?? resource.note?.[0]?.text;
  const { subject, sources } = readSubject(readPatient(bundle, request));
  return validated(
    { toOrg, serviceArea, priority, subject, reason },
    {
      toOrg: `${path}.performer[0]`,
      reason: `${path}.reasonCode`,
      subject: `${path}.subject`,
      ...Object.fromEntries(Object.entries(sources).map(([field, source]) => [`subject.${field}`, source])),
    },
  );
};

/** The referral a revoking update is about: the ServiceRequest's id, or its Jointly identifier. */
const referralIdOf = (request: Located<ServiceRequest>): string => {
  const byIdentifier = request.resource.identifier?.find((identifier) => identifier.system === REFERRAL_ID_SYSTEM)?.value;
  const id = byIdentifier ?? request.resource.id;
  const parsed = z.safeParse(ReferralIdSchema, id);
  if (!parsed.success) {
    throw invalid(`${request.path}.identifier`, `must carry the referral id (${REFERRAL_ID_SYSTEM}) of the referral to cancel`);
  }
  return parsed.data;
};

/**
 * Reads a `servicerequest-request` message. `reason=new` with an active ServiceRequest is a
 * new referral from `callerOrg`; `reason=update` with `status=revoked` cancels the
 * referral it identifies (the reason: a `cancel-reason` coding in `reasonCode`, else
 * `other`; the first note is the comment). Anything else is refused, naming the element.
 */
export const readReferralMessage = (bundle: Bundle, organisations: OrganisationLookup, callerOrg: string): ReferralMessage => {
  if (bundle.type !== 'message') throw invalid('Bundle.type', 'must be message');
  const { header, reason } = readHeader(bundle);
  const request = readFocus(bundle, header);
  if (reason === 'new') return { kind: 'new', headerId: header.id!, referral: readNewReferral(bundle, request, organisations, callerOrg) };
  if (request.resource.status !== 'revoked') {
    throw unprocessable(`${request.path}.status`, 'must be revoked for reason update: cancelling is the only update taken here');
  }
  const code = codeIn(request.resource.reasonCode, codeSystemUrl('cancel-reason'));
  if (code !== undefined && !(CANCEL_REASON_CODES as readonly string[]).includes(code)) {
    throw invalid(`${request.path}.reasonCode`, `must be a code of ${codeSystemUrl('cancel-reason')}`);
  }
  const comment = request.resource.note?.[0]?.text;
  return {
    kind: 'cancel',
    headerId: header.id!,
    referralId: referralIdOf(request),
    reasonCode: (code as CancelReasonCode | undefined) ?? 'other',
    ...(comment ? { comment } : {}),
  };
};

/**
 * The response message: a MessageHeader answering the request's (`response.code` ok) with
 * the referral's ServiceRequest as it now stands as its focus.
 */
export const responseMessage = (input: {
  readonly base: string;
  readonly requestHeaderId: string;
  readonly responseId: string;
  readonly serviceRequest: ServiceRequest & { readonly id: string };
  readonly timestamp: string;
}): Bundle => ({
  resourceType: 'Bundle',
  id: input.responseId,
  type: 'message',
  timestamp: input.timestamp,
  entry: [
    {
      fullUrl: `urn:uuid:${input.responseId}`,
      resource: {
        resourceType: 'MessageHeader',
        id: input.responseId,
        eventCoding: { system: MESSAGE_EVENT_SYSTEM, code: SERVICE_REQUEST_REQUEST },
        source: { endpoint: input.base },
        response: { identifier: input.requestHeaderId, code: 'ok' },
        focus: [{ reference: `ServiceRequest/${input.serviceRequest.id}` }],
      },
    },
    { fullUrl: `${input.base}/ServiceRequest/${input.serviceRequest.id}`, resource: input.serviceRequest },
  ],
});
