import { listHandoffsRoute } from '../../../shared/referrals/api/routes.ts';
import { handoffService, paging } from '../../../shared/wiring/referrals.ts';

/** `GET /handoffs?box=inbox|outbox&status=`: offers received or made, newest first. */
export const handler = listHandoffsRoute.handle(async ({ caller, query }) => {
  const page = paging(caller, 'GET /handoffs', query);
  const result = await handoffService.list(caller, { ...query, limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
