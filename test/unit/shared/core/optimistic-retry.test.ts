import { describe, expect, it } from 'vitest';
import { ConflictError } from '#shared/core/errors.ts';
import { ConcurrentChangeError, MAX_ATTEMPTS, withOptimisticRetry, type OptimisticChange } from '#shared/core/optimistic-retry.ts';

/** A change on a stored version whose writes lose `losses` times before one wins; it records what each step saw. */
const changeLosing = (losses: number) => {
  let version = 1;
  const reads: number[] = [];
  const decisions: { current: number; previous: number | undefined }[] = [];
  const writes: number[] = [];
  const change: OptimisticChange<number, number, string> = {
    read: async () => {
      reads.push(version);
      return version;
    },
    decide: (current, previous) => {
      decisions.push({ current, previous });
      return current + 1;
    },
    write: async (next) => {
      writes.push(next);
      if (writes.length <= losses) {
        version += 1; // someone else wrote in between
        throw new ConcurrentChangeError('lost');
      }
      return `saved ${next}`;
    },
  };
  return { change, reads, decisions, writes };
};

const options = { retryDelayMs: () => 0, exhausted: () => new ConflictError('The referral is busy with other changes: try again.') };

describe('withOptimisticRetry', () => {
  it('reads, decides and writes once when the write wins the first time', async () => {
    // Prepare
    const { change, reads, decisions, writes } = changeLosing(0);

    // Act
    const result = await withOptimisticRetry(change, options);

    // Assess
    expect(result).toBe('saved 2');
    expect(reads).toEqual([1]);
    expect(decisions).toEqual([{ current: 1, previous: undefined }]);
    expect(writes).toEqual([2]);
  });

  it('reads afresh after a lost write and tells the decision what the lost attempt read', async () => {
    // Prepare
    const { change, reads, decisions } = changeLosing(2);

    // Act
    const result = await withOptimisticRetry(change, options);

    // Assess
    expect(result).toBe('saved 4');
    expect(reads).toEqual([1, 2, 3]);
    expect(decisions).toEqual([
      { current: 1, previous: undefined },
      { current: 2, previous: 1 },
      { current: 3, previous: 2 },
    ]);
  });

  it('gives up after MAX_ATTEMPTS lost writes with the caller’s error', async () => {
    // Prepare
    const { change, writes } = changeLosing(Number.POSITIVE_INFINITY);

    // Act
    const outcome = withOptimisticRetry(change, options);

    // Assess
    await expect(outcome).rejects.toThrow(new ConflictError('The referral is busy with other changes: try again.'));
    await expect(outcome).rejects.toBeInstanceOf(ConflictError);
    expect(writes).toHaveLength(MAX_ATTEMPTS);
  });

  it('stops at once on an error other than a lost write, from the write or the decision', async () => {
    // Prepare
    const failing = changeLosing(0);
    const refusing = changeLosing(0);
    const writeFailure = new Error('table gone');
    const refusal = new ConflictError('already accepted');

    // Act
    const fromWrite = withOptimisticRetry({ ...failing.change, write: async () => Promise.reject(writeFailure) }, options);
    const fromDecision = withOptimisticRetry(
      {
        ...refusing.change,
        decide: () => {
          throw refusal;
        },
      },
      options,
    );

    // Assess
    await expect(fromWrite).rejects.toBe(writeFailure);
    await expect(fromDecision).rejects.toBe(refusal);
    expect(failing.reads).toEqual([1]);
    expect(refusing.writes).toEqual([]);
  });

  it('pauses between attempts as retryDelayMs says, and honours maxAttempts', async () => {
    // Prepare
    const { change, writes } = changeLosing(Number.POSITIVE_INFINITY);
    const pauses: number[] = [];

    // Act
    const outcome = withOptimisticRetry(change, { ...options, maxAttempts: 3, retryDelayMs: (attempt) => (pauses.push(attempt), 0) });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ConflictError);
    expect(writes).toHaveLength(3);
    expect(pauses).toEqual([0, 1, 2]);
  });
});
