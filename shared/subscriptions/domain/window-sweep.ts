/**
 * The scheduled half of quiet hours and digests: every run finds the windows of held pushes
 * that fell due, on the sparse due-time index (never a Scan), and queues one release job for
 * each on the deliveries queue. A window's release is claimed for a lease first, so runs a
 * minute apart queue it once; a window still in the index after its lease (its release
 * stalled or paused) is queued again, and the release resumes where it stopped.
 */
import type { DeliveryQueueMessage, JobQueue } from '../../core/messaging-ports.ts';
import type { DeliveryRepository } from './ports.ts';

/** How long a queued release is left alone before the sweep queues it again. */
export const RELEASE_CLAIM_LEASE_MS = 2 * 60_000;

/** What the window sweep needs. */
export interface WindowSweepDeps {
  readonly repository: Pick<DeliveryRepository, 'dueWindows' | 'claimWindow'>;
  readonly deliveryQueue: JobQueue<DeliveryQueueMessage>;
}

/** What one window sweep did. */
export interface WindowSweepResult {
  /** Windows found due. */
  readonly due: number;
  /** Release jobs queued (the others were claimed by an earlier run, or gone). */
  readonly queued: number;
}

/** Queues the release of every window due at `now`, starting no new claim once `shouldContinue` says no. */
export const queueDueReleases = async (
  now: Date,
  deps: WindowSweepDeps,
  options: { readonly shouldContinue?: () => boolean } = {},
): Promise<WindowSweepResult> => {
  const due = await deps.repository.dueWindows(now);
  let queued = 0;
  // Soonest first, so a subscription's windows are released in order.
  for (const window of due) {
    if (options.shouldContinue && !options.shouldContinue()) break;
    const claimed = await deps.repository.claimWindow(window, now, RELEASE_CLAIM_LEASE_MS);
    if (!claimed) continue;
    await deps.deliveryQueue.send({
      kind: 'release',
      subscriptionId: claimed.subscriptionId,
      ownerSub: claimed.ownerSub,
      sendAt: claimed.sendAt,
    });
    queued += 1;
  }
  return { due: due.length, queued };
};
