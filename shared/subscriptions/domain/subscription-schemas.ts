/**
 * zod schemas of the subscription, alert and delivery contract (DESIGN §4). Request bodies
 * are strict: unknown fields are a 400 naming them. Whether a webhook URL may be used is a
 * domain rule (422, checked by the service against the stage's policy), not a schema one.
 */
import * as z from 'zod';
import { EVENT_TYPES } from '../../core/event-envelope.ts';
import { PRIORITIES, SERVICE_AREAS } from '../../core/reference-data.ts';
import { documentedAs, InstantSchema } from '../../core/schemas.ts';
import {
  CursorSchema,
  ID_MAX,
  LimitSchema,
  OrgIdSchema,
  PAGE_MAX,
  patterned,
  SUB_MAX,
  ULID_LENGTH,
} from '../../referrals/domain/referral-schemas.ts';

/** Most event-type patterns one subscription may list. */
export const MAX_EVENT_TYPES = 20;

/** Most organisations a subscription's filter may name. */
export const MAX_FILTER_ORGS = 20;

/** Most dead letters one redrive request queues again; a further request takes the rest. */
export const MAX_REDRIVE = 250;

/** Longest alert summary: a fixed phrase, two organisation ids, a service area and a priority. */
const SUMMARY_MAX = 512;

/** Longest event-type pattern. */
const EVENT_TYPE_MAX = 64;

/** Longest webhook URL and e-mail address (RFC 5321's path limit). */
export const WEBHOOK_URL_MAX = 2048;
export const EMAIL_MAX = 254;

/** Prefixes a `<prefix>.*` pattern may name. */
export const EVENT_TYPE_PREFIXES = ['referral', 'handoff', 'note'] as const;

const EXACT_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
const PREFIX_PATTERNS: ReadonlySet<string> = new Set(EVENT_TYPE_PREFIXES.map((prefix) => `${prefix}.*`));

/** Whether `pattern` is an exact event type, a known `<prefix>.*`, or `*`. */
export const isEventTypePattern = (pattern: string): boolean => pattern === '*' || EXACT_TYPES.has(pattern) || PREFIX_PATTERNS.has(pattern);

export const EventTypePatternSchema = z
  .string()
  .max(EVENT_TYPE_MAX, 'must be an event type such as "handoff.offered", a prefix such as "handoff.*", or "*"')
  .refine(isEventTypePattern, 'must be an event type such as "handoff.offered", a prefix such as "handoff.*", or "*"')
  .meta({ description: 'An exact event type, `referral.*`, `handoff.*`, `note.*`, or `*` for every event', example: 'handoff.*' });

const nonEmptyList = <T extends z.ZodType>(item: T, max: number, what: string) =>
  z.array(item).min(1, `must name at least one ${what} (leave it out for no restriction)`).max(max, `must name at most ${max} ${what}s`);

export const SubscriptionFiltersSchema = z
  .strictObject({
    orgs: nonEmptyList(OrgIdSchema, MAX_FILTER_ORGS, 'organisation').optional().meta({
      description:
        'Only events whose referral has one of these organisations among its parties. Practitioners: their own organisation only (the default)',
    }),
    serviceAreas: nonEmptyList(z.enum(SERVICE_AREAS), SERVICE_AREAS.length, 'service area').optional(),
    priorities: nonEmptyList(z.enum(PRIORITIES), PRIORITIES.length, 'priority').optional(),
  })
  .meta({ id: 'SubscriptionFilters' });

/** Smallest and largest accepted webhook secret, in characters. */
export const WEBHOOK_SECRET_MIN = 16;
export const WEBHOOK_SECRET_MAX = 256;

export const ChannelBodySchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('inbox') }),
    z.strictObject({
      type: z.literal('webhook'),
      url: z.string().min(1, 'must not be empty').max(WEBHOOK_URL_MAX, `must be at most ${WEBHOOK_URL_MAX} characters`).meta({
        description: 'Where events are POSTed: https with a public host (the local runtime also allows http://127.0.0.1 and localhost)',
      }),
      secret: z
        .string()
        .min(WEBHOOK_SECRET_MIN, `must be at least ${WEBHOOK_SECRET_MIN} characters`)
        .max(WEBHOOK_SECRET_MAX, `must be at most ${WEBHOOK_SECRET_MAX} characters`)
        .meta({ description: 'Key of the Jointly-Signature HMAC; stored encrypted and never returned' }),
    }),
    z.strictObject({
      type: z.literal('email'),
      address: z.email('must be an e-mail address').max(EMAIL_MAX, `must be at most ${EMAIL_MAX} characters`),
    }),
  ])
  .meta({ id: 'ChannelRequest' });

export const CreateSubscriptionBodySchema = z
  .strictObject({
    eventTypes: z
      .array(EventTypePatternSchema)
      .min(1, 'must name at least one event type')
      .max(MAX_EVENT_TYPES, `must name at most ${MAX_EVENT_TYPES} event types`),
    filters: SubscriptionFiltersSchema.optional(),
    channel: ChannelBodySchema,
  })
  .meta({ id: 'CreateSubscription' });
export type CreateSubscriptionBody = z.infer<typeof CreateSubscriptionBodySchema>;

/** Ids of subscriptions, events and alerts are ULIDs. */
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const SubscriptionIdSchema = patterned(ULID, ULID_LENGTH, 'must be a subscription id (26-character ULID)');
export const SubscriptionPathSchema = z.object({ id: SubscriptionIdSchema });

/** An alert id is `<eventId>.<subscriptionId>`: deterministic per event × subscription. */
export const AlertIdSchema = patterned(
  /^[0-9A-HJKMNP-TV-Z]{26}\.[0-9A-HJKMNP-TV-Z]{26}$/,
  2 * ULID_LENGTH + 1,
  'must be an alert id (<eventId>.<subscriptionId>)',
);
export const AlertPathSchema = z.object({ id: AlertIdSchema });

export const SubscriptionPageQuerySchema = z.strictObject({ limit: LimitSchema, cursor: CursorSchema.optional() });

/** `GET /subscriptions`: the caller's own, or (programme managers) every subscription. */
export const ListSubscriptionsQuerySchema = SubscriptionPageQuerySchema.extend({
  scope: z.enum(['own', 'all'], 'must be own or all').optional().meta({
    description: '`own` (default): the caller’s subscriptions; `all`: every subscription, newest first (programme managers only, else 403)',
  }),
});

export const ListAlertsQuerySchema = z.strictObject({
  unread: z
    .enum(['true', 'false'], 'must be true or false')
    .optional()
    .meta({ description: '`true`: unread alerts only; `false` or absent: every alert', ...documentedAs({ type: 'boolean' }) }),
  limit: LimitSchema,
  cursor: CursorSchema.optional(),
});

/** A channel as returned: a webhook shows its URL only, never its secret. */
export const ChannelSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('inbox') }),
    z.strictObject({ type: z.literal('webhook'), url: z.string().max(WEBHOOK_URL_MAX) }),
    z.strictObject({ type: z.literal('email'), address: z.string().max(EMAIL_MAX) }),
  ])
  .meta({ id: 'Channel' });

export const SubscriptionSchema = z
  .strictObject({
    id: z.string().max(ULID_LENGTH),
    eventTypes: z.array(z.string().max(EVENT_TYPE_MAX)).max(MAX_EVENT_TYPES),
    filters: z.strictObject({
      orgs: z
        .array(z.string().max(ID_MAX))
        .max(MAX_FILTER_ORGS)
        .optional()
        .meta({ description: 'Absent: programme-wide (programme managers only)' }),
      serviceAreas: z.array(z.enum(SERVICE_AREAS)).max(SERVICE_AREAS.length).optional(),
      priorities: z.array(z.enum(PRIORITIES)).max(PRIORITIES.length).optional(),
    }),
    channel: ChannelSchema,
    createdAt: InstantSchema,
    expiresAt: InstantSchema.meta({ description: 'When it stops hearing events unless renewed (90 days after create or renew)' }),
    status: z
      .enum(['active', 'expired', 'disabled'])
      .meta({ description: '`expired` and `disabled` subscriptions hear nothing; `disabled`: stopped by a programme manager' }),
    disabledAt: InstantSchema.optional(),
    disabledBy: z
      .object({ sub: z.string().max(SUB_MAX), org: z.string().max(ID_MAX) })
      .optional()
      .meta({ description: 'The programme manager who disabled it' }),
    ownerSub: z
      .string()
      .max(SUB_MAX)
      .optional()
      .meta({ description: 'Whose it is: in programme managers’ oversight (scope=all, disable) only' }),
    ownerOrg: z.string().max(ID_MAX).optional().meta({ description: 'The owner’s organisation: in programme managers’ oversight only' }),
  })
  .meta({ id: 'Subscription' });

export const SubscriptionListSchema = z
  .strictObject({ items: z.array(SubscriptionSchema).max(PAGE_MAX), nextCursor: CursorSchema.optional() })
  .meta({ id: 'SubscriptionList' });

export const DELIVERY_OUTCOMES = ['delivered', 'failed', 'dead-lettered'] as const;

export const DeliverySchema = z
  .strictObject({
    eventId: z.string().max(ULID_LENGTH),
    attempt: z.number().int().min(1),
    at: InstantSchema,
    outcome: z.enum(DELIVERY_OUTCOMES),
    httpStatus: z.number().int().min(100).max(599).optional().meta({ description: 'The receiver’s HTTP status, when it answered' }),
    error: z.string().max(64).optional().meta({ description: 'A coarse reason, e.g. `timeout` or `HTTP 5xx`' }),
  })
  .meta({ id: 'Delivery' });

export const DeliveryListSchema = z
  .strictObject({ items: z.array(DeliverySchema).max(PAGE_MAX), nextCursor: CursorSchema.optional() })
  .meta({ id: 'DeliveryList' });

export const RedriveResultSchema = z
  .strictObject({
    redriven: z.number().int().min(0).max(MAX_REDRIVE).meta({ description: 'Dead-lettered deliveries queued again (attempt 1)' }),
  })
  .meta({ id: 'RedriveResult' });

export const AlertSchema = z
  .strictObject({
    id: z
      .string()
      .max(2 * ULID_LENGTH + 1)
      .meta({ description: '`<eventId>.<subscriptionId>`' }),
    eventId: z.string().max(ULID_LENGTH),
    subscriptionId: z.string().max(ULID_LENGTH),
    type: z.string().max(EVENT_TYPE_MAX),
    referralId: z.string().max(ULID_LENGTH),
    handoffId: z.string().max(ULID_LENGTH).optional(),
    summary: z.string().max(SUMMARY_MAX).meta({ description: 'One line naming organisations and codes, never personal data' }),
    createdAt: InstantSchema,
    readAt: InstantSchema.optional(),
  })
  .meta({ id: 'Alert' });

export const AlertListSchema = z
  .strictObject({ items: z.array(AlertSchema).max(PAGE_MAX), nextCursor: CursorSchema.optional() })
  .meta({ id: 'AlertList' });
