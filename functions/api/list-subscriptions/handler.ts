import { SubscriptionPageQuerySchema } from '../../../shared/domain/schemas/subscription.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';
import { paging } from '../../../shared/http/pagination.ts';
import { cursorKey, subscriptionService } from '../../../shared/wiring/subscription-lists.ts';

/** `GET /subscriptions`: the caller's own subscriptions, newest first. */
export const handler = httpHandler({ auth: 'jwt', query: SubscriptionPageQuerySchema }, async ({ caller, query }) => {
  const page = paging(cursorKey, caller, 'GET /subscriptions', query);
  const result = await subscriptionService.list(caller, { limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
