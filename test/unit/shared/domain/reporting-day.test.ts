/**
 * The reporting day computed by the UK summer-time rule (shared/metrics/domain/counters.ts)
 * is the day ICU's Europe/London gives, at every quarter hour of the 48 hours around each
 * clock change from 1997 to 2045, and at 20,000 instants spread over those years.
 */
import { describe, expect, it } from 'vitest';
import { REPORTING_TIME_ZONE, reportingDayOf } from '#shared/metrics/domain/counters.ts';

const icu = new Intl.DateTimeFormat('en-CA', { timeZone: REPORTING_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** Instants every 15 minutes from 24 hours before to 24 hours after the last Sunday of `month`, 01:00 UTC. */
const aroundChange = (year: number, month: number): number[] => {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const change = Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
  return Array.from({ length: 193 }, (_, i) => change - 86_400_000 + i * 900_000);
};

describe('reportingDayOf', () => {
  it('agrees with ICU around every UK clock change from 1997 to 2045', () => {
    // Prepare
    const instants = Array.from({ length: 2045 - 1997 + 1 }, (_, i) => 1997 + i).flatMap((year) => [
      ...aroundChange(year, 2),
      ...aroundChange(year, 9),
    ]);

    // Act
    const disagreements = instants.filter((t) => reportingDayOf(t) !== icu.format(new Date(t)));

    // Assess
    expect(instants.length).toBe(49 * 2 * 193);
    expect(disagreements.map((t) => new Date(t).toISOString())).toEqual([]);
  });

  it('agrees with ICU at instants spread over 49 years, and moves the day at local midnight in summer and winter', () => {
    // Prepare
    // 20,000 instants 77,777,777 ms apart (≈ 21.6 h: the time of day drifts through every hour).
    const from = Date.UTC(1997, 0, 1);
    const instants = Array.from({ length: 20_000 }, (_, i) => from + i * 77_777_777);

    // Act
    const disagreements = instants.filter((t) => reportingDayOf(t) !== icu.format(new Date(t)));

    // Assess
    expect(disagreements).toEqual([]);
    expect(reportingDayOf('2026-07-01T23:30:00Z')).toBe('2026-07-02');
    expect(reportingDayOf('2026-12-01T23:30:00Z')).toBe('2026-12-01');
    expect(reportingDayOf('2026-03-29T00:59:59Z')).toBe('2026-03-29');
    expect(() => reportingDayOf('not a time')).toThrow(RangeError);
  });
});
