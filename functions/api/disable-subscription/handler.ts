import { SubscriptionPathSchema } from '../../../shared/subscriptions/domain/subscription-schemas.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { subscriptionService } from '../../../shared/wiring/subscriptions.ts';

/** `POST /subscriptions/{id}/disable`: a programme manager stops any subscription's deliveries; 200 with who disabled it. */
export const handler = httpHandler({ auth: 'jwt' }, async ({ caller, pathParameters }) => {
  const { id } = parseOrThrow(SubscriptionPathSchema, pathParameters, 'The path is invalid');
  const subscription = await subscriptionService.disable(caller, id);
  return { statusCode: 200, body: subscription };
});
