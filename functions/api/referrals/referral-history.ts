import { getReferralHistoryRoute } from '../../../shared/referrals/api/routes.ts';
import { paging, referralService } from '../../../shared/wiring/referrals.ts';

/** `GET /referrals/{id}/history`: every event, ascending `seq`. */
export const handler = getReferralHistoryRoute.handle(async ({ caller, query, path }) => {
  const page = paging(caller, `GET /referrals/${path.id}/history`, query);
  const result = await referralService.history(caller, path.id, { limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
