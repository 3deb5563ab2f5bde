/**
 * The simulated API traffic: referral lives arriving in working hours, each the scripted
 * sequence of `npm run capacity` (scripts/capacity.ts) spread over hours of think time,
 * plus the worklist and alert views a practitioner makes while the referral is open.
 *
 * **Calendar.** Simulated time is milliseconds from midnight of the first measured working
 * day; every day is a working day (Monday to Friday back to back). Nobody works between
 * 18:00 and 08:00, and 14 idle hours already exceed any reclaim window, so leaving the
 * weekend out changes no figure: every morning starts with no warm environment.
 *
 * **Arrivals.** Referral lives start in a non-homogeneous Poisson process over 08:00–18:00:
 * the rate is constant within each hour and follows {@link HOURLY_SHAPE} (a mid-morning
 * peak of 1.5× the day's mean hourly rate, a lunchtime dip, a quiet last hour); the
 * expected number per working day is the volume. Gaps are exponential, so each hour's count
 * is Poisson.
 *
 * **Lives.** Each life is {@link LIFE_STEPS} in order; the gap before each step is *working*
 * time, log-uniform between the bounds stated on the step (minutes to hours), so a step
 * that would fall after 18:00 lands the next morning. The median life spans about nine
 * working hours. Lives that started in the {@link WARMUP_DAYS} before the first measured
 * day still send their later steps, so Monday's traffic is not light; requests after the
 * last measured day are dropped.
 *
 * **Polling.** A practitioner does not open their worklist once per referral: the triage
 * screen is refreshed and alerts are read while work is open. We judge that real and add
 * {@link POLLS_PER_LIFE} (two more inbox views, one more alerts view per referral, at
 * uniform working times within the life), tied to referral volume because the number of
 * practitioners scales with it. They are separate from the scripted steps and easy to set
 * to zero.
 *
 * Every request is mapped to a route's operationId by its method and a concrete path
 * matched against the route templates ({@link operationOf}), so a renamed function or a
 * moved route cannot drift from the simulation. Pure: no I/O.
 */
import { matchesPathTemplate } from '../../shared/platform/http/path-template.ts';
import type { HttpMethod, RouteDefinition } from '../../shared/platform/http/route-definition.ts';
import { exponential, logUniform, type Random, uniform } from './random.ts';

/** One minute, hour and calendar day in milliseconds. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The working day: 08:00 to 18:00. */
export const WORKING_HOURS = { start: 8, end: 18 } as const;
const WORKDAY_MS = (WORKING_HOURS.end - WORKING_HOURS.start) * HOUR_MS;

/**
 * Relative arrival rate of each working hour, 08–09 to 17–18 (mean 1): slow start, busiest
 * 10–11 (1.5×), a lunchtime dip, a second smaller peak at 14–15, a quiet last hour.
 */
export const HOURLY_SHAPE = [0.6, 1.2, 1.5, 1.4, 0.9, 0.9, 1.1, 1.0, 0.8, 0.6] as const;

/** Working days simulated before the first measured day, so lives already under way send their later steps. */
export const WARMUP_DAYS = 2;

/** One request of a referral's life. */
export interface LifeStep {
  /** The step, as `npm run capacity` names it. */
  readonly name: string;
  readonly method: HttpMethod;
  /** A concrete path a client would send (`{id}`s filled with placeholders); matched against the route templates. */
  readonly path: string;
  /** Working minutes after the previous step, drawn log-uniformly between the two (ignored on the first step). */
  readonly afterMinutes: readonly [min: number, max: number];
}

/**
 * The capacity script's referral life with its think times: the receiver triages within
 * hours, info requests are answered within an afternoon, a visit happens after acceptance,
 * a handoff is answered within hours, the new owner reads the history at once and
 * completes later the same or next day, and the programme manager reads the alert.
 */
export const LIFE_STEPS: readonly LifeStep[] = [
  { name: 'create referral', method: 'POST', path: '/referrals', afterMinutes: [0, 0] },
  { name: 'get referral', method: 'GET', path: '/referrals/R', afterMinutes: [5, 120] },
  { name: 'list inbox', method: 'GET', path: '/referrals', afterMinutes: [0.5, 5] },
  { name: 'request info', method: 'POST', path: '/referrals/R/request-info', afterMinutes: [1, 30] },
  { name: 'provide info', method: 'POST', path: '/referrals/R/provide-info', afterMinutes: [15, 240] },
  { name: 'accept referral', method: 'POST', path: '/referrals/R/accept', afterMinutes: [10, 120] },
  { name: 'add note', method: 'POST', path: '/referrals/R/notes', afterMinutes: [30, 240] },
  { name: 'offer handoff', method: 'POST', path: '/referrals/R/handoffs', afterMinutes: [15, 180] },
  { name: 'accept handoff', method: 'POST', path: '/handoffs/H/accept', afterMinutes: [15, 240] },
  { name: 'history', method: 'GET', path: '/referrals/R/history', afterMinutes: [1, 10] },
  { name: 'complete referral', method: 'POST', path: '/referrals/R/complete', afterMinutes: [60, 360] },
  { name: 'list alerts', method: 'GET', path: '/alerts', afterMinutes: [1, 120] },
];

/** Extra views per referral life, at uniform working times between its first and last step. */
export interface Poll {
  readonly name: string;
  readonly method: HttpMethod;
  readonly path: string;
  /** How many per life; a fraction is the chance of one more (0.3: one in about three lives). */
  readonly perLife: number;
}

/**
 * Two more worklist (inbox) views and one more alerts view per referral, and the rarer
 * views that are not in the capacity script's life but are real clicks (a fraction is the
 * chance of one per life): its notes read once, the handoff worklist and the handoff looked at by
 * half, the code lists loaded by a practitioner signing in (about one sign-in per three
 * referrals), a person searched before one referral in five, the access log opened now
 * and then, and a programme manager's dashboard and subscription list a few times a day.
 */
export const POLLS_PER_LIFE: readonly Poll[] = [
  { name: 'list inbox (refresh)', method: 'GET', path: '/referrals', perLife: 2 },
  { name: 'list alerts (refresh)', method: 'GET', path: '/alerts', perLife: 1 },
  { name: 'list notes', method: 'GET', path: '/referrals/R/notes', perLife: 1 },
  { name: 'list handoffs', method: 'GET', path: '/handoffs', perLife: 0.5 },
  { name: 'get handoff', method: 'GET', path: '/handoffs/H', perLife: 0.5 },
  { name: 'reference (sign-in)', method: 'GET', path: '/reference', perLife: 0.3 },
  { name: 'search a person', method: 'POST', path: '/referrals/search', perLife: 0.2 },
  { name: 'access log', method: 'GET', path: '/referrals/R/access-log', perLife: 0.05 },
  { name: 'programme dashboard', method: 'GET', path: '/metrics/summary', perLife: 0.02 },
  { name: 'list subscriptions', method: 'GET', path: '/subscriptions', perLife: 0.01 },
];

/**
 * The operationId of the route that serves `method path`. Several templates can match one
 * path (`/referrals/search` and `/referrals/{id}`); the one whose template is the path
 * itself wins, as on API Gateway. Throws if no route, or more than one, serves it.
 */
export const operationOf = (routes: readonly RouteDefinition[], method: HttpMethod, path: string): string => {
  const matching = routes.filter((route) => route.method === method && matchesPathTemplate(route.path, path));
  const literal = matching.filter((route) => route.path === path);
  const chosen = literal.length > 0 ? literal : matching;
  if (chosen.length !== 1) {
    throw new Error(`${method} ${path} is served by ${chosen.length} routes (${chosen.map((r) => r.operationId).join(', ') || 'none'}).`);
  }
  return chosen[0]!.operationId;
};

/** Calendar time of a working-clock instant (working milliseconds since 08:00 of day 0). */
export const workingToCalendar = (working: number): number => {
  const day = Math.floor(working / WORKDAY_MS);
  return day * DAY_MS + WORKING_HOURS.start * HOUR_MS + (working - day * WORKDAY_MS);
};

/** Working-clock instant of a calendar time inside working hours (outside them: the nearest edge of that day's hours). */
export const calendarToWorking = (calendar: number): number => {
  const day = Math.floor(calendar / DAY_MS);
  const within = calendar - day * DAY_MS - WORKING_HOURS.start * HOUR_MS;
  return day * WORKDAY_MS + Math.min(WORKDAY_MS, Math.max(0, within));
};

/**
 * The start times (calendar ms, ascending) of the referral lives of working day `day`:
 * a Poisson process whose rate follows {@link HOURLY_SHAPE}, `perDay` expected in all.
 */
export const arrivalsOfDay = (random: Random, perDay: number, day: number): number[] => {
  const arrivals: number[] = [];
  const shapeTotal = HOURLY_SHAPE.reduce((sum, weight) => sum + weight, 0);
  HOURLY_SHAPE.forEach((weight, hour) => {
    const meanGap = HOUR_MS / ((perDay * weight) / shapeTotal);
    const start = day * DAY_MS + (WORKING_HOURS.start + hour) * HOUR_MS;
    for (let at = start + exponential(random, meanGap); at < start + HOUR_MS; at += exponential(random, meanGap)) arrivals.push(at);
  });
  return arrivals;
};

/** What {@link generateTraffic} needs. */
export interface TrafficOptions {
  readonly random: Random;
  /** Expected referral lives started per working day. */
  readonly perDay: number;
  /** Measured working days. */
  readonly days: number;
  /** The API's routes (ROUTES): every step is mapped to one of them. */
  readonly routes: readonly RouteDefinition[];
  readonly steps?: readonly LifeStep[];
  readonly polls?: readonly Poll[];
}

/** The requests of a run, in time order. */
export interface Traffic {
  /** The operations the traffic uses; `operation` indexes into this. */
  readonly operationIds: readonly string[];
  /** When each request arrives: calendar ms from midnight of the first measured day, ascending, whole ms. */
  readonly at: Float64Array;
  /** Which operation each request calls (index into `operationIds`). */
  readonly operation: Uint8Array;
  /** Referral lives started within the measured days. */
  readonly lives: number;
}

/** Operations are packed into the low bits of the sort key (see {@link generateTraffic}). */
const OPERATION_BITS = 64;

/**
 * The requests of `days` working days at `perDay` referral lives a day. Each request is
 * packed as `whole ms × 64 + operation index` in one Float64Array (exact below 2^53, i.e.
 * for any run shorter than ~4,000 years), so millions of requests sort natively in a blink.
 */
export const generateTraffic = (options: TrafficOptions): Traffic => {
  const { random, perDay, days, routes, steps = LIFE_STEPS, polls = POLLS_PER_LIFE } = options;
  const operationIds: string[] = [];
  const indexOf = (method: HttpMethod, path: string): number => {
    const id = operationOf(routes, method, path);
    if (!operationIds.includes(id)) operationIds.push(id);
    return operationIds.indexOf(id);
  };
  if (steps.length === 0) throw new Error('A referral life needs at least one step.');
  const stepOperations = steps.map((step) => indexOf(step.method, step.path));
  const pollOperations = polls.map((poll) => indexOf(poll.method, poll.path));
  if (operationIds.length > OPERATION_BITS) throw new Error(`At most ${OPERATION_BITS} operations can be simulated.`);

  const end = days * DAY_MS;
  const requestsPerLife = steps.length + polls.reduce((sum, poll) => sum + Math.ceil(poll.perLife), 0);
  let keys = new Float64Array(Math.ceil(perDay * (days + 1) * requestsPerLife) + 1024);
  let size = 0;
  const send = (calendar: number, operation: number): void => {
    const at = Math.round(calendar);
    if (at < 0 || at >= end) return;
    if (size === keys.length) {
      const grown = new Float64Array(keys.length * 2);
      grown.set(keys);
      keys = grown;
    }
    keys[size++] = at * OPERATION_BITS + operation;
  };
  let lives = 0;
  for (let day = -WARMUP_DAYS; day < days; day++) {
    for (const start of arrivalsOfDay(random, perDay, day)) {
      if (day >= 0) lives += 1;
      const first = calendarToWorking(start);
      let working = first;
      send(start, stepOperations[0]!);
      for (let i = 1; i < steps.length; i++) {
        const [min, max] = steps[i]!.afterMinutes;
        working += logUniform(random, min, max) * MINUTE_MS;
        send(workingToCalendar(working), stepOperations[i]!);
      }
      for (let p = 0; p < polls.length; p++) {
        const { perLife } = polls[p]!;
        const count = Math.floor(perLife) + (random() < perLife - Math.floor(perLife) ? 1 : 0);
        for (let n = 0; n < count; n++) send(workingToCalendar(uniform(random, first, working)), pollOperations[p]!);
      }
    }
  }

  const sorted = keys.subarray(0, size).sort();
  const at = new Float64Array(size);
  const operation = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const ms = Math.floor(sorted[i]! / OPERATION_BITS);
    at[i] = ms;
    operation[i] = sorted[i]! - ms * OPERATION_BITS;
  }
  return { operationIds, at, operation, lives };
};
