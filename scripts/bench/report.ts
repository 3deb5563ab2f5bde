/**
 * The printed report of `npm run bench`: plain-text tables (they read the same in a
 * terminal, a CI log and a pasted issue comment), one per section, each figure beside its
 * target and PASS/MISS.
 */
import { coldStartEntries, isColdStartFailure, unexpectedSecretReads } from './cold-summary.ts';
import { OPERATION_NAMES, type BenchResults, type ColdStartsResult } from './results.ts';
import { TARGETS, type TargetCheck } from './targets.ts';

/** A column: its header, and whether numbers line up on the right. */
export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

/** Pads every cell to its column's width; a rule under the header. Widths count code points. */
export const formatTable = (columns: readonly Column[], rows: readonly (readonly string[])[]): string => {
  const width = (text: string) => [...text].length;
  const widths = columns.map((c, i) => Math.max(width(c.header), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (text: string, i: number) => {
    const gap = ' '.repeat(widths[i]! - width(text));
    return columns[i]!.align === 'right' ? gap + text : text + gap;
  };
  const line = (cells: readonly string[]) =>
    columns
      .map((_, i) => pad(cells[i] ?? '', i))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
};

/** `1234.5` → `1,234.5`; fixed decimals so a column lines up. */
export const num = (value: number, decimals = 2): string =>
  value.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** `1.5` → `+1.50`, `-0.25` → `−0.25`: a difference, signed whichever way it goes. */
export const signedMs = (value: number, decimals = 2): string => (value < 0 ? `−${num(-value, decimals)}` : `+${num(value, decimals)}`);

const verdict = (check: TargetCheck | undefined): string => (check === undefined ? '' : check.pass ? 'PASS' : 'MISS');

/** The whole report: machine, one table per section run, and a summary line. */
export const renderReport = (results: BenchResults, checks: readonly TargetCheck[]): string => {
  const find = (name: string) => checks.find((c) => c.name === name);
  const out: string[] = [];
  const m = results.machine;
  out.push(`Jointly benchmark — ${m.date}`);
  out.push(`${m.cpuCount} × ${m.cpuModel}; Node ${m.node} (${m.platform}); load average ${num(m.loadAverage1m)} at start`);
  out.push(
    `Settings: ${Object.entries(results.settings)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
      .join(' ')}`,
  );
  out.push('Ratios are gateway ÷ raw DynamoDB, measured side by side in this run; absolute times are context only.');

  if (results.operations && Object.keys(results.operations).length > 0) {
    const rows = OPERATION_NAMES.flatMap((name) => {
      const op = results.operations?.[name];
      if (!op) return [];
      const calls = results.calls?.[name];
      return [
        [
          name,
          String(op.dynamoCalls),
          calls ? calls.raw.length.toString() : '',
          num(op.p50Ms),
          num(op.rawP50Ms),
          signedMs(op.overheadMs),
          num(op.ratioP50, 3),
          verdict(find(`${name} ratioP50`)),
          num(op.functionP50Ms),
          num(op.functionRatioP50, 3),
          num(op.p99Ms),
          num(op.rawP99Ms),
          num(op.ratioP99, 3),
          verdict(find(`${name} ratioP99`)),
        ],
      ];
    });
    out.push(
      '',
      `Operations (targets: ratio p50 ≤ ${TARGETS.ratioP50Max}, ratio p99 ≤ ${TARGETS.ratioP99Max}; +ms p50 = p50 − raw p50, what the gateway side adds;`,
      '  fn p50 / fn ratio = the function alone, handler call to answer, without the local HTTP hop and gateway)',
    );
    out.push(
      formatTable(
        [
          { header: 'operation' },
          { header: 'calls', align: 'right' },
          { header: 'raw calls', align: 'right' },
          { header: 'p50 ms', align: 'right' },
          { header: 'raw p50', align: 'right' },
          { header: '+ms p50', align: 'right' },
          { header: 'ratio p50', align: 'right' },
          { header: '' },
          { header: 'fn p50', align: 'right' },
          { header: 'fn ratio', align: 'right' },
          { header: 'p99 ms', align: 'right' },
          { header: 'raw p99', align: 'right' },
          { header: 'ratio p99', align: 'right' },
          { header: '' },
        ],
        rows,
      ),
    );
    if (results.calls) {
      out.push('', 'DynamoDB commands per request (handler, counted at its client | raw counterpart)');
      out.push(
        formatTable(
          [{ header: 'operation' }, { header: 'handler' }, { header: 'raw' }],
          OPERATION_NAMES.flatMap((name) => {
            const calls = results.calls?.[name];
            return calls ? [[name, calls.gateway.join(' + '), calls.raw.join(' + ')]] : [];
          }),
        ),
      );
    }
  }

  if (results.eventLatency) {
    const e = results.eventLatency;
    out.push('', `Event latency: handoff 201 → alert readable in GET /alerts (${e.samples} samples)`);
    out.push(
      formatTable(
        [{ header: 'metric' }, { header: 'value', align: 'right' }, { header: 'target', align: 'right' }, { header: '' }],
        [
          ['p50 ms', num(e.p50Ms), '', ''],
          ['p95 ms', num(e.p95Ms), `≤ ${num(TARGETS.eventP95MaxMs, 0)}`, verdict(find('eventLatency p95Ms'))],
        ],
      ),
    );
  }

  if (results.throughput) {
    const t = results.throughput;
    out.push('', 'Throughput: 50/50 POST /referrals + GET /referrals/{id}, gateway vs the same calls raw');
    out.push(
      formatTable(
        [{ header: 'metric' }, { header: 'value', align: 'right' }, { header: 'target', align: 'right' }, { header: '' }],
        [
          ['gateway rps', num(t.rps, 1), '', ''],
          ['raw rps', num(t.rawRps, 1), '', ''],
          ['ratio', num(t.ratio, 3), `≥ ${TARGETS.throughputRatioMin}`, verdict(find('throughput ratio'))],
          ['errors', String(t.errors), `${TARGETS.throughputErrorsMax}`, verdict(find('throughput errors'))],
        ],
      ),
    );
  }

  if (results.coldStarts) out.push('', ...coldStartLines(results.coldStarts, find));

  if (results.bundles && Object.keys(results.bundles).length > 0) {
    const overhead = find('max(importMs) − nodeBaselineMs');
    out.push(
      '',
      `Bundles (target: ≤ ${num(TARGETS.bundleMaxBytes, 0)} bytes each; slowest import − bare Node ≤ ${TARGETS.importOverheadMaxMs} ms)`,
    );
    out.push(
      formatTable(
        [{ header: 'function' }, { header: 'bytes', align: 'right' }, { header: 'import ms', align: 'right' }, { header: '' }],
        Object.entries(results.bundles)
          .sort(([, a], [, b]) => b.bytes - a.bytes)
          .map(([id, b]) => [id, num(b.bytes, 0), num(b.importMs, 1), verdict(find(`${id} bytes`))]),
      ),
    );
    if (results.nodeBaselineMs !== undefined && overhead) {
      out.push(
        `bare Node start: ${num(results.nodeBaselineMs, 1)} ms; slowest import − bare Node: ${num(overhead.value, 1)} ms ${overhead.target} ${verdict(overhead)}`,
      );
    }
  }

  if (results.console) {
    const c = results.console;
    out.push('', `Console (first page served by the local runtime; ${c.runs} fresh loads in headless Chromium)`);
    out.push(
      formatTable(
        [{ header: 'figure' }, { header: 'value', align: 'right' }, { header: 'target' }, { header: '' }],
        [
          ['script, gzip', `${num(c.scriptGzipBytes, 0)} B`, '', ''],
          ['stylesheet, gzip', `${num(c.stylesheetGzipBytes, 0)} B`, '', ''],
          [
            'first page, gzip',
            `${num(c.firstPageGzipBytes, 0)} B`,
            `≤ ${num(TARGETS.consoleFirstPageMaxBytes, 0)} B`,
            verdict(find('console firstPageGzipBytes')),
          ],
          [
            'first contentful paint, median (max)',
            `${num(c.firstContentfulPaintMs.median, 1)} (${num(c.firstContentfulPaintMs.max, 1)}) ms`,
            '',
            '',
          ],
          [
            'first render, median (max)',
            `${num(c.firstRenderMs.median, 1)} (${num(c.firstRenderMs.max, 1)}) ms`,
            `≤ ${TARGETS.consoleFirstRenderMaxMs} ms`,
            verdict(find('console firstRenderMs')),
          ],
        ],
      ),
    );
  }

  out.push('', summaryLine(checks));
  return out.join('\n');
};

/**
 * The cold-start table: one row per API function, slowest overhead first (failures last),
 * then the bare Node start, the Secrets Manager reads and any failure.
 */
export const coldStartLines = (section: ColdStartsResult, find: (name: string) => TargetCheck | undefined): string[] => {
  const entries = coldStartEntries(section);
  const measured = entries
    .flatMap(([id, entry]) => (isColdStartFailure(entry) ? [] : [[id, entry] as const]))
    .sort(([, a], [, b]) => b.coldOverheadMs.median - a.coldOverheadMs.median);
  const failed = entries.flatMap(([id, entry]) => (isColdStartFailure(entry) ? [[id, entry] as const] : []));
  const ms = (value: number) => num(value, 1);
  const out = [
    `Cold starts: first request in a fresh node, medians in ms (target: cold overhead = cold − warm − bare Node ≤ ${TARGETS.coldOverheadMaxMs} ms for every API function)`,
    formatTable(
      [
        { header: 'function' },
        { header: 'status', align: 'right' },
        { header: 'cold', align: 'right' },
        { header: 'max', align: 'right' },
        { header: 'warm', align: 'right' },
        { header: 'overhead', align: 'right' },
        { header: 'max', align: 'right' },
        { header: 'boot', align: 'right' },
        { header: 'import', align: 'right' },
        { header: '(secrets)', align: 'right' },
        { header: '1st request', align: 'right' },
        { header: 'ddb calls', align: 'right' },
        { header: '' },
      ],
      [
        ...measured.map(([id, c]) => [
          id,
          String(c.status) + (c.statuses ? '*' : ''),
          ms(c.coldRequestMs.median),
          ms(c.coldRequestMs.max),
          ms(c.warmMs.median),
          ms(c.coldOverheadMs.median),
          ms(c.coldOverheadMs.max),
          ms(c.bootMs.median),
          ms(c.importMs.median),
          ms(c.secretsMs.median),
          ms(c.firstRequestMs.median),
          String(c.dynamoCalls),
          verdict(find(`${id} coldOverheadMs`)),
        ]),
        ...failed.map(([id]) => [id, 'failed', '', '', '', '', '', '', '', '', '', '', verdict(find(`${id} coldOverheadMs`))]),
      ],
    ),
    `bare Node start (an empty module, spawn → its line): ${ms(section.bareNodeMs)} ms; import includes the module's top-level awaits (its secret reads)`,
  ];
  const mixed = measured.filter(([, c]) => c.statuses).map(([id, c]) => `${id} ${c.statuses!.join('/')}`);
  if (mixed.length > 0) out.push(`* first statuses differed between samples: ${mixed.join('; ')}`);
  const odd = unexpectedSecretReads(section);
  const reading = measured.filter(([, c]) => c.secrets.length > 0).length;
  out.push(
    odd.length === 0
      ? `Secrets Manager: every child read each secret its function declares exactly once (${reading} of ${measured.length} functions read secrets).`
      : `Secrets Manager reads not exactly once per child: ${odd.join('; ')}`,
  );
  for (const [id, entry] of failed) out.push(`${id} (${entry.operationId}) failed: ${entry.error}`);
  return out;
};

/** `n/m targets met.` and what was missed, bundles over the size bound and slow cold starts counted rather than listed. */
export const summaryLine = (checks: readonly TargetCheck[]): string => {
  const missed = checks.filter((c) => !c.pass);
  const oversized = missed.filter((c) => c.section === 'bundles' && c.name.endsWith(' bytes'));
  const slowCold = missed.filter((c) => c.section === 'cold');
  const named = missed.filter((c) => !oversized.includes(c) && !slowCold.includes(c)).map((c) => c.name);
  if (oversized.length > 0)
    named.push(`${oversized.length} bundle${oversized.length === 1 ? '' : 's'} over ${num(TARGETS.bundleMaxBytes, 0)} bytes`);
  if (slowCold.length > 0)
    named.push(
      `${slowCold.length} function${slowCold.length === 1 ? '' : 's'} over ${TARGETS.coldOverheadMaxMs} ms cold overhead (or failed)`,
    );
  return `${checks.length - missed.length}/${checks.length} targets met.${named.length > 0 ? ` Missed: ${named.join('; ')}.` : ''}`;
};
