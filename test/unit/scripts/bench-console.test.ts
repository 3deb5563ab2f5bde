/** The console section of `npm run bench`: reading the page's assets, its targets and its report rows. */
import { describe, expect, it } from 'vitest';
import { firstPageAssets } from '#scripts/bench/console.ts';
import { renderReport } from '#scripts/bench/report.ts';
import type { BenchResults, ConsoleResult } from '#scripts/bench/results.ts';
import { evaluateTargets, TARGETS } from '#scripts/bench/targets.ts';

const machine = {
  cpuModel: 'Test CPU',
  cpuCount: 2,
  node: 'v24.0.0',
  platform: 'linux-x64',
  date: '2026-01-01T00:00:00.000Z',
  loadAverage1m: 0.5,
};

const consoleResult = (firstPageGzipBytes: number, renderMedian: number): ConsoleResult => ({
  scriptGzipBytes: firstPageGzipBytes - 30_000,
  stylesheetGzipBytes: 30_000,
  firstPageGzipBytes,
  runs: 15,
  firstContentfulPaintMs: { median: 400, max: 450 },
  firstRenderMs: { median: renderMedian, max: renderMedian + 40 },
});

describe('the console benchmark', () => {
  it('reads the one script and the one stylesheet the page names', () => {
    // Prepare
    const html =
      '<link rel="stylesheet" href="/console/assets/styles-AB12CD34.css">\n<script type="module" src="/console/assets/app-EF56GH78.js"></script>';

    // Act
    const assets = firstPageAssets(html);

    // Assess
    expect(assets).toEqual({ script: '/console/assets/app-EF56GH78.js', stylesheet: '/console/assets/styles-AB12CD34.css' });
    expect(() => firstPageAssets('<html></html>')).toThrow(/names no script/);
  });

  it('checks the first page against 150 KB compressed and the first render against its bound, bounds inclusive', () => {
    // Prepare
    const within: BenchResults = {
      machine,
      settings: {},
      console: consoleResult(TARGETS.consoleFirstPageMaxBytes, TARGETS.consoleFirstRenderMaxMs),
    };
    const over: BenchResults = {
      machine,
      settings: {},
      console: consoleResult(TARGETS.consoleFirstPageMaxBytes + 1, TARGETS.consoleFirstRenderMaxMs + 0.1),
    };

    // Act
    const passing = evaluateTargets(within);
    const missing = evaluateTargets(over);

    // Assess
    expect(TARGETS.consoleFirstPageMaxBytes).toBe(150 * 1024);
    expect(passing.map((c) => [c.name, c.pass])).toEqual([
      ['console firstPageGzipBytes', true],
      ['console firstRenderMs', true],
    ]);
    expect(missing.map((c) => c.pass)).toEqual([false, false]);
  });

  it('reports the sizes and render times with their verdicts', () => {
    // Prepare
    const results: BenchResults = { machine, settings: {}, console: consoleResult(44_429, 565.1) };

    // Act
    const text = renderReport(results, evaluateTargets(results));

    // Assess
    expect(text).toContain('Console (first page served by the local runtime; 15 fresh loads in headless Chromium)');
    expect(text).toMatch(/first page, gzip\s+44,429 B\s+≤ 153,600 B\s+PASS/);
    expect(text).toMatch(/first render, median \(max\)\s+565\.1 \(605\.1\) ms\s+≤ 1000 ms\s+PASS/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('2/2 targets met.');
  });
});
