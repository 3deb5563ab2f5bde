import { describe, expect, it } from 'vitest';
import { formatTable, num, renderReport, signedMs, summaryLine } from '#scripts/bench/report.ts';
import type { BenchResults, ColdStartResult } from '#scripts/bench/results.ts';
import { evaluateTargets, type TargetCheck } from '#scripts/bench/targets.ts';

const machine = {
  cpuModel: 'Test CPU',
  cpuCount: 2,
  node: 'v24.0.0',
  platform: 'linux-x64',
  date: '2026-01-01T00:00:00.000Z',
  loadAverage1m: 0.5,
};

/** A function's cold start with this median overhead (and max). */
const coldStart = (median: number, max: number): ColdStartResult => ({
  operationId: 'op',
  samples: 5,
  status: 200,
  coldRequestMs: { median: median + 60, max: max + 60 },
  warmMs: { median: 20 },
  coldOverheadMs: { median, max },
  bootMs: { median: 30 },
  importMs: { median: 90 },
  secretsMs: { median: 8 },
  firstRequestMs: { median: 40 },
  dynamoCalls: 2,
  secrets: ['cursorKey'],
  secretReads: { cursorKey: { min: 1, max: 1 } },
});

describe('formatTable', () => {
  it('pads each column to its widest cell, right-aligns numbers, and rules the header', () => {
    // Prepare
    const columns = [{ header: 'name' }, { header: 'ms', align: 'right' as const }];
    const rows = [
      ['get', '7.5'],
      ['create', '12.25'],
    ];

    // Act
    const text = formatTable(columns, rows);

    // Assess
    expect(text.split('\n')).toEqual(['name       ms', '------  -----', 'get       7.5', 'create  12.25']);
  });

  it('counts “≤” and “−” as one column each and trims trailing spaces', () => {
    // Prepare
    const columns = [{ header: 'target' }, { header: '' }];
    const rows = [
      ['≤ 1.15', ''],
      ['≥ 0.9', 'MISS'],
    ];

    // Act
    const lines = formatTable(columns, rows).split('\n');

    // Assess
    expect(lines).toEqual(['target', '------  ----', '≤ 1.15', '≥ 0.9   MISS']);
  });
});

describe('num', () => {
  it('groups thousands and fixes the decimals', () => {
    // Act
    const values = [num(307200, 0), num(1.5), num(0.12345, 3)];

    // Assess
    expect(values).toEqual(['307,200', '1.50', '0.123']);
  });
});

describe('signedMs', () => {
  it('signs a difference whichever way it goes, with a true minus', () => {
    // Act
    const values = [signedMs(1.5), signedMs(0), signedMs(-0.254), signedMs(1234.5, 1)];

    // Assess
    expect(values).toEqual(['+1.50', '+0.00', '−0.25', '+1,234.5']);
  });
});

describe('summaryLine', () => {
  it('counts met targets and names the misses, bundles over size counted not listed', () => {
    // Prepare
    const checks: TargetCheck[] = [
      { section: 'operations', name: 'getReferral ratioP50', value: 1.2, target: '≤ 1.15', pass: false },
      { section: 'bundles', name: 'a bytes', value: 400_000, target: '≤ 307,200 B', pass: false },
      { section: 'bundles', name: 'b bytes', value: 500_000, target: '≤ 307,200 B', pass: false },
      { section: 'bundles', name: 'c bytes', value: 100, target: '≤ 307,200 B', pass: true },
      { section: 'events', name: 'eventLatency p95Ms', value: 300, target: '≤ 1,000 ms', pass: true },
    ];

    // Act
    const line = summaryLine(checks);

    // Assess
    expect(line).toBe('2/5 targets met. Missed: getReferral ratioP50; 2 bundles over 307,200 bytes.');
  });

  it('says nothing was missed when all pass', () => {
    // Act
    const line = summaryLine([{ section: 'events', name: 'eventLatency p95Ms', value: 300, target: '≤ 1,000 ms', pass: true }]);

    // Assess
    expect(line).toBe('1/1 targets met.');
  });
});

describe('renderReport', () => {
  it('prints each section run with its figures, targets and PASS/MISS, and the machine', () => {
    // Prepare
    const results: BenchResults = {
      machine,
      settings: { iterations: 400, sections: ['operations', 'events', 'throughput', 'bundles'] },
      operations: {
        getReferral: {
          p50Ms: 6.5,
          p99Ms: 20,
          rawP50Ms: 6,
          rawP99Ms: 18,
          ratioP50: 1.083,
          ratioP99: 1.111,
          overheadMs: 0.5,
          functionP50Ms: 6.25,
          functionRatioP50: 1.042,
          functionOverheadMs: 0.25,
          dynamoCalls: 2,
        },
        createReferral: {
          p50Ms: 14,
          p99Ms: 40,
          rawP50Ms: 10,
          rawP99Ms: 20,
          ratioP50: 1.4,
          ratioP99: 2,
          overheadMs: 4,
          functionP50Ms: 11,
          functionRatioP50: 1.1,
          functionOverheadMs: 1,
          dynamoCalls: 1,
        },
      },
      calls: {
        getReferral: { gateway: ['Query', 'PutItem'], raw: ['Query', 'PutItem'] },
        createReferral: { gateway: ['TransactWriteItems'], raw: ['TransactWriteItems'] },
      },
      eventLatency: { p50Ms: 150, p95Ms: 280, samples: 60 },
      throughput: { rps: 95, rawRps: 100, ratio: 0.95, errors: 0 },
      nodeBaselineMs: 40,
      bundles: { getReferral: { bytes: 200_000, importMs: 90 } },
    };

    // Act
    const text = renderReport(results, evaluateTargets(results));

    // Assess
    expect(text).toContain('2 × Test CPU; Node v24.0.0');
    expect(text).toMatch(
      /createReferral\s+1\s+1\s+14\.00\s+10\.00\s+\+4\.00\s+1\.400\s+MISS\s+11\.00\s+1\.100\s+40\.00\s+20\.00\s+2\.000\s+MISS/,
    );
    expect(text).toMatch(/getReferral\s+2\s+2\s+6\.50\s+6\.00\s+\+0\.50\s+1\.083\s+PASS\s+6\.25\s+1\.042/);
    expect(text).toContain('fn p50 / fn ratio = the function alone');
    expect(text).toContain('+ms p50 = p50 − raw p50');
    // The order, whatever the object's order.
    expect(text.indexOf('createReferral  ')).toBeLessThan(text.indexOf('getReferral  '));
    expect(text).toMatch(/getReferral\s+Query \+ PutItem\s+Query \+ PutItem/);
    expect(text).toMatch(/p95 ms\s+280\.00\s+≤ 1,000\s+PASS/);
    expect(text).toMatch(/ratio\s+0\.950\s+≥ 0\.9\s+PASS/);
    expect(text).toMatch(/getReferral\s+200,000\s+90\.0\s+PASS/);
    expect(text).toContain('slowest import − bare Node: 50.0 ms ≤ 80 ms PASS');
    expect(text.trimEnd().split('\n').at(-1)).toBe('7/9 targets met. Missed: createReferral ratioP50; createReferral ratioP99.');
  });

  it('prints the cold starts, slowest overhead first, with the bare Node start, the secret reads and any failure', () => {
    // Prepare
    const results: BenchResults = {
      machine,
      settings: {},
      coldStarts: {
        bareNodeMs: 41.5,
        getHealth: { ...coldStart(12.3, 20), secrets: [], secretReads: {} },
        getReferral: { ...coldStart(130.4, 180), status: 200, dynamoCalls: 2 },
        createReferral: { ...coldStart(90, 95), status: 201, statuses: [201, 201, 500, 201, 201] },
        offerHandoff: { operationId: 'offerHandoff', error: 'exit 1, no first response: ConfigurationError' },
      },
    };

    // Act
    const text = renderReport(results, evaluateTargets(results));

    // Assess
    expect(text).toContain('cold overhead = cold − warm − bare Node ≤ 100 ms');
    expect(text).toMatch(/getReferral\s+200\s+190\.4\s+240\.0\s+20\.0\s+130\.4\s+180\.0\s+30\.0\s+90\.0\s+8\.0\s+40\.0\s+2\s+MISS/);
    expect(text).toMatch(/createReferral\s+201\*\s+150\.0/);
    expect(text).toMatch(/offerHandoff\s+failed\s+MISS/);
    expect(text.indexOf('getReferral  ')).toBeLessThan(text.indexOf('createReferral  '));
    expect(text.indexOf('createReferral  ')).toBeLessThan(text.indexOf('getHealth  '));
    expect(text).toContain('bare Node start (an empty module, spawn → its line): 41.5 ms');
    expect(text).toContain('* first statuses differed between samples: createReferral 201/201/500/201/201');
    expect(text).toContain('every child read each secret its function declares exactly once (2 of 3 functions read secrets)');
    expect(text).toContain('offerHandoff (offerHandoff) failed: exit 1, no first response: ConfigurationError');
    expect(text.trimEnd().split('\n').at(-1)).toBe('2/4 targets met. Missed: 2 functions over 100 ms cold overhead (or failed).');
  });

  it('leaves out the sections that were not run', () => {
    // Prepare
    const results: BenchResults = { machine, settings: {}, eventLatency: { p50Ms: 150, p95Ms: 280, samples: 60 } };

    // Act
    const text = renderReport(results, evaluateTargets(results));

    // Assess
    expect(text).toContain('Event latency');
    expect(text).not.toContain('Operations');
    expect(text).not.toContain('Throughput');
    expect(text).not.toContain('Bundles');
    expect(text).not.toContain('Cold starts');
  });
});
