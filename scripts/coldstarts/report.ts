/**
 * The printed form of a cold-start experiment: per volume, one row per reclaim window with
 * the layouts side by side, a legend, and the one-line verdict against the target. Pure.
 */
import type { ExperimentResult, LayoutFigures, ScenarioFigures } from './experiment.ts';
import { TARGET } from './experiment.ts';
import type { LayoutName } from './layouts.ts';

const thousands = (n: number): string => Math.round(n).toLocaleString('en-GB');
const percent = (fraction: number): string => `${(fraction * 100).toFixed(fraction < 0.001 ? 3 : 2)} %`;
const ms = (value: number | null): string => (value === null ? '–' : String(Math.round(value)));

const CELLS = ['cold', 'p50/p95', 'cold avg/p95', 'conc/envs'] as const;

const cellsOf = (f: LayoutFigures): string[] => [
  percent(f.coldFraction),
  `${ms(f.addedP50Ms)}/${ms(f.addedP95Ms)}`,
  `${ms(f.coldMeanMs)}/${ms(f.coldP95Ms)}`,
  `${f.peakConcurrent}/${f.peakEnvironments}`,
];

const SEPARATOR = ' │ ';

/** One volume's table: a row per reclaim window, the layouts side by side. */
const renderVolume = (scenarios: readonly ScenarioFigures[], days: number): string[] => {
  const first = scenarios[0]!;
  const layouts = first.layouts;
  const rows = scenarios.map((s) => [`${s.reclaimMinutes} min`, ...s.layouts.flatMap(cellsOf)]);
  const header = ['reclaim', ...layouts.flatMap(() => CELLS)];
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length)));
  const groupWidth = (g: number): number =>
    CELLS.reduce((sum, _, c) => sum + widths[1 + g * CELLS.length + c]!, 0) + 2 * (CELLS.length - 1);
  const line = (cells: readonly string[]): string =>
    [
      cells[0]!.padEnd(widths[0]!),
      ...layouts.map((_, g) =>
        cells
          .slice(1 + g * CELLS.length, 1 + (g + 1) * CELLS.length)
          .map((cell, c) => cell.padStart(widths[1 + g * CELLS.length + c]!))
          .join('  '),
      ),
    ].join(SEPARATOR);
  const groups = [
    ''.padEnd(widths[0]!),
    ...layouts.map((l, g) => `${l.layout}: ${l.functions} function${l.functions === 1 ? '' : 's'}`.padEnd(groupWidth(g))),
  ].join(SEPARATOR);
  return [
    `${first.volume}: ${thousands(first.perDay)} referrals per working day → ${thousands(first.requests)} requests (${thousands(first.requests / days)} a day), ${thousands(first.lives)} lives`,
    groups.trimEnd(),
    line(header),
    ...rows.map(line),
  ];
};

/** The one-line verdict against {@link TARGET}. */
export const renderVerdict = (result: ExperimentResult): string => {
  const verdict = result.verdict;
  const target = `≤ ${TARGET.maxColdFraction * 100} % of requests meet a cold start at ${TARGET.volume} volume with a ${TARGET.reclaimMinutes} min window`;
  if (!verdict) return `Verdict: not judged (the run has no ${TARGET.volume} scenario at ${TARGET.reclaimMinutes} min).`;
  const each = (Object.entries(verdict.coldFraction) as [LayoutName, number][])
    .map(([layout, fraction]) => `${layout} ${percent(fraction)} ${fraction <= TARGET.maxColdFraction ? 'meets' : 'misses'}`)
    .join(', ');
  const chosen = verdict.chosen
    ? `of the layouts that keep grants per feature slice, the fewest cold starts: ${verdict.chosen}`
    : 'no layout that keeps grants per feature slice meets it';
  return `Verdict (target ${target}): ${each}; ${chosen}.`;
};

/** The whole printed report; `coldSource` says where the cold overheads came from. */
export const renderReport = (result: ExperimentResult, coldSource: string): string => {
  const volumes = [...new Set(result.scenarios.map((s) => s.volume))];
  const seeds = result.seeds.length === 1 ? `seed ${result.seeds[0]}` : `seeds ${result.seeds.join(', ')} pooled`;
  return [
    `Cold starts by API function layout: ${result.days} working days, ${seeds}, warm request ${result.warmMs} ms;`,
    `${coldSource}.`,
    '',
    ...volumes.flatMap((volume) => [
      ...renderVolume(
        result.scenarios.filter((s) => s.volume === volume),
        result.days * result.seeds.length,
      ),
      '',
    ]),
    'cold: share of requests that met a cold start. p50/p95: latency a cold start added, over all requests (0 when warm).',
    'cold avg/p95: the same among cold requests only (ms). conc/envs: peak environments serving at once / alive (busy or idle) at once.',
    renderVerdict(result),
  ].join('\n');
};
