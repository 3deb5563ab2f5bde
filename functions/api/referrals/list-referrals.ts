import { listReferralsRoute } from '../../../shared/referrals/api/routes.ts';
import { paging, referralService } from '../../../shared/wiring/referrals.ts';

/** `GET /referrals?box=…`: an org's inbox, outbox or owned referrals, newest or soonest due first. */
export const handler = listReferralsRoute.handle(async ({ caller, query }) => {
  const page = paging(caller, 'GET /referrals', query);
  const result = await referralService.list(caller, { ...query, limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
