/** zod schemas of `GET /metrics/summary` (DESIGN §4): its query and its JSON answer. */
import * as z from 'zod';
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
export const DaySchema = z
  .string()
  .max(10, { message: 'must be a date YYYY-MM-DD', abort: true })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD', abort: true })
  .refine((day) => {
    const t = Date.parse(`${day}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day;
  }, 'must be a real calendar date');

export const MetricsSummaryQuerySchema = z.strictObject({
  from: DaySchema.optional().meta({ description: 'First day (UK time), inclusive. Default: 6 days before `to`' }),
  to: DaySchema.optional().meta({ description: 'Last day (UK time), inclusive; the period may cover at most 366 days. Default: today' }),
  serviceArea: z.enum(SERVICE_AREAS).optional(),
  org: OrgIdSchema.optional().meta({
    description: 'Only figures where this organisation is the sender or receiver (of a referral or a handoff)',
  }),
  groupBy: z.enum(GROUP_BY).default('serviceArea'),
  format: z.enum(['json', 'csv']).optional().meta({ description: '`csv` (or `Accept: text/csv`) answers the same figures as CSV' }),
});
export type MetricsSummaryQuery = z.output<typeof MetricsSummaryQuerySchema>;

const counts = <C extends string>(codes: readonly C[]) =>
  z.strictObject(Object.fromEntries(codes.map((code) => [code, z.number().int()])) as Record<C, z.ZodNumber>);
const rate = z.number().min(0).max(1).nullable();

const DurationSchema = z
  .strictObject({
    count: z.number().int(),
    meanMinutes: z.number().nullable(),
    medianMinutes: z.number().nullable(),
    p90Minutes: z.number().nullable(),
  })
  .meta({
    id: 'DurationFigures',
    description:
      'From fixed histogram buckets: median and p90 are interpolated inside the bucket holding them, so they are exact to that bucket (≤ 5 min wide below 10 min, ≤ half its lower bound above); the mean is exact',
  });

export const MetricFiguresSchema = z
  .strictObject({
    referrals: z
      .number()
      .int()
      .meta({ description: 'Referrals submitted in the period, attributed to their current receiver and priority' }),
    byStatus: counts(REFERRAL_STATUSES),
    accepted: z.number().int(),
    acceptedWithinTarget: z
      .number()
      .int()
      .meta({ description: 'Accepted at or before their due time (the priority’s target, paused while information was awaited)' }),
    acceptedWithinTargetRate: rate,
    timeToAccept: DurationSchema.meta({ description: 'Submission to acceptance' }),
    timeToComplete: DurationSchema.meta({ description: 'Submission to completion' }),
    completedByOutcome: counts(OUTCOME_CODES),
    admissionAvoidedRate: rate.meta({ description: 'Share of completions ending admission-avoided (crisis prevention)' }),
    declinedByReason: counts(DECLINE_REASON_CODES),
    cancelledByReason: counts(CANCEL_REASON_CODES),
    overdue: z.number().int().meta({ description: 'referral.overdue breaches' }),
    infoRequests: z.number().int(),
    infoRequestsPerReferral: z.number().nullable(),
    amendments: z.number().int(),
    redirects: z.number().int(),
    handoffs: z.strictObject({
      offered: z.number().int(),
      accepted: z.number().int(),
      declined: z.number().int(),
      withdrawn: z.number().int(),
      open: z.number().int(),
      overdue: z.number().int(),
      timeToAccept: DurationSchema.meta({ description: 'Offer to acceptance' }),
      declinedByReason: counts(DECLINE_REASON_CODES),
    }),
  })
  .meta({ id: 'MetricFigures' });

const GroupKeySchema = z.union([
  z.strictObject({ serviceArea: z.enum(SERVICE_AREAS) }),
  z.strictObject({ day: z.string().max(10) }),
  z.strictObject({ fromOrg: z.string().max(ID_MAX), toOrg: z.string().max(ID_MAX) }),
  z.strictObject({ priority: z.enum(PRIORITIES) }),
]);

/** Most groups an answer can hold: a day each of the longest period, or every pair of organisations. */
const GROUPS_MAX = Math.max(MAX_SUMMARY_DAYS, ORGANISATIONS.length ** 2, SERVICE_AREAS.length, PRIORITIES.length);

export const MetricsSummarySchema = z
  .strictObject({
    from: z.string().max(10),
    to: z.string().max(10),
    groupBy: z.enum(GROUP_BY),
    serviceArea: z.enum(SERVICE_AREAS).optional(),
    org: z.string().max(ID_MAX).optional(),
    attribution: z.strictObject({
      referrals: z.literal(ATTRIBUTION.referrals),
      handoffs: z.literal(ATTRIBUTION.handoffs),
    }),
    groups: z.array(z.strictObject({ key: GroupKeySchema, figures: MetricFiguresSchema })).max(GROUPS_MAX),
    total: MetricFiguresSchema,
  })
  .meta({ id: 'MetricsSummary' });
export type MetricsSummary = z.infer<typeof MetricsSummarySchema>;
