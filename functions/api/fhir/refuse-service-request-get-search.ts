import { refuseServiceRequestGetSearchRoute } from '../../../shared/fhir/api/routes.ts';
import { refuseGetSearch } from '../../../shared/fhir/api/refused-search.ts';

/** `GET /fhir/R4/ServiceRequest?…`: always 400, saying why (an NHS number must never sit in a URL). */
export const handler = refuseServiceRequestGetSearchRoute.handle(({ query }) => refuseGetSearch(query));
