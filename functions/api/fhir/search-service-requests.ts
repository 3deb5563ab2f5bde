import { fhirBaseOf } from '../../../shared/fhir/api/fhir-base.ts';
import { searchServiceRequestsRoute } from '../../../shared/fhir/api/routes.ts';
import { searchsetBundleOf } from '../../../shared/fhir/api/searchset.ts';
import { fhirReads } from '../../../shared/wiring/fhir.ts';
import { paging } from '../../../shared/wiring/referrals.ts';

/** `POST /fhir/R4/ServiceRequest/_search`: a person's referrals by identifier, from a form body; the search is audited. */
export const handler = searchServiceRequestsRoute.handle(async ({ caller, body, query, event }) => {
  // The cursor is bound to the identifier too (a hash of the binding, never the identifier itself, goes into it).
  const page = paging(caller, 'POST /fhir/R4/ServiceRequest/_search', {
    identifier: body.identifier,
    limit: body._count,
    cursor: query._cursor,
  });
  const found = await fhirReads.searchServiceRequests(caller, { identifier: body.identifier, limit: page.limit, after: page.after });
  return {
    statusCode: 200,
    body: searchsetBundleOf(fhirBaseOf(event), 'ServiceRequest/_search', event, found, page.next(found.after).nextCursor),
  };
});
