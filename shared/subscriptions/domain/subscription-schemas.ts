/**
 * zod schemas of the subscription, alert and delivery contract (DESIGN §4). Request bodies
 * are strict: unknown fields are a 400 naming them. Whether a webhook URL may be used is a
 * domain rule (422, checked by the service against the stage's policy), not a schema one.
 */
import * as z from '../../core/zod.ts';
import { EVENT_TYPES } from '../../core/event-envelope.ts';
import { PRIORITIES, SERVICE_AREAS } from '../../core/reference-data.ts';
import { documentedAs, InstantSchema, withMeta } from '../../core/schemas.ts';
import { WEBHOOK_PAYLOADS } from './subscription.ts';
import { CLOCK_TIME_PATTERN, isTimeZone, parseDigestSchedule, WEEKDAYS } from './zoned-time.ts';
import {
  CursorSchema,
  ID_MAX,
  LimitSchema,
  OrgIdSchema,
  pageOf,
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
  .check(
    z.maxLength(EVENT_TYPE_MAX, 'must be an event type such as "handoff.offered", a prefix such as "handoff.*", or "*"'),
    z.refine(isEventTypePattern, 'must be an event type such as "handoff.offered", a prefix such as "handoff.*", or "*"'),
  )
  .register(z.globalRegistry, {
    description: 'An exact event type, `referral.*`, `handoff.*`, `note.*`, or `*` for every event',
    example: 'handoff.*',
  });

const nonEmptyList = <T extends z.core.$ZodType>(item: T, max: number, what: string) =>
  z
    .array(item)
    .check(
      z.minLength(1, `must name at least one ${what} (leave it out for no restriction)`),
      z.maxLength(max, `must name at most ${max} ${what}s`),
    );

export const SubscriptionFiltersSchema = z
  .strictObject({
    orgs: z.optional(nonEmptyList(OrgIdSchema, MAX_FILTER_ORGS, 'organisation')).register(z.globalRegistry, {
      description:
        'Only events whose referral has one of these organisations among its parties. Practitioners: their own organisation only (the default)',
    }),
    serviceAreas: z.optional(nonEmptyList(z.enum(SERVICE_AREAS), SERVICE_AREAS.length, 'service area')),
    priorities: z.optional(nonEmptyList(z.enum(PRIORITIES), PRIORITIES.length, 'priority')),
  })
  .register(z.globalRegistry, { id: 'SubscriptionFilters' });

/** Smallest and largest accepted webhook secret, in characters. */
export const WEBHOOK_SECRET_MIN = 16;
export const WEBHOOK_SECRET_MAX = 256;

export const ChannelBodySchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('inbox') }),
    z.strictObject({
      type: z.literal('webhook'),
      url: z
        .string()
        .check(z.minLength(1, 'must not be empty'), z.maxLength(WEBHOOK_URL_MAX, `must be at most ${WEBHOOK_URL_MAX} characters`))
        .register(z.globalRegistry, {
          description: 'Where events are POSTed: https with a public host (the local runtime also allows http://127.0.0.1 and localhost)',
        }),
      secret: z
        .string()
        .check(
          z.minLength(WEBHOOK_SECRET_MIN, `must be at least ${WEBHOOK_SECRET_MIN} characters`),
          z.maxLength(WEBHOOK_SECRET_MAX, `must be at most ${WEBHOOK_SECRET_MAX} characters`),
        )
        .register(z.globalRegistry, { description: 'Key of the Jointly-Signature HMAC; stored encrypted and never returned' }),
      payload: z.optional(z.enum(WEBHOOK_PAYLOADS, `must be one of ${WEBHOOK_PAYLOADS.join(', ')}`)).register(z.globalRegistry, {
        description:
          '`jointly-event` (default): the event JSON. `fhir-r4-backport-id-only`: a FHIR R4 Subscriptions Backport notification ' +
          '(a history Bundle: the subscription status with the event number and the focus reference, no resource content)',
      }),
    }),
    z.strictObject({
      type: z.literal('email'),
      address: z.email('must be an e-mail address').check(z.maxLength(EMAIL_MAX, `must be at most ${EMAIL_MAX} characters`)),
    }),
  ])
  .register(z.globalRegistry, { id: 'ChannelRequest' });

/** Longest time-zone name accepted (the IANA database's longest is 32). */
const TIME_ZONE_MAX = 64;

const TimeZoneSchema = z
  .string()
  .check(
    z.maxLength(TIME_ZONE_MAX, { message: 'must be an IANA time zone such as "Europe/London"', abort: true }),
    z.refine(isTimeZone, 'must be an IANA time zone such as "Europe/London"'),
  )
  .register(z.globalRegistry, {
    description: 'An IANA time zone: clock changes (BST/GMT) follow it',
    example: 'Europe/London',
  });

const ClockTimeSchema = z
  .string()
  .check(
    z.maxLength(5, { message: 'must be a 24-hour time "HH:MM"', abort: true }),
    z.regex(CLOCK_TIME_PATTERN, 'must be a 24-hour time "HH:MM"'),
  );

export const QuietHoursSchema = z
  .strictObject({
    start: withMeta(ClockTimeSchema, { description: 'When quiet hours begin, local time', example: '20:00' }),
    end: withMeta(ClockTimeSchema, { description: 'When they end, local time; before `start` = the next day', example: '07:00' }),
    timeZone: TimeZoneSchema,
    days: z
      .optional(
        z
          .array(z.enum(WEEKDAYS, `must be one of ${WEEKDAYS.join(', ')}`))
          .check(z.minLength(1, 'must name at least one day (leave it out for every day)'), z.maxLength(WEEKDAYS.length)),
      )
      .register(z.globalRegistry, { description: 'The days quiet hours begin on; absent = every day' }),
  })
  .check(z.refine((q) => q.start !== q.end, { message: 'must differ from start', path: ['end'] }))
  .register(z.globalRegistry, {
    id: 'QuietHours',
    description:
      'Webhook and e-mail pushes are held while they last and sent, in event order, when they end; critical events still go at once',
  });

/** A digest schedule: "hourly" or "daily HH:MM". */
const DigestScheduleSchema = z
  .string()
  .check(
    z.maxLength(16, { message: 'must be "hourly" or "daily HH:MM"', abort: true }),
    z.refine((value) => parseDigestSchedule(value) !== undefined, 'must be "hourly" or "daily HH:MM"'),
  )
  .register(z.globalRegistry, { description: '`hourly`, or `daily HH:MM` (local time)', example: 'daily 08:00' });

export const DeliveryModeBodySchema = z
  .discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('immediate') }),
    z.strictObject({ mode: z.literal('digest'), schedule: DigestScheduleSchema, timeZone: TimeZoneSchema }),
  ])
  .register(z.globalRegistry, {
    id: 'DeliveryMode',
    description:
      '`immediate` (default): a push per event. `digest`: one message per window listing its events; an empty window sends nothing',
  });

const nonEmptyPatterns = nonEmptyList(EventTypePatternSchema, MAX_EVENT_TYPES, 'event type');

export const CriticalRuleSchema = z
  .strictObject({
    override: z.optional(z.boolean()).register(z.globalRegistry, {
      description:
        'Default true: `referral.overdue` and `handoff.overdue` of urgent referrals, and what `eventTypes` and `priorities` name, go at once despite quiet hours or a digest',
    }),
    eventTypes: z.optional(nonEmptyPatterns),
    priorities: z.optional(nonEmptyList(z.enum(PRIORITIES), PRIORITIES.length, 'priority')),
  })
  .register(z.globalRegistry, { id: 'CriticalRule' });

export const CreateSubscriptionBodySchema = z
  .strictObject({
    eventTypes: z
      .array(EventTypePatternSchema)
      .check(
        z.minLength(1, 'must name at least one event type'),
        z.maxLength(MAX_EVENT_TYPES, `must name at most ${MAX_EVENT_TYPES} event types`),
      ),
    filters: z.optional(SubscriptionFiltersSchema),
    channel: ChannelBodySchema,
    quietHours: z.optional(QuietHoursSchema),
    delivery: z.optional(DeliveryModeBodySchema),
    critical: z.optional(CriticalRuleSchema),
  })
  .check(
    z.refine((b) => b.channel.type !== 'inbox' || b.quietHours === undefined, {
      message: 'applies to webhook and e-mail channels only: inbox alerts are always written at once',
      path: ['quietHours'],
    }),
    z.refine((b) => b.channel.type !== 'inbox' || b.delivery?.mode !== 'digest', {
      message: 'applies to webhook and e-mail channels only: inbox alerts are always written at once',
      path: ['delivery', 'mode'],
    }),
    z.refine((b) => b.delivery?.mode !== 'digest' || b.channel.type !== 'webhook' || b.channel.payload !== 'fhir-r4-backport-id-only', {
      message: 'cannot be digest with the fhir-r4-backport-id-only payload (a notification per event)',
      path: ['delivery', 'mode'],
    }),
    z.refine((b) => b.critical === undefined || b.quietHours !== undefined || b.delivery?.mode === 'digest', {
      message: 'applies only with quietHours or a digest delivery',
      path: ['critical'],
    }),
  )
  .register(z.globalRegistry, { id: 'CreateSubscription' });
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

export const SubscriptionPageQuerySchema = z.strictObject({ limit: LimitSchema, cursor: z.optional(CursorSchema) });

/** `GET /subscriptions`: the caller's own, or (programme managers) every subscription. */
export const ListSubscriptionsQuerySchema = z.extend(SubscriptionPageQuerySchema, {
  scope: z.optional(z.enum(['own', 'all'], 'must be own or all')).register(z.globalRegistry, {
    description: '`own` (default): the caller’s subscriptions; `all`: every subscription, newest first (programme managers only, else 403)',
  }),
});

export const ListAlertsQuerySchema = z.strictObject({
  unread: z.optional(z.enum(['true', 'false'], 'must be true or false')).register(z.globalRegistry, {
    description: '`true`: unread alerts only; `false` or absent: every alert',
    ...documentedAs({ type: 'boolean' }),
  }),
  limit: LimitSchema,
  cursor: z.optional(CursorSchema),
});

/** A channel as returned: a webhook shows its URL only, never its secret. */
export const ChannelSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('inbox') }),
    z.strictObject({ type: z.literal('webhook'), url: z.string().check(z.maxLength(WEBHOOK_URL_MAX)), payload: z.enum(WEBHOOK_PAYLOADS) }),
    z.strictObject({ type: z.literal('email'), address: z.string().check(z.maxLength(EMAIL_MAX)) }),
  ])
  .register(z.globalRegistry, { id: 'Channel' });

export const SubscriptionSchema = z
  .strictObject({
    id: z.string().check(z.maxLength(ULID_LENGTH)),
    eventTypes: z.array(z.string().check(z.maxLength(EVENT_TYPE_MAX))).check(z.maxLength(MAX_EVENT_TYPES)),
    filters: z.strictObject({
      orgs: z
        .optional(z.array(z.string().check(z.maxLength(ID_MAX))).check(z.maxLength(MAX_FILTER_ORGS)))
        .register(z.globalRegistry, { description: 'Absent: programme-wide (programme managers only)' }),
      serviceAreas: z.optional(z.array(z.enum(SERVICE_AREAS)).check(z.maxLength(SERVICE_AREAS.length))),
      priorities: z.optional(z.array(z.enum(PRIORITIES)).check(z.maxLength(PRIORITIES.length))),
    }),
    channel: ChannelSchema,
    createdAt: InstantSchema,
    expiresAt: withMeta(InstantSchema, { description: 'When it stops hearing events unless renewed (90 days after create or renew)' }),
    status: z.enum(['active', 'expired', 'disabled']).register(z.globalRegistry, {
      description: '`expired` and `disabled` subscriptions hear nothing; `disabled`: stopped by a programme manager',
    }),
    quietHours: z.optional(QuietHoursSchema),
    delivery: z
      .discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('immediate') }),
        z.strictObject({
          mode: z.literal('digest'),
          schedule: z.string().check(z.maxLength(16)),
          timeZone: z.string().check(z.maxLength(TIME_ZONE_MAX)),
        }),
      ])
      .register(z.globalRegistry, { id: 'DeliveryModeView' }),
    critical: z
      .optional(
        z.strictObject({
          override: z.boolean(),
          eventTypes: z.optional(z.array(z.string().check(z.maxLength(EVENT_TYPE_MAX))).check(z.maxLength(MAX_EVENT_TYPES))),
          priorities: z.optional(z.array(z.enum(PRIORITIES)).check(z.maxLength(PRIORITIES.length))),
        }),
      )
      .register(z.globalRegistry, { description: 'With quiet hours or a digest: what still goes out at once' }),
    disabledAt: z.optional(InstantSchema),
    disabledBy: z
      .optional(z.object({ sub: z.string().check(z.maxLength(SUB_MAX)), org: z.string().check(z.maxLength(ID_MAX)) }))
      .register(z.globalRegistry, { description: 'The programme manager who disabled it' }),
    ownerSub: z
      .optional(z.string().check(z.maxLength(SUB_MAX)))
      .register(z.globalRegistry, { description: 'Whose it is: in programme managers’ oversight (scope=all, disable) only' }),
    ownerOrg: z
      .optional(z.string().check(z.maxLength(ID_MAX)))
      .register(z.globalRegistry, { description: 'The owner’s organisation: in programme managers’ oversight only' }),
  })
  .register(z.globalRegistry, { id: 'Subscription' });

export const SubscriptionListSchema = pageOf(SubscriptionSchema).register(z.globalRegistry, { id: 'SubscriptionList' });

export const DELIVERY_OUTCOMES = ['delivered', 'failed', 'dead-lettered'] as const;

export const DeliverySchema = z
  .strictObject({
    eventId: z
      .optional(z.string().check(z.maxLength(ULID_LENGTH)))
      .register(z.globalRegistry, { description: 'The event delivered (absent for a digest)' }),
    digestId: z
      .optional(z.string().check(z.maxLength(ULID_LENGTH)))
      .register(z.globalRegistry, { description: 'The digest delivered: its `Jointly-Event-Id` (absent for an event)' }),
    eventCount: z
      .optional(z.number().check(z.int(), z.gte(1)))
      .register(z.globalRegistry, { description: 'How many events the digest listed' }),
    attempt: z.number().check(z.int(), z.gte(1)),
    at: InstantSchema,
    outcome: z.enum(DELIVERY_OUTCOMES),
    httpStatus: z
      .optional(z.number().check(z.int(), z.gte(100), z.lte(599)))
      .register(z.globalRegistry, { description: 'The receiver’s HTTP status, when it answered' }),
    error: z
      .optional(z.string().check(z.maxLength(64)))
      .register(z.globalRegistry, { description: 'A coarse reason, e.g. `timeout` or `HTTP 5xx`' }),
  })
  .register(z.globalRegistry, { id: 'Delivery' });

export const DeliveryListSchema = pageOf(DeliverySchema).register(z.globalRegistry, { id: 'DeliveryList' });

export const RedriveResultSchema = z
  .strictObject({
    redriven: z
      .number()
      .check(z.int(), z.gte(0), z.lte(MAX_REDRIVE))
      .register(z.globalRegistry, { description: 'Dead-lettered deliveries queued again (attempt 1)' }),
  })
  .register(z.globalRegistry, { id: 'RedriveResult' });

export const AlertSchema = z
  .strictObject({
    id: z
      .string()
      .check(z.maxLength(2 * ULID_LENGTH + 1))
      .register(z.globalRegistry, { description: '`<eventId>.<subscriptionId>`' }),
    eventId: z.string().check(z.maxLength(ULID_LENGTH)),
    subscriptionId: z.string().check(z.maxLength(ULID_LENGTH)),
    type: z.string().check(z.maxLength(EVENT_TYPE_MAX)),
    referralId: z.string().check(z.maxLength(ULID_LENGTH)),
    handoffId: z.optional(z.string().check(z.maxLength(ULID_LENGTH))),
    summary: z
      .string()
      .check(z.maxLength(SUMMARY_MAX))
      .register(z.globalRegistry, { description: 'One line naming organisations and codes, never personal data' }),
    createdAt: InstantSchema,
    readAt: z.optional(InstantSchema),
  })
  .register(z.globalRegistry, { id: 'Alert' });

export const AlertListSchema = pageOf(AlertSchema).register(z.globalRegistry, { id: 'AlertList' });

export const PendingPushSchema = z
  .strictObject({
    eventId: z.string().check(z.maxLength(ULID_LENGTH)),
    type: z.string().check(z.maxLength(EVENT_TYPE_MAX)),
    referralId: z.string().check(z.maxLength(ULID_LENGTH)),
    handoffId: z.optional(z.string().check(z.maxLength(ULID_LENGTH))),
    summary: z.string().check(z.maxLength(SUMMARY_MAX)),
    at: withMeta(InstantSchema, { description: 'When the event happened' }),
    heldAt: withMeta(InstantSchema, { description: 'When it was held' }),
    sendAt: withMeta(InstantSchema, {
      description: 'When it goes out (its window is released by the next sweep after this, within a minute)',
    }),
    reason: z.enum(['quiet-hours', 'digest']),
  })
  .register(z.globalRegistry, { id: 'PendingPush' });

export const PendingPushListSchema = pageOf(PendingPushSchema).register(z.globalRegistry, { id: 'PendingPushList' });
