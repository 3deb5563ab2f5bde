import { listSubscriptionsRoute } from '../../../shared/subscriptions/api/routes.ts';
import { paging, subscriptionService } from '../../../shared/wiring/subscription-lists.ts';

/** `GET /subscriptions`: the caller's own subscriptions, newest first; `scope=all`: every subscription (programme managers). */
export const handler = listSubscriptionsRoute.handle(async ({ caller, query }) => {
  // The cursor binds the query, scope included, so an own-list cursor cannot page the oversight list.
  const page = paging(caller, 'GET /subscriptions', query);
  const request = { limit: page.limit, after: page.after };
  const result =
    query.scope === 'all' ? await subscriptionService.listAll(caller, request) : await subscriptionService.list(caller, request);
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
