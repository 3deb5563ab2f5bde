import { deleteSubscriptionRoute } from '../../../shared/subscriptions/api/routes.ts';
import { subscriptionService } from '../../../shared/wiring/subscriptions.ts';

/** `DELETE /subscriptions/{id}`: the caller's own subscription and its match entries; 204, or 404 for anyone else's. */
export const handler = deleteSubscriptionRoute.handle(async ({ caller, path }) => {
  await subscriptionService.delete(caller, path.id);
  return { statusCode: 204 };
});
