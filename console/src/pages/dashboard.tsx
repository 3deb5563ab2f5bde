/**
 * Programme dashboard (programme managers): the programme's figures from `GET /metrics/summary`
 * for a period and a grouping, as charts each with a table of the same numbers beside it (the
 * table is the way in for screen-reader and keyboard users), and the API's own CSV to
 * download. The chart library is imported only when there is a chart to draw.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { ApiProblemError, api, session } from '../api.ts';
import type { DrawnChart } from '../charts.ts';
import {
  dashboardCharts,
  dayLabel,
  formatValue,
  GROUP_NOUNS,
  type DashboardChart,
  type FigureTable,
  type GroupBy,
  type Labels,
  type Summary,
} from '../charts-figures.ts';
import { ErrorSummary, problemText } from '../ui.tsx';

/** The role the API serves the figures to. */
const PROGRAMME_MANAGER = 'programme_manager';

interface Coded {
  readonly code: string;
  readonly label: string;
}
/** What the page reads of `GET /reference`: names for codes and the filters' choices. */
interface Reference {
  readonly organisations: readonly { readonly id: string; readonly name: string }[];
  readonly serviceAreas: readonly Coded[];
  readonly priorities: readonly Coded[];
  readonly declineReasonCodes: readonly Coded[];
}

/** The figures asked for: the query of `GET /metrics/summary` (no from/to: the API's last 7 days). */
interface Query {
  readonly from?: string;
  readonly to?: string;
  readonly groupBy: GroupBy;
  readonly serviceArea?: string;
  readonly org?: string;
}

const GROUPINGS: readonly (readonly [GroupBy, string])[] = [
  ['serviceArea', 'Service area'],
  ['day', 'Day submitted'],
  ['orgPair', 'Organisation pair (from and to)'],
  ['priority', 'Priority'],
];

/** The query string of a summary request (filters only: never anything about a person). */
const paramsOf = (query: Query): URLSearchParams =>
  new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));

/** The same period and filters as an answer, explicitly, grouped by `groupBy`. */
const sameFigures = (summary: Summary, groupBy: GroupBy): Query => ({
  from: summary.from,
  to: summary.to,
  groupBy,
  ...(summary.serviceArea ? { serviceArea: summary.serviceArea } : {}),
  ...(summary.org ? { org: summary.org } : {}),
});

/** Loads the chart library once, on first use. */
let chartsModule: Promise<typeof import('../charts.ts')> | undefined;
const loadCharts = () => {
  chartsModule ??= import('../charts.ts');
  return chartsModule;
};

/**
 * Downloads the API's CSV of `query` (`format=csv`, with the bearer token, as any client
 * asks): the answer's bytes become a Blob, saved under the name the API gives it.
 */
const downloadCsv = async (query: Query): Promise<string> => {
  const response = await fetch(`/metrics/summary?${paramsOf(query)}&format=csv`, {
    headers: { authorization: `Bearer ${session.value?.token ?? ''}`, accept: 'text/csv' },
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    throw new ApiProblemError(response.status, String(problem.title ?? response.statusText), String(problem.detail ?? ''), problem);
  }
  const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'jointly-metrics.csv';
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  // The download has its own copy once started; the object URL is let go a little later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
  return filename;
};

/** A date as the design system asks for it: day, month and year fields. */
interface DateParts {
  readonly day: string;
  readonly month: string;
  readonly year: string;
}
const EMPTY_DATE: DateParts = { day: '', month: '', year: '' };

const partsOf = (day: string): DateParts => {
  const [year = '', month = '', date = ''] = day.split('-');
  return { day: String(Number(date)), month: String(Number(month)), year };
};

/** `YYYY-MM-DD` of the fields when they make a real date; undefined otherwise. */
const dayOf = (parts: DateParts): string | undefined => {
  const [day, month, year] = [parts.day, parts.month, parts.year].map((part) => part.trim());
  if (!/^\d{1,2}$/.test(day!) || !/^\d{1,2}$/.test(month!) || !/^\d{4}$/.test(year!)) return undefined;
  const iso = `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
  const t = Date.parse(`${iso}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === iso ? iso : undefined;
};

/** What is wrong with a period's fields, per field ("" when nothing). */
const periodErrors = (from: string | undefined, to: string | undefined): { from: string; to: string } => ({
  from: from ? '' : 'Enter a real date for the start of the period, for example 27 11 2026',
  to: !to
    ? 'Enter a real date for the end of the period, for example 3 12 2026'
    : from && to < from
      ? 'The end of the period must be the same as or after its start'
      : '',
});

/** The NHS date input: a fieldset of day, month and year, with its error when there is one. */
const DateInput = (props: { id: string; legend: string; value: DateParts; error: string; onInput: (value: DateParts) => void }) => {
  const { id, legend, value, error } = props;
  const field = (part: keyof DateParts, label: string, width: 2 | 4) => (
    <div class="nhsuk-date-input__item">
      <div class={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
        <label class="nhsuk-label nhsuk-date-input__label" for={`${id}-${part}`}>
          {label}
        </label>
        <input
          class={`nhsuk-input nhsuk-input--width-${width} nhsuk-date-input__input${error ? ' nhsuk-input--error' : ''}`}
          id={`${id}-${part}`}
          name={`${id}-${part}`}
          type="text"
          inputMode="numeric"
          value={value[part]}
          onInput={(e) => props.onInput({ ...value, [part]: e.currentTarget.value })}
        />
      </div>
    </div>
  );
  return (
    <div class={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset class="nhsuk-fieldset" aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}>
        <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        <div class="nhsuk-hint" id={`${id}-hint`}>
          For example, 27 11 2026
        </div>
        {error && (
          <span class="nhsuk-error-message" id={`${id}-error`}>
            <span class="nhsuk-u-visually-hidden">Error: </span>
            {error}
          </span>
        )}
        <div class="nhsuk-date-input" id={id}>
          {field('day', 'Day', 2)}
          {field('month', 'Month', 2)}
          {field('year', 'Year', 4)}
        </div>
      </fieldset>
    </div>
  );
};

/** A select of codes with "All" first. */
const FilterSelect = (props: {
  id: string;
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  all?: string;
  onChange: (value: string) => void;
}) => (
  <div class="nhsuk-form-group">
    <label class="nhsuk-label" for={props.id}>
      {props.label}
    </label>
    <select class="nhsuk-select" id={props.id} name={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
      {props.all !== undefined && <option value="">{props.all}</option>}
      {props.options.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </select>
  </div>
);

/**
 * A chart's table: groups as rows (the total last), figures as numeric columns. A wide table
 * scrolls inside its region, which is named by the heading above it (so the name never
 * scrolls out of sight) and takes focus so a keyboard can scroll it (WCAG 2.1.1).
 */
const FiguresTable = (props: { id: string; title: string; table: FigureTable }) => {
  const { id, title, table } = props;
  return (
    <div>
      <h3 class="nhsuk-heading-s" id={`${id}-table`}>
        The figures as a table
      </h3>
      {table.columns.length > 3 && (
        <p class="nhsuk-body-s jointly-scroll-hint">On a narrow screen, scroll the table sideways to see every column.</p>
      )}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable (axe scrollable-region-focusable) */}
      <section class="nhsuk-table-container jointly-table-scroll" aria-labelledby={`${id}-title ${id}-table`} tabIndex={0}>
        <table class="nhsuk-table">
          <caption class="nhsuk-u-visually-hidden">{title}</caption>
          <thead class="nhsuk-table__head">
            <tr class="nhsuk-table__row">
              <th scope="col" class="nhsuk-table__header">
                {table.rowHeader}
              </th>
              {table.columns.map((column) => (
                <th key={column.label} scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody class="nhsuk-table__body">
            {table.rows.map((row) => (
              <tr key={row.label} class="nhsuk-table__row">
                <th scope="row" class="nhsuk-table__header">
                  {row.label}
                </th>
                {row.values.map((value, i) => (
                  <td key={table.columns[i]!.label} class="nhsuk-table__cell nhsuk-table__cell--numeric">
                    {formatValue(value, table.columns[i]!.format) ?? (
                      <>
                        <span aria-hidden="true">–</span>
                        <span class="nhsuk-u-visually-hidden">not defined</span>
                      </>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
};

/** One chart: a figure (canvas named by its summary, and a caption) with its table beside it. */
const ChartFigure = (props: { chart: DashboardChart }) => {
  const { chart } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const failed = useSignal(false);
  useEffect(() => {
    let drawn: DrawnChart | undefined;
    let gone = false;
    loadCharts()
      .then(({ drawChart }) => {
        if (!gone && canvas.current) drawn = drawChart(canvas.current, chart.chart);
        failed.value = false;
      })
      .catch(() => (failed.value = true));
    return () => {
      gone = true;
      drawn?.destroy();
    };
  }, [chart]);
  // Short tables sit beside their chart on a wide screen; wide ones go under it.
  const side = chart.table.columns.length <= 3;
  return (
    <section class={`jointly-chart${side ? ' jointly-chart--side' : ''}`} aria-labelledby={`${chart.id}-title`}>
      <h2 id={`${chart.id}-title`}>{chart.title}</h2>
      <div class="jointly-chart__body">
        <figure class="jointly-chart__figure">
          <div class="jointly-chart__canvas">
            <canvas ref={canvas} id={`${chart.id}-chart`} role="img" aria-label={chart.description} />
          </div>
          <figcaption class="nhsuk-body-s">
            {failed.value ? 'The chart could not be drawn. ' : `${chart.caption} `}
            The table that goes with it has the same figures.
          </figcaption>
        </figure>
        <FiguresTable id={chart.id} title={chart.title} table={chart.table} />
      </div>
    </section>
  );
};

/** What someone else sees: the figures are the programme managers' (the API answers 403 too). */
const NotForYou = () => (
  <>
    <h1>Programme dashboard</h1>
    <div class="nhsuk-inset-text">
      <span class="nhsuk-u-visually-hidden">Information: </span>
      <p>This page is for programme managers. The programme’s figures are shown to the programme manager role only.</p>
    </div>
  </>
);

/** The dashboard for programme managers. */
const ProgrammeDashboard = () => {
  const query = useSignal<Query>({ groupBy: 'serviceArea' });
  const from = useSignal<DateParts>(EMPTY_DATE);
  const to = useSignal<DateParts>(EMPTY_DATE);
  const groupBy = useSignal<GroupBy>('serviceArea');
  const serviceArea = useSignal('');
  const org = useSignal('');
  const fieldErrors = useSignal<{ from: string; to: string }>({ from: '', to: '' });
  const summary = useSignal<Summary | undefined>(undefined);
  const daily = useSignal<Summary | undefined>(undefined);
  const reference = useSignal<Reference | undefined>(undefined);
  const error = useSignal('');
  const forbidden = useSignal(false);
  const downloaded = useSignal('');

  useEffect(() => {
    // Without it, codes read as themselves: the figures still show.
    api<Reference>('GET', '/reference')
      .then((r) => (reference.value = r))
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    let stale = false;
    summary.value = undefined;
    const load = async () => {
      const main = await api<Summary>('GET', `/metrics/summary?${paramsOf(query.value)}`);
      // The chart over time is always by day: the same period, asked for by its dates.
      const byDay = main.groupBy === 'day' ? main : await api<Summary>('GET', `/metrics/summary?${paramsOf(sameFigures(main, 'day'))}`);
      if (stale) return;
      summary.value = main;
      daily.value = byDay;
      error.value = '';
      // The first answer fills the period the API chose (its last 7 days) into the fields.
      if (!from.value.year) from.value = partsOf(main.from);
      if (!to.value.year) to.value = partsOf(main.to);
    };
    load().catch((e) => {
      if (stale) return;
      if (e instanceof ApiProblemError && e.status === 403) forbidden.value = true;
      error.value = problemText(e, 'The figures could not be loaded.');
    });
    return () => {
      stale = true;
    };
  }, [query.value]);

  const labels: Labels = useMemo(
    () =>
      new Map(
        [
          ...(reference.value?.serviceAreas ?? []),
          ...(reference.value?.priorities ?? []),
          ...(reference.value?.declineReasonCodes ?? []),
        ].map((c) => [c.code, c.label]),
      ),
    [reference.value],
  );
  const charts = useMemo(
    () => (summary.value && daily.value ? dashboardCharts(summary.value, daily.value, labels) : []),
    [summary.value, daily.value, labels],
  );

  if (forbidden.value) return <NotForYou />;

  const apply = (event: Event) => {
    event.preventDefault();
    const [fromDay, toDay] = [dayOf(from.value), dayOf(to.value)];
    const errors = periodErrors(fromDay, toDay);
    fieldErrors.value = errors;
    if (errors.from || errors.to || !fromDay || !toDay) {
      error.value = [errors.from, errors.to].filter(Boolean).join('. ');
      return;
    }
    error.value = '';
    query.value = {
      from: fromDay,
      to: toDay,
      groupBy: groupBy.value,
      ...(serviceArea.value ? { serviceArea: serviceArea.value } : {}),
      ...(org.value ? { org: org.value } : {}),
    };
  };

  const download = (figures: Query) => {
    downloaded.value = '';
    downloadCsv(figures)
      .then((filename) => (downloaded.value = `Downloaded ${filename}.`))
      .catch((e) => (error.value = problemText(e, 'The CSV could not be downloaded.')));
  };

  const shown = summary.value;
  return (
    <>
      <h1>Programme dashboard</h1>
      <p>
        How the programme is doing: referrals, time to accept, declines and handoffs across the organisations, for the period and grouping
        you choose.
      </p>
      <ErrorSummary message={error.value} />
      <form class="jointly-dashboard-filters" aria-labelledby="filters-title" onSubmit={apply} noValidate>
        <h2 id="filters-title" class="nhsuk-heading-s">
          Period and grouping
        </h2>
        <DateInput id="from" legend="From" value={from.value} error={fieldErrors.value.from} onInput={(v) => (from.value = v)} />
        <DateInput id="to" legend="To" value={to.value} error={fieldErrors.value.to} onInput={(v) => (to.value = v)} />
        <FilterSelect
          id="groupBy"
          label="Group by"
          value={groupBy.value}
          options={GROUPINGS}
          onChange={(v) => (groupBy.value = v as GroupBy)}
        />
        <FilterSelect
          id="serviceArea"
          label="Service area"
          value={serviceArea.value}
          all="All service areas"
          options={(reference.value?.serviceAreas ?? []).map((c) => [c.code, c.label] as const)}
          onChange={(v) => (serviceArea.value = v)}
        />
        <FilterSelect
          id="org"
          label="Organisation (sending or receiving)"
          value={org.value}
          all="All organisations"
          options={(reference.value?.organisations ?? []).map((o) => [o.id, o.name] as const)}
          onChange={(v) => (org.value = v)}
        />
        <button class="nhsuk-button" type="submit">
          Show figures
        </button>
      </form>
      {!shown ? (
        <p role="status">{error.value ? '' : 'Loading the figures…'}</p>
      ) : (
        <>
          <p role="status" class="nhsuk-body-l">
            Referrals submitted from {dayLabel(shown.from)} to {dayLabel(shown.to)}, by {GROUP_NOUNS[shown.groupBy]}
            {shown.serviceArea ? `, ${labels.get(shown.serviceArea) ?? shown.serviceArea} only` : ''}
            {shown.org ? `, where ${shown.org} sent or received` : ''}: {shown.total.referrals} referrals.
          </p>
          <details class="nhsuk-details">
            <summary class="nhsuk-details__summary">
              <span class="nhsuk-details__summary-text">How the figures are counted</span>
            </summary>
            <div class="nhsuk-details__text">
              <p>{shown.attribution.referrals}</p>
              <p>{shown.attribution.handoffs}</p>
            </div>
          </details>
          <h2>Download the figures</h2>
          <p>As CSV for a spreadsheet: one row per group, with every figure the programme counts (more than the charts show).</p>
          <div class="nhsuk-button-group">
            <button class="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => download(sameFigures(shown, shown.groupBy))}>
              Download CSV by {GROUP_NOUNS[shown.groupBy]}
            </button>
            {shown.groupBy !== 'day' && (
              <button class="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => download(sameFigures(shown, 'day'))}>
                Download CSV by day
              </button>
            )}
          </div>
          <p role="status">{downloaded.value}</p>
          {charts.map((chart) => (
            <ChartFigure key={chart.id} chart={chart} />
          ))}
        </>
      )}
    </>
  );
};

/** Programme dashboard: the figures for programme managers; a plain word for everyone else. */
export const Dashboard = () => (session.value?.roles.includes(PROGRAMME_MANAGER) ? <ProgrammeDashboard /> : <NotForYou />);
