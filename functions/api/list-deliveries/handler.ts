import { SubscriptionPageQuerySchema, SubscriptionPathSchema } from '../../../shared/subscriptions/domain/subscription-schemas.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { paging } from '../../../shared/core/pagination.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { cursorKey, subscriptionService } from '../../../shared/wiring/subscription-lists.ts';

/** `GET /subscriptions/{id}/deliveries`: delivery attempts of the caller's own subscription, newest first. */
export const handler = httpHandler({ auth: 'jwt', query: SubscriptionPageQuerySchema }, async ({ caller, query, pathParameters }) => {
  const { id } = parseOrThrow(SubscriptionPathSchema, pathParameters, 'The path is invalid');
  const page = paging(cursorKey, caller, `GET /subscriptions/${id}/deliveries`, query);
  const result = await subscriptionService.deliveries(caller, id, { limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
