/**
 * The route table: the one list of API routes. The CDK API stack creates one Lambda
 * function and one HTTP API route per entry; the local gateway serves the same entries
 * with the same handler modules; `GET /openapi.json` documents them.
 *
 * Pure data (zod schemas included): no CDK or SDK imports, so handlers may import it.
 * Local-only routes (`/_local/token`) are deliberately absent: they live in the local
 * gateway, so the CDK app cannot deploy them.
 */
import type { z } from 'zod';
import type { ApiSecretName } from '../shared/platform/config/runtime-config.ts';
import { HealthSchema, OpenApiDocumentSchema } from '../shared/platform/http/common-schemas.ts';
import { ReferenceSchema } from '../shared/reference/domain/reference-schemas.ts';
import {
  DeclineHandoffBodySchema,
  HandoffCommentBodySchema,
  HandoffListSchema,
  HandoffSchema,
  ListHandoffsQuerySchema,
  OfferHandoffBodySchema,
} from '../shared/referrals/domain/handoff-schemas.ts';
import {
  AcceptBodySchema,
  AccessLogSchema,
  AmendBodySchema,
  CancelBodySchema,
  CommentBodySchema,
  CompleteBodySchema,
  CreateReferralBodySchema,
  DeclineBodySchema,
  EventListSchema,
  ListReferralsQuerySchema,
  NoteBodySchema,
  NoteListSchema,
  NoteSchema,
  PageQuerySchema,
  RedirectBodySchema,
  ReferralDetailSchema,
  ReferralListSchema,
  ReferralSchema,
  SearchBodySchema,
} from '../shared/referrals/domain/referral-schemas.ts';
import { MetricsSummaryQuerySchema, MetricsSummarySchema } from '../shared/metrics/domain/metrics-schemas.ts';
import {
  AlertListSchema,
  AlertSchema,
  CreateSubscriptionBodySchema,
  DeliveryListSchema,
  ListAlertsQuerySchema,
  ListSubscriptionsQuerySchema,
  RedriveResultSchema,
  SubscriptionListSchema,
  SubscriptionPageQuerySchema,
  SubscriptionSchema,
} from '../shared/subscriptions/domain/subscription-schemas.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a route is protected: `none` is public; `jwt` is behind the JWT authorizer. */
export type RouteAuth = 'none' | 'jwt';

/** What a successful response looks like, for the OpenAPI document. */
export interface RouteResponse {
  readonly status: number;
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Other media types the route can answer with (content negotiation), with what they hold. */
  readonly alternatives?: Readonly<Record<string, string>>;
}

/** One API route and the Lambda entry point that serves it. */
export interface RouteDefinition {
  /** Stable, unique camelCase id: the OpenAPI operationId and the Lambda's construct id. */
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway path template, e.g. `/referrals/{id}`. */
  readonly path: string;
  readonly auth: RouteAuth;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly request?: {
    readonly query?: z.ZodObject;
    readonly body?: z.ZodType;
  };
  readonly success: RouteResponse;
  /** Error statuses this route can answer with, beyond those every route can (400, 413, 500). */
  readonly errorStatuses?: readonly number[];
  /**
   * How the route's function uses the table: the CDK grants exactly this (least privilege)
   * and sets `JOINTLY_TABLE_NAME`. Omitted = the function never touches the table.
   */
  readonly tableAccess?: 'read' | 'readWrite';
  /**
   * Routes with the same `functionId` share one Lambda (they must share `entry`);
   * default: the route's own `operationId`.
   */
  readonly functionId?: string;
  /**
   * Event-path resources the function uses: `sealer` (encrypts webhook secrets with the
   * stage key), `deliveryQueue` (sends delivery jobs). CDK grants exactly these.
   */
  readonly eventAccess?: readonly ('sealer' | 'deliveryQueue')[];
  /**
   * The API's HMAC keys the function reads at cold start (shared/platform/config/secrets.ts): CDK
   * grants exactly these and sets their `…_ARN` variables. A unit test derives them from
   * the handler's imports, so a new reader cannot go ungranted (or a grant stay unused).
   */
  readonly secrets?: readonly ApiSecretName[];
  /** Request headers the route reads, for the OpenAPI document. */
  readonly headers?: readonly ('If-Match' | 'Idempotency-Key')[];
}

/** The Lambda a route is served by. */
export const functionIdOf = (route: Pick<RouteDefinition, 'operationId' | 'functionId'>): string => route.functionId ?? route.operationId;

/** Keys read by shared/wiring/referrals.ts: person-index hashes and list cursors. */
const REFERRAL_KEYS: readonly ApiSecretName[] = ['subjectHashKey', 'cursorKey'];
/** Key read by shared/wiring/subscription-lists.ts: list cursors only. */
const CURSOR_KEY: readonly ApiSecretName[] = ['cursorKey'];

export const ROUTES: readonly RouteDefinition[] = [
  {
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    auth: 'none',
    entry: 'functions/api/health/handler.ts',
    summary: 'Liveness check',
    tags: ['meta'],
    success: { status: 200, description: 'The API is up', schema: HealthSchema },
  },
  {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    auth: 'none',
    entry: 'functions/api/openapi/handler.ts',
    summary: 'This API’s OpenAPI 3.1 document, generated from the zod schemas',
    tags: ['meta'],
    success: { status: 200, description: 'OpenAPI 3.1 document', schema: OpenApiDocumentSchema },
  },
  {
    operationId: 'getReference',
    method: 'GET',
    path: '/reference',
    auth: 'jwt',
    entry: 'functions/api/reference/handler.ts',
    summary: 'Organisations, service areas, priorities with response targets, and the closed code lists',
    tags: ['reference'],
    success: { status: 200, description: 'Reference data', schema: ReferenceSchema },
    errorStatuses: [401, 403],
  },
  {
    operationId: 'createReferral',
    method: 'POST',
    path: '/referrals',
    auth: 'jwt',
    entry: 'functions/api/create-referral/handler.ts',
    summary: 'Refer a person from the caller’s organisation to another',
    tags: ['referrals'],
    request: { body: CreateReferralBodySchema },
    headers: ['Idempotency-Key'],
    success: { status: 201, description: 'The referral, submitted, version 1', schema: ReferralSchema },
    errorStatuses: [401, 403, 409, 415, 422],
    tableAccess: 'readWrite',
    secrets: REFERRAL_KEYS,
  },
  {
    operationId: 'listReferrals',
    method: 'GET',
    path: '/referrals',
    auth: 'jwt',
    entry: 'functions/api/list-referrals/handler.ts',
    summary: 'An organisation’s inbox, outbox or owned referrals, newest or soonest due first',
    tags: ['referrals'],
    request: { query: ListReferralsQuerySchema },
    success: { status: 200, description: 'A page of referrals', schema: ReferralListSchema },
    errorStatuses: [401, 403, 422],
    tableAccess: 'readWrite',
    secrets: REFERRAL_KEYS,
  },
  {
    operationId: 'searchReferrals',
    method: 'POST',
    path: '/referrals/search',
    auth: 'jwt',
    entry: 'functions/api/search-referrals/handler.ts',
    summary: 'A person’s referrals visible to the caller, by NHS number or local id (in the body, never the URL)',
    tags: ['referrals'],
    request: { body: SearchBodySchema, query: PageQuerySchema },
    success: { status: 200, description: 'A page of referrals', schema: ReferralListSchema },
    errorStatuses: [401, 403, 415],
    tableAccess: 'readWrite',
    secrets: REFERRAL_KEYS,
  },
  {
    operationId: 'getReferral',
    method: 'GET',
    path: '/referrals/{id}',
    auth: 'jwt',
    entry: 'functions/api/get-referral/handler.ts',
    summary: 'A referral with the caller’s allowed actions and its handoffs (ETag: the version)',
    tags: ['referrals'],
    success: { status: 200, description: 'The referral', schema: ReferralDetailSchema },
    errorStatuses: [401, 403, 404],
    tableAccess: 'readWrite',
    secrets: REFERRAL_KEYS,
  },
  ...(
    [
      ['accept', AcceptBodySchema, 'Accept (receiver): the receiving organisation becomes responsible'],
      ['decline', DeclineBodySchema, 'Decline with a reason code (receiver)'],
      ['redirect', RedirectBodySchema, 'Redirect to a third organisation (receiver); the due time is kept'],
      ['request-info', CommentBodySchema, 'Ask the referrer for information (receiver); pauses the clock'],
      ['provide-info', CommentBodySchema, 'Answer a request for information (referrer); the due time moves by the wait'],
      ['amend', AmendBodySchema, 'Correct priority, reason or subject (referrer)'],
      ['cancel', CancelBodySchema, 'Cancel with a reason code (referrer)'],
      ['complete', CompleteBodySchema, 'Complete with an outcome (responsible organisation)'],
    ] as const
  ).map(
    ([action, body, summary]): RouteDefinition => ({
      operationId: `${action.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Referral`,
      functionId: 'referralAction',
      method: 'POST',
      path: `/referrals/{id}/${action}`,
      auth: 'jwt',
      entry: 'functions/api/referral-action/handler.ts',
      summary,
      tags: ['referrals'],
      request: { body },
      headers: ['If-Match'],
      success: { status: 200, description: 'The updated referral (ETag: its new version)', schema: ReferralSchema },
      errorStatuses: [401, 403, 404, 409, 412, 415, 422],
      tableAccess: 'readWrite',
      secrets: REFERRAL_KEYS,
    }),
  ),
  {
    operationId: 'getReferralHistory',
    method: 'GET',
    path: '/referrals/{id}/history',
    auth: 'jwt',
    entry: 'functions/api/referral-history/handler.ts',
    summary: 'Every event of a referral and its handoffs, ascending seq',
    tags: ['referrals'],
    request: { query: PageQuerySchema },
    success: { status: 200, description: 'A page of events', schema: EventListSchema },
    errorStatuses: [401, 403, 404],
    tableAccess: 'readWrite',
    secrets: REFERRAL_KEYS,
  },
  {
    operationId: 'addNote',
    method: 'POST',
    path: '/referrals/{id}/notes',
    auth: 'jwt',
    entry: 'functions/api/add-note/handler.ts',
    summary: 'Add a case note (practitioners of a party)',
    tags: ['notes'],
    request: { body: NoteBodySchema },
    headers: ['Idempotency-Key'],
    success: { status: 201, description: 'The note', schema: NoteSchema },
    errorStatuses: [401, 403, 404, 409, 415, 422],
    tableAccess: 'readWrite',
    secrets: REFERRAL_KEYS,
  },
  {
    operationId: 'listNotes',
    method: 'GET',
    path: '/referrals/{id}/notes',
    auth: 'jwt',
    entry: 'functions/api/list-notes/handler.ts',
    summary: 'Case notes, newest first',
    tags: ['notes'],
    request: { query: PageQuerySchema },
    success: { status: 200, description: 'A page of notes', schema: NoteListSchema },
    errorStatuses: [401, 403, 404],
    tableAccess: 'readWrite',
    secrets: REFERRAL_KEYS,
  },
  {
    operationId: 'getAccessLog',
    method: 'GET',
    path: '/referrals/{id}/access-log',
    auth: 'jwt',
    entry: 'functions/api/referral-access-log/handler.ts',
    summary: 'Who read this referral’s personal data, when, and what',
    tags: ['referrals'],
    request: { query: PageQuerySchema },
    success: { status: 200, description: 'A page of access-log entries, newest first', schema: AccessLogSchema },
    errorStatuses: [401, 403, 404],
    tableAccess: 'read',
    secrets: REFERRAL_KEYS,
  },
  {
    operationId: 'offerHandoff',
    method: 'POST',
    path: '/referrals/{id}/handoffs',
    auth: 'jwt',
    entry: 'functions/api/offer-handoff/handler.ts',
    summary: 'Offer responsibility for an accepted referral to another organisation (its owner only)',
    tags: ['handoffs'],
    request: { body: OfferHandoffBodySchema },
    headers: ['Idempotency-Key', 'If-Match'],
    success: { status: 201, description: 'The handoff, offered', schema: HandoffSchema },
    errorStatuses: [401, 403, 404, 409, 412, 415, 422],
    tableAccess: 'readWrite',
    secrets: REFERRAL_KEYS,
  },
  {
    operationId: 'listHandoffs',
    method: 'GET',
    path: '/handoffs',
    auth: 'jwt',
    entry: 'functions/api/list-handoffs/handler.ts',
    summary: 'Handoffs offered to (inbox) or by (outbox) the caller’s organisation; programme managers any org',
    tags: ['handoffs'],
    request: { query: ListHandoffsQuerySchema },
    success: { status: 200, description: 'A page of handoffs, newest first', schema: HandoffListSchema },
    errorStatuses: [401, 403, 422],
    tableAccess: 'readWrite',
    secrets: REFERRAL_KEYS,
  },
  {
    operationId: 'getHandoff',
    method: 'GET',
    path: '/handoffs/{id}',
    auth: 'jwt',
    entry: 'functions/api/get-handoff/handler.ts',
    summary: 'A handoff with the caller’s allowed answers (ETag: its version)',
    tags: ['handoffs'],
    success: { status: 200, description: 'The handoff', schema: HandoffSchema },
    errorStatuses: [401, 403, 404],
    tableAccess: 'readWrite',
    secrets: REFERRAL_KEYS,
  },
  ...(
    [
      ['accept', HandoffCommentBodySchema, 'Accept (the organisation offered it): it becomes responsible for the referral'],
      ['decline', DeclineHandoffBodySchema, 'Decline with a reason code (the organisation offered it)'],
      ['withdraw', HandoffCommentBodySchema, 'Withdraw the offer (the organisation that made it)'],
    ] as const
  ).map(
    ([action, body, summary]): RouteDefinition => ({
      operationId: `${action}Handoff`,
      functionId: 'handoffAction',
      method: 'POST',
      path: `/handoffs/{id}/${action}`,
      auth: 'jwt',
      entry: 'functions/api/handoff-action/handler.ts',
      summary,
      tags: ['handoffs'],
      request: { body },
      headers: ['If-Match'],
      success: { status: 200, description: 'The handoff, answered (ETag: its new version)', schema: HandoffSchema },
      errorStatuses: [401, 403, 404, 409, 412, 415, 422],
      tableAccess: 'readWrite',
      secrets: REFERRAL_KEYS,
    }),
  ),
  {
    operationId: 'createSubscription',
    method: 'POST',
    path: '/subscriptions',
    auth: 'jwt',
    entry: 'functions/api/create-subscription/handler.ts',
    summary: 'Subscribe to events on a channel (inbox, webhook or e-mail); practitioners: their own organisation only (the default)',
    tags: ['subscriptions'],
    request: { body: CreateSubscriptionBodySchema },
    headers: ['Idempotency-Key'],
    success: { status: 201, description: 'The subscription (a webhook’s secret is never returned)', schema: SubscriptionSchema },
    errorStatuses: [401, 403, 409, 415, 422],
    tableAccess: 'readWrite',
    eventAccess: ['sealer'],
  },
  {
    operationId: 'listSubscriptions',
    method: 'GET',
    path: '/subscriptions',
    auth: 'jwt',
    entry: 'functions/api/list-subscriptions/handler.ts',
    summary: 'The caller’s own subscriptions, newest first; scope=all: every subscription (programme managers)',
    tags: ['subscriptions'],
    request: { query: ListSubscriptionsQuerySchema },
    success: { status: 200, description: 'A page of subscriptions', schema: SubscriptionListSchema },
    errorStatuses: [401, 403],
    tableAccess: 'read',
    secrets: CURSOR_KEY,
  },
  {
    operationId: 'deleteSubscription',
    method: 'DELETE',
    path: '/subscriptions/{id}',
    auth: 'jwt',
    entry: 'functions/api/delete-subscription/handler.ts',
    summary: 'Delete one of the caller’s subscriptions',
    tags: ['subscriptions'],
    success: { status: 204, description: 'Deleted' },
    errorStatuses: [401, 403, 404, 409],
    tableAccess: 'readWrite',
  },
  {
    operationId: 'listDeliveries',
    method: 'GET',
    path: '/subscriptions/{id}/deliveries',
    auth: 'jwt',
    entry: 'functions/api/list-deliveries/handler.ts',
    summary: 'Delivery attempts of one of the caller’s webhook or e-mail subscriptions, newest first',
    tags: ['subscriptions'],
    request: { query: SubscriptionPageQuerySchema },
    success: { status: 200, description: 'A page of delivery attempts', schema: DeliveryListSchema },
    errorStatuses: [401, 403, 404],
    tableAccess: 'read',
    secrets: CURSOR_KEY,
  },
  {
    operationId: 'redriveSubscription',
    method: 'POST',
    path: '/subscriptions/{id}/redrive',
    auth: 'jwt',
    entry: 'functions/api/redrive-subscription/handler.ts',
    summary: 'Queue the dead-lettered deliveries of one of the caller’s subscriptions again',
    tags: ['subscriptions'],
    success: { status: 202, description: 'How many dead letters were queued again', schema: RedriveResultSchema },
    errorStatuses: [401, 403, 404],
    tableAccess: 'readWrite',
    eventAccess: ['deliveryQueue'],
  },
  {
    operationId: 'renewSubscription',
    method: 'POST',
    path: '/subscriptions/{id}/renew',
    auth: 'jwt',
    entry: 'functions/api/renew-subscription/handler.ts',
    summary: 'Renew one of the caller’s subscriptions: it hears events for 90 days from now (an expired one too, until removed)',
    tags: ['subscriptions'],
    success: { status: 200, description: 'The subscription, with its new expiresAt', schema: SubscriptionSchema },
    errorStatuses: [401, 403, 404, 409],
    tableAccess: 'readWrite',
  },
  {
    operationId: 'disableSubscription',
    method: 'POST',
    path: '/subscriptions/{id}/disable',
    auth: 'jwt',
    entry: 'functions/api/disable-subscription/handler.ts',
    summary: 'Stop any subscription’s deliveries, recording who did (programme managers; disabling again keeps the first record)',
    tags: ['subscriptions'],
    success: { status: 200, description: 'The subscription, disabled, with its owner', schema: SubscriptionSchema },
    errorStatuses: [401, 403, 404, 409],
    tableAccess: 'readWrite',
  },
  {
    operationId: 'listAlerts',
    method: 'GET',
    path: '/alerts',
    auth: 'jwt',
    entry: 'functions/api/list-alerts/handler.ts',
    summary: 'The caller’s alerts (unread=true: only unacknowledged ones), newest first',
    tags: ['alerts'],
    request: { query: ListAlertsQuerySchema },
    success: { status: 200, description: 'A page of alerts', schema: AlertListSchema },
    errorStatuses: [401, 403],
    tableAccess: 'read',
    secrets: CURSOR_KEY,
  },
  {
    operationId: 'ackAlert',
    method: 'POST',
    path: '/alerts/{id}/ack',
    auth: 'jwt',
    entry: 'functions/api/ack-alert/handler.ts',
    summary: 'Mark one of the caller’s alerts read (acknowledging again keeps the first time)',
    tags: ['alerts'],
    success: { status: 200, description: 'The alert, with readAt', schema: AlertSchema },
    errorStatuses: [401, 403, 404],
    tableAccess: 'readWrite',
  },
  {
    operationId: 'getMetricsSummary',
    method: 'GET',
    path: '/metrics/summary',
    auth: 'jwt',
    entry: 'functions/api/metrics-summary/handler.ts',
    summary: 'Programme evaluation figures by service area, day, org pair or priority (programme managers); CSV with Accept: text/csv or format=csv',
    tags: ['metrics'],
    request: { query: MetricsSummaryQuerySchema },
    success: {
      status: 200,
      description: 'The figures of the period, per group and in total',
      schema: MetricsSummarySchema,
      alternatives: {
        'text/csv': 'The same figures as RFC 4180 CSV: a header row, one row per group, columns named by the JSON paths of the figures (rates are decimals 0–1)',
      },
    },
    errorStatuses: [401, 403],
    tableAccess: 'read',
  },
];

/**
 * The catch-all (`$default` on AWS): unknown routes answer 404 (405 when the path exists
 * with another method) as problem+json instead of API Gateway's plain `Not Found`.
 */
export const DEFAULT_ROUTE = {
  operationId: 'notFound',
  entry: 'functions/api/not-found/handler.ts',
} as const;

/** `GET /health` → the route key API Gateway uses (`"GET /health"`). */
export const routeKeyOf = (route: Pick<RouteDefinition, 'method' | 'path'>): string => `${route.method} ${route.path}`;
