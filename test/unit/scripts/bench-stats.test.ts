import { describe, expect, it } from 'vitest';
import { mode, percentile, ratio, round, summarize } from '#scripts/bench/stats.ts';

describe('percentile (nearest rank)', () => {
  it('p50 of 1..100 is 50 and p99 is 99, whatever the input order', () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);

    // Act
    const p50 = percentile(values, 50);
    const p99 = percentile(values, 99);

    // Assess
    expect(p50).toBe(50);
    expect(p99).toBe(99);
  });

  it('never interpolates: every percentile is a sample', () => {
    // Prepare
    const values = [10, 20, 30, 1000];

    // Act
    const picked = [1, 25, 50, 75, 99, 100].map((p) => percentile(values, p));

    // Assess
    expect(picked).toEqual([10, 10, 20, 30, 1000, 1000]);
    for (const value of picked) expect(values).toContain(value);
  });

  it('a single sample is every percentile', () => {
    // Prepare
    const values = [7.5];

    // Act
    const picked = [1, 50, 99, 100].map((p) => percentile(values, p));

    // Assess
    expect(picked).toEqual([7.5, 7.5, 7.5, 7.5]);
  });

  it('does not reorder the caller’s array', () => {
    // Prepare
    const values = [3, 1, 2];

    // Act
    percentile(values, 50);

    // Assess
    expect(values).toEqual([3, 1, 2]);
  });

  it.each([
    ['no samples', [], 50],
    ['p = 0', [1, 2], 0],
    ['p > 100', [1, 2], 101],
  ])('rejects %s', (_what, values, p) => {
    // Act
    const act = () => percentile(values, p);

    // Assess
    expect(act).toThrow();
  });
});

describe('summarize', () => {
  it('gives count, p50, p95 and p99 rounded to hundredths', () => {
    // Prepare
    const samples = Array.from({ length: 200 }, (_, i) => (i + 1) / 3);

    // Act
    const summary = summarize(samples);

    // Assess
    expect(summary).toEqual({ count: 200, p50Ms: 33.33, p95Ms: 63.33, p99Ms: 66 });
  });
});

describe('ratio and round', () => {
  it('divides and rounds to three decimals by default', () => {
    // Act
    const value = ratio(11.5, 10);
    const third = ratio(1, 3);

    // Assess
    expect(value).toBe(1.15);
    expect(third).toBe(0.333);
  });

  it('refuses a zero or negative denominator instead of printing Infinity or NaN', () => {
    // Act
    const zero = () => ratio(1, 0);
    const negative = () => ratio(1, -2);

    // Assess
    expect(zero).toThrow(/denominator/);
    expect(negative).toThrow(/denominator/);
  });

  it('rounds half away from zero at the given digits', () => {
    // Act
    const values = [round(1.005, 1), round(2.345, 2), round(12.3456, 0)];

    // Assess
    expect(values).toEqual([1, 2.35, 12]);
  });
});

describe('mode', () => {
  it('is the most frequent value, the first seen on a tie', () => {
    // Act
    const most = mode([2, 3, 2, 2, 3]);
    const tie = mode([4, 5, 5, 4]);

    // Assess
    expect(most).toBe(2);
    expect(tie).toBe(4);
  });

  it('rejects an empty list', () => {
    // Act
    const act = () => mode([]);

    // Assess
    expect(act).toThrow();
  });
});
