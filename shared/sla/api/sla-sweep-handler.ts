/**
 * The SLA sweep (EventBridge schedule in AWS; a timer in the local runtime): marks every
 * referral left unanswered past `dueAt` (`referral.overdue`) and every handoff offer left
 * unanswered past its `dueAt` (`handoff.overdue`), each breach exactly once. Built on its
 * sweeper by shared/wiring/sla-sweep.ts.
 */
import type { Context } from 'aws-lambda';
import { logger } from '../../platform/http/logger.ts';
import type { SlaSweeper, SlaSweepResult } from '../domain/ports.ts';

/** The least time left unused: one mark (re-reads, a transaction, SDK retries) fits in it. */
export const MIN_SAFETY_MARGIN_MS = 2_000;

/** The share of the invocation's budget left unused, so a big backlog never times out mid-mark. */
export const SAFETY_MARGIN_FRACTION = 0.2;

/**
 * The time to leave unused out of a budget of `budgetMs`: the larger of
 * {@link MIN_SAFETY_MARGIN_MS} and {@link SAFETY_MARGIN_FRACTION} of it. A fraction, not a
 * constant: a 10 s margin left a 10 s function no time at all, and no breach was ever marked.
 */
export const safetyMarginMs = (budgetMs: number): number => Math.max(MIN_SAFETY_MARGIN_MS, Math.ceil(budgetMs * SAFETY_MARGIN_FRACTION));

/** The scheduled handler on `sweeper`: marks what is due now, starting no new mark once the remaining time is within the margin. */
export const createSlaSweepHandler =
  (sweeper: SlaSweeper) =>
  async (_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SlaSweepResult> => {
    // The budget is read once, at the start: the margin is a share of what this invocation was given.
    const marginMs = context ? safetyMarginMs(context.getRemainingTimeInMillis()) : 0;
    const result = await sweeper.sweep(new Date(), {
      shouldContinue: () => !context || context.getRemainingTimeInMillis() > marginMs,
    });
    if (result.due > 0) logger.info('SLA sweep', { ...result });
    return result;
  };
