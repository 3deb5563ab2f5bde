import { fhirBaseOf } from '../../../shared/fhir/api/fhir-base.ts';
import { getFhirMetadataRoute } from '../../../shared/fhir/api/routes.ts';
import { fhirReads } from '../../../shared/wiring/fhir.ts';

/** `GET /fhir/R4/metadata`: the CapabilityStatement (public, as FHIR servers publish theirs). */
export const handler = getFhirMetadataRoute.handle(({ event }) => ({ statusCode: 200, body: fhirReads.metadata(fhirBaseOf(event)) }));
