/** zod schemas of `GET /metrics/summary` (DESIGN §4): its query and its JSON answer. */
import * as z from '../../core/zod.ts';
import { withMeta } from '../../core/schemas.ts';
import { ORGANISATIONS } from '../../core/organisations.ts';
import { GROUP_BY } from './summary.ts';
import { ATTRIBUTION, MAX_SUMMARY_DAYS } from './metrics-service.ts';
import {
  CANCEL_REASON_CODES,
  DECLINE_REASON_CODES,
  OUTCOME_CODES,
  PRIORITIES,
  REFERRAL_STATUSES,
  SERVICE_AREAS,
} from '../../core/reference-data.ts';
import { ID_MAX, OrgIdSchema } from '../../referrals/domain/referral-schemas.ts';

/** A calendar date `YYYY-MM-DD` (UK reporting days) that exists. */
export const DaySchema = z.string().check(
  z.maxLength(10, { message: 'must be a date YYYY-MM-DD', abort: true }),
  z.regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD', abort: true }),
  z.refine((day) => {
    const t = Date.parse(`${day}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day;
  }, 'must be a real calendar date'),
);

export const MetricsSummaryQuerySchema = z.strictObject({
  from: z.optional(DaySchema).register(z.globalRegistry, { description: 'First day (UK time), inclusive. Default: 6 days before `to`' }),
  to: z
    .optional(DaySchema)
    .register(z.globalRegistry, { description: 'Last day (UK time), inclusive; the period may cover at most 366 days. Default: today' }),
  serviceArea: z.optional(z.enum(SERVICE_AREAS)),
  org: z.optional(OrgIdSchema).register(z.globalRegistry, {
    description: 'Only figures where this organisation is the sender or receiver (of a referral or a handoff)',
  }),
  groupBy: z._default(z.enum(GROUP_BY), 'serviceArea'),
  format: z
    .optional(z.enum(['json', 'csv']))
    .register(z.globalRegistry, { description: '`csv` (or `Accept: text/csv`) answers the same figures as CSV' }),
});
export type MetricsSummaryQuery = z.output<typeof MetricsSummaryQuerySchema>;

/** A whole number. */
const count = () => z.number().check(z.int());

const counts = <C extends string>(codes: readonly C[]) =>
  z.strictObject(Object.fromEntries(codes.map((code) => [code, count()])) as Record<C, ReturnType<typeof count>>);
const rate = z.nullable(z.number().check(z.gte(0), z.lte(1)));

const DurationSchema = z
  .strictObject({
    count: count(),
    meanMinutes: z.nullable(z.number()),
    medianMinutes: z.nullable(z.number()),
    p90Minutes: z.nullable(z.number()),
  })
  .register(z.globalRegistry, {
    id: 'DurationFigures',
    description:
      'From fixed histogram buckets: median and p90 are interpolated inside the bucket holding them, so they are exact to that bucket (≤ 5 min wide below 10 min, ≤ half its lower bound above); the mean is exact',
  });

export const MetricFiguresSchema = z
  .strictObject({
    referrals: count().register(z.globalRegistry, {
      description: 'Referrals submitted in the period, attributed to their current receiver and priority',
    }),
    byStatus: counts(REFERRAL_STATUSES),
    accepted: count(),
    acceptedWithinTarget: count().register(z.globalRegistry, {
      description: 'Accepted at or before their due time (the priority’s target, paused while information was awaited)',
    }),
    acceptedWithinTargetRate: rate,
    timeToAccept: withMeta(DurationSchema, { description: 'Submission to acceptance' }),
    timeToComplete: withMeta(DurationSchema, { description: 'Submission to completion' }),
    completedByOutcome: counts(OUTCOME_CODES),
    admissionAvoidedRate: withMeta(rate, { description: 'Share of completions ending admission-avoided (crisis prevention)' }),
    declinedByReason: counts(DECLINE_REASON_CODES),
    cancelledByReason: counts(CANCEL_REASON_CODES),
    overdue: count().register(z.globalRegistry, { description: 'referral.overdue breaches' }),
    infoRequests: count(),
    infoRequestsPerReferral: z.nullable(z.number()),
    amendments: count(),
    redirects: count(),
    handoffs: z.strictObject({
      offered: count(),
      accepted: count(),
      declined: count(),
      withdrawn: count(),
      open: count(),
      overdue: count(),
      timeToAccept: withMeta(DurationSchema, { description: 'Offer to acceptance' }),
      declinedByReason: counts(DECLINE_REASON_CODES),
    }),
  })
  .register(z.globalRegistry, { id: 'MetricFigures' });

const GroupKeySchema = z.union([
  z.strictObject({ serviceArea: z.enum(SERVICE_AREAS) }),
  z.strictObject({ day: z.string().check(z.maxLength(10)) }),
  z.strictObject({ fromOrg: z.string().check(z.maxLength(ID_MAX)), toOrg: z.string().check(z.maxLength(ID_MAX)) }),
  z.strictObject({ priority: z.enum(PRIORITIES) }),
]);

/** Most groups an answer can hold: a day each of the longest period, or every pair of organisations. */
const GROUPS_MAX = Math.max(MAX_SUMMARY_DAYS, ORGANISATIONS.length ** 2, SERVICE_AREAS.length, PRIORITIES.length);

export const MetricsSummarySchema = z
  .strictObject({
    from: z.string().check(z.maxLength(10)),
    to: z.string().check(z.maxLength(10)),
    groupBy: z.enum(GROUP_BY),
    serviceArea: z.optional(z.enum(SERVICE_AREAS)),
    org: z.optional(z.string().check(z.maxLength(ID_MAX))),
    attribution: z.strictObject({
      referrals: z.literal(ATTRIBUTION.referrals),
      handoffs: z.literal(ATTRIBUTION.handoffs),
    }),
    groups: z.array(z.strictObject({ key: GroupKeySchema, figures: MetricFiguresSchema })).check(z.maxLength(GROUPS_MAX)),
    total: MetricFiguresSchema,
  })
  .register(z.globalRegistry, { id: 'MetricsSummary' });
export type MetricsSummary = z.infer<typeof MetricsSummarySchema>;
