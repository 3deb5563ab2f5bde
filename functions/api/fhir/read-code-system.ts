import { readCodeSystemRoute } from '../../../shared/fhir/api/routes.ts';
import { fhirReads } from '../../../shared/wiring/fhir.ts';

/** `GET /fhir/R4/CodeSystem/{id}`: one of our code lists. */
export const handler = readCodeSystemRoute.handle(({ path }) => ({ statusCode: 200, body: fhirReads.codeSystem(path.id) }));
