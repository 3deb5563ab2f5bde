import { CreateSubscriptionBodySchema } from '../../../shared/subscriptions/domain/subscription-schemas.ts';
import { idempotencyFromConfig } from '../../../shared/platform/http/idempotency.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { subscriptionService } from '../../../shared/wiring/subscriptions.ts';

/** `POST /subscriptions`: subscribe the caller to events on a channel. Honours `Idempotency-Key`; a webhook secret is never returned. */
export const handler = httpHandler(
  { auth: 'jwt', body: CreateSubscriptionBodySchema, idempotency: idempotencyFromConfig() },
  async ({ caller, body }) => {
    const subscription = await subscriptionService.create(caller, body);
    return { statusCode: 201, headers: { Location: `/subscriptions/${subscription.id}` }, body: subscription };
  },
);
