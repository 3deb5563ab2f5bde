import { describe, expect, it } from 'vitest';
import { exponential, logUniform, mulberry32 } from '#scripts/coldstarts/random.ts';

describe('mulberry32', () => {
  it('gives the same sequence for the same seed', () => {
    // Prepare
    const first = mulberry32(15);
    const second = mulberry32(15);

    // Act
    const a = Array.from({ length: 1000 }, () => first());
    const b = Array.from({ length: 1000 }, () => second());

    // Assess
    expect(a).toEqual(b);
  });

  it('gives another sequence for another seed, every value in [0, 1)', () => {
    // Prepare
    const first = mulberry32(15);
    const second = mulberry32(16);

    // Act
    const a = Array.from({ length: 1000 }, () => first());
    const b = Array.from({ length: 1000 }, () => second());

    // Assess
    expect(a).not.toEqual(b);
    for (const value of [...a, ...b]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('is roughly uniform: a mean near ½ over many draws', () => {
    // Prepare
    const random = mulberry32(1);

    // Act
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += random();

    // Assess (the standard error is ≈ 0.0009)
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });
});

describe('draws', () => {
  it('exponential draws average their mean; log-uniform draws stay within their bounds', () => {
    // Prepare
    const random = mulberry32(2);

    // Act
    const gaps = Array.from({ length: 50_000 }, () => exponential(random, 10));
    const thinks = Array.from({ length: 10_000 }, () => logUniform(random, 5, 120));

    // Assess
    expect(gaps.reduce((sum, g) => sum + g, 0) / gaps.length).toBeGreaterThan(9.7);
    expect(gaps.reduce((sum, g) => sum + g, 0) / gaps.length).toBeLessThan(10.3);
    expect(Math.min(...thinks)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...thinks)).toBeLessThanOrEqual(120);
  });
});
