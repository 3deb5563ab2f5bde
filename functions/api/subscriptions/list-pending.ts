import { listPendingRoute } from '../../../shared/subscriptions/api/routes.ts';
import { paging, subscriptionService } from '../../../shared/wiring/subscription-lists.ts';

/** `GET /subscriptions/{id}/pending`: what the caller's own subscription holds for quiet hours or a digest, soonest first. */
export const handler = listPendingRoute.handle(async ({ caller, query, path }) => {
  const page = paging(caller, `GET /subscriptions/${path.id}/pending`, query);
  const result = await subscriptionService.pending(caller, path.id, { limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
