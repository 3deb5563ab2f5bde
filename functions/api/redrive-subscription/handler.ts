import { redriveSubscriptionRoute } from '../../../shared/subscriptions/api/routes.ts';
import { subscriptionService } from '../../../shared/wiring/subscriptions.ts';

/** `POST /subscriptions/{id}/redrive`: queue the caller's dead-lettered deliveries again; 202 `{redriven}`. */
export const handler = redriveSubscriptionRoute.handle(async ({ caller, path }) => {
  const result = await subscriptionService.redrive(caller, path.id);
  return { statusCode: 202, body: result };
});
