import { readServiceRequestRoute } from '../../../shared/fhir/api/routes.ts';
import { fhirVersionTag } from '../../../shared/fhir/api/fhir-version-tag.ts';
import { fhirReads } from '../../../shared/wiring/fhir.ts';

/** `GET /fhir/R4/ServiceRequest/{id}`: the referral, as the REST read shows it to this caller; the read is audited. */
export const handler = readServiceRequestRoute.handle(async ({ caller, path }) => {
  const { resource, version } = await fhirReads.serviceRequest(caller, path.id);
  return { statusCode: 200, headers: fhirVersionTag(version), body: resource };
});
