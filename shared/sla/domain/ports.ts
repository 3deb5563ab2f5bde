/**
 * The SLA sweep's port: what finds and marks the breaches that are due
 * (the DynamoDB sweeper, shared/referrals/data/sla-sweep.ts).
 */

/** What one sweep did. */
export interface SlaSweepResult {
  /** Index entries found due. */
  readonly due: number;
  /** Breaches marked (one event each). */
  readonly raised: number;
  /** Entries that needed nothing: answered meanwhile, already marked, or not yet due after all. */
  readonly skipped: number;
}

/** Marks every breach due at `now`, starting no new mark once `shouldContinue` says no. */
export interface SlaSweeper {
  sweep(now: Date, options: { readonly shouldContinue: () => boolean }): Promise<SlaSweepResult>;
}

/**
 * Other work the same schedule finds due: the release of held pushes' windows (quiet hours
 * and digests), queued by the subscriptions slice's window sweep.
 */
export interface DueReleases {
  queueDue(now: Date, options: { readonly shouldContinue: () => boolean }): Promise<{ readonly due: number; readonly queued: number }>;
}
