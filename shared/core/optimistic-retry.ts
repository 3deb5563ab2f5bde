/**
 * Optimistic concurrency, once: read, decide, conditional write; when the write loses to
 * a concurrent one (nothing was applied), pause and go round again with a fresh read, up
 * to {@link MAX_ATTEMPTS} times. Pure: the read and write are the caller's ports.
 */

/** The state a write was conditioned on changed (or vanished) since it was read: nothing was applied. */
export class ConcurrentChangeError extends Error {}

/** How often a write that lost to a concurrent change is tried in all. */
export const MAX_ATTEMPTS = 5;

/** Waits before retrying a write that lost to a concurrent change: jittered, doubling (or as `delayMs` says). */
export const retryPause = async (attempt: number, delayMs?: (attempt: number) => number): Promise<void> => {
  const ms = delayMs ? delayMs(attempt) : Math.random() * 10 * 2 ** attempt;
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
};

/** One optimistic change: each attempt reads afresh, decides on what it read, and writes conditionally. */
export interface OptimisticChange<Current, Decision, Result> {
  /** Reads the state to decide on (strongly consistent). Not retried on its own errors. */
  readonly read: () => Promise<Current>;
  /**
   * Checks and decides on `current` (throwing a domain error stops at once). `previous` is
   * what the attempt before read, when that attempt's write lost: the decision may refuse
   * if the state moved in a way the caller must see.
   */
  readonly decide: (current: Current, previous: Current | undefined) => Decision;
  /** The conditional write; throws {@link ConcurrentChangeError} when it lost to a concurrent write. */
  readonly write: (decision: Decision, current: Current) => Promise<Result>;
}

/** How a change is retried. */
export interface OptimisticRetryOptions {
  /** Attempts in all (default {@link MAX_ATTEMPTS}). */
  readonly maxAttempts?: number;
  /** Pause before attempt `attempt + 1` (tests make it 0); default {@link retryPause}'s jitter. */
  readonly retryDelayMs?: ((attempt: number) => number) | undefined;
  /** The error thrown when every attempt lost (the caller's 409). */
  readonly exhausted: () => Error;
}

/**
 * Runs `change` until its write wins, a read or decision throws, or `maxAttempts` writes
 * have lost to concurrent changes (then `exhausted()` is thrown). Any error other than
 * {@link ConcurrentChangeError} from the write is thrown as it is.
 */
export const withOptimisticRetry = async <Current, Decision, Result>(
  change: OptimisticChange<Current, Decision, Result>,
  options: OptimisticRetryOptions,
): Promise<Result> => {
  let previous: Current | undefined;
  for (let attempt = 0; attempt < (options.maxAttempts ?? MAX_ATTEMPTS); attempt++) {
    const current = await change.read();
    const decision = change.decide(current, previous);
    try {
      return await change.write(decision, current);
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
      previous = current;
      await retryPause(attempt, options.retryDelayMs);
    }
  }
  throw options.exhausted();
};
