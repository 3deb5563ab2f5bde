/**
 * What each chart of the programme dashboard shows, worked out from `GET /metrics/summary`
 * answers: the chart's series, the sentence a screen reader hears for it, and the table that
 * stands beside it with the same numbers. Pure: no drawing here (`charts.ts` draws), so the
 * chart library loads only when a chart is on the page.
 */

/** How the API groups figures (`groupBy`). */
export type GroupBy = 'serviceArea' | 'day' | 'orgPair' | 'priority';

/** A group's key, as the API answers it. */
export type GroupKey = { serviceArea: string } | { day: string } | { fromOrg: string; toOrg: string } | { priority: string };

/** A duration's figures: minutes to one decimal, `null` when nothing was measured. */
export interface Duration {
  readonly count: number;
  readonly meanMinutes: number | null;
  readonly medianMinutes: number | null;
  readonly p90Minutes: number | null;
}

/** The figures the dashboard reads of a group (the API answers more: the CSV has them all). */
export interface Figures {
  readonly referrals: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly accepted: number;
  readonly acceptedWithinTarget: number;
  readonly acceptedWithinTargetRate: number | null;
  readonly timeToAccept: Duration;
  readonly declinedByReason: Readonly<Record<string, number>>;
  readonly overdue: number;
  readonly handoffs: {
    readonly offered: number;
    readonly accepted: number;
    readonly declined: number;
    readonly withdrawn: number;
    readonly open: number;
    readonly overdue: number;
    readonly timeToAccept: Duration;
    readonly declinedByReason: Readonly<Record<string, number>>;
  };
}

/** A `GET /metrics/summary` answer. */
export interface Summary {
  readonly from: string;
  readonly to: string;
  readonly groupBy: GroupBy;
  readonly serviceArea?: string;
  readonly org?: string;
  readonly attribution: { readonly referrals: string; readonly handoffs: string };
  readonly groups: readonly { readonly key: GroupKey; readonly figures: Figures }[];
  readonly total: Figures;
}

/** One line or set of bars. */
export interface Series {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly colour: string;
}

/** A chart as `charts.ts` draws it. */
export interface ChartSpec {
  readonly kind: 'bar' | 'line';
  readonly categories: readonly string[];
  readonly series: readonly Series[];
  /** Bars of a category stacked into one. */
  readonly stacked?: boolean;
  /** Bars running across, for long category names. */
  readonly horizontal?: boolean;
  /** The value axis's title. */
  readonly valueAxis: string;
  /** Values are percentages 0–100. */
  readonly percent?: boolean;
  /** Values are whole numbers (counts): so are the axis's ticks. */
  readonly counts?: boolean;
}

/** How a table cell is written. */
export type Format = 'count' | 'percent' | 'minutes';

/** A table beside a chart: its rows (the last is the total) and numeric columns. */
export interface FigureTable {
  readonly rowHeader: string;
  readonly columns: readonly { readonly label: string; readonly format: Format }[];
  readonly rows: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
}

/** A chart of the dashboard with its text alternatives. */
export interface DashboardChart {
  readonly id: string;
  readonly title: string;
  /** What the chart plots, in a sentence: its visible caption. */
  readonly caption: string;
  /** The chart in one or two sentences: the canvas's accessible name. */
  readonly description: string;
  readonly chart: ChartSpec;
  readonly table: FigureTable;
}

/** Code → label, from `GET /reference` (a code without a label reads as itself). */
export type Labels = ReadonlyMap<string, string>;

/**
 * Colours from the NHS palette, each at least 3:1 against white (WCAG 1.4.11); stacked
 * segments are also parted by a white border, and every figure is in the table too.
 */
export const PALETTE = ['#005eb8', '#330072', '#007f3b', '#d5281b', '#4c6272', '#003087', '#7c2855'] as const;

const colour = (index: number): string => PALETTE[index % PALETTE.length]!;

/** How a group of each kind is named in a sentence: "by service area". */
export const GROUP_NOUNS: Readonly<Record<GroupBy, string>> = {
  serviceArea: 'service area',
  day: 'day',
  orgPair: 'organisation pair',
  priority: 'priority',
};

/** The heading of a table's first column, by grouping. */
const ROW_HEADERS: Readonly<Record<GroupBy, string>> = {
  serviceArea: 'Service area',
  day: 'Day submitted',
  orgPair: 'From and to',
  priority: 'Priority',
};

/** A table's rows: one per group, then the total, each with the values `valuesOf` reads. */
const rowsOf = (
  summary: Summary,
  categories: readonly string[],
  valuesOf: (figures: Figures) => (number | null)[],
): FigureTable['rows'] => [
  ...summary.groups.map((g, i) => ({ label: categories[i]!, values: valuesOf(g.figures) })),
  { label: 'Total', values: valuesOf(summary.total) },
];

/** A day `YYYY-MM-DD` as people in England read it: "3 Dec 2026". */
export const dayLabel = (day: string): string =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** A group's name in a chart and its table. Org pairs by their ids, as the worklists name them. */
export const groupLabel = (key: GroupKey, labels: Labels): string => {
  if ('serviceArea' in key) return labels.get(key.serviceArea) ?? key.serviceArea;
  if ('priority' in key) return labels.get(key.priority) ?? key.priority;
  if ('day' in key) return dayLabel(key.day);
  return `${key.fromOrg} to ${key.toOrg}`;
};

/** A referral status code as words: `info_requested` → "Info requested". */
export const statusLabel = (status: string): string => {
  const words = status.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A table cell's text (`null` is "not defined": the caller writes it out). */
export const formatValue = (value: number | null, format: Format): string | null => {
  if (value === null) return null;
  // Rates come as decimals 0–1 to four places: a percentage to one decimal is as exact.
  return format === 'percent' ? `${Number((value * 100).toFixed(1))}%` : String(value);
};

/** A percentage 0–100 from a rate, for a chart's points. */
const percentOf = (rate: number | null): number | null => (rate === null ? null : Number((rate * 100).toFixed(1)));

/** "A 2, B 3, C 0", the first 12 and how many more. */
const listOf = (pairs: readonly (readonly [string, number | null])[], unit = ''): string => {
  const shown = pairs.slice(0, 12).map(([label, value]) => `${label} ${value ?? 'not defined'}${unit}`);
  const more = pairs.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
};

const TABLE_NOTE = 'The table that goes with it has the figures.';

/** Referrals per group, stacked by their current status. */
export const statusChart = (summary: Summary, labels: Labels): DashboardChart => {
  const noun = GROUP_NOUNS[summary.groupBy];
  const statuses = Object.keys(summary.total.byStatus);
  const categories = summary.groups.map((g) => groupLabel(g.key, labels));
  return {
    id: 'referrals-by-status',
    title: `Referrals by ${noun} and status`,
    caption: `Each bar is the referrals of one ${noun} submitted in the period, split by their status now.`,
    description:
      `Stacked bar chart of referrals submitted in the period by ${noun}, each bar split by current status: ` +
      `${listOf(summary.groups.map((g, i) => [categories[i]!, g.figures.referrals]))}; ${summary.total.referrals} in all. ${TABLE_NOTE}`,
    chart: {
      kind: 'bar',
      categories,
      stacked: true,
      counts: true,
      valueAxis: 'Referrals',
      series: statuses.map((status, i) => ({
        label: statusLabel(status),
        values: summary.groups.map((g) => g.figures.byStatus[status] ?? 0),
        colour: colour(i),
      })),
    },
    table: {
      rowHeader: ROW_HEADERS[summary.groupBy],
      columns: [...statuses.map((s) => ({ label: statusLabel(s), format: 'count' as const })), { label: 'All referrals', format: 'count' }],
      rows: rowsOf(summary, categories, (f) => [...statuses.map((s) => f.byStatus[s] ?? 0), f.referrals]),
    },
  };
};

/** Time from submission to acceptance per group: median and 90th percentile. */
export const timeToAcceptChart = (summary: Summary, labels: Labels): DashboardChart => {
  const noun = GROUP_NOUNS[summary.groupBy];
  const categories = summary.groups.map((g) => groupLabel(g.key, labels));
  const total = summary.total.timeToAccept;
  return {
    id: 'time-to-accept',
    title: `Time to accept a referral, by ${noun}`,
    caption: 'Minutes from submission to acceptance: the median and the 90th percentile of each group.',
    description:
      `Bar chart of the minutes from submission to acceptance by ${noun}, median and 90th percentile. ` +
      (total.count > 0
        ? `Over the period, ${total.count} acceptances: median ${total.medianMinutes} minutes, 90th percentile ${total.p90Minutes} minutes. `
        : 'No referral of the period has been accepted. ') +
      TABLE_NOTE,
    chart: {
      kind: 'bar',
      categories,
      valueAxis: 'Minutes',
      series: [
        { label: 'Median', values: summary.groups.map((g) => g.figures.timeToAccept.medianMinutes), colour: colour(0) },
        { label: '90th percentile', values: summary.groups.map((g) => g.figures.timeToAccept.p90Minutes), colour: colour(1) },
      ],
    },
    table: {
      rowHeader: ROW_HEADERS[summary.groupBy],
      columns: [
        { label: 'Accepted', format: 'count' },
        { label: 'Median (minutes)', format: 'minutes' },
        { label: '90th percentile (minutes)', format: 'minutes' },
      ],
      rows: rowsOf(summary, categories, (f) => [f.timeToAccept.count, f.timeToAccept.medianMinutes, f.timeToAccept.p90Minutes]),
    },
  };
};

/** The share accepted within target, day by day (from a summary grouped by day). */
export const withinTargetChart = (daily: Summary): DashboardChart => {
  const categories = daily.groups.map((g) => ('day' in g.key ? dayLabel(g.key.day) : ''));
  const total = daily.total;
  return {
    id: 'within-target',
    title: 'Referrals accepted within target, by day submitted',
    caption: 'Of the referrals submitted each day and accepted since, the percentage accepted within their target.',
    description:
      'Line chart of the percentage of accepted referrals that were accepted within their target, by the day they were submitted. ' +
      (total.accepted > 0
        ? `Over the period ${formatValue(total.acceptedWithinTargetRate, 'percent')} (${total.acceptedWithinTarget} of ${total.accepted}); ` +
          `by day: ${listOf(
            daily.groups.map((g, i) => [categories[i]!, percentOf(g.figures.acceptedWithinTargetRate)]),
            '%',
          )}. `
        : 'No referral of the period has been accepted. ') +
      TABLE_NOTE,
    chart: {
      kind: 'line',
      categories,
      valueAxis: 'Accepted within target (%)',
      percent: true,
      series: [
        {
          label: 'Accepted within target',
          values: daily.groups.map((g) => percentOf(g.figures.acceptedWithinTargetRate)),
          colour: colour(0),
        },
      ],
    },
    table: {
      rowHeader: ROW_HEADERS.day,
      columns: [
        { label: 'Accepted', format: 'count' },
        { label: 'Within target', format: 'count' },
        { label: 'Within target (%)', format: 'percent' },
      ],
      rows: rowsOf(daily, categories, (f) => [f.accepted, f.acceptedWithinTarget, f.acceptedWithinTargetRate]),
    },
  };
};

/** Declines of referrals and of handoffs in the period, by reason. */
export const declinesChart = (summary: Summary, labels: Labels): DashboardChart => {
  const reasons = Object.keys(summary.total.declinedByReason);
  const categories = reasons.map((code) => labels.get(code) ?? code);
  const referrals = reasons.map((code) => summary.total.declinedByReason[code] ?? 0);
  const handoffs = reasons.map((code) => summary.total.handoffs.declinedByReason[code] ?? 0);
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  const given = reasons.flatMap((_, i) => (referrals[i]! + handoffs[i]! > 0 ? [i] : []));
  return {
    id: 'declines',
    title: 'Declines by reason',
    caption: 'Referrals and handoffs of the period declined, by the reason given.',
    description:
      'Bar chart of referrals and handoffs declined in the period, by reason. ' +
      (given.length > 0
        ? `${given.map((i) => `${categories[i]}: ${referrals[i]} referrals, ${handoffs[i]} handoffs`).join('; ')}. `
        : 'Nothing was declined. ') +
      TABLE_NOTE,
    chart: {
      kind: 'bar',
      categories,
      horizontal: true,
      counts: true,
      valueAxis: 'Declined',
      series: [
        { label: 'Referrals', values: referrals, colour: colour(0) },
        { label: 'Handoffs', values: handoffs, colour: colour(1) },
      ],
    },
    table: {
      rowHeader: 'Reason',
      columns: [
        { label: 'Referrals', format: 'count' },
        { label: 'Handoffs', format: 'count' },
      ],
      rows: [
        ...reasons.map((_, i) => ({ label: categories[i]!, values: [referrals[i]!, handoffs[i]!] })),
        { label: 'Total', values: [sum(referrals), sum(handoffs)] },
      ],
    },
  };
};

/** Handoffs offered, accepted and overdue, and overdue referrals, per group. */
export const handoffsChart = (summary: Summary, labels: Labels): DashboardChart => {
  const noun = GROUP_NOUNS[summary.groupBy];
  const categories = summary.groups.map((g) => groupLabel(g.key, labels));
  const total = summary.total;
  const charted = [
    ['Handoffs offered', (f: Figures) => f.handoffs.offered],
    ['Handoffs accepted', (f: Figures) => f.handoffs.accepted],
    ['Handoffs overdue', (f: Figures) => f.handoffs.overdue],
    ['Referrals overdue', (f: Figures) => f.overdue],
  ] as const;
  return {
    id: 'handoffs-and-overdue',
    title: `Handoffs and overdue counts, by ${noun}`,
    caption: 'Handoffs offered, accepted and overdue, and referrals that went past their target without an answer.',
    description:
      `Bar chart by ${noun} of handoffs offered, accepted and overdue, and of referrals overdue. Over the period: ` +
      `${total.handoffs.offered} handoffs offered, ${total.handoffs.accepted} accepted, ${total.handoffs.overdue} overdue; ` +
      `${total.overdue} referrals overdue. ${TABLE_NOTE}`,
    chart: {
      kind: 'bar',
      categories,
      counts: true,
      valueAxis: 'Count',
      series: charted.map(([label, value], i) => ({ label, values: summary.groups.map((g) => value(g.figures)), colour: colour(i) })),
    },
    table: {
      rowHeader: ROW_HEADERS[summary.groupBy],
      columns: [
        { label: 'Handoffs offered', format: 'count' },
        { label: 'Accepted', format: 'count' },
        { label: 'Declined', format: 'count' },
        { label: 'Withdrawn', format: 'count' },
        { label: 'Open', format: 'count' },
        { label: 'Handoffs overdue', format: 'count' },
        { label: 'Referrals overdue', format: 'count' },
      ],
      rows: rowsOf(summary, categories, (f) => [
        f.handoffs.offered,
        f.handoffs.accepted,
        f.handoffs.declined,
        f.handoffs.withdrawn,
        f.handoffs.open,
        f.handoffs.overdue,
        f.overdue,
      ]),
    },
  };
};

/**
 * Every chart of the dashboard: the grouped ones from `summary`, the one over time from
 * `daily` (the same period and filters, grouped by day).
 */
export const dashboardCharts = (summary: Summary, daily: Summary, labels: Labels): DashboardChart[] => [
  statusChart(summary, labels),
  timeToAcceptChart(summary, labels),
  withinTargetChart(daily),
  declinesChart(summary, labels),
  handoffsChart(summary, labels),
];
