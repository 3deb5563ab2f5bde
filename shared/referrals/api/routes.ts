/**
 * The referral routes, handoffs included (one aggregate): referrals, their actions,
 * history, notes and access log; handoffs offered, listed, read and answered.
 */
import type { $ZodType } from 'zod/v4/core';
import type { ApiSecretName } from '../../platform/http/route-definition.ts';
import { defineRoute, defineRouteGroup, type Route } from '../../platform/http/route-definition.ts';
import {
  DeclineHandoffBodySchema,
  HandoffCommentBodySchema,
  HandoffListSchema,
  HandoffPathSchema,
  HandoffSchema,
  ListHandoffsQuerySchema,
  OfferHandoffBodySchema,
} from '../domain/handoff-schemas.ts';
import type { HandoffAction, HandoffAnswer } from '../domain/handoff.ts';
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
  ReferralPathSchema,
  ReferralSchema,
  SearchBodySchema,
} from '../domain/referral-schemas.ts';
import type { ActionInput, ReferralAction } from '../domain/referral.ts';
import { defineSliceFunction } from '../../platform/http/function-dispatch.ts';

/**
 * The Lambda that serves every route of this slice: one function per feature slice, chosen
 * by simulation (docs/decisions.md, record 44); its entry hands each route to its handler.
 */
export const REFERRALS_FUNCTION = { functionId: 'referralsApi', entry: 'functions/api/referrals/handler.ts' } as const;

/**
 * The keys every referral function reads at cold start (shared/wiring/referrals.ts loads
 * exactly these): the person-index hash key and the cursor key.
 */
export const REFERRAL_SECRETS = ['subjectHashKey', 'cursorKey'] as const satisfies readonly ApiSecretName[];

export const createReferralRoute = defineRoute({
  operationId: 'createReferral',
  method: 'POST',
  path: '/referrals',
  auth: 'jwt',
  ...REFERRALS_FUNCTION,
  summary: 'Refer a person from the caller’s organisation to another',
  tags: ['referrals'],
  request: { body: CreateReferralBodySchema, headers: ['Idempotency-Key'] },
  success: { status: 201, description: 'The referral, submitted, version 1', schema: ReferralSchema },
  errorStatuses: [401, 403, 409, 415, 422],
  tableAccess: 'readWrite',
  secrets: REFERRAL_SECRETS,
});

export const listReferralsRoute = defineRoute({
  operationId: 'listReferrals',
  method: 'GET',
  path: '/referrals',
  auth: 'jwt',
  ...REFERRALS_FUNCTION,
  summary: 'An organisation’s inbox, outbox or owned referrals, newest or soonest due first',
  tags: ['referrals'],
  request: { query: ListReferralsQuerySchema },
  success: { status: 200, description: 'A page of referrals', schema: ReferralListSchema },
  errorStatuses: [401, 403, 422],
  tableAccess: 'readWrite',
  secrets: REFERRAL_SECRETS,
});

export const searchReferralsRoute = defineRoute({
  operationId: 'searchReferrals',
  method: 'POST',
  path: '/referrals/search',
  auth: 'jwt',
  ...REFERRALS_FUNCTION,
  summary: 'A person’s referrals visible to the caller, by NHS number or local id (in the body, never the URL)',
  tags: ['referrals'],
  request: { body: SearchBodySchema, query: PageQuerySchema },
  success: { status: 200, description: 'A page of referrals', schema: ReferralListSchema },
  errorStatuses: [401, 403, 415],
  tableAccess: 'readWrite',
  secrets: REFERRAL_SECRETS,
});

export const getReferralRoute = defineRoute({
  operationId: 'getReferral',
  method: 'GET',
  path: '/referrals/{id}',
  auth: 'jwt',
  ...REFERRALS_FUNCTION,
  summary: 'A referral with the caller’s allowed actions and its handoffs (ETag: the version)',
  tags: ['referrals'],
  request: { path: ReferralPathSchema },
  success: { status: 200, description: 'The referral', schema: ReferralDetailSchema },
  errorStatuses: [401, 403, 404],
  tableAccess: 'readWrite',
  secrets: REFERRAL_SECRETS,
});

/**
 * `POST /referrals/{id}/<action>`: the eight transitions share one Lambda. The body schema
 * must produce the body the domain takes for that action.
 */
const referralActionRoute = <const Action extends ReferralAction, Body extends $ZodType<Extract<ActionInput, { action: Action }>['body']>>(
  action: Action,
  body: Body,
  summary: string,
  options: { readonly bodyOptional?: boolean } = {},
) =>
  defineRoute({
    operationId: `${action.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Referral`,
    method: 'POST',
    path: `/referrals/{id}/${action}`,
    auth: 'jwt',
    ...REFERRALS_FUNCTION,
    summary,
    tags: ['referrals'],
    request: { body, ...options, path: ReferralPathSchema, headers: ['If-Match'] },
    success: { status: 200, description: 'The updated referral (ETag: its new version)', schema: ReferralSchema },
    errorStatuses: [401, 403, 404, 409, 412, 415, 422],
    tableAccess: 'readWrite',
    secrets: REFERRAL_SECRETS,
  });

/** The referral actions by name; accept alone may be POSTed without a body (all its fields are optional). */
export const referralActionRoutes = defineRouteGroup({
  accept: referralActionRoute('accept', AcceptBodySchema, 'Accept (receiver): the receiving organisation becomes responsible', {
    bodyOptional: true,
  }),
  decline: referralActionRoute('decline', DeclineBodySchema, 'Decline with a reason code (receiver)'),
  redirect: referralActionRoute('redirect', RedirectBodySchema, 'Redirect to a third organisation (receiver); the due time is kept'),
  'request-info': referralActionRoute('request-info', CommentBodySchema, 'Ask the referrer for information (receiver); pauses the clock'),
  'provide-info': referralActionRoute(
    'provide-info',
    CommentBodySchema,
    'Answer a request for information (referrer); the due time moves by the wait',
  ),
  amend: referralActionRoute('amend', AmendBodySchema, 'Correct priority, reason or subject (referrer)'),
  cancel: referralActionRoute('cancel', CancelBodySchema, 'Cancel with a reason code (referrer)'),
  complete: referralActionRoute('complete', CompleteBodySchema, 'Complete with an outcome (responsible organisation)'),
} satisfies Record<ReferralAction, Route>);

/** The domain's input for a referral action route's parsed body (its schema was checked against that body above). */
export const actionInputOf = (action: ReferralAction, body: unknown): ActionInput => ({ action, body }) as ActionInput;

export const getReferralHistoryRoute = defineRoute({
  operationId: 'getReferralHistory',
  method: 'GET',
  path: '/referrals/{id}/history',
  auth: 'jwt',
  ...REFERRALS_FUNCTION,
  summary: 'Every event of a referral and its handoffs, ascending seq',
  tags: ['referrals'],
  request: { query: PageQuerySchema, path: ReferralPathSchema },
  success: { status: 200, description: 'A page of events', schema: EventListSchema },
  errorStatuses: [401, 403, 404],
  tableAccess: 'readWrite',
  secrets: REFERRAL_SECRETS,
});

export const addNoteRoute = defineRoute({
  operationId: 'addNote',
  method: 'POST',
  path: '/referrals/{id}/notes',
  auth: 'jwt',
  ...REFERRALS_FUNCTION,
  summary: 'Add a case note (practitioners of a party)',
  tags: ['notes'],
  request: { body: NoteBodySchema, path: ReferralPathSchema, headers: ['Idempotency-Key'] },
  success: { status: 201, description: 'The note', schema: NoteSchema },
  errorStatuses: [401, 403, 404, 409, 415, 422],
  tableAccess: 'readWrite',
  secrets: REFERRAL_SECRETS,
});

export const listNotesRoute = defineRoute({
  operationId: 'listNotes',
  method: 'GET',
  path: '/referrals/{id}/notes',
  auth: 'jwt',
  ...REFERRALS_FUNCTION,
  summary: 'Case notes, newest first',
  tags: ['notes'],
  request: { query: PageQuerySchema, path: ReferralPathSchema },
  success: { status: 200, description: 'A page of notes', schema: NoteListSchema },
  errorStatuses: [401, 403, 404],
  tableAccess: 'readWrite',
  secrets: REFERRAL_SECRETS,
});

export const getAccessLogRoute = defineRoute({
  operationId: 'getAccessLog',
  method: 'GET',
  path: '/referrals/{id}/access-log',
  auth: 'jwt',
  ...REFERRALS_FUNCTION,
  summary: 'Who read this referral’s personal data, when, and what',
  tags: ['referrals'],
  request: { query: PageQuerySchema, path: ReferralPathSchema },
  success: { status: 200, description: 'A page of access-log entries, newest first', schema: AccessLogSchema },
  errorStatuses: [401, 403, 404],
  tableAccess: 'read',
  secrets: REFERRAL_SECRETS,
});

export const offerHandoffRoute = defineRoute({
  operationId: 'offerHandoff',
  method: 'POST',
  path: '/referrals/{id}/handoffs',
  auth: 'jwt',
  ...REFERRALS_FUNCTION,
  summary: 'Offer responsibility for an accepted referral to another organisation (its owner only)',
  tags: ['handoffs'],
  request: { body: OfferHandoffBodySchema, path: ReferralPathSchema, headers: ['Idempotency-Key', 'If-Match'] },
  success: { status: 201, description: 'The handoff, offered', schema: HandoffSchema },
  errorStatuses: [401, 403, 404, 409, 412, 415, 422],
  tableAccess: 'readWrite',
  secrets: REFERRAL_SECRETS,
});

export const listHandoffsRoute = defineRoute({
  operationId: 'listHandoffs',
  method: 'GET',
  path: '/handoffs',
  auth: 'jwt',
  ...REFERRALS_FUNCTION,
  summary: 'Handoffs offered to (inbox) or by (outbox) the caller’s organisation; programme managers any org',
  tags: ['handoffs'],
  request: { query: ListHandoffsQuerySchema },
  success: { status: 200, description: 'A page of handoffs, newest first', schema: HandoffListSchema },
  errorStatuses: [401, 403, 422],
  tableAccess: 'readWrite',
  secrets: REFERRAL_SECRETS,
});

export const getHandoffRoute = defineRoute({
  operationId: 'getHandoff',
  method: 'GET',
  path: '/handoffs/{id}',
  auth: 'jwt',
  ...REFERRALS_FUNCTION,
  summary: 'A handoff with the caller’s allowed answers (ETag: its version)',
  tags: ['handoffs'],
  request: { path: HandoffPathSchema },
  success: { status: 200, description: 'The handoff', schema: HandoffSchema },
  errorStatuses: [401, 403, 404],
  tableAccess: 'readWrite',
  secrets: REFERRAL_SECRETS,
});

/** `POST /handoffs/{id}/<answer>`: the three answers share one Lambda; the body is what the domain takes for that answer. */
const handoffActionRoute = <const Action extends HandoffAction, Body extends $ZodType<Extract<HandoffAnswer, { action: Action }>['body']>>(
  action: Action,
  body: Body,
  summary: string,
  options: { readonly bodyOptional?: boolean } = {},
) =>
  defineRoute({
    operationId: `${action}Handoff`,
    method: 'POST',
    path: `/handoffs/{id}/${action}`,
    auth: 'jwt',
    ...REFERRALS_FUNCTION,
    summary,
    tags: ['handoffs'],
    request: { body, ...options, path: HandoffPathSchema, headers: ['If-Match'] },
    success: { status: 200, description: 'The handoff, answered (ETag: its new version)', schema: HandoffSchema },
    errorStatuses: [401, 403, 404, 409, 412, 415, 422],
    tableAccess: 'readWrite',
    secrets: REFERRAL_SECRETS,
  });

/** The handoff answers by name; accept and withdraw may be POSTed without a body (the comment is optional). */
export const handoffActionRoutes = defineRouteGroup({
  accept: handoffActionRoute(
    'accept',
    HandoffCommentBodySchema,
    'Accept (the organisation offered it): it becomes responsible for the referral',
    { bodyOptional: true },
  ),
  decline: handoffActionRoute('decline', DeclineHandoffBodySchema, 'Decline with a reason code (the organisation offered it)'),
  withdraw: handoffActionRoute('withdraw', HandoffCommentBodySchema, 'Withdraw the offer (the organisation that made it)', {
    bodyOptional: true,
  }),
} satisfies Record<HandoffAction, Route>);

/** The domain's answer for a handoff action route's parsed body (its schema was checked against that body above). */
export const handoffAnswerOf = (action: HandoffAction, body: unknown): HandoffAnswer => ({ action, body }) as HandoffAnswer;

/** The referral slice's routes, in the order the contract lists them. */
export const REFERRAL_ROUTES = [
  createReferralRoute,
  listReferralsRoute,
  searchReferralsRoute,
  getReferralRoute,
  ...referralActionRoutes.routes,
  getReferralHistoryRoute,
  addNoteRoute,
  listNotesRoute,
  getAccessLogRoute,
  offerHandoffRoute,
  listHandoffsRoute,
  getHandoffRoute,
  ...handoffActionRoutes.routes,
] as const;

/** The referral slice's Lambda and the routes it serves. */
export const referralsFunction = defineSliceFunction(REFERRALS_FUNCTION, REFERRAL_ROUTES);
