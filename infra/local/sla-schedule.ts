/**
 * The local stand-in for the SLA sweep's EventBridge schedule: a timer running the sweep
 * handler every `everyMs` (`JOINTLY_SLA_SWEEP_SECONDS`), one run at a time, each with the
 * sweep's deployed timeout, and on demand (`sweepNow`, for tests).
 */
import type { Context } from 'aws-lambda';
import { logger } from '../../shared/platform/http/logger.ts';
import { invokeLocally, type LocalFunctionLimits } from './lambda-context.ts';

/** A scheduled handler. */
export type ScheduledHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Options of {@link scheduleSlaSweep}. */
export interface SlaScheduleOptions {
  readonly handler: ScheduledHandler;
  readonly limits: LocalFunctionLimits;
  readonly everyMs: number;
  /** Runs one sweep as its worker (for the runtime's attribution of DynamoDB calls). */
  readonly asWorker: <T>(work: () => Promise<T>) => Promise<T>;
}

/** The running schedule. */
export interface SlaSchedule {
  /** Runs the sweep now (after any sweep in progress); the timer keeps its own pace. */
  sweepNow(): Promise<unknown>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/** Starts the timer: the first sweep runs `everyMs` from now. */
export const scheduleSlaSweep = (options: SlaScheduleOptions): SlaSchedule => {
  let sweeping: Promise<unknown> | undefined;
  const sweepNow = async (): Promise<unknown> => {
    while (sweeping) await sweeping.catch(() => undefined);
    // With the sweep's deployed timeout: an overrun fails this run, and the next schedule runs it again.
    sweeping = options.asWorker(() => invokeLocally('slaSweep', options.limits, (context) => options.handler({}, context)));
    try {
      return await sweeping;
    } finally {
      sweeping = undefined;
    }
  };
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    timer = setTimeout(() => {
      sweepNow()
        .catch((error: unknown) => logger.error('SLA sweep failed', { error: (error as Error)?.name }))
        .finally(() => {
          if (!stopping) next();
        });
    }, options.everyMs);
    timer.unref();
  };
  next();
  return {
    sweepNow,
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      await sweeping?.catch(() => undefined);
    },
  };
};
