import { fhirBaseOf } from '../../../shared/fhir/api/fhir-base.ts';
import { searchTasksRoute } from '../../../shared/fhir/api/routes.ts';
import { searchsetBundleOf } from '../../../shared/fhir/api/searchset.ts';
import { fhirReads } from '../../../shared/wiring/fhir.ts';
import { paging } from '../../../shared/wiring/referrals.ts';

/** `GET /fhir/R4/Task?owner=…`: a worklist page as a searchset Bundle, `next` carrying a signed cursor. */
export const handler = searchTasksRoute.handle(async ({ caller, query, event }) => {
  const { _count, _cursor, ...bound } = query;
  const page = paging(caller, 'GET /fhir/R4/Task', { ...bound, limit: _count, cursor: _cursor });
  const tasks = await fhirReads.searchTasks(caller, {
    owner: query.owner,
    statuses: query.status?.split(','),
    lastUpdated: query._lastUpdated?.split(','),
    limit: page.limit,
    after: page.after,
  });
  return { statusCode: 200, body: searchsetBundleOf(fhirBaseOf(event), 'Task', event, tasks, page.next(tasks.after).nextCursor) };
});
