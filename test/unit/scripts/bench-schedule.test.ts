import { describe, expect, it } from 'vitest';
import { splitSeconds, throughputPlan } from '#scripts/bench/schedule.ts';

const secondsOf = (plan: ReturnType<typeof throughputPlan>, side: 'gateway' | 'raw') =>
  plan.filter((s) => s.side === side).reduce((sum, s) => sum + s.seconds, 0);

describe('splitSeconds', () => {
  it('splits whole seconds as evenly as possible, larger parts first', () => {
    // Act
    const parts = [splitSeconds(20, 4), splitSeconds(10, 4), splitSeconds(3, 2), splitSeconds(1, 1)];

    // Assess
    expect(parts).toEqual([[5, 5, 5, 5], [3, 3, 2, 2], [2, 1], [1]]);
  });
});

describe('throughputPlan', () => {
  it('the issue’s 20 s: four 5 s segments per side, G R R G R G G R', () => {
    // Act
    const plan = throughputPlan(20);

    // Assess
    expect(plan.map((s) => s.side[0]).join('')).toBe('grrgrggr');
    expect(plan.every((s) => s.seconds === 5)).toBe(true);
  });

  it.each([1, 2, 3, 7, 8, 9, 20, 31])('gives each side exactly %i s, segment k equally long on both sides', (durationS) => {
    // Act
    const plan = throughputPlan(durationS);

    // Assess
    expect(secondsOf(plan, 'gateway')).toBe(durationS);
    expect(secondsOf(plan, 'raw')).toBe(durationS);
    const gateway = plan.filter((s) => s.side === 'gateway').map((s) => s.seconds);
    const raw = plan.filter((s) => s.side === 'raw').map((s) => s.seconds);
    expect(gateway).toEqual(raw);
    expect(plan.every((s) => s.seconds >= 1)).toBe(true);
  });

  it('balances order: across the plan each side is first as often as second', () => {
    // Act
    const plan = throughputPlan(3);
    const pairs = [plan.slice(0, 2), plan.slice(2, 4)].map((pair) => pair[0]!.side);

    // Assess
    expect(pairs).toEqual(['gateway', 'raw']);
  });

  it.each([0, 2.5, -1])('rejects a duration of %s', (durationS) => {
    // Act
    const act = () => throughputPlan(durationS);

    // Assess
    expect(act).toThrow(/whole number/);
  });
});
