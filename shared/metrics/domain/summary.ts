/**
 * A summary of the programme figures: the cells of a period summed into groups (by day,
 * service area, org pair or priority) and a total. Pure.
 */
import { PRIORITIES } from '../../core/reference-data.ts';
import { addCounters, type CellRow, type Counters, type MetricCell } from './counters.ts';
import { figuresOf, type MetricFigures } from './figures.ts';

export const GROUP_BY = ['serviceArea', 'day', 'orgPair', 'priority'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** The key of a group, by `groupBy`. */
export type GroupKey = { day: string } | { serviceArea: string } | { fromOrg: string; toOrg: string } | { priority: string };

/** The group a cell belongs to. */
export const groupKeyOf = (cell: MetricCell, groupBy: GroupBy): GroupKey => {
  switch (groupBy) {
    case 'day':
      return { day: cell.day };
    case 'serviceArea':
      return { serviceArea: cell.serviceArea };
    case 'orgPair':
      return { fromOrg: cell.fromOrg, toOrg: cell.toOrg };
    case 'priority':
      return { priority: cell.priority };
  }
};

/** One group of a summary. */
export interface MetricGroup {
  readonly key: GroupKey;
  readonly figures: MetricFigures;
}

/** Every day from `from` to `to` (inclusive, `YYYY-MM-DD`). */
export const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
};

/** The months (`YYYY-MM`) the days from `from` to `to` fall in. */
export const monthsBetween = (from: string, to: string): string[] => [...new Set(daysBetween(from, to).map((day) => day.slice(0, 7)))];

/** What a summary covers. */
export interface SummaryScope {
  readonly from: string;
  readonly to: string;
  readonly serviceAreas: readonly string[];
  /** Only cells whose `from` or `to` is this org. */
  readonly org?: string | undefined;
  /** Every known org (the groups of `orgPair` are its ordered pairs). */
  readonly organisations: readonly string[];
  readonly groupBy: GroupBy;
}

/** Whether a cell is inside the scope (day range, service area, org). */
export const inScope = (cell: MetricCell, scope: SummaryScope): boolean =>
  cell.day >= scope.from &&
  cell.day <= scope.to &&
  scope.serviceAreas.includes(cell.serviceArea) &&
  (scope.org === undefined || cell.fromOrg === scope.org || cell.toOrg === scope.org);

/** The groups a summary always lists (zero-filled, so rows are stable from one run to the next). */
const expectedKeys = (scope: SummaryScope): GroupKey[] => {
  switch (scope.groupBy) {
    case 'day':
      return daysBetween(scope.from, scope.to).map((day) => ({ day }));
    case 'serviceArea':
      return scope.serviceAreas.map((serviceArea) => ({ serviceArea }));
    case 'priority':
      return PRIORITIES.map((priority) => ({ priority }));
    case 'orgPair':
      return scope.organisations.flatMap((fromOrg) =>
        scope.organisations
          .filter((toOrg) => toOrg !== fromOrg && (scope.org === undefined || fromOrg === scope.org || toOrg === scope.org))
          .map((toOrg) => ({ fromOrg, toOrg })),
      );
  }
};

const groupId = (key: GroupKey): string => Object.values(key).join('→');

/**
 * Sums the cells in scope into groups (every expected group listed, zero-filled, in a
 * stable order; any other group with data after them) and a total.
 */
export const summarise = (rows: readonly CellRow[], scope: SummaryScope): { groups: MetricGroup[]; total: MetricFigures } => {
  const sums = new Map<string, { key: GroupKey; counters: Counters }>();
  for (const key of expectedKeys(scope)) sums.set(groupId(key), { key, counters: {} });
  const total: Counters = {};
  for (const row of rows) {
    if (!inScope(row.cell, scope)) continue;
    const key = groupKeyOf(row.cell, scope.groupBy);
    const id = groupId(key);
    if (!sums.has(id)) sums.set(id, { key, counters: {} });
    addCounters(sums.get(id)!.counters, row.counters);
    addCounters(total, row.counters);
  }
  return {
    groups: [...sums.values()].map(({ key, counters }) => ({ key, figures: figuresOf(counters) })),
    total: figuresOf(total),
  };
};
