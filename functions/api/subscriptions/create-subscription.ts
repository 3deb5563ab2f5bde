import { createSubscriptionRoute } from '../../../shared/subscriptions/api/routes.ts';
import { idempotency } from '../../../shared/wiring/idempotency.ts';
import { subscriptionWiring, type SubscriptionWiring } from '../../../shared/wiring/subscriptions.ts';

/** `POST /subscriptions`: subscribe the caller to events on a channel. Honours `Idempotency-Key`; a webhook secret is never returned. */
export const createHandler = ({ subscriptionService }: SubscriptionWiring) =>
  createSubscriptionRoute.handle(
    async ({ caller, body }) => {
      const subscription = await subscriptionService.create(caller, body);
      return { statusCode: 201, headers: { Location: `/subscriptions/${subscription.id}` }, body: subscription };
    },
    { idempotency: idempotency() },
  );

/** On the deployed wiring; the local runtime builds its own with its sealer and queue. */
export const handler = createHandler(subscriptionWiring);
