import { ListAlertsQuerySchema } from '../../../shared/subscriptions/domain/subscription-schemas.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { paging } from '../../../shared/core/pagination.ts';
import { cursorKey, subscriptionService } from '../../../shared/wiring/subscription-lists.ts';

/** `GET /alerts?unread=true|false`: the caller's alerts (or only unread ones), newest first. */
export const handler = httpHandler({ auth: 'jwt', query: ListAlertsQuerySchema }, async ({ caller, query }) => {
  const page = paging(cursorKey, caller, 'GET /alerts', { ...query, unread: query.unread ?? 'false' });
  const result = await subscriptionService.alerts(caller, { unread: query.unread === 'true', limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
