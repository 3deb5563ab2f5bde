/**
 * The summary as CSV for the programme board's spreadsheet: the same figures as the JSON,
 * one row per group (no total row, so a column sums to the total), the group's columns
 * first, then one column per figure named by its JSON path (`byStatus.accepted`,
 * `timeToAccept.medianMinutes`, `handoffs.declinedByReason.no-capacity`) in a fixed order.
 * Rates are decimals 0–1 (columns ending `Rate`), minutes one decimal, empty = not defined
 * (no acceptances, say).
 */
import { figuresOf } from '../domain/figures.ts';
import type { GroupBy } from '../domain/summary.ts';
import type { Summary } from '../domain/metrics-service.ts';
import { flatten, toCsv, type CsvValue } from '../../platform/http/csv.ts';
import type { HttpResult } from '../../platform/http/middleware.ts';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** The group's own columns, by `groupBy`. */
export const GROUP_COLUMNS: Readonly<Record<GroupBy, readonly string[]>> = {
  serviceArea: ['serviceArea'],
  day: ['day'],
  orgPair: ['fromOrg', 'toOrg'],
  priority: ['priority'],
};

/** The figure columns, in order (from an empty set of counters: every figure is always there). */
export const FIGURE_COLUMNS: readonly string[] = flatten(figuresOf({}) as unknown as Record<string, unknown>).map(([name]) => name);

/** The CSV document of a summary. */
export const summaryCsv = (summary: Summary): string => {
  const groupColumns = GROUP_COLUMNS[summary.groupBy];
  const rows = summary.groups.map((group): CsvValue[] => {
    const values = new Map(flatten(group.figures as unknown as Record<string, unknown>));
    const key = group.key as Readonly<Record<string, string>>;
    return [...groupColumns.map((column) => key[column]), ...FIGURE_COLUMNS.map((column) => values.get(column))];
  });
  return toCsv([...groupColumns, ...FIGURE_COLUMNS], rows);
};

/** `jointly-metrics_<from>_<to>_by-<groupBy>[_<serviceArea>][_<org>].csv` */
export const summaryFilename = (summary: Summary): string =>
  ['jointly-metrics', summary.from, summary.to, `by-${summary.groupBy}`, summary.serviceArea, summary.org].filter(Boolean).join('_') +
  '.csv';

/**
 * Whether the client asked for CSV: `format=csv`, or, without `format`, an `Accept` that
 * ranks `text/csv` above `application/json` (absent = 0).
 */
export const wantsCsv = (format: 'json' | 'csv' | undefined, accept: string | undefined): boolean => {
  if (format) return format === 'csv';
  if (!accept) return false;
  const quality = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q ? Number(q.slice(2)) : 1;
    if (type) quality.set(type.trim(), Number.isFinite(value) ? value : 0);
  }
  const csv = quality.get('text/csv') ?? 0;
  return csv > 0 && csv > (quality.get('application/json') ?? 0);
};

/** The 200 answer to a summary request: CSV (an attachment) when {@link wantsCsv}, else JSON; `Vary: Accept` either way. */
export const summaryResponse = (summary: Summary, format: 'json' | 'csv' | undefined, accept: string | undefined): HttpResult => {
  if (wantsCsv(format, accept)) {
    return {
      statusCode: 200,
      rawBody: summaryCsv(summary),
      headers: {
        'Content-Type': CSV_CONTENT_TYPE,
        'Content-Disposition': `attachment; filename="${summaryFilename(summary)}"`,
        Vary: 'Accept',
      },
    };
  }
  return { statusCode: 200, body: summary, headers: { Vary: 'Accept' } };
};
