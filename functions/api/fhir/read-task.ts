import { readTaskRoute } from '../../../shared/fhir/api/routes.ts';
import { fhirVersionTag } from '../../../shared/fhir/api/fhir-version-tag.ts';
import { fhirReads } from '../../../shared/wiring/fhir.ts';

/** `GET /fhir/R4/Task/{id}`: a referral's fulfilment Task or a handoff's; the read is audited. */
export const handler = readTaskRoute.handle(async ({ caller, path }) => {
  const { resource, version } = await fhirReads.task(caller, path.id);
  return { statusCode: 200, headers: fhirVersionTag(version), body: resource };
});
