import { ListReferralsQuerySchema } from '../../../shared/referrals/domain/referral-schemas.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { paging } from '../../../shared/core/pagination.ts';
import { cursorKey, referralService } from '../../../shared/wiring/referrals.ts';

/** `GET /referrals?box=…`: an org's inbox, outbox or owned referrals, newest or soonest due first. */
export const handler = httpHandler({ auth: 'jwt', query: ListReferralsQuerySchema }, async ({ caller, query }) => {
  const page = paging(cursorKey, caller, 'GET /referrals', query);
  const result = await referralService.list(caller, { ...query, limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
