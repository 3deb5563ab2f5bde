import { personDigestOf } from '../../../shared/referrals/api/person-digest.ts';
import { searchReferralsRoute } from '../../../shared/referrals/api/routes.ts';
import { paging, referralService } from '../../../shared/wiring/referrals.ts';

/**
 * `POST /referrals/search`: a person's referrals the caller may see. The identifier is in
 * the body, never the URL; the cursor is bound to a digest of it, never the identifier itself.
 */
export const handler = searchReferralsRoute.handle(async ({ caller, body, query }) => {
  const page = paging(caller, 'POST /referrals/search', { ...query, person: personDigestOf(body) });
  const result = await referralService.search(caller, body, { limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
