import { describe, expect, it } from 'vitest';
import { percentileOfCounts, runExperiment, TARGET } from '#scripts/coldstarts/experiment.ts';
import { renderReport } from '#scripts/coldstarts/report.ts';

const MID_ESSEX = [{ name: TARGET.volume, perDay: 500 }];

describe('runExperiment', () => {
  it('the same seed gives the same figures and the same printed report', () => {
    // Prepare
    const options = { seeds: [7], days: 2, volumes: MID_ESSEX };

    // Act
    const first = runExperiment(options);
    const second = runExperiment(options);

    // Assess
    expect(second).toEqual(first);
    expect(renderReport(second, 'test')).toBe(renderReport(first, 'test'));
  });

  it('another seed gives other traffic', () => {
    // Act
    const first = runExperiment({ seeds: [7], days: 2, volumes: MID_ESSEX });
    const second = runExperiment({ seeds: [8], days: 2, volumes: MID_ESSEX });

    // Assess
    expect(second.scenarios[0]!.requests).not.toBe(first.scenarios[0]!.requests);
  });

  it('judges the target at Mid Essex, 10 minutes, and names the layout with fewest cold starts that keeps grants per slice', () => {
    // Act
    const result = runExperiment({ seeds: [7], days: 2, volumes: MID_ESSEX, reclaimMinutes: [10] });

    // Assess
    const target = result.scenarios.find((s) => s.reclaimMinutes === 10)!;
    expect(result.verdict!.coldFraction['per-route']).toBe(target.layouts[0]!.coldFraction);
    const candidates = target.layouts
      .filter((l) => l.layout !== 'single' && l.coldFraction <= TARGET.maxColdFraction)
      .sort((a, b) => a.coldFraction - b.coldFraction);
    expect(result.verdict!.chosen).toBe(candidates[0]!.layout);
    expect(result.verdict!.chosen).not.toBe('single');
  });

  it('takes a merged function’s cold overhead as the largest of those it merges', () => {
    // Act
    const result = runExperiment({
      seeds: [7],
      days: 1,
      volumes: MID_ESSEX,
      reclaimMinutes: [10],
      coldOverheadMs: { referralAction: 900 },
      defaultColdMs: 300,
    });

    // Assess
    expect(result.coldOverheadMs['per-route']['referralAction']).toBe(900);
    expect(result.coldOverheadMs['per-route']['getReferral']).toBe(300);
    expect(result.coldOverheadMs['per-slice']['referralsApi']).toBe(900);
    expect(result.coldOverheadMs['per-slice']['subscriptionsApi']).toBe(300);
    expect(result.coldOverheadMs.single['api']).toBe(900);
  });

  it('takes a deployed function’s measured figure for it, and for the route handlers it holds', () => {
    // Act
    const result = runExperiment({
      seeds: [7],
      days: 1,
      volumes: MID_ESSEX,
      reclaimMinutes: [10],
      coldOverheadMs: { referralsApi: 120 },
      defaultColdMs: 300,
    });

    // Assess
    expect(result.coldOverheadMs['per-slice']['referralsApi']).toBe(120);
    expect(result.coldOverheadMs['per-route']['createReferral']).toBe(120);
    expect(result.coldOverheadMs['per-route']['listAlerts']).toBe(300);
  });
});

describe('percentileOfCounts', () => {
  it('is the nearest-rank percentile of the values the counts stand for', () => {
    // Prepare: 96 warm requests, 4 cold ones
    const counts = new Map([
      [0, 96],
      [250, 3],
      [400, 1],
    ]);

    // Act
    const picked = [50, 95, 97, 100].map((p) => percentileOfCounts(counts, p));

    // Assess
    expect(picked).toEqual([0, 0, 250, 400]);
  });
});
