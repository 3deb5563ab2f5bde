import { SubscriptionPathSchema } from '../../../shared/subscriptions/domain/subscription-schemas.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { subscriptionService } from '../../../shared/wiring/subscriptions.ts';

/** `POST /subscriptions/{id}/renew`: the caller's own subscription hears events for 90 more days from now; 200, 404 for anyone else's. */
export const handler = httpHandler({ auth: 'jwt' }, async ({ caller, pathParameters }) => {
  const { id } = parseOrThrow(SubscriptionPathSchema, pathParameters, 'The path is invalid');
  const subscription = await subscriptionService.renew(caller, id);
  return { statusCode: 200, body: subscription };
});
