import { ackAlertRoute } from '../../../shared/subscriptions/api/routes.ts';
import { subscriptionService } from '../../../shared/wiring/subscriptions.ts';

/** `POST /alerts/{id}/ack`: mark the caller's own alert read (acking again keeps the first time); 404 for anyone else's. */
export const handler = ackAlertRoute.handle(async ({ caller, path }) => {
  const alert = await subscriptionService.ackAlert(caller, path.id);
  return { statusCode: 200, body: alert };
});
