/**
 * Composition root of the subscription handlers that return pages (subscriptions,
 * deliveries, alerts): the subscription wiring (subscriptions.ts) and the key signing
 * their cursors, read once per cold start (from Secrets Manager when deployed).
 */
import { loadRuntimeConfig } from '../platform/config/runtime-config.ts';
import { loadApiSecret } from '../platform/config/secrets.ts';

export { subscriptionService } from './subscriptions.ts';

/** Key signing list cursors. */
export const cursorKey = await loadApiSecret(loadRuntimeConfig(), 'cursorKey');
