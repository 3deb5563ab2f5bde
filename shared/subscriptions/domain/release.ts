/**
 * The release of one due window of held pushes (decision record 52), by the delivery worker
 * on a release job the sweep queued. The window is sealed first, so what it holds is final;
 * then a quiet-hours window makes each held event's first attempt in event order, and a
 * digest window sends its events as one message (in parts only past
 * `DIGEST_MAX_EVENTS`). Each send is an ordinary delivery: claimed by its attempt gate,
 * recorded, retried with backoff, dead-lettered and redrivable. A held push is forgotten only
 * after its send was made, so a crash or a pause re-runs the release, and the attempt gate
 * turns what was sent already into a duplicate: every held push is sent once. A release short of
 * time queues itself again rather than fail, so a long night's window goes out in consecutive
 * invocations, not one per visibility timeout.
 */
import type { ReleaseJob } from '../../core/messaging-ports.ts';
import { composeDigests, digestEntryOf } from './digest.ts';
import { deliver, WEBHOOK_TIMEOUT_MS, type DeliverDeps, type DeliverResult } from './delivery.ts';
import type { DeliveryRepository, DueWindow } from './ports.ts';

/** Held pushes read per page. */
export const RELEASE_PAGE_SIZE = 25;

/** Time one send may need (the webhook's timeout, the writes around it): a release starts no send with less left. */
export const RELEASE_TIME_RESERVE_MS = WEBHOOK_TIMEOUT_MS + 3_000;

/** What a release needs: the delivery's own dependencies, the window store, and the time left. */
export interface ReleaseDeps extends DeliverDeps {
  readonly repository: DeliverDeps['repository'] & Pick<DeliveryRepository, 'sealWindow' | 'heldPage' | 'removeHeld' | 'closeWindow'>;
  /** Milliseconds left of the invocation; absent = unbounded. */
  readonly remainingTimeMs?: () => number;
  /** Told what became of each send (the handler logs it as it logs a queued delivery's attempt). */
  readonly observe?: (sent: { readonly eventId: string } | { readonly digestId: string }, result: DeliverResult) => void;
}

/** What a release did. */
export interface ReleaseResult {
  /**
   * `gone`: the window was released before (a duplicate job). `continued`: the invocation's
   * time ran short, so the release queued itself again to go on where it stopped.
   */
  readonly status: 'released' | 'gone' | 'continued';
  readonly reason?: 'quiet-hours' | 'digest';
  /** Held pushes this run sent (or found sent). */
  readonly events: number;
  /** Digest messages sent, for a digest window. */
  readonly digests?: number;
}

/** Releases the window `job` names; when time runs short, queues `job` again to go on where it stopped. */
export const releaseWindow = async (job: ReleaseJob, deps: ReleaseDeps): Promise<ReleaseResult> => {
  const clock = deps.now ?? (() => new Date());
  const window: DueWindow = { subscriptionId: job.subscriptionId, sendAt: job.sendAt };
  const sealed = await deps.repository.sealWindow(window, clock());
  if (!sealed) return { status: 'gone', events: 0 };
  const base = { subscriptionId: job.subscriptionId, ownerSub: job.ownerSub, attempt: 1 } as const;
  let events = 0;

  if (sealed.reason === 'digest') {
    // Sealed, so the whole window is known: composed the same way on every run (deterministic ids).
    const held: { key: string; entry: ReturnType<typeof digestEntryOf> }[] = [];
    let after: string | undefined;
    do {
      const page = await deps.repository.heldPage(window, after, RELEASE_PAGE_SIZE * 4);
      held.push(...page.items.map((item) => ({ key: item.key, entry: digestEntryOf(item.event) })));
      after = page.last;
    } while (after);
    const digests = composeDigests(
      job.subscriptionId,
      job.sendAt,
      sealed.windowId ?? '',
      held.map((h) => h.entry),
    );
    // A deleted or disabled subscription drops them (as `deliver` drops its jobs); an empty window sends nothing.
    for (const digest of digests) {
      const result = await deliver({ ...base, kind: 'digest', digest }, deps);
      deps.observe?.({ digestId: digest.id }, result);
    }
    await deps.repository.removeHeld(
      window,
      held.map((h) => h.key),
    );
    await deps.repository.closeWindow(window);
    return { status: 'released', reason: 'digest', events: held.length, digests: digests.length };
  }

  let after: string | undefined;
  do {
    const page = await deps.repository.heldPage(window, after, RELEASE_PAGE_SIZE);
    for (const item of page.items) {
      if (deps.remainingTimeMs && deps.remainingTimeMs() < RELEASE_TIME_RESERVE_MS) {
        // What was sent is forgotten, so the next invocation goes on from here, at once (not
        // after the message's visibility timeout, as a failed message would).
        await deps.deliveryQueue.send(job);
        return { status: 'continued', reason: 'quiet-hours', events };
      }
      // One at a time, in event order: the receiver gets the night's events as they happened.
      const result = await deliver({ ...base, event: item.event }, deps);
      deps.observe?.({ eventId: item.event.id }, result);
      await deps.repository.removeHeld(window, [item.key]);
      events += 1;
    }
    after = page.last;
  } while (after);
  await deps.repository.closeWindow(window);
  return { status: 'released', reason: 'quiet-hours', events };
};
