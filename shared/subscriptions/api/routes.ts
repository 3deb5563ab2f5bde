/** The subscription routes: subscriptions, their deliveries, and the caller's alerts. */
import type { ApiSecretName } from '../../platform/http/route-definition.ts';
import { defineRoute } from '../../platform/http/route-definition.ts';
import {
  AlertListSchema,
  AlertPathSchema,
  AlertSchema,
  CreateSubscriptionBodySchema,
  DeliveryListSchema,
  ListAlertsQuerySchema,
  ListSubscriptionsQuerySchema,
  PendingPushListSchema,
  RedriveResultSchema,
  SubscriptionListSchema,
  SubscriptionPageQuerySchema,
  SubscriptionPathSchema,
  SubscriptionSchema,
} from '../domain/subscription-schemas.ts';
import { defineSliceFunction } from '../../platform/http/function-dispatch.ts';

/**
 * The Lambda that serves every route of this slice: one function per feature slice, chosen
 * by simulation (docs/decisions.md, record 44); its entry hands each route to its handler.
 */
export const SUBSCRIPTIONS_FUNCTION = { functionId: 'subscriptionsApi', entry: 'functions/api/subscriptions/handler.ts' } as const;

/**
 * The key the functions answering with pages read at cold start
 * (shared/wiring/subscription-lists.ts loads exactly these): the cursor key only.
 */
export const SUBSCRIPTION_LIST_SECRETS = ['cursorKey'] as const satisfies readonly ApiSecretName[];

export const createSubscriptionRoute = defineRoute({
  operationId: 'createSubscription',
  method: 'POST',
  path: '/subscriptions',
  auth: 'jwt',
  ...SUBSCRIPTIONS_FUNCTION,
  summary: 'Subscribe to events on a channel (inbox, webhook or e-mail); practitioners: their own organisation only (the default)',
  tags: ['subscriptions'],
  request: { body: CreateSubscriptionBodySchema, headers: ['Idempotency-Key'] },
  success: { status: 201, description: 'The subscription (a webhook’s secret is never returned)', schema: SubscriptionSchema },
  errorStatuses: [401, 403, 409, 415, 422],
  tableAccess: 'readWrite',
  eventAccess: ['sealer'],
});

export const listSubscriptionsRoute = defineRoute({
  operationId: 'listSubscriptions',
  method: 'GET',
  path: '/subscriptions',
  auth: 'jwt',
  ...SUBSCRIPTIONS_FUNCTION,
  summary: 'The caller’s own subscriptions, newest first; scope=all: every subscription (programme managers)',
  tags: ['subscriptions'],
  request: { query: ListSubscriptionsQuerySchema },
  success: { status: 200, description: 'A page of subscriptions', schema: SubscriptionListSchema },
  errorStatuses: [401, 403],
  tableAccess: 'read',
  secrets: SUBSCRIPTION_LIST_SECRETS,
});

export const deleteSubscriptionRoute = defineRoute({
  operationId: 'deleteSubscription',
  method: 'DELETE',
  path: '/subscriptions/{id}',
  auth: 'jwt',
  ...SUBSCRIPTIONS_FUNCTION,
  summary: 'Delete one of the caller’s subscriptions',
  tags: ['subscriptions'],
  request: { path: SubscriptionPathSchema },
  success: { status: 204, description: 'Deleted' },
  errorStatuses: [401, 403, 404, 409],
  tableAccess: 'readWrite',
});

export const listDeliveriesRoute = defineRoute({
  operationId: 'listDeliveries',
  method: 'GET',
  path: '/subscriptions/{id}/deliveries',
  auth: 'jwt',
  ...SUBSCRIPTIONS_FUNCTION,
  summary: 'Delivery attempts of one of the caller’s webhook or e-mail subscriptions, newest first',
  tags: ['subscriptions'],
  request: { query: SubscriptionPageQuerySchema, path: SubscriptionPathSchema },
  success: { status: 200, description: 'A page of delivery attempts', schema: DeliveryListSchema },
  errorStatuses: [401, 403, 404],
  tableAccess: 'read',
  secrets: SUBSCRIPTION_LIST_SECRETS,
});

export const listPendingRoute = defineRoute({
  operationId: 'listPending',
  method: 'GET',
  path: '/subscriptions/{id}/pending',
  auth: 'jwt',
  ...SUBSCRIPTIONS_FUNCTION,
  summary: 'What one of the caller’s subscriptions holds for quiet hours or a digest, and when each goes out (soonest first)',
  tags: ['subscriptions'],
  request: { query: SubscriptionPageQuerySchema, path: SubscriptionPathSchema },
  success: { status: 200, description: 'A page of held pushes', schema: PendingPushListSchema },
  errorStatuses: [401, 403, 404],
  tableAccess: 'read',
  secrets: SUBSCRIPTION_LIST_SECRETS,
});

export const redriveSubscriptionRoute = defineRoute({
  operationId: 'redriveSubscription',
  method: 'POST',
  path: '/subscriptions/{id}/redrive',
  auth: 'jwt',
  ...SUBSCRIPTIONS_FUNCTION,
  summary: 'Queue the dead-lettered deliveries of one of the caller’s subscriptions again',
  tags: ['subscriptions'],
  request: { path: SubscriptionPathSchema },
  success: { status: 202, description: 'How many dead letters were queued again', schema: RedriveResultSchema },
  errorStatuses: [401, 403, 404],
  tableAccess: 'readWrite',
  eventAccess: ['deliveryQueue'],
});

export const renewSubscriptionRoute = defineRoute({
  operationId: 'renewSubscription',
  method: 'POST',
  path: '/subscriptions/{id}/renew',
  auth: 'jwt',
  ...SUBSCRIPTIONS_FUNCTION,
  summary: 'Renew one of the caller’s subscriptions: it hears events for 90 days from now (an expired one too, until removed)',
  tags: ['subscriptions'],
  request: { path: SubscriptionPathSchema },
  success: { status: 200, description: 'The subscription, with its new expiresAt', schema: SubscriptionSchema },
  errorStatuses: [401, 403, 404, 409],
  tableAccess: 'readWrite',
});

export const disableSubscriptionRoute = defineRoute({
  operationId: 'disableSubscription',
  method: 'POST',
  path: '/subscriptions/{id}/disable',
  auth: 'jwt',
  ...SUBSCRIPTIONS_FUNCTION,
  summary: 'Stop any subscription’s deliveries, recording who did (programme managers; disabling again keeps the first record)',
  tags: ['subscriptions'],
  request: { path: SubscriptionPathSchema },
  success: { status: 200, description: 'The subscription, disabled, with its owner', schema: SubscriptionSchema },
  errorStatuses: [401, 403, 404, 409],
  tableAccess: 'readWrite',
});

export const listAlertsRoute = defineRoute({
  operationId: 'listAlerts',
  method: 'GET',
  path: '/alerts',
  auth: 'jwt',
  ...SUBSCRIPTIONS_FUNCTION,
  summary: 'The caller’s alerts (unread=true: only unacknowledged ones), newest first',
  tags: ['alerts'],
  request: { query: ListAlertsQuerySchema },
  success: { status: 200, description: 'A page of alerts', schema: AlertListSchema },
  errorStatuses: [401, 403],
  tableAccess: 'read',
  secrets: SUBSCRIPTION_LIST_SECRETS,
});

export const ackAlertRoute = defineRoute({
  operationId: 'ackAlert',
  method: 'POST',
  path: '/alerts/{id}/ack',
  auth: 'jwt',
  ...SUBSCRIPTIONS_FUNCTION,
  summary: 'Mark one of the caller’s alerts read (acknowledging again keeps the first time)',
  tags: ['alerts'],
  request: { path: AlertPathSchema },
  success: { status: 200, description: 'The alert, with readAt', schema: AlertSchema },
  errorStatuses: [401, 403, 404],
  tableAccess: 'readWrite',
});

/** The subscription slice's routes, in the order the contract lists them. */
export const SUBSCRIPTION_ROUTES = [
  createSubscriptionRoute,
  listSubscriptionsRoute,
  deleteSubscriptionRoute,
  listDeliveriesRoute,
  listPendingRoute,
  redriveSubscriptionRoute,
  renewSubscriptionRoute,
  disableSubscriptionRoute,
  listAlertsRoute,
  ackAlertRoute,
] as const;

/** The subscription slice's Lambda and the routes it serves. */
export const subscriptionsFunction = defineSliceFunction(SUBSCRIPTIONS_FUNCTION, SUBSCRIPTION_ROUTES);
