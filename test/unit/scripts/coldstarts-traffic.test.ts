import { describe, expect, it } from 'vitest';
import { mulberry32 } from '#scripts/coldstarts/random.ts';
import {
  arrivalsOfDay,
  calendarToWorking,
  DAY_MS,
  generateTraffic,
  HOUR_MS,
  LIFE_STEPS,
  operationOf,
  POLLS_PER_LIFE,
  workingToCalendar,
} from '#scripts/coldstarts/traffic.ts';
import { ROUTES } from '#shared/wiring/routes.ts';

describe('arrivals', () => {
  it('average the volume per working day over many days (a Poisson count)', () => {
    // Prepare
    const random = mulberry32(15);
    const days = 400;
    const perDay = 50;

    // Act
    let total = 0;
    for (let day = 0; day < days; day++) total += arrivalsOfDay(random, perDay, day).length;

    // Assess: 20,000 expected, standard deviation √20,000 ≈ 141; four of them either side
    expect(Math.abs(total - days * perDay)).toBeLessThan(4 * Math.sqrt(days * perDay));
  });

  it('fall within working hours, in time order, busiest mid-morning', () => {
    // Prepare
    const random = mulberry32(3);

    // Act
    const arrivals = arrivalsOfDay(random, 20_000, 2);
    const inHour = (hour: number) =>
      arrivals.filter((t) => t >= 2 * DAY_MS + hour * HOUR_MS && t < 2 * DAY_MS + (hour + 1) * HOUR_MS).length;

    // Assess
    expect(arrivals[0]!).toBeGreaterThanOrEqual(2 * DAY_MS + 8 * HOUR_MS);
    expect(arrivals.at(-1)!).toBeLessThan(2 * DAY_MS + 18 * HOUR_MS);
    expect([...arrivals].sort((a, b) => a - b)).toEqual(arrivals);
    expect(inHour(10)).toBeGreaterThan(inHour(8));
    expect(inHour(10)).toBeGreaterThan(inHour(17));
  });
});

describe('the working clock', () => {
  it('skips the night: ten working hours after 09:00 is 09:00 the next day', () => {
    // Prepare
    const nineAm = DAY_MS + 9 * HOUR_MS;

    // Act
    const later = workingToCalendar(calendarToWorking(nineAm) + 10 * HOUR_MS);

    // Assess
    expect(later).toBe(2 * DAY_MS + 9 * HOUR_MS);
  });
});

describe('operationOf', () => {
  it('maps every scripted step and poll to the route that serves it', () => {
    // Act
    const steps = LIFE_STEPS.map((step) => operationOf(ROUTES, step.method, step.path));
    const polls = POLLS_PER_LIFE.map((poll) => operationOf(ROUTES, poll.method, poll.path));

    // Assess
    expect(steps).toEqual([
      'createReferral',
      'getReferral',
      'listReferrals',
      'requestInfoReferral',
      'provideInfoReferral',
      'acceptReferral',
      'addNote',
      'offerHandoff',
      'acceptHandoff',
      'getReferralHistory',
      'completeReferral',
      'listAlerts',
    ]);
    expect(polls).toEqual([
      'listReferrals',
      'listAlerts',
      'listNotes',
      'listHandoffs',
      'getHandoff',
      'getReference',
      'searchReferrals',
      'getAccessLog',
      'getMetricsSummary',
      'listSubscriptions',
    ]);
  });

  it('prefers the literal template, and refuses a path no route serves', () => {
    // Act
    const search = operationOf(ROUTES, 'POST', '/referrals/search');
    const missing = () => operationOf(ROUTES, 'DELETE', '/referrals/R');

    // Assess
    expect(search).toBe('searchReferrals');
    expect(missing).toThrow(/served by 0 routes/);
  });
});

describe('generateTraffic', () => {
  it('sends every request of the measured days in time order, about 17 per referral', () => {
    // Prepare
    const options = { random: mulberry32(4), perDay: 200, days: 3, routes: ROUTES };

    // Act
    const traffic = generateTraffic(options);

    // Assess
    const at = [...traffic.at];
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(at[0]!).toBeGreaterThanOrEqual(0);
    expect(at.at(-1)!).toBeLessThan(3 * DAY_MS);
    // 12 scripted steps, 4 whole polls and 1.58 expected from the fractional ones.
    expect(traffic.at.length / traffic.lives).toBeGreaterThan(15.5);
    expect(traffic.at.length / traffic.lives).toBeLessThan(19.5);
    expect(new Set(traffic.operation).size).toBe(traffic.operationIds.length);
  });
});
