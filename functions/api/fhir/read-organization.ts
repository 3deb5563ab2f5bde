import { readOrganizationRoute } from '../../../shared/fhir/api/routes.ts';
import { fhirReads } from '../../../shared/wiring/fhir.ts';

/** `GET /fhir/R4/Organization/{id}`: an organisation of the registry. */
export const handler = readOrganizationRoute.handle(({ path }) => ({ statusCode: 200, body: fhirReads.organization(path.id) }));
