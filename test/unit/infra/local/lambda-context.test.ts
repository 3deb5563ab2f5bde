/**
 * Local invocations run with their function's deployed limits: the context counts down from
 * the function's timeout and reports its memory, and an invocation that overruns the
 * timeout is ended for its caller with Lambda's "Task timed out" error.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FunctionTimeoutError, invokeLocally, localLambdaContext } from '#infra/local/lambda-context.ts';
import { logger } from '#shared/platform/http/logger.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => {
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe('localLambdaContext', () => {
  it("counts down from the function's timeout and reports its memory", () => {
    // Act
    const context = localLambdaContext('slaSweep', { timeoutMs: 60_000, memoryMb: 1024 });

    // Assess
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(55_000);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(60_000);
    expect(context.memoryLimitInMB).toBe('1024');
    expect(context.functionName).toBe('slaSweep');
  });
});

describe('invokeLocally', () => {
  it('returns what the handler returns when it finishes in time', async () => {
    // Act
    const result = await invokeLocally('fanOut', { timeoutMs: 5_000, memoryMb: 512 }, async (context) =>
      context.getRemainingTimeInMillis(),
    );

    // Assess
    expect(result).toBeGreaterThan(0);
    expect(result).toBeLessThanOrEqual(5_000);
  });

  it("ends an overrunning invocation with Lambda's timeout error, and logs the late finish by name only", async () => {
    // Prepare
    let finished = false;
    const slow = async () => {
      await sleep(600);
      finished = true;
      return 'late';
    };

    // Act
    const outcome = await invokeLocally('deliver', { timeoutMs: 100, memoryMb: 512 }, slow).catch((error: unknown) => error);

    // Assess
    expect(outcome).toBeInstanceOf(FunctionTimeoutError);
    expect((outcome as Error).message).toBe('Task timed out after 0.10 seconds');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('timed out'),
      expect.objectContaining({ function: 'deliver', timeoutMs: 100 }),
    );
    // The abandoned work cannot be killed in-process: it still finishes, as a timed-out Lambda may have done part of its work.
    await vi.waitFor(() => expect(finished).toBe(true), { timeout: 5_000, interval: 50 });
    await vi.waitFor(
      () =>
        expect(logger.info).toHaveBeenCalledWith(
          'A timed-out local invocation finished late',
          expect.objectContaining({ function: 'deliver' }),
        ),
      {
        timeout: 5_000,
        interval: 50,
      },
    );
  });
});
