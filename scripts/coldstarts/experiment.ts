/**
 * The cold-start experiment: for each volume, the same seeded traffic is run through every
 * layout at every reclaim window, and summarised as what users meet. Several seeds pool
 * their requests (counts add up; peaks are the largest seen). Pure: no I/O.
 *
 * **Cold overhead of a merged function.** A layout function's cold overhead is the largest
 * of the overheads of today's functions it merges. That is a floor, not an estimate: the
 * merged bundle holds the union of their code and SDK clients, so its cold start is at least
 * as slow as its slowest part and, for `single`, likely slower (init work of every route,
 * secrets of every route). The floor favours the merged layouts slightly.
 */
import type { DefaultRoute, RouteDefinition } from '../../shared/platform/http/route-definition.ts';
import { ROUTES } from '../../shared/wiring/routes.ts';
import { buildLayout, deployedFunctionOfHandler, LAYOUT_NAMES, type Layout, type LayoutName } from './layouts.ts';
import { simulatePools } from './lambda-pool.ts';
import { mulberry32 } from './random.ts';
import { generateTraffic, MINUTE_MS, type LifeStep, type Poll } from './traffic.ts';

/** A traffic volume: referral lives started per working day. */
export interface Volume {
  readonly name: string;
  readonly perDay: number;
}

/** Mid Essex ≈ 500 and England ≈ 75,000 referrals per working day (docs/capacity-and-cost.md). */
export const VOLUMES: readonly Volume[] = [
  { name: 'Mid Essex', perDay: 500 },
  { name: 'national', perDay: 75_000 },
];

/** The reclaim windows compared (minutes). */
export const RECLAIM_MINUTES: readonly number[] = [5, 10, 15];

/** Defaults of a run. */
export const DEFAULTS = {
  seed: 15,
  days: 5,
  /** Service time of a warm request (ms). */
  warmMs: 30,
  /** Cold overhead of a function with no measured figure (ms). */
  coldMs: 250,
} as const;

/** The decision's target: at most 5 % of requests meet a cold start at Mid Essex volume with a 10-minute window. */
export const TARGET = { volume: 'Mid Essex', reclaimMinutes: 10, maxColdFraction: 0.05 } as const;

/** What {@link runExperiment} runs. */
export interface ExperimentOptions {
  readonly seeds: readonly number[];
  readonly days: number;
  readonly volumes?: readonly Volume[];
  readonly reclaimMinutes?: readonly number[];
  readonly warmMs?: number;
  /** Cold overhead (ms) of today's functions, by per-route function id; those absent get `defaultColdMs`. */
  readonly coldOverheadMs?: Readonly<Record<string, number>>;
  readonly defaultColdMs?: number;
  /** The routes and catch-all to lay out (default: the API's). */
  readonly routes?: readonly RouteDefinition[];
  readonly defaultRoute?: Pick<DefaultRoute, 'operationId'>;
  readonly steps?: readonly LifeStep[];
  readonly polls?: readonly Poll[];
}

/** What users met in one layout of one scenario. */
export interface LayoutFigures {
  readonly layout: LayoutName;
  readonly functions: number;
  readonly requests: number;
  readonly coldStarts: number;
  /** Share of requests that met a cold start. */
  readonly coldFraction: number;
  /** Added latency (0 for a warm request), nearest-rank p50 and p95, and mean (ms). */
  readonly addedP50Ms: number;
  readonly addedP95Ms: number;
  readonly addedMeanMs: number;
  /** Among the requests that met a cold start: mean and p95 of the added latency (ms); null without any. */
  readonly coldMeanMs: number | null;
  readonly coldP95Ms: number | null;
  /** The most environments serving requests at one instant, and alive (busy or idle) at one instant. */
  readonly peakConcurrent: number;
  readonly peakEnvironments: number;
  /** Each function that served requests, busiest first: how many, and how many met a cold start. */
  readonly byFunction: readonly FunctionFigures[];
}

/** One function's share of a scenario. */
export interface FunctionFigures {
  readonly id: string;
  readonly requests: number;
  readonly coldStarts: number;
}

/** One volume at one reclaim window, every layout on the same traffic. */
export interface ScenarioFigures {
  readonly volume: string;
  readonly perDay: number;
  readonly reclaimMinutes: number;
  /** Referral lives started in the measured days (all seeds). */
  readonly lives: number;
  readonly requests: number;
  readonly layouts: readonly LayoutFigures[];
}

/** The layouts whose functions hold only one feature slice's grants (decision record 44's condition). */
export const LEAST_PRIVILEGE_LAYOUTS: readonly LayoutName[] = ['per-route', 'per-slice'];

/** The verdict against {@link TARGET}. */
export interface Verdict {
  readonly coldFraction: Readonly<Record<LayoutName, number>>;
  /**
   * Among the layouts that keep grants specific to a feature slice (per-route, per-slice;
   * a single function would hold every slice's grants), the one with the fewest cold starts
   * that meets the target; undefined if none does.
   */
  readonly chosen: LayoutName | undefined;
}

/** Everything a run found. */
export interface ExperimentResult {
  readonly seeds: readonly number[];
  readonly days: number;
  readonly warmMs: number;
  /** The cold overhead (ms) of every function of every layout. */
  readonly coldOverheadMs: Readonly<Record<LayoutName, Readonly<Record<string, number>>>>;
  readonly scenarios: readonly ScenarioFigures[];
  /** Undefined when the run does not include the target's volume and window. */
  readonly verdict: Verdict | undefined;
}

/** The nearest-rank `p`-th percentile of values given as value → count (as scripts/bench/stats.ts computes it). */
export const percentileOfCounts = (counts: ReadonlyMap<number, number>, p: number): number => {
  const sorted = [...counts].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) throw new Error('percentile of no samples');
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [value, n] of sorted) {
    seen += n;
    if (seen >= rank) return value;
  }
  return sorted[sorted.length - 1]![0];
};

const meanOfCounts = (counts: ReadonlyMap<number, number>): number => {
  let sum = 0;
  let total = 0;
  for (const [value, n] of counts) {
    sum += value * n;
    total += n;
  }
  return sum / total;
};

/**
 * The cold overhead of each function of `layout`: its own measured figure (the deployed
 * functions are measured by `npm run bench`), else the largest of the route handlers it
 * merges, each taken as measured or as the figure of the deployed function that holds it
 * (an upper bound: that bundle holds more), else `defaultMs`.
 */
export const layoutColdOverheads = (
  layout: Layout,
  measuredMs: Readonly<Record<string, number>>,
  defaultMs: number,
  deployedFunctionOf: (handlerId: string) => string | undefined = () => undefined,
): Record<string, number> =>
  Object.fromEntries(
    layout.functions.map((f) => [
      f.id,
      measuredMs[f.id] ?? Math.max(...f.merges.map((id) => measuredMs[id] ?? measuredMs[deployedFunctionOf(id) ?? ''] ?? defaultMs)),
    ]),
  );

interface Tally {
  byFunction: Map<string, { requests: number; coldStarts: number }>;
  lives: number;
  requests: number;
  coldStarts: number;
  counts: Map<number, number>;
  peakConcurrent: number;
  peakEnvironments: number;
}

/** Runs every volume × reclaim window × layout for each seed and summarises them. */
export const runExperiment = (options: ExperimentOptions): ExperimentResult => {
  const volumes = options.volumes ?? VOLUMES;
  const windows = options.reclaimMinutes ?? RECLAIM_MINUTES;
  const warmMs = options.warmMs ?? DEFAULTS.warmMs;
  const defaultColdMs = options.defaultColdMs ?? DEFAULTS.coldMs;
  const routes = options.routes ?? ROUTES;
  const layouts = LAYOUT_NAMES.map((name) => buildLayout(name, routes, options.defaultRoute));
  const overheads = Object.fromEntries(
    layouts.map((layout) => [
      layout.name,
      layoutColdOverheads(layout, options.coldOverheadMs ?? {}, defaultColdMs, deployedFunctionOfHandler),
    ]),
  ) as Record<LayoutName, Record<string, number>>;

  const tallies = new Map<string, Tally>();
  const tallyOf = (key: string): Tally => {
    let tally = tallies.get(key);
    if (!tally) {
      tally = { byFunction: new Map(), lives: 0, requests: 0, coldStarts: 0, counts: new Map(), peakConcurrent: 0, peakEnvironments: 0 };
      tallies.set(key, tally);
    }
    return tally;
  };
  const keyOf = (volume: Volume, window: number, layout: LayoutName): string => `${volume.name}|${window}|${layout}`;

  for (const seed of options.seeds) {
    for (const [v, volume] of volumes.entries()) {
      // One stream per (seed, volume), so adding a volume leaves the others' traffic unchanged.
      const traffic = generateTraffic({
        random: mulberry32(seed * 7919 + v),
        perDay: volume.perDay,
        days: options.days,
        routes,
        ...(options.steps ? { steps: options.steps } : {}),
        ...(options.polls ? { polls: options.polls } : {}),
      });
      for (const layout of layouts) {
        const functionIds = layout.functions.map((f) => f.id);
        const indexOfFunction = new Map(functionIds.map((id, i) => [id, i]));
        const fnOfOperation = traffic.operationIds.map((op) => indexOfFunction.get(layout.functionOf.get(op)!)!);
        const fn = new Uint16Array(traffic.operation.length);
        for (let i = 0; i < fn.length; i++) fn[i] = fnOfOperation[traffic.operation[i]!]!;
        const requestsByFunction = functionIds.map(() => 0);
        for (const f of fn) requestsByFunction[f]! += 1;
        const coldOverheadMs = functionIds.map((id) => overheads[layout.name][id]!);
        for (const window of windows) {
          const result = simulatePools({ at: traffic.at, fn }, { warmMs, reclaimMs: window * MINUTE_MS, coldOverheadMs });
          const tally = tallyOf(keyOf(volume, window, layout.name));
          tally.lives += traffic.lives;
          tally.requests += result.requests;
          tally.coldStarts += result.coldStarts;
          for (const [value, n] of result.addedLatencyCounts) tally.counts.set(value, (tally.counts.get(value) ?? 0) + n);
          tally.peakConcurrent = Math.max(tally.peakConcurrent, result.peakConcurrent);
          tally.peakEnvironments = Math.max(tally.peakEnvironments, result.peakEnvironments);
          functionIds.forEach((id, f) => {
            if (requestsByFunction[f] === 0) return;
            const figures = tally.byFunction.get(id) ?? { requests: 0, coldStarts: 0 };
            figures.requests += requestsByFunction[f]!;
            figures.coldStarts += result.coldStartsByFunction[f]!;
            tally.byFunction.set(id, figures);
          });
        }
      }
    }
  }

  const scenarios: ScenarioFigures[] = volumes.flatMap((volume) =>
    windows.map((window) => {
      const figures = layouts.map((layout): LayoutFigures => {
        const t = tallyOf(keyOf(volume, window, layout.name));
        const cold = new Map([...t.counts].filter(([value]) => value > 0));
        const any = t.requests > 0;
        return {
          layout: layout.name,
          functions: layout.functions.length,
          requests: t.requests,
          coldStarts: t.coldStarts,
          coldFraction: any ? t.coldStarts / t.requests : 0,
          addedP50Ms: any ? percentileOfCounts(t.counts, 50) : 0,
          addedP95Ms: any ? percentileOfCounts(t.counts, 95) : 0,
          addedMeanMs: any ? meanOfCounts(t.counts) : 0,
          coldMeanMs: cold.size > 0 ? meanOfCounts(cold) : null,
          coldP95Ms: cold.size > 0 ? percentileOfCounts(cold, 95) : null,
          peakConcurrent: t.peakConcurrent,
          peakEnvironments: t.peakEnvironments,
          byFunction: [...t.byFunction]
            .map(([id, f]) => ({ id, ...f }))
            .sort((a, b) => b.requests - a.requests || a.id.localeCompare(b.id)),
        };
      });
      const first = tallyOf(keyOf(volume, window, layouts[0]!.name));
      return {
        volume: volume.name,
        perDay: volume.perDay,
        reclaimMinutes: window,
        lives: first.lives,
        requests: first.requests,
        layouts: figures,
      };
    }),
  );

  const target = scenarios.find((s) => s.volume === TARGET.volume && s.reclaimMinutes === TARGET.reclaimMinutes);
  const verdict: Verdict | undefined = target && {
    coldFraction: Object.fromEntries(target.layouts.map((l) => [l.layout, l.coldFraction])) as Record<LayoutName, number>,
    chosen: target.layouts
      .filter((l) => LEAST_PRIVILEGE_LAYOUTS.includes(l.layout) && l.coldFraction <= TARGET.maxColdFraction)
      .sort((a, b) => a.coldFraction - b.coldFraction)[0]?.layout,
  };
  return { seeds: options.seeds, days: options.days, warmMs, coldOverheadMs: overheads, scenarios, verdict };
};
