/**
 * Lambda-like invocation for the local runtime: a `Context` counting down from the
 * function's deployed timeout, with its deployed memory, and {@link invokeLocally}, which
 * ends an invocation that overruns its timeout the way Lambda does — for the caller. The
 * handler's promise cannot be killed in-process: it may still finish its work afterwards,
 * exactly as a timed-out Lambda may have done part of its work (our writes are conditional
 * and idempotent for that reason).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { logger } from '../../shared/platform/http/logger.ts';

/** What an invocation needs to know of its function. */
export interface LocalFunctionLimits {
  /** The function's timeout (ms): the context counts down from it. */
  readonly timeoutMs: number;
  /** The function's memory (MB), reported as `memoryLimitInMB`. */
  readonly memoryMb: number;
}

/** A fresh context for one invocation of `functionName`, with the function's limits. */
export const localLambdaContext = (functionName: string, limits: LocalFunctionLimits, requestId: string = randomUUID()): Context => {
  const deadline = Date.now() + limits.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: String(limits.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/** An invocation ran past its function's timeout; Lambda reports it as `Sandbox.Timedout`. */
export class FunctionTimeoutError extends Error {
  override readonly name = 'FunctionTimeoutError';
  /** The timed-out function. */
  readonly functionName: string;

  constructor(functionName: string, timeoutMs: number) {
    // Lambda's own wording: "Task timed out after 10.00 seconds".
    super(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.functionName = functionName;
  }
}

/**
 * Runs one invocation of `functionName` with a context from `limits`; rejects with
 * {@link FunctionTimeoutError} once the timeout has passed without an answer. The handler's
 * promise is then abandoned: its outcome is logged (name only), never returned.
 */
export const invokeLocally = <T>(
  functionName: string,
  limits: LocalFunctionLimits,
  run: (context: Context) => Promise<T>,
  requestId?: string,
): Promise<T> => {
  const context = localLambdaContext(functionName, limits, requestId);
  const started = Date.now();
  const work = Promise.resolve().then(() => run(context));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      logger.warn('Local invocation timed out; its work may still finish, as in Lambda', {
        function: functionName,
        timeoutMs: limits.timeoutMs,
        requestId: context.awsRequestId,
      });
      // Observe the abandoned promise: no unhandled rejection, and its end is on record.
      work.then(
        () =>
          logger.info('A timed-out local invocation finished late', {
            function: functionName,
            requestId: context.awsRequestId,
            afterMs: Date.now() - started,
          }),
        (error: unknown) =>
          logger.info('A timed-out local invocation failed late', {
            function: functionName,
            requestId: context.awsRequestId,
            error: (error as Error)?.name,
          }),
      );
      reject(new FunctionTimeoutError(functionName, limits.timeoutMs));
    }, limits.timeoutMs);
    // The timer alone never keeps a stopping runtime alive.
    timer.unref();
  });
  return Promise.race([work, timedOut]).finally(() => clearTimeout(timer));
};
