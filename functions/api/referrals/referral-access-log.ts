import { getAccessLogRoute } from '../../../shared/referrals/api/routes.ts';
import { paging, referralService } from '../../../shared/wiring/referrals.ts';

/** `GET /referrals/{id}/access-log`: who read the record, when and what; newest first. */
export const handler = getAccessLogRoute.handle(async ({ caller, query, path }) => {
  const page = paging(caller, `GET /referrals/${path.id}/access-log`, query);
  const result = await referralService.accessLog(caller, path.id, { limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
