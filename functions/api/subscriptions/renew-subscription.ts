import { renewSubscriptionRoute } from '../../../shared/subscriptions/api/routes.ts';
import { subscriptionService } from '../../../shared/wiring/subscriptions.ts';

/** `POST /subscriptions/{id}/renew`: the caller's own subscription hears events for 90 more days from now; 200, 404 for anyone else's. */
export const handler = renewSubscriptionRoute.handle(async ({ caller, path }) => {
  const subscription = await subscriptionService.renew(caller, path.id);
  return { statusCode: 200, body: subscription };
});
