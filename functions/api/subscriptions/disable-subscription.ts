import { disableSubscriptionRoute } from '../../../shared/subscriptions/api/routes.ts';
import { subscriptionService } from '../../../shared/wiring/subscriptions.ts';

/** `POST /subscriptions/{id}/disable`: a programme manager stops any subscription's deliveries; 200 with who disabled it. */
export const handler = disableSubscriptionRoute.handle(async ({ caller, path }) => {
  const subscription = await subscriptionService.disable(caller, path.id);
  return { statusCode: 200, body: subscription };
});
