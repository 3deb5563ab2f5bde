/**
 * The SLA sweep (EventBridge schedule in AWS; a timer in the local runtime): marks every
 * referral left unanswered past `dueAt` (`referral.overdue`) and every handoff offer left
 * unanswered past its `dueAt` (`handoff.overdue`), each breach exactly once; then queues the
 * release of every window of held pushes (quiet hours, digests) that fell due. Built on its
 * sweeper by shared/wiring/sla-sweep.ts.
 */
import type { Context } from 'aws-lambda';
import { logger } from '../../platform/http/logger.ts';
import type { DueReleases, SlaSweeper, SlaSweepResult } from '../domain/ports.ts';

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

/** What one scheduled run did: the SLA marks, and (when given) the windows of held pushes it queued. */
export type ScheduledSweepResult = SlaSweepResult & { readonly windows?: { readonly due: number; readonly queued: number } };

/**
 * The scheduled handler on `sweeper` (and `releases`, the windows of held pushes that fell
 * due): marks what is due now, then queues the due releases, starting no new step once the
 * remaining time is within the margin.
 */
export const createSlaSweepHandler =
  (sweeper: SlaSweeper, releases?: DueReleases) =>
  async (_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<ScheduledSweepResult> => {
    // The budget is read once, at the start: the margin is a share of what this invocation was given.
    const marginMs = context ? safetyMarginMs(context.getRemainingTimeInMillis()) : 0;
    const shouldContinue = () => !context || context.getRemainingTimeInMillis() > marginMs;
    const now = new Date();
    const result = await sweeper.sweep(now, { shouldContinue });
    if (result.due > 0) logger.info('SLA sweep', { ...result });
    if (!releases) return result;
    const windows = await releases.queueDue(now, { shouldContinue });
    if (windows.due > 0) logger.info('Held pushes due', { ...windows });
    return { ...result, windows };
  };
