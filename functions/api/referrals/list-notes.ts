import { listNotesRoute } from '../../../shared/referrals/api/routes.ts';
import { paging, referralService } from '../../../shared/wiring/referrals.ts';

/** `GET /referrals/{id}/notes`: case notes, newest first. */
export const handler = listNotesRoute.handle(async ({ caller, query, path }) => {
  const page = paging(caller, `GET /referrals/${path.id}/notes`, query);
  const result = await referralService.notes(caller, path.id, { limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
