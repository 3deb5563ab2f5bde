/**
 * Composition root of the subscription handlers that return pages (subscriptions,
 * deliveries, alerts): the subscription wiring (subscriptions.ts) and the key signing
 * their cursors, read once per cold start (from Secrets Manager when deployed).
 */
import { pagingWith } from '../core/pagination.ts';
import { loadRuntimeConfig } from '../platform/config/runtime-config.ts';
import { loadApiSecrets } from '../platform/config/secrets.ts';
import { SUBSCRIPTION_LIST_SECRETS } from '../subscriptions/api/routes.ts';

export { subscriptionService } from './subscriptions.ts';

const config = loadRuntimeConfig();
// Exactly the keys the paging subscription routes declare, so exactly what CDK grants their
// functions.
const secrets = await loadApiSecrets(config, SUBSCRIPTION_LIST_SECRETS);

/** A list's paging, its cursors signed with this function's cursor key. */
export const paging = pagingWith(secrets.cursorKey);
