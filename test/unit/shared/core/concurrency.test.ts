/**
 * mapWithConcurrency: results in the items' order, never more than the limit in flight, and
 * the first failure rejects without starting more work.
 */
import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '#shared/core/concurrency.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('mapWithConcurrency', () => {
  it('returns the results in the items’ order, whatever order they finish in', async () => {
    // Act
    const results = await mapWithConcurrency([30, 1, 20, 5], 2, async (ms, index) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return `${index}:${ms}`;
    });

    // Assess
    expect(results).toEqual(['0:30', '1:1', '2:20', '3:5']);
  });

  it('keeps at most `limit` in flight', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;

    // Act
    await mapWithConcurrency(
      Array.from({ length: 12 }, (_, i) => i),
      3,
      async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await tick();
        inFlight -= 1;
      },
    );

    // Assess
    expect(most).toBe(3);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    // Prepare
    const started: number[] = [];

    // Act
    const running = mapWithConcurrency([0, 1, 2, 3, 4, 5], 1, async (item) => {
      started.push(item);
      await tick();
      if (item === 2) throw new Error('boom');
    });

    // Assess
    await expect(running).rejects.toThrow('boom');
    expect(started).toEqual([0, 1, 2]);
  });

  it('answers an empty list with no work, and refuses a limit below one', async () => {
    // Act / Assess
    await expect(mapWithConcurrency([], 4, async () => 1)).resolves.toEqual([]);
    await expect(mapWithConcurrency([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});
