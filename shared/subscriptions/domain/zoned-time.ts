/**
 * Wall-clock time in named time zones, for subscription quiet hours and digest schedules.
 * Pure: only `Intl.DateTimeFormat` (Temporal is not available in the runtime), so every
 * local ↔ instant conversion goes through the zone's UTC offset, read back from a formatter.
 *
 * Local → instant is ambiguous twice a year: a spring-forward gap has wall times that never
 * occur, a fall-back overlap has wall times that occur twice. {@link instantAt} resolves them
 * the way Temporal's "compatible" disambiguation does, and everything else here (quiet
 * periods, daily digests) is built on it so the rules hold in one place.
 */

/** Days of the week as subscriptions name them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A 24-hour wall-clock time "HH:MM", 00:00–23:59. */
export const CLOCK_TIME_PATTERN: RegExp = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Whether `value` is a clock time "HH:MM" (two digits each, 00:00–23:59). */
export const isClockTime = (value: string): boolean => CLOCK_TIME_PATTERN.test(value);

/**
 * Minutes after midnight of a clock time ("07:30" → 450).
 *
 * @throws RangeError when `value` is not a clock time (callers validate first; a bad value
 * here is a bug, and a silent NaN would make every comparison false).
 */
export const minutesOfClock = (value: string): number => {
  if (!isClockTime(value)) throw new RangeError(`Not a clock time (HH:MM): ${JSON.stringify(value)}`);
  return Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5));
};

/**
 * `Intl` also accepts numeric offsets ("+01:00", "-0500"), which are not zones (no clock
 * changes); the pattern keeps to tz database name syntax.
 */
const ZONE_NAME_PATTERN = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/;

/**
 * Whether `name` is an IANA time zone this runtime knows ("Europe/London", "UTC",
 * "America/New_York"); offsets like "+01:00", abbreviations like "BST", "" and garbage are not.
 *
 * Only Area/Location names and "UTC" are taken: ICU also knows slashless Java-era aliases that
 * read as abbreviations but mean something else ("BST" is Asia/Dhaka, "IST" Asia/Kolkata), and
 * "SystemV/…" names that are not in the tz database at all. The slashless legacy links the tz
 * database does have ("GB", "EST", "Japan") are deprecated, so nothing is lost by refusing them.
 */
export const isTimeZone = (name: string): boolean => {
  if (!ZONE_NAME_PATTERN.test(name)) return false;
  const isAreaLocation = name.includes('/') && !/^SystemV\//i.test(name);
  if (!isAreaLocation && name.toUpperCase() !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
};

/** A calendar date in some time zone. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Formatters are costly to build and every conversion needs one; zones in use are few. */
const formatters = new Map<string, Intl.DateTimeFormat>();
/** A bound on the cache, since zone names can come from requests (case variants are distinct keys). */
const MAX_CACHED_FORMATTERS = 1000;

const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    // h23: some locales and ICU versions show midnight as "24" with the default hour cycle.
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (formatters.size >= MAX_CACHED_FORMATTERS) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** Milliseconds since the epoch of a date and a time of day, read as UTC (so a wall clock can be compared with instants). */
const utcMsOf = (date: LocalDate, msOfDay = 0): number => {
  // setUTCFullYear rather than Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const start = new Date(0);
  start.setUTCFullYear(date.year, date.month - 1, date.day);
  return start.getTime() + msOfDay;
};

/** The wall clock in `timeZone` at `ms` (whole seconds: tz offsets are whole seconds), as if it were UTC. */
const wallClockMsAt = (ms: number, timeZone: string): number => {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  return utcMsOf(fields, ((fields.hour * 60 + fields.minute) * 60 + fields.second) * 1000);
};

/** The zone's UTC offset in force at `ms` (positive east of Greenwich). */
const offsetAt = (ms: number, timeZone: string): number => wallClockMsAt(ms, timeZone) - Math.floor(ms / 1000) * 1000;

const dateOfUtcMs = (ms: number): LocalDate => {
  const date = new Date(ms);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
};

/**
 * The calendar date the wall clock in `timeZone` shows at `instant`.
 *
 * @throws RangeError for an invalid date or an unknown time zone.
 */
export const localDateOf = (instant: Date, timeZone: string): LocalDate => dateOfUtcMs(wallClockMsAt(instant.getTime(), timeZone));

/** The day of the week of a calendar date (the same in every zone). */
export const weekdayOf = (date: LocalDate): Weekday => {
  // getUTCDay counts from Sunday; WEEKDAYS from Monday.
  const index = (new Date(utcMsOf(date)).getUTCDay() + 6) % 7;
  return WEEKDAYS[index] as Weekday;
};

/** The calendar date `days` days after `date` (before it when negative), across month and year ends. */
export const addDays = (date: LocalDate, days: number): LocalDate => dateOfUtcMs(utcMsOf(date) + days * DAY_MS);

/**
 * The instant at which the wall clock in `timeZone` shows `minutes` after midnight on `date`.
 * In a spring-forward gap (a wall time that does not exist), the instant as far after the gap's
 * start as the wall time is after it (Europe/London 2027-03-28 01:30 → 01:30 UTC = 02:30 BST),
 * like Temporal's "compatible" disambiguation; in a fall-back overlap (a wall time that occurs
 * twice), the earlier instant.
 *
 * @throws RangeError for an unknown time zone.
 */
export const instantAt = (date: LocalDate, minutes: number, timeZone: string): Date => {
  const wall = utcMsOf(date, minutes * MINUTE_MS);
  // Assumes a zone changes offset at most once in two days (as Temporal's polyfill does): then
  // the offsets a day either side are the only ones the wall time can be under.
  const offsetBefore = offsetAt(wall - DAY_MS, timeZone);
  const offsetAfter = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter(
    (ms) => wallClockMsAt(ms, timeZone) === Math.floor(wall / 1000) * 1000,
  );
  if (candidates.length === 0) {
    // A gap: mapping with the offset before the gap lands after it, by as much as the wall time is into it.
    return new Date(wall - offsetBefore);
  }
  return new Date(Math.min(...candidates));
};

/** Quiet hours: from `start` to `end` local time; `start` > `end` spans midnight (ending the next day). */
export interface QuietHours {
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  readonly days?: readonly Weekday[];
}

/**
 * The quiet period containing `instant` (start ≤ instant < end), if any. A period begins at
 * `start` on each local day listed in `days` (every day when absent) and ends at `end`
 * the same day, or the next day when it spans midnight. Boundaries are computed with
 * `instantAt`, so they follow the zone's clock changes (a 20:00–07:00 period on a
 * changeover night is 10 or 12 hours long, not 11). `start` equal to `end` is an empty
 * period (never quiet), not a whole day.
 *
 * @throws RangeError when `start` or `end` is not a clock time, or the zone is unknown.
 */
export const quietPeriodAt = (quiet: QuietHours, instant: Date): { readonly start: Date; readonly end: Date } | undefined => {
  const startMinutes = minutesOfClock(quiet.start);
  const endMinutes = minutesOfClock(quiet.end);
  const spansMidnight = startMinutes > endMinutes;
  const ms = instant.getTime();
  const today = localDateOf(instant, quiet.timeZone);
  // Only a period begun yesterday (spanning midnight) or today can hold the instant.
  for (const offset of [-1, 0]) {
    const day = addDays(today, offset);
    if (quiet.days !== undefined && !quiet.days.includes(weekdayOf(day))) continue;
    const start = instantAt(day, startMinutes, quiet.timeZone);
    const end = instantAt(spansMidnight ? addDays(day, 1) : day, endMinutes, quiet.timeZone);
    if (start.getTime() <= ms && ms < end.getTime()) return { start, end };
  }
  return undefined;
};

/** When digests go out. */
export type DigestSchedule = { readonly kind: 'hourly' } | { readonly kind: 'daily'; readonly minutes: number };

const DAILY_SCHEDULE_PATTERN = /^daily (([01]\d|2[0-3]):[0-5]\d)$/;

/** "hourly" or "daily HH:MM" (one space), else undefined. */
export const parseDigestSchedule = (value: string): DigestSchedule | undefined => {
  if (value === 'hourly') return { kind: 'hourly' };
  const clock = DAILY_SCHEDULE_PATTERN.exec(value)?.[1];
  return clock === undefined ? undefined : { kind: 'daily', minutes: minutesOfClock(clock) };
};

/** The first instant after `ms` at which the local clock shows minute 0 (and second 0). */
const nextLocalHour = (ms: number, timeZone: string): number => {
  let from = ms;
  for (;;) {
    const offset = offsetAt(from, timeZone);
    // The next whole local hour strictly after `from`, if the offset holds until then.
    const candidate = Math.floor((from + offset) / HOUR_MS) * HOUR_MS + HOUR_MS - offset;
    if (offsetAt(candidate, timeZone) === offset) return candidate;
    // The offset changes before the candidate: find the change (offsets change on whole
    // seconds, so halving down to 1 ms lands on it exactly) and carry on from there.
    let unchanged = from;
    let changed = candidate;
    while (changed - unchanged > 1) {
      const middle = Math.floor((unchanged + changed) / 2);
      if (offsetAt(middle, timeZone) === offset) unchanged = middle;
      else changed = middle;
    }
    // The clock may land on a whole hour at the change itself (Europe/London: 01:00 GMT → 02:00 BST).
    if ((changed + offsetAt(changed, timeZone)) % HOUR_MS === 0) return changed;
    from = changed;
  }
};

/**
 * The first digest slot strictly after `instant`: hourly → the next instant at which the
 * local clock in `timeZone` shows minute 0 (also right for zones with half-hour offsets,
 * e.g. Asia/Kolkata); daily → the next local HH:MM (via instantAt, so a time inside a
 * spring-forward gap resolves as instantAt says).
 *
 * @throws RangeError for an unknown time zone.
 */
export const nextDigestSlot = (schedule: DigestSchedule, timeZone: string, instant: Date): Date => {
  const ms = instant.getTime();
  if (schedule.kind === 'hourly') return new Date(nextLocalHour(ms, timeZone));
  let day = localDateOf(instant, timeZone);
  // Today's slot if it is still to come, else tomorrow's; the loop only guards odd zones.
  for (;;) {
    const slot = instantAt(day, schedule.minutes, timeZone);
    if (slot.getTime() > ms) return slot;
    day = addDays(day, 1);
  }
};
