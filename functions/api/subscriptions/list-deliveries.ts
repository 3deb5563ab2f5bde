import { listDeliveriesRoute } from '../../../shared/subscriptions/api/routes.ts';
import { paging, subscriptionService } from '../../../shared/wiring/subscription-lists.ts';

/** `GET /subscriptions/{id}/deliveries`: delivery attempts of the caller's own subscription, newest first. */
export const handler = listDeliveriesRoute.handle(async ({ caller, query, path }) => {
  const page = paging(caller, `GET /subscriptions/${path.id}/deliveries`, query);
  const result = await subscriptionService.deliveries(caller, path.id, { limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
