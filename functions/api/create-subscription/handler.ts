import { CreateSubscriptionBodySchema } from '../../../shared/subscriptions/domain/subscription-schemas.ts';
import { idempotencyFromConfig } from '../../../shared/platform/http/idempotency.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { subscriptionWiring, type SubscriptionWiring } from '../../../shared/wiring/subscriptions.ts';

/** `POST /subscriptions`: subscribe the caller to events on a channel. Honours `Idempotency-Key`; a webhook secret is never returned. */
export const createHandler = ({ subscriptionService }: SubscriptionWiring) =>
  httpHandler(
    { auth: 'jwt', body: CreateSubscriptionBodySchema, idempotency: idempotencyFromConfig() },
    async ({ caller, body }) => {
      const subscription = await subscriptionService.create(caller, body);
      return { statusCode: 201, headers: { Location: `/subscriptions/${subscription.id}` }, body: subscription };
    },
  );

/** On the deployed wiring; the local runtime builds its own with its sealer and queue. */
export const handler = createHandler(subscriptionWiring);
