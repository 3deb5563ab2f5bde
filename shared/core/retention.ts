/**
 * How long records are kept (docs/records-retention.md): the retention rule of each record
 * type that Jointly disposes of by itself, as ISO 8601 durations, and the arithmetic on them.
 *
 * Pure: no clock, no I/O. The stage config holds the deployed values; every function reads
 * them from `JOINTLY_RETENTION` (shared/platform/config/runtime-config.ts).
 */
import * as z from './zod.ts';

/** `P8Y`, `P1Y6M`, `P30D`, `P2W`, `PT12H`, `PT10S`: years, months, weeks, days, hours, minutes, seconds. */
export const ISO_DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** What a bad duration is told. */
export const ISO_DURATION_MESSAGE = 'must be an ISO 8601 duration of whole units, such as P8Y, P30D or PT10S';

/** An ISO 8601 duration of whole units, such as `P8Y` or `PT10S`. */
export const IsoDurationSchema = z.string().check(z.regex(ISO_DURATION, ISO_DURATION_MESSAGE));

/** The longest retention a rule may set: beyond it a typo (`P800Y`) is more likely than intent. */
export const MAX_RETENTION_YEARS = 100;

/** What a retention that is zero, too long or beyond the calendar is told. */
export const RETENTION_RANGE_MESSAGE = `must be longer than zero and no longer than ${MAX_RETENTION_YEARS} years`;

/**
 * Whether an ISO 8601 duration is a retention Jointly can apply: longer than zero (a zero
 * retention would dispose of a referral as it closes), and no longer than
 * {@link MAX_RETENTION_YEARS} (so the disposal time is a real date, not `NaN`).
 */
export const isUsableRetention = (duration: string): boolean => {
  if (!ISO_DURATION.test(duration)) return false;
  const from = Date.UTC(2000, 0, 1);
  const end = addIsoDuration(new Date(from), duration).getTime();
  return Number.isFinite(end) && end > from && end <= addIsoDuration(new Date(from), `P${MAX_RETENTION_YEARS}Y`).getTime();
};

/** The retention rules a stage sets; a rule for a record type it does not know is refused (a typo would fall back to the default). */
export const RetentionPolicySchema = z.strictObject({
  /**
   * A closed referral (completed, declined or cancelled) with its events, notes, handoffs and
   * access log: kept this long after its last activity, then disposed of.
   */
  closedReferral: z._default(IsoDurationSchema.check(z.refine(isUsableRetention, RETENTION_RANGE_MESSAGE)), 'P8Y'),
});
export type RetentionPolicy = z.infer<typeof RetentionPolicySchema>;

/** The rules when a stage sets none: the NHS Records Management Code's 8 years for adult care records. */
export const DEFAULT_RETENTION: RetentionPolicy = { closedReferral: 'P8Y' };

/** Thrown for a duration that is not an ISO 8601 duration of whole units. */
export class InvalidDurationError extends Error {
  override name = 'InvalidDurationError';
}

/**
 * `start` plus `duration`, calendar-aware: years and months move the date (29 February plus
 * one year is 1 March, as JavaScript's UTC calendar does), the rest are fixed lengths.
 */
export const addIsoDuration = (start: Date, duration: string): Date => {
  const match = ISO_DURATION.exec(duration);
  if (!match) throw new InvalidDurationError(`${duration} is not an ISO 8601 duration of whole units.`);
  const [years, months, weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const end = new Date(start.getTime());
  end.setUTCFullYear(end.getUTCFullYear() + years, end.getUTCMonth() + months);
  return new Date(end.getTime() + ((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000);
};

/** The epoch second (DynamoDB's TTL unit) at which a record last active at `lastActivity` is due for disposal. */
export const disposalEpochSeconds = (lastActivity: string, duration: string): number =>
  Math.ceil(addIsoDuration(new Date(lastActivity), duration).getTime() / 1000);

/**
 * Whether a record carrying the TTL attribute `expiresAt` (epoch seconds) is past it. DynamoDB
 * deletes expired items in the background, typically within a few days, so every read treats
 * an expired record as gone already.
 */
export const isPastRetention = (expiresAt: unknown, now: Date): boolean =>
  typeof expiresAt === 'number' && expiresAt * 1000 <= now.getTime();
