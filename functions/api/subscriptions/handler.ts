/**
 * The subscription slice's Lambda (subscriptions, deliveries, alerts): each route to its
 * handler module beside this one (decision record 44). `createHandler` builds it on other
 * wiring: the local runtime passes its sealer and deliveries queue.
 */
import { subscriptionsFunction } from '../../../shared/subscriptions/api/routes.ts';
import { subscriptionWiring, type SubscriptionWiring } from '../../../shared/wiring/subscriptions.ts';
import { handler as ackAlert } from './ack-alert.ts';
import { createHandler as createSubscription } from './create-subscription.ts';
import { handler as deleteSubscription } from './delete-subscription.ts';
import { handler as disableSubscription } from './disable-subscription.ts';
import { handler as listAlerts } from './list-alerts.ts';
import { handler as listDeliveries } from './list-deliveries.ts';
import { handler as listPending } from './list-pending.ts';
import { handler as listSubscriptions } from './list-subscriptions.ts';
import { createHandler as redriveSubscription } from './redrive-subscription.ts';
import { handler as renewSubscription } from './renew-subscription.ts';

/** The slice's handler on `wiring` (the routes that seal secrets or queue deliveries use it). */
export const createHandler = (wiring: SubscriptionWiring) =>
  subscriptionsFunction.serve({
    createSubscription: createSubscription(wiring),
    listSubscriptions,
    deleteSubscription,
    listDeliveries,
    listPending,
    redriveSubscription: redriveSubscription(wiring),
    renewSubscription,
    disableSubscription,
    listAlerts,
    ackAlert,
  });

/** On the deployed wiring. */
export const handler = createHandler(subscriptionWiring);
