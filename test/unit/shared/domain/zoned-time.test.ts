/**
 * Wall-clock time in named zones (shared/subscriptions/domain/zoned-time.ts): clock times,
 * zone names, local ↔ instant conversion, quiet periods and digest slots, with the 2027
 * Europe/London changeovers as the hard cases (forward 2027-03-28 01:00 GMT → 02:00 BST,
 * back 2027-10-31 02:00 BST → 01:00 GMT). Expected instants are worked out by hand from
 * those rules; local clocks in assertions are read with a formatter of the test's own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  CLOCK_TIME_PATTERN,
  instantAt,
  isClockTime,
  isTimeZone,
  localDateOf,
  minutesOfClock,
  nextDigestSlot,
  parseDigestSchedule,
  quietPeriodAt,
  WEEKDAYS,
  weekdayOf,
  type DigestSchedule,
  type QuietHours,
  type Weekday,
} from '#shared/subscriptions/domain/zoned-time.ts';

const LONDON = 'Europe/London';
const HOUR = 3_600_000;

const at = (iso: string): Date => new Date(iso);

const clockFormatters = new Map<string, Intl.DateTimeFormat>();
/** The local wall clock "HH:MM" in `timeZone` at `instant`, read independently of the module. */
const localClock = (instant: Date, timeZone: string): string => {
  let formatter = clockFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });
    clockFormatters.set(timeZone, formatter);
  }
  return formatter.format(instant);
};

/** Minutes after midnight on the local wall clock in `timeZone` at `ms`. */
const localMinutes = (ms: number, timeZone: string): number => {
  const [hours, minutes] = localClock(new Date(ms), timeZone).split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
};

/** The London UTC offset in minutes at `ms` (0 in GMT, 60 in BST), from the test's own formatter. */
const londonOffsetMinutes = (ms: number): number => {
  const utc = new Date(ms);
  return (localMinutes(ms, LONDON) - (utc.getUTCHours() * 60 + utc.getUTCMinutes()) + 1440) % 1440;
};

const clockOf = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Follows `nextDigestSlot` `count` times from `from`. */
const slotsAfter = (schedule: DigestSchedule, timeZone: string, from: string, count: number): Date[] => {
  const slots: Date[] = [];
  let instant = at(from);
  for (let i = 0; i < count; i++) {
    instant = nextDigestSlot(schedule, timeZone, instant);
    slots.push(instant);
  }
  return slots;
};

describe('clock times', () => {
  it.each(['00:00', '07:30', '12:00', '19:59', '23:59'])('accepts %s', (value) => {
    // Prepare
    const candidate = value;

    // Act
    const valid = isClockTime(candidate);

    // Assess
    expect(valid).toBe(true);
    expect(CLOCK_TIME_PATTERN.test(candidate)).toBe(true);
  });

  it.each([
    { value: '24:00', why: 'hour 24' },
    { value: '07:60', why: 'minute 60' },
    { value: '7:30', why: 'a one-digit hour' },
    { value: '07:3', why: 'a one-digit minute' },
    { value: '0730', why: 'no colon' },
    { value: '07:30:00', why: 'seconds' },
    { value: ' 07:30', why: 'a leading space' },
    { value: '07:30\n', why: 'a trailing newline' },
    { value: '０７:３０', why: 'full-width digits' },
    { value: '', why: 'the empty string' },
  ])('rejects $why', ({ value }) => {
    // Prepare
    const candidate = value;

    // Act
    const valid = isClockTime(candidate);

    // Assess
    expect(valid).toBe(false);
  });

  it('gives minutes after midnight, and refuses a value that is not a clock time', () => {
    // Prepare
    const values = ['00:00', '07:30', '12:00', '23:59'];

    // Act
    const minutes = values.map(minutesOfClock);

    // Assess
    expect(minutes).toEqual([0, 450, 720, 1439]);
    expect(() => minutesOfClock('24:00')).toThrow(RangeError);
    expect(() => minutesOfClock('7:30')).toThrow(RangeError);
  });
});

describe('isTimeZone', () => {
  it.each(['Europe/London', 'UTC', 'America/New_York', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires', 'America/Port-au-Prince'])(
    'accepts the IANA zone %s',
    (name) => {
      // Prepare
      const candidate = name;

      // Act
      const known = isTimeZone(candidate);

      // Assess
      expect(known).toBe(true);
    },
  );

  it.each([
    { name: '+01:00', why: 'an offset with a colon' },
    { name: '-0500', why: 'an offset without a colon' },
    { name: 'BST', why: 'an abbreviation (ICU reads it as Asia/Dhaka)' },
    { name: 'IST', why: 'an abbreviation ICU knows as an alias' },
    { name: '', why: 'the empty string' },
    { name: 'Mars/Olympus', why: 'a well-formed name no zone has' },
    { name: 'Europe/London ', why: 'a known name with a trailing space' },
    { name: 'Europe//London', why: 'an empty path segment' },
    { name: 'SystemV/AST4', why: 'an ICU-only name outside the tz database' },
    { name: 'not a zone', why: 'garbage' },
  ])('rejects $why', ({ name }) => {
    // Prepare
    const candidate = name;

    // Act
    const known = isTimeZone(candidate);

    // Assess
    expect(known).toBe(false);
  });
});

describe('calendar dates', () => {
  it('reads the local date of an instant in the zone, not in UTC', () => {
    // Prepare: 23:30 UTC on 1 July is 00:30 BST on 2 July and 19:30 EDT on 1 July
    const instant = at('2027-07-01T23:30:00Z');

    // Act
    const inLondon = localDateOf(instant, LONDON);
    const inNewYork = localDateOf(instant, 'America/New_York');

    // Assess
    expect(inLondon).toEqual({ year: 2027, month: 7, day: 2 });
    expect(inNewYork).toEqual({ year: 2027, month: 7, day: 1 });
  });

  it('names the weekday of a date', () => {
    // Prepare
    const dates = [
      { year: 2027, month: 1, day: 11 },
      { year: 2027, month: 1, day: 15 },
      { year: 2027, month: 3, day: 27 },
      { year: 2027, month: 3, day: 28 },
      { year: 2028, month: 2, day: 29 },
    ];

    // Act
    const weekdays = dates.map(weekdayOf);

    // Assess
    expect(weekdays).toEqual(['mon', 'fri', 'sat', 'sun', 'tue']);
  });

  it('adds days across month ends, year ends and leap days, and subtracts with a negative count', () => {
    // Prepare
    const endOfYear = { year: 2027, month: 12, day: 31 };
    const beforeLeapDay = { year: 2028, month: 2, day: 28 };

    // Act
    const nextYear = addDays(endOfYear, 1);
    const leapDay = addDays(beforeLeapDay, 1);
    const marchFirst = addDays(beforeLeapDay, 2);
    const back = addDays({ year: 2027, month: 3, day: 1 }, -1);

    // Assess
    expect(nextYear).toEqual({ year: 2028, month: 1, day: 1 });
    expect(leapDay).toEqual({ year: 2028, month: 2, day: 29 });
    expect(marchFirst).toEqual({ year: 2028, month: 3, day: 1 });
    expect(back).toEqual({ year: 2027, month: 2, day: 28 });
  });
});

describe('instantAt', () => {
  it('maps a winter day in London at GMT (UTC+0)', () => {
    // Prepare
    const date = { year: 2027, month: 1, day: 15 };

    // Act
    const eight = instantAt(date, 8 * 60, LONDON);
    const midnight = instantAt(date, 0, LONDON);

    // Assess
    expect(eight.toISOString()).toBe('2027-01-15T08:00:00.000Z');
    expect(midnight.toISOString()).toBe('2027-01-15T00:00:00.000Z');
  });

  it('maps a summer day in London at BST (UTC+1)', () => {
    // Prepare
    const date = { year: 2027, month: 7, day: 1 };

    // Act
    const eight = instantAt(date, 8 * 60, LONDON);
    const midnight = instantAt(date, 0, LONDON);

    // Assess
    expect(eight.toISOString()).toBe('2027-07-01T07:00:00.000Z');
    expect(midnight.toISOString()).toBe('2027-06-30T23:00:00.000Z');
  });

  it('maps zones west of Greenwich and with half-hour offsets', () => {
    // Prepare
    const date = { year: 2027, month: 1, day: 15 };

    // Act
    const newYork = instantAt(date, 8 * 60, 'America/New_York');
    const kolkata = instantAt(date, 8 * 60, 'Asia/Kolkata');
    const utc = instantAt(date, 8 * 60, 'UTC');

    // Assess
    expect(newYork.toISOString()).toBe('2027-01-15T13:00:00.000Z');
    expect(kolkata.toISOString()).toBe('2027-01-15T02:30:00.000Z');
    expect(utc.toISOString()).toBe('2027-01-15T08:00:00.000Z');
  });

  it('moves a wall time in the spring-forward gap forward by its distance into the gap (London 28 March 2027)', () => {
    // Prepare: 01:00–01:59 do not exist; 01:30 is 30 minutes into the gap, so 02:30 BST
    const date = { year: 2027, month: 3, day: 28 };

    // Act
    const gap = instantAt(date, 90, LONDON);
    const gapStart = instantAt(date, 60, LONDON);
    const beforeGap = instantAt(date, 59, LONDON);
    const afterGap = instantAt(date, 120, LONDON);

    // Assess
    expect(gap.toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect(localClock(gap, LONDON)).toBe('02:30');
    expect(gapStart.toISOString()).toBe('2027-03-28T01:00:00.000Z');
    expect(beforeGap.toISOString()).toBe('2027-03-28T00:59:00.000Z');
    expect(afterGap.toISOString()).toBe('2027-03-28T01:00:00.000Z');
  });

  it('takes the earlier of a doubled wall time in the fall-back overlap (London 31 October 2027)', () => {
    // Prepare: 01:00–01:59 happen twice, first in BST (00:xx UTC) then in GMT (01:xx UTC)
    const date = { year: 2027, month: 10, day: 31 };

    // Act
    const doubled = instantAt(date, 90, LONDON);
    const overlapStart = instantAt(date, 60, LONDON);
    const beforeOverlap = instantAt(date, 59, LONDON);
    const afterOverlap = instantAt(date, 120, LONDON);

    // Assess
    expect(doubled.toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(overlapStart.toISOString()).toBe('2027-10-31T00:00:00.000Z');
    expect(beforeOverlap.toISOString()).toBe('2027-10-30T23:59:00.000Z');
    expect(afterOverlap.toISOString()).toBe('2027-10-31T02:00:00.000Z');
  });

  it('resolves gaps and overlaps the same way in New York (14 March and 7 November 2027)', () => {
    // Prepare: forward at 02:00 EST → 03:00 EDT; back at 02:00 EDT → 01:00 EST
    const spring = { year: 2027, month: 3, day: 14 };
    const autumn = { year: 2027, month: 11, day: 7 };

    // Act
    const gap = instantAt(spring, 150, 'America/New_York');
    const doubled = instantAt(autumn, 90, 'America/New_York');

    // Assess
    expect(gap.toISOString()).toBe('2027-03-14T07:30:00.000Z');
    expect(localClock(gap, 'America/New_York')).toBe('03:30');
    expect(doubled.toISOString()).toBe('2027-11-07T05:30:00.000Z');
  });

  it('round-trips the local date and clock of random instants over 2026–2028 (to the minute; the earlier of a doubled hour)', () => {
    // Prepare
    const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2029, 0, 1) - 1 });
    const property = fc.property(instant, (ms) => {
      const wholeMinute = Math.floor(ms / 60_000) * 60_000;
      const back = instantAt(localDateOf(new Date(ms), LONDON), localMinutes(ms, LONDON), LONDON).getTime();
      // The second 01:xx of an autumn night maps back to the first, an hour earlier.
      return (
        back === wholeMinute || (back === wholeMinute - HOUR && localClock(new Date(back), LONDON) === localClock(new Date(ms), LONDON))
      );
    });

    // Act
    const run = () => fc.assert(property, { numRuns: 500 });

    // Assess
    expect(run).not.toThrow();
  });
});

describe('quietPeriodAt', () => {
  const overnight: QuietHours = { start: '20:00', end: '07:00', timeZone: LONDON };

  it('gives an ordinary winter night of 11 hours', () => {
    // Prepare
    const instant = at('2027-01-16T03:00:00Z');

    // Act
    const period = quietPeriodAt(overnight, instant);

    // Assess
    expect(period?.start.toISOString()).toBe('2027-01-15T20:00:00.000Z');
    expect(period?.end.toISOString()).toBe('2027-01-16T07:00:00.000Z');
  });

  it('spans the spring-forward night as 10 hours: 20:00 GMT Saturday to 07:00 BST Sunday', () => {
    // Prepare
    const expected = { start: '2027-03-27T20:00:00.000Z', end: '2027-03-28T06:00:00.000Z' };
    const inside = ['2027-03-27T20:00:00.000Z', '2027-03-28T00:59:59.999Z', '2027-03-28T01:00:00.000Z', '2027-03-28T05:59:59.999Z'];
    const outside = ['2027-03-27T19:59:59.999Z', '2027-03-28T06:00:00.000Z'];

    // Act
    const periods = inside.map((iso) => quietPeriodAt(overnight, at(iso)));
    const notQuiet = outside.map((iso) => quietPeriodAt(overnight, at(iso)));

    // Assess
    for (const period of periods) {
      expect({ start: period?.start.toISOString(), end: period?.end.toISOString() }).toEqual(expected);
    }
    expect(Date.parse(expected.end) - Date.parse(expected.start)).toBe(10 * HOUR);
    expect(notQuiet).toEqual([undefined, undefined]);
  });

  it('spans the fall-back night as 12 hours: 20:00 BST Saturday to 07:00 GMT Sunday', () => {
    // Prepare: both 01:30s (00:30 and 01:30 UTC) are inside
    const expected = { start: '2027-10-30T19:00:00.000Z', end: '2027-10-31T07:00:00.000Z' };
    const inside = ['2027-10-30T19:00:00.000Z', '2027-10-31T00:30:00.000Z', '2027-10-31T01:30:00.000Z', '2027-10-31T06:59:59.999Z'];
    const outside = ['2027-10-30T18:59:59.999Z', '2027-10-31T07:00:00.000Z'];

    // Act
    const periods = inside.map((iso) => quietPeriodAt(overnight, at(iso)));
    const notQuiet = outside.map((iso) => quietPeriodAt(overnight, at(iso)));

    // Assess
    for (const period of periods) {
      expect({ start: period?.start.toISOString(), end: period?.end.toISOString() }).toEqual(expected);
    }
    expect(Date.parse(expected.end) - Date.parse(expected.start)).toBe(12 * HOUR);
    expect(notQuiet).toEqual([undefined, undefined]);
  });

  it('gives a same-day period (12:00–14:00 BST) and nothing either side of it', () => {
    // Prepare
    const lunch: QuietHours = { start: '12:00', end: '14:00', timeZone: LONDON };

    // Act
    const during = quietPeriodAt(lunch, at('2027-07-01T12:30:00Z'));
    const atStart = quietPeriodAt(lunch, at('2027-07-01T11:00:00Z'));
    const before = quietPeriodAt(lunch, at('2027-07-01T10:59:59.999Z'));
    const atEnd = quietPeriodAt(lunch, at('2027-07-01T13:00:00Z'));

    // Assess
    expect(during?.start.toISOString()).toBe('2027-07-01T11:00:00.000Z');
    expect(during?.end.toISOString()).toBe('2027-07-01T13:00:00.000Z');
    expect(atStart).toEqual(during);
    expect(before).toBeUndefined();
    expect(atEnd).toBeUndefined();
  });

  it('treats the end instant as not quiet (the period is half-open)', () => {
    // Prepare
    const instant = at('2027-01-16T07:00:00Z');

    // Act
    const atEnd = quietPeriodAt(overnight, instant);
    const justBefore = quietPeriodAt(overnight, new Date(instant.getTime() - 1));

    // Assess
    expect(atEnd).toBeUndefined();
    expect(justBefore?.end.toISOString()).toBe('2027-01-16T07:00:00.000Z');
  });

  it('limits periods to the days they start on: a Friday night listed under "fri" covers Saturday 03:00, Saturday night does not', () => {
    // Prepare: Friday 15 January 2027, 22:00–06:00 GMT
    const fridayNights: QuietHours = { start: '22:00', end: '06:00', timeZone: LONDON, days: ['fri'] };

    // Act
    const saturdayEarly = quietPeriodAt(fridayNights, at('2027-01-16T03:00:00Z'));
    const saturdayLate = quietPeriodAt(fridayNights, at('2027-01-16T23:00:00Z'));
    const sundayEarly = quietPeriodAt(fridayNights, at('2027-01-17T03:00:00Z'));
    const fridayEarly = quietPeriodAt(fridayNights, at('2027-01-15T03:00:00Z'));
    const fridayLate = quietPeriodAt(fridayNights, at('2027-01-15T23:00:00Z'));

    // Assess
    expect(saturdayEarly?.start.toISOString()).toBe('2027-01-15T22:00:00.000Z');
    expect(saturdayEarly?.end.toISOString()).toBe('2027-01-16T06:00:00.000Z');
    expect(fridayLate).toEqual(saturdayEarly);
    expect(saturdayLate).toBeUndefined();
    expect(sundayEarly).toBeUndefined();
    expect(fridayEarly).toBeUndefined();
  });

  it('is never quiet with no days listed, or with start equal to end', () => {
    // Prepare
    const noDays: QuietHours = { ...overnight, days: [] };
    const empty: QuietHours = { start: '09:00', end: '09:00', timeZone: LONDON };

    // Act
    const withNoDays = quietPeriodAt(noDays, at('2027-01-16T03:00:00Z'));
    const withEmpty = quietPeriodAt(empty, at('2027-01-16T09:00:00Z'));

    // Assess
    expect(withNoDays).toBeUndefined();
    expect(withEmpty).toBeUndefined();
  });

  it('refuses quiet hours whose times are not clock times', () => {
    // Prepare
    const bad: QuietHours = { start: '8pm', end: '07:00', timeZone: LONDON };

    // Act
    const read = () => quietPeriodAt(bad, at('2027-01-16T03:00:00Z'));

    // Assess
    expect(read).toThrow(RangeError);
  });

  it('for random instants and quiet hours over 2026–2028: a period holds the instant, lasts at most 25 hours, and matches the wall clock away from changes', () => {
    // Prepare
    const quietHours = fc.record({
      start: fc.integer({ min: 0, max: 1439 }),
      end: fc.integer({ min: 0, max: 1439 }),
      days: fc.option(fc.subarray([...WEEKDAYS]), { nil: undefined }),
    });
    const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2029, 0, 1) - 1 });
    const property = fc.property(quietHours, instant, ({ start, end, days }, ms) => {
      const quiet: QuietHours = { start: clockOf(start), end: clockOf(end), timeZone: LONDON, ...(days === undefined ? {} : { days }) };
      const period = quietPeriodAt(quiet, new Date(ms));
      if (period !== undefined) {
        const length = period.end.getTime() - period.start.getTime();
        if (!(period.start.getTime() <= ms && ms < period.end.getTime() && length > 0 && length <= 25 * HOUR)) return false;
      }
      // Away from a clock change (same offset a day either side), quietness is plain wall-clock arithmetic.
      if (londonOffsetMinutes(ms - 26 * HOUR) !== londonOffsetMinutes(ms + 26 * HOUR)) return true;
      const now = localMinutes(ms, LONDON);
      const today = weekdayOf(localDateOf(new Date(ms), LONDON));
      const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(today) + 6) % 7] as Weekday;
      const listed = (day: Weekday) => days === undefined || days.includes(day);
      const expected =
        start < end
          ? listed(today) && start <= now && now < end
          : start > end && ((listed(today) && now >= start) || (listed(yesterday) && now < end));
      return (period !== undefined) === expected;
    });

    // Act
    const run = () => fc.assert(property, { numRuns: 1000 });

    // Assess
    expect(run).not.toThrow();
  });
});

describe('parseDigestSchedule', () => {
  it('reads "hourly" and "daily HH:MM"', () => {
    // Prepare
    const values = ['hourly', 'daily 08:00', 'daily 00:00', 'daily 23:59'];

    // Act
    const schedules = values.map(parseDigestSchedule);

    // Assess
    expect(schedules).toEqual([
      { kind: 'hourly' },
      { kind: 'daily', minutes: 480 },
      { kind: 'daily', minutes: 0 },
      { kind: 'daily', minutes: 1439 },
    ]);
  });

  it.each([
    '',
    'Hourly',
    'hourly ',
    ' hourly',
    'daily',
    'daily 8:00',
    'daily 24:00',
    'daily  08:00',
    'daily\t08:00',
    'Daily 08:00',
    'daily 08:00 ',
    'weekly mon',
  ])('rejects %j', (value) => {
    // Prepare
    const candidate = value;

    // Act
    const schedule = parseDigestSchedule(candidate);

    // Assess
    expect(schedule).toBeUndefined();
  });
});

describe('nextDigestSlot', () => {
  const hourly: DigestSchedule = { kind: 'hourly' };
  const dailyAtEight: DigestSchedule = { kind: 'daily', minutes: 8 * 60 };

  it('hourly in London: the next whole hour, in winter and in summer', () => {
    // Prepare
    const winter = at('2027-01-15T10:10:00Z');
    const summer = at('2027-07-01T10:10:00Z');

    // Act
    const winterSlot = nextDigestSlot(hourly, LONDON, winter);
    const summerSlot = nextDigestSlot(hourly, LONDON, summer);

    // Assess
    expect(winterSlot.toISOString()).toBe('2027-01-15T11:00:00.000Z');
    expect(summerSlot.toISOString()).toBe('2027-07-01T11:00:00.000Z');
  });

  it('hourly in Asia/Kolkata (UTC+5:30): the local whole hour, which is half past in UTC', () => {
    // Prepare: 10:10 UTC is 15:40 IST
    const instant = at('2027-01-15T10:10:00Z');

    // Act
    const slot = nextDigestSlot(hourly, 'Asia/Kolkata', instant);

    // Assess
    expect(slot.toISOString()).toBe('2027-01-15T10:30:00.000Z');
    expect(localClock(slot, 'Asia/Kolkata')).toBe('16:00');
  });

  it('hourly in Asia/Kathmandu (UTC+5:45): the local whole hour, at quarter past in UTC', () => {
    // Prepare: 10:10 UTC is 15:55 NPT
    const instant = at('2027-01-15T10:10:00Z');

    // Act
    const slot = nextDigestSlot(hourly, 'Asia/Kathmandu', instant);

    // Assess
    expect(slot.toISOString()).toBe('2027-01-15T10:15:00.000Z');
  });

  it('is strictly after the instant: an instant exactly at a slot gets the next one', () => {
    // Prepare
    const onLondonHour = at('2027-01-15T11:00:00Z');
    const onKolkataHour = at('2027-01-15T10:30:00Z');
    const justBefore = at('2027-01-15T10:59:59.999Z');

    // Act
    const afterLondonHour = nextDigestSlot(hourly, LONDON, onLondonHour);
    const afterKolkataHour = nextDigestSlot(hourly, 'Asia/Kolkata', onKolkataHour);
    const afterJustBefore = nextDigestSlot(hourly, LONDON, justBefore);
    const afterDailySlot = nextDigestSlot(dailyAtEight, LONDON, at('2027-01-15T08:00:00Z'));

    // Assess
    expect(afterLondonHour.toISOString()).toBe('2027-01-15T12:00:00.000Z');
    expect(afterKolkataHour.toISOString()).toBe('2027-01-15T11:30:00.000Z');
    expect(afterJustBefore.toISOString()).toBe('2027-01-15T11:00:00.000Z');
    expect(afterDailySlot.toISOString()).toBe('2027-01-16T08:00:00.000Z');
  });

  it('hourly across the London fall-back night: every UTC hour, both 01:00s included', () => {
    // Prepare: 23:00 UTC on Saturday is 00:00 BST on Sunday
    const from = '2027-10-30T23:00:00Z';

    // Act
    const slots = slotsAfter(hourly, LONDON, from, 4);

    // Assess
    expect(slots.map((slot) => slot.toISOString())).toEqual([
      '2027-10-31T00:00:00.000Z',
      '2027-10-31T01:00:00.000Z',
      '2027-10-31T02:00:00.000Z',
      '2027-10-31T03:00:00.000Z',
    ]);
    expect(slots.map((slot) => localClock(slot, LONDON))).toEqual(['01:00', '01:00', '02:00', '03:00']);
  });

  it('hourly across the London spring-forward night: every UTC hour, 01:00 local skipped', () => {
    // Prepare
    const from = '2027-03-27T23:30:00Z';

    // Act
    const slots = slotsAfter(hourly, LONDON, from, 3);

    // Assess
    expect(slots.map((slot) => slot.toISOString())).toEqual([
      '2027-03-28T00:00:00.000Z',
      '2027-03-28T01:00:00.000Z',
      '2027-03-28T02:00:00.000Z',
    ]);
    expect(slots.map((slot) => localClock(slot, LONDON))).toEqual(['00:00', '02:00', '03:00']);
  });

  it('hourly across half-hour clock changes (Australia/Lord_Howe, April and October 2027): the local whole hours', () => {
    // Prepare: back at 02:00 +11:00 → 01:30 +10:30 (15:00 UTC 3 April); forward at 02:00 +10:30 → 02:30 +11:00 (15:30 UTC 2 October)
    const zone = 'Australia/Lord_Howe';

    // Act
    const autumn = slotsAfter(hourly, zone, '2027-04-03T13:30:00Z', 3);
    const spring = slotsAfter(hourly, zone, '2027-10-02T14:00:00Z', 2);

    // Assess
    expect(autumn.map((slot) => slot.toISOString())).toEqual([
      '2027-04-03T14:00:00.000Z',
      '2027-04-03T15:30:00.000Z',
      '2027-04-03T16:30:00.000Z',
    ]);
    expect(autumn.map((slot) => localClock(slot, zone))).toEqual(['01:00', '02:00', '03:00']);
    expect(spring.map((slot) => slot.toISOString())).toEqual(['2027-10-02T14:30:00.000Z', '2027-10-02T16:00:00.000Z']);
    expect(spring.map((slot) => localClock(slot, zone))).toEqual(['01:00', '03:00']);
  });

  it('daily 08:00 across the spring-forward night: 08:00 GMT (08:00 UTC), then 08:00 BST (07:00 UTC)', () => {
    // Prepare
    const from = '2027-03-26T08:00:00Z';

    // Act
    const slots = slotsAfter(dailyAtEight, LONDON, from, 3);

    // Assess
    expect(slots.map((slot) => slot.toISOString())).toEqual([
      '2027-03-27T08:00:00.000Z',
      '2027-03-28T07:00:00.000Z',
      '2027-03-29T07:00:00.000Z',
    ]);
    expect(slots.map((slot) => localClock(slot, LONDON))).toEqual(['08:00', '08:00', '08:00']);
  });

  it('daily 08:00 across the fall-back night: 08:00 BST (07:00 UTC), then 08:00 GMT (08:00 UTC)', () => {
    // Prepare
    const from = '2027-10-29T07:00:00Z';

    // Act
    const slots = slotsAfter(dailyAtEight, LONDON, from, 3);

    // Assess
    expect(slots.map((slot) => slot.toISOString())).toEqual([
      '2027-10-30T07:00:00.000Z',
      '2027-10-31T08:00:00.000Z',
      '2027-11-01T08:00:00.000Z',
    ]);
    expect(slots.map((slot) => localClock(slot, LONDON))).toEqual(['08:00', '08:00', '08:00']);
  });

  it('daily at a time in the gap or the overlap resolves as instantAt does', () => {
    // Prepare
    const dailyAtHalfOne: DigestSchedule = { kind: 'daily', minutes: 90 };

    // Act
    const inGap = nextDigestSlot(dailyAtHalfOne, LONDON, at('2027-03-27T12:00:00Z'));
    const inOverlap = nextDigestSlot(dailyAtHalfOne, LONDON, at('2027-10-30T12:00:00Z'));
    const afterOverlapSlot = nextDigestSlot(dailyAtHalfOne, LONDON, at('2027-10-31T00:30:00Z'));

    // Assess
    expect(inGap.toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect(inOverlap.toISOString()).toBe('2027-10-31T00:30:00.000Z');
    // The second 01:30 of the night is not another slot: the next is Monday's.
    expect(afterOverlapSlot.toISOString()).toBe('2027-11-01T01:30:00.000Z');
  });

  it('for random instants over 2026–2028 in London: after the instant, within an hour (hourly) or 25 hours (daily), on the local clock asked for', () => {
    // Prepare
    const schedule = fc.oneof(
      fc.constant<DigestSchedule>({ kind: 'hourly' }),
      fc.integer({ min: 0, max: 1439 }).map((minutes): DigestSchedule => ({ kind: 'daily', minutes })),
    );
    const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2029, 0, 1) - 1 });
    const property = fc.property(schedule, instant, (chosen, ms) => {
      const slot = nextDigestSlot(chosen, LONDON, new Date(ms)).getTime();
      const local = localClock(new Date(slot), LONDON);
      if (chosen.kind === 'hourly') return slot > ms && slot <= ms + HOUR && local.endsWith(':00');
      // A daily time in the spring gap shows an hour later on the clock.
      const inGapHour = chosen.minutes >= 60 && chosen.minutes < 120;
      const onClock = local === clockOf(chosen.minutes) || (inGapHour && local === clockOf(chosen.minutes + 60));
      return slot > ms && slot <= ms + 25 * HOUR && onClock;
    });

    // Act
    const run = () => fc.assert(property, { numRuns: 1000 });

    // Assess
    expect(run).not.toThrow();
  });
});
