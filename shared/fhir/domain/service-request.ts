/**
 * A referral as a FHIR `ServiceRequest`: the request itself (who asks whom, for whom, why).
 * Where the work stands is the fulfilment Task's business (`task.ts`), so the request
 * carries no due date and only the coarse request status.
 */
import type { Identifier, Patient, ServiceRequest } from '@medplum/fhirtypes';
import type { ReferralView } from '../../referrals/domain/referral-service.ts';
import { conceptOf } from './code-systems.ts';
import { LOCAL_ID_SYSTEM, NHS_NUMBER_SYSTEM, REFERRAL_ID_SYSTEM } from './fhir-systems.ts';
import { organizationReference } from './organization.ts';
import { REFERRAL_STATE_MAPPING, toFhirPriority } from './state-mapping.ts';

/** The ServiceRequest.code text: every Jointly referral asks for the same kind of service. */
export const REFERRAL_CODE_TEXT = 'Joint health and social care referral';

/** The id of the contained Patient a ServiceRequest's `subject` points to (`#subject`). */
export const SUBJECT_CONTAINED_ID = 'subject';

/**
 * The person, as a contained Patient shaped as UK Core expects: Jointly holds a minimised
 * subject, not a patient record, so it is not a resource of its own with an id to read.
 * Only what the view has is mapped: a caller may see fewer subject fields.
 */
const subjectPatient = (referral: Pick<ReferralView, 'subject' | 'fromOrg'>): Patient => {
  // Every view has a subject today; one trimmed for a reader who may not see the person would
  // not, and must still give a valid request (ServiceRequest.subject is required).
  const subject: ReferralView['subject'] = referral.subject ?? {};
  const identifier: Identifier[] = [
    ...(subject.nhsNumber ? [{ system: NHS_NUMBER_SYSTEM, value: subject.nhsNumber }] : []),
    // A local id means something only with its issuer: the referring organisation.
    ...(subject.localId ? [{ system: LOCAL_ID_SYSTEM, value: subject.localId, assigner: organizationReference(referral.fromOrg) }] : []),
  ];
  return {
    resourceType: 'Patient',
    id: SUBJECT_CONTAINED_ID,
    ...(identifier.length > 0 ? { identifier } : {}),
    ...(subject.name ? { name: [{ text: subject.name }] } : {}),
    ...(subject.dateOfBirth ? { birthDate: subject.dateOfBirth } : {}),
    ...(subject.postcode ? { address: [{ postalCode: subject.postcode }] } : {}),
  };
};

/** The referral as a ServiceRequest (its id is the referral's; `meta.versionId` is the ETag's version). */
export const toServiceRequest = (referral: ReferralView): ServiceRequest => ({
  resourceType: 'ServiceRequest',
  id: referral.id,
  meta: { versionId: String(referral.version), lastUpdated: referral.updatedAt },
  contained: [subjectPatient(referral)],
  identifier: [{ system: REFERRAL_ID_SYSTEM, value: referral.id }],
  status: REFERRAL_STATE_MAPPING[referral.status].serviceRequestStatus,
  intent: 'order',
  category: [conceptOf('service-area', referral.serviceArea)],
  priority: toFhirPriority(referral.priority),
  code: { text: REFERRAL_CODE_TEXT },
  subject: { reference: `#${SUBJECT_CONTAINED_ID}` },
  authoredOn: referral.createdAt,
  requester: organizationReference(referral.fromOrg, referral.fromTeam),
  performer: [organizationReference(referral.toOrg, referral.toTeam)],
  reasonCode: [{ text: referral.reason }],
});
