import { redriveSubscriptionRoute } from '../../../shared/subscriptions/api/routes.ts';
import { subscriptionWiring, type SubscriptionWiring } from '../../../shared/wiring/subscriptions.ts';

/** `POST /subscriptions/{id}/redrive`: queue the caller's dead-lettered deliveries again; 202 `{redriven}`. */
export const createHandler = ({ subscriptionService }: SubscriptionWiring) =>
  redriveSubscriptionRoute.handle(async ({ caller, path }) => {
    const result = await subscriptionService.redrive(caller, path.id);
    return { statusCode: 202, body: result };
  });

/** On the deployed wiring; the local runtime builds its own with its sealer and queue. */
export const handler = createHandler(subscriptionWiring);
