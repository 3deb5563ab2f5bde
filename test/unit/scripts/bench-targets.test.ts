import { describe, expect, it } from 'vitest';
import type { BenchResults, ColdStartResult, OperationResult } from '#scripts/bench/results.ts';
import { evaluateTargets, TARGETS } from '#scripts/bench/targets.ts';

const machine = {
  cpuModel: 'Test CPU',
  cpuCount: 2,
  node: 'v24.0.0',
  platform: 'linux-x64',
  date: '2026-01-01T00:00:00.000Z',
  loadAverage1m: 0.5,
};

const op = (ratioP50: number, ratioP99: number): OperationResult => ({
  p50Ms: 10 * ratioP50,
  p99Ms: 20 * ratioP99,
  rawP50Ms: 10,
  rawP99Ms: 20,
  ratioP50,
  ratioP99,
  overheadMs: 10 * ratioP50 - 10,
  functionP50Ms: 10 * ratioP50,
  functionRatioP50: ratioP50,
  functionOverheadMs: 10 * ratioP50 - 10,
  dynamoCalls: 2,
});

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

describe('evaluateTargets', () => {
  it('checks both ratios of every operation measured, bounds inclusive', () => {
    // Prepare
    const results: BenchResults = {
      machine,
      settings: {},
      operations: { createReferral: op(TARGETS.ratioP50Max, TARGETS.ratioP99Max), getReferral: op(1.16, 1.51) },
    };

    // Act
    const checks = evaluateTargets(results);

    // Assess
    expect(checks.map((c) => [c.name, c.pass])).toEqual([
      ['createReferral ratioP50', true],
      ['createReferral ratioP99', true],
      ['getReferral ratioP50', false],
      ['getReferral ratioP99', false],
    ]);
    expect(checks[0]).toMatchObject({ section: 'operations', value: 1.15, target: '≤ 1.15' });
  });

  it('checks every bundle against 300 KB and the slowest import against the bare Node start + 80 ms', () => {
    // Prepare
    const results: BenchResults = {
      machine,
      settings: {},
      nodeBaselineMs: 40,
      bundles: { small: { bytes: 307_200, importMs: 100 }, big: { bytes: 307_201, importMs: 125 } },
    };

    // Act
    const checks = evaluateTargets(results);

    // Assess
    expect(checks.map((c) => [c.name, c.value, c.pass])).toEqual([
      ['small bytes', 307_200, true],
      ['big bytes', 307_201, false],
      ['max(importMs) − nodeBaselineMs', 85, false],
    ]);
    expect(checks[2]?.target).toBe('≤ 80 ms');
  });

  it('an import overhead of exactly 80 ms passes', () => {
    // Prepare
    const results: BenchResults = { machine, settings: {}, nodeBaselineMs: 50.5, bundles: { fn: { bytes: 1000, importMs: 130.5 } } };

    // Act
    const overhead = evaluateTargets(results).find((c) => c.name.startsWith('max(importMs)'));

    // Assess
    expect(overhead).toMatchObject({ value: 80, pass: true });
  });

  it('event latency passes up to a p95 of 1000 ms', () => {
    // Act
    const at = evaluateTargets({ machine, settings: {}, eventLatency: { p50Ms: 200, p95Ms: 1000, samples: 60 } });
    const over = evaluateTargets({ machine, settings: {}, eventLatency: { p50Ms: 200, p95Ms: 1000.01, samples: 60 } });

    // Assess
    expect(at).toEqual([{ section: 'events', name: 'eventLatency p95Ms', value: 1000, target: '≤ 1,000 ms', pass: true }]);
    expect(over[0]?.pass).toBe(false);
  });

  it('throughput needs a ratio ≥ 0.9 and no errors, checked separately', () => {
    // Act
    const good = evaluateTargets({ machine, settings: {}, throughput: { rps: 90, rawRps: 100, ratio: 0.9, errors: 0 } });
    const bad = evaluateTargets({ machine, settings: {}, throughput: { rps: 95, rawRps: 100, ratio: 0.95, errors: 3 } });

    // Assess
    expect(good.map((c) => c.pass)).toEqual([true, true]);
    expect(bad.map((c) => [c.name, c.pass])).toEqual([
      ['throughput ratio', true],
      ['throughput errors', false],
    ]);
  });

  it('checks every API function’s median cold overhead against 100 ms, a failed one as a miss', () => {
    // Prepare
    const results: BenchResults = {
      machine,
      settings: {},
      coldStarts: {
        bareNodeMs: 40,
        getHealth: coldStart(100, 150),
        getReferral: coldStart(100.1, 120),
        offerHandoff: { operationId: 'offerHandoff', error: 'exit 1, no first response' },
      },
    };

    // Act
    const checks = evaluateTargets(results);

    // Assess
    expect(checks.map((c) => [c.section, c.name, c.value, c.target, c.pass])).toEqual([
      ['cold', 'getHealth coldOverheadMs', 100, '≤ 100 ms', true],
      ['cold', 'getReferral coldOverheadMs', 100.1, '≤ 100 ms', false],
      ['cold', 'offerHandoff coldOverheadMs', Number.NaN, '≤ 100 ms', false],
    ]);
    expect(TARGETS.coldOverheadMaxMs).toBe(100);
  });

  it('sections not run give no checks', () => {
    // Act
    const checks = evaluateTargets({ machine, settings: {} });

    // Assess
    expect(checks).toEqual([]);
  });
});
