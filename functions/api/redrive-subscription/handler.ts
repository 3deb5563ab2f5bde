import { SubscriptionPathSchema } from '../../../shared/subscriptions/domain/subscription-schemas.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { subscriptionWiring, type SubscriptionWiring } from '../../../shared/wiring/subscriptions.ts';

/** `POST /subscriptions/{id}/redrive`: queue the caller's dead-lettered deliveries again; 202 `{redriven}`. */
export const createHandler = ({ subscriptionService }: SubscriptionWiring) =>
  httpHandler({ auth: 'jwt' }, async ({ caller, pathParameters }) => {
    const { id } = parseOrThrow(SubscriptionPathSchema, pathParameters, 'The path is invalid');
    const result = await subscriptionService.redrive(caller, id);
    return { statusCode: 202, body: result };
  });

/** On the deployed wiring; the local runtime builds its own with its sealer and queue. */
export const handler = createHandler(subscriptionWiring);
