import { describe, expect, it } from 'vitest';
import { simulatePools } from '#scripts/coldstarts/lambda-pool.ts';

const MINUTE = 60_000;
const settings = (reclaimMinutes: number, functions = 1) => ({
  warmMs: 30,
  reclaimMs: reclaimMinutes * MINUTE,
  coldOverheadMs: Array.from({ length: functions }, () => 250),
});

describe('simulatePools', () => {
  it('a request every minute with a 10-minute window meets a cold start only once', () => {
    // Prepare
    const at = Array.from({ length: 600 }, (_, i) => i * MINUTE);
    const fn = at.map(() => 0);

    // Act
    const result = simulatePools({ at, fn }, settings(10));

    // Assess
    expect(result.coldStarts).toBe(1);
    expect(result.addedLatencyCounts).toEqual(
      new Map([
        [0, 599],
        [250, 1],
      ]),
    );
    expect(result.peakEnvironments).toBe(1);
  });

  it('two simultaneous requests need two environments, both cold', () => {
    // Prepare
    const requests = { at: [1000, 1000], fn: [0, 0] };

    // Act
    const result = simulatePools(requests, settings(10));

    // Assess
    expect(result.coldStarts).toBe(2);
    expect(result.peakConcurrent).toBe(2);
    expect(result.peakEnvironments).toBe(2);
  });

  it('an environment idle for the whole window is gone; one idle a moment less is reused', () => {
    // Prepare: the first request is cold and ends at 30 + 250 ms; its environment is idle from then
    const reclaimed = { at: [0, 280 + 10 * MINUTE], fn: [0, 0] };
    const kept = { at: [0, 280 + 10 * MINUTE - 1], fn: [0, 0] };

    // Act
    const late = simulatePools(reclaimed, settings(10));
    const early = simulatePools(kept, settings(10));

    // Assess
    expect(late.coldStarts).toBe(2);
    expect(early.coldStarts).toBe(1);
  });

  it('uses the most recently used environment first, so the spare one is reclaimed', () => {
    // Prepare: two overlapping requests make two environments; then one request a minute for 20 minutes
    const steady = Array.from({ length: 20 }, (_, i) => (i + 1) * MINUTE);
    const requests = { at: [0, 0, ...steady, 21 * MINUTE, 21 * MINUTE], fn: [0, 0, ...steady.map(() => 0), 0, 0] };

    // Act
    const result = simulatePools(requests, settings(10));

    // Assess: the spare environment idled from 0 and was reclaimed; the final overlap starts a third
    expect(result.coldStarts).toBe(3);
    expect(result.peakEnvironments).toBe(2);
  });

  it('a function used only now and then meets a cold start each time', () => {
    // Prepare: function 0 every minute, function 1 every 20 minutes
    const at: number[] = [];
    const fn: number[] = [];
    for (let minute = 0; minute < 120; minute++) {
      at.push(minute * MINUTE);
      fn.push(0);
      if (minute % 20 === 0) {
        at.push(minute * MINUTE + 1000);
        fn.push(1);
      }
    }

    // Act
    const result = simulatePools({ at, fn }, settings(10, 2));

    // Assess
    expect(result.coldStartsByFunction).toEqual([1, 6]);
  });

  it('merging two functions can add cold starts: a rare overlap needs a spare environment that has been reclaimed', () => {
    // Prepare: A at each whole minute, B at each half minute, except every 20 minutes B comes 10 ms after A
    const at: number[] = [];
    const apart: number[] = [];
    for (let minute = 0; minute < 120; minute++) {
      at.push(minute * MINUTE, minute * MINUTE + (minute % 20 === 0 ? 10 : MINUTE / 2));
      apart.push(0, 1);
    }
    const merged = apart.map(() => 0);

    // Act
    const separate = simulatePools({ at, fn: apart }, settings(10, 2));
    const together = simulatePools({ at, fn: merged }, settings(10, 1));

    // Assess: apart, each function keeps its one environment warm; merged, the first request and each of
    // the six overlaps (minutes 0, 20, …, 100) start one, as the spare is reclaimed 10 minutes after each
    expect(separate.coldStarts).toBe(2);
    expect(together.coldStarts).toBe(7);
  });

  it('refuses requests out of time order', () => {
    // Act
    const act = () => simulatePools({ at: [5, 4], fn: [0, 0] }, settings(10));

    // Assess
    expect(act).toThrow(/time order/);
  });
});
