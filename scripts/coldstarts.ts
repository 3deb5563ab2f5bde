/**
 * `npm run coldstarts`: how many API requests would meet a Lambda cold start under each
 * way of packing the routes into functions — one per route (today), one per feature slice,
 * or a single API function — at Mid Essex and national volume, with a 5, 10 and 15 minute
 * reclaim window. A seeded discrete-event simulation (scripts/coldstarts/): the same seed
 * prints the same table. Nothing is deployed or measured here.
 *
 *   npm run coldstarts
 *   npm run coldstarts -- --seed 7 --seeds 3 --days 10
 *   npm run coldstarts -- --cold-ms 600 --per-day 50 --json
 *
 * Cold overhead per function: `--cold-ms N` for every function; else the median
 * `coldStarts.<functionId>.coldOverheadMs.median` of `bench/results.json` where that file
 * has it (other functions 250 ms); else 250 ms. A merged function takes the largest
 * overhead of the functions it merges (a floor: its bundle is their union).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS, runExperiment, VOLUMES, type Volume } from './coldstarts/experiment.ts';
import { renderReport } from './coldstarts/report.ts';

/** Where `npm run bench` writes its figures, relative to the repository root. */
const BENCH_RESULTS = 'bench/results.json';

const USAGE = `Usage: npm run coldstarts [-- options]
  --seed N       first seed (default ${DEFAULTS.seed})
  --seeds N      run N seeds (seed, seed+1, …) and pool them (default 1)
  --days N       working days simulated per seed (default ${DEFAULTS.days})
  --cold-ms N    cold overhead of every function, ms (default: ${BENCH_RESULTS}'s medians, else ${DEFAULTS.coldMs})
  --warm-ms N    service time of a warm request, ms (default ${DEFAULTS.warmMs})
  --per-day N    also simulate a volume of N referrals per working day
  --json         print the figures as JSON instead of the table`;

const wholeNumber = (flag: string, raw: string | undefined, min: number): number | undefined => {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${flag} must be a whole number ≥ ${min}, not "${raw}".\n${USAGE}`);
  return value;
};

/** The per-function cold overheads `npm run bench` measured, if `bench/results.json` holds them. */
const benchColdOverheads = (file: string): Record<string, number> => {
  if (!existsSync(file)) return {};
  const results = JSON.parse(readFileSync(file, 'utf8')) as { coldStarts?: Record<string, { coldOverheadMs?: { median?: unknown } }> };
  return Object.fromEntries(
    Object.entries(results.coldStarts ?? {}).flatMap(([id, figures]) => {
      const median = figures?.coldOverheadMs?.median;
      return typeof median === 'number' && Number.isFinite(median) && median >= 0 ? [[id, median]] : [];
    }),
  );
};

const main = (): void => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    allowPositionals: false,
    options: {
      seed: { type: 'string' },
      seeds: { type: 'string' },
      days: { type: 'string' },
      'cold-ms': { type: 'string' },
      'warm-ms': { type: 'string' },
      'per-day': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const seed = wholeNumber('seed', values.seed, 0) ?? DEFAULTS.seed;
  const seedCount = wholeNumber('seeds', values.seeds, 1) ?? 1;
  const days = wholeNumber('days', values.days, 1) ?? DEFAULTS.days;
  const coldMs = wholeNumber('cold-ms', values['cold-ms'], 0);
  const warmMs = wholeNumber('warm-ms', values['warm-ms'], 1) ?? DEFAULTS.warmMs;
  const perDay = wholeNumber('per-day', values['per-day'], 1);

  const measured = coldMs === undefined ? benchColdOverheads(path.resolve(import.meta.dirname, '..', BENCH_RESULTS)) : {};
  const measuredCount = Object.keys(measured).length;
  const coldSource =
    coldMs !== undefined
      ? `cold overhead ${coldMs} ms for every function (--cold-ms)`
      : measuredCount > 0
        ? `cold overhead from ${BENCH_RESULTS} (median of ${measuredCount} functions, others ${DEFAULTS.coldMs} ms; merged = largest)`
        : `cold overhead ${DEFAULTS.coldMs} ms for every function (${BENCH_RESULTS} has no coldStarts figures)`;
  const volumes: Volume[] = [...VOLUMES, ...(perDay === undefined ? [] : [{ name: `${perDay} a day`, perDay }])];

  const result = runExperiment({
    seeds: Array.from({ length: seedCount }, (_, i) => seed + i),
    days,
    volumes,
    warmMs,
    coldOverheadMs: measured,
    defaultColdMs: coldMs ?? DEFAULTS.coldMs,
  });
  console.log(values.json ? JSON.stringify({ coldSource, ...result }, null, 2) : renderReport(result, coldSource));
};

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
