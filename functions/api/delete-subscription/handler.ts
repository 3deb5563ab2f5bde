import { SubscriptionPathSchema } from '../../../shared/subscriptions/domain/subscription-schemas.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { subscriptionService } from '../../../shared/wiring/subscriptions.ts';

/** `DELETE /subscriptions/{id}`: the caller's own subscription and its match entries; 204, or 404 for anyone else's. */
export const handler = httpHandler({ auth: 'jwt' }, async ({ caller, pathParameters }) => {
  const { id } = parseOrThrow(SubscriptionPathSchema, pathParameters, 'The path is invalid');
  await subscriptionService.delete(caller, id);
  return { statusCode: 204 };
});
