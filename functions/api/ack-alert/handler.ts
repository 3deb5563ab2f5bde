import { AlertPathSchema } from '../../../shared/subscriptions/domain/subscription-schemas.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { subscriptionService } from '../../../shared/wiring/subscriptions.ts';

/** `POST /alerts/{id}/ack`: mark the caller's own alert read (acking again keeps the first time); 404 for anyone else's. */
export const handler = httpHandler({ auth: 'jwt' }, async ({ caller, pathParameters }) => {
  const { id } = parseOrThrow(AlertPathSchema, pathParameters, 'The path is invalid');
  const alert = await subscriptionService.ackAlert(caller, id);
  return { statusCode: 200, body: alert };
});
