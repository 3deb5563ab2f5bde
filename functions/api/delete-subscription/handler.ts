import { SubscriptionPathSchema } from '../../../shared/domain/schemas/subscription.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';
import { parseOrThrow } from '../../../shared/http/validation.ts';
import { subscriptionService } from '../../../shared/wiring/subscriptions.ts';

/** `DELETE /subscriptions/{id}`: the caller's own subscription and its match entries; 204, or 404 for anyone else's. */
export const handler = httpHandler({ auth: 'jwt' }, async ({ caller, pathParameters }) => {
  const { id } = parseOrThrow(SubscriptionPathSchema, pathParameters, 'The path is invalid');
  await subscriptionService.delete(caller, id);
  return { statusCode: 204 };
});
