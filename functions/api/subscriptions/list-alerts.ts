import { listAlertsRoute } from '../../../shared/subscriptions/api/routes.ts';
import { paging, subscriptionService } from '../../../shared/wiring/subscription-lists.ts';

/** `GET /alerts?unread=true|false`: the caller's alerts (or only unread ones), newest first. */
export const handler = listAlertsRoute.handle(async ({ caller, query }) => {
  const page = paging(caller, 'GET /alerts', { ...query, unread: query.unread ?? 'false' });
  const result = await subscriptionService.alerts(caller, { unread: query.unread === 'true', limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
