/**
 * Fan-out of one published event to the subscriptions that hear it: an inbox alert, or one
 * delivery job per webhook/email subscription. Safe under redelivery and concurrency: the
 * alert is a conditional put of a deterministic item, and a delivery is claimed once with
 * a conditional put of its state marker before its job is queued. Match entries are read
 * and served in pages with bounded concurrency and recorded progress, so thousands of
 * subscriptions neither time the function out nor start again from the top on a retry.
 * Expired and disabled subscriptions hear nothing (checked here, at fan-out time).
 */
import type { DeliveryRepository } from './ports.ts';
import { holdAfterSealed, holdOf, isCritical, type Hold, type HoldOptions } from './push-timing.ts';
import { isLive, matchesSubscription, matchPartitionsOf, summaryOf, type Subscription } from './subscription.ts';
import { orgsOf, type PublishedEvent } from '../../core/event-envelope.ts';
import type { DeliveryJob, JobQueue } from '../../core/messaging-ports.ts';

// The fan-out worker's message parsing (core: the metrics consumer parses the same messages).

/** Some subscriptions could not be served yet; the message is retried (every step is idempotent). */
export class FanOutIncompleteError extends Error {
  override readonly name: string = 'FanOutIncompleteError';
}

/**
 * The fan-out stopped before it ran out of time; its progress is recorded, so the retried
 * message resumes where it stopped.
 */
export class FanOutPausedError extends FanOutIncompleteError {
  override readonly name: string = 'FanOutPausedError';
}

/** Windows a hold tries (each later than a sealed one) before the message is retried. */
const MAX_HOLD_TRIES = 5;

/** Match entries read (and served) per page. */
export const FAN_OUT_PAGE_SIZE = 25;

/** Most subscriptions served at once. */
export const FAN_OUT_CONCURRENCY = 8;

/**
 * Time a page may need: a new page starts only while more than this is left of the
 * invocation, so the function is never cut off mid-page by its timeout.
 */
export const FAN_OUT_TIME_RESERVE_MS = 3_000;

/** What the fan-out needs. */
export interface FanOutDeps {
  readonly repository: Pick<
    DeliveryRepository,
    | 'matchPage'
    | 'fanOutProgress'
    | 'saveFanOutProgress'
    | 'putAlertOnce'
    | 'claimDelivery'
    | 'markJobQueued'
    | 'releaseClaim'
    | 'hold'
    | 'latestWindow'
  >;
  readonly deliveryQueue: JobQueue<DeliveryJob>;
  readonly now?: () => Date;
  /** Milliseconds left of the invocation (Lambda's `context.getRemainingTimeInMillis`); absent = unbounded. */
  readonly remainingTimeMs?: () => number;
  readonly pageSize?: number;
  readonly concurrency?: number;
  /** How holds are timed (a tester's shortened windows). */
  readonly holdOptions?: HoldOptions;
}

/** What one fan-out did (counts, for logs and tests). */
export interface FanOutResult {
  /** Subscriptions that heard the event in the pages this invocation served. */
  readonly matched: number;
  readonly alerted: number;
  readonly jobsQueued: number;
  /** Pushes held for quiet hours or a digest. */
  readonly held: number;
  /** Pages of match entries read by this invocation. */
  readonly pages: number;
  /** Whether this invocation resumed an earlier one's recorded progress. */
  readonly resumed: boolean;
}

/** The match partitions an event is looked up in: its orgs', then programme-wide. */
export const partitionsOf = (event: PublishedEvent): string[] => [...new Set([...orgsOf(event), '*'])];

/**
 * Progress cursor: the partition's index (zero-padded, so cursors compare as strings in
 * the order they are reached) and the last sort key served in it; `<n>#` = partition n
 * not started.
 */
const cursorOf = (partition: number, afterSk = ''): string => `${String(partition).padStart(4, '0')}#${afterSk}`;
const parseCursor = (cursor: string | undefined): { partition: number; after: string | undefined } => {
  if (!cursor) return { partition: 0, after: undefined };
  const hash = cursor.indexOf('#');
  const after = cursor.slice(hash + 1);
  return { partition: Number(cursor.slice(0, hash)), after: after === '' ? undefined : after };
};

/** Runs `work` on every item with at most `limit` at once; settles all, like Promise.allSettled. */
const settleBounded = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<unknown[]> => {
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return failures;
};

/**
 * Serves every live subscription hearing `event`, a page of match entries at a time with
 * bounded concurrency. After each fully served page its progress is recorded, so a retry
 * (after a failure, a pause or a crash) starts from the first page not fully served; the
 * alert and delivery claims are conditional writes, so re-serving part of a page writes
 * nothing twice. Throws {@link FanOutIncompleteError} when some subscription of a page
 * failed (the others are served first), and {@link FanOutPausedError} when too little of
 * the invocation is left to start another page.
 */
export const fanOut = async (event: PublishedEvent, deps: FanOutDeps): Promise<FanOutResult> => {
  const now = deps.now ?? (() => new Date());
  const pageSize = deps.pageSize ?? FAN_OUT_PAGE_SIZE;
  const concurrency = deps.concurrency ?? FAN_OUT_CONCURRENCY;
  const partitions = partitionsOf(event);
  const saved = await deps.repository.fanOutProgress(event.id);
  let { partition, after } = parseCursor(saved);
  let matched = 0;
  let alerted = 0;
  let jobsQueued = 0;
  let held = 0;
  let pages = 0;
  const holdOptions = deps.holdOptions ?? {};

  /**
   * The hold of a push, if any. Outside quiet hours a push still joins the last quiet-hours
   * window while that is unsent, so the night's events reach the receiver before later ones.
   */
  const holdFor = async (subscription: Subscription, at: Date): Promise<Hold | undefined> => {
    const hold = holdOf(subscription, event, at, holdOptions);
    if (hold || !subscription.quietHours || subscription.delivery || subscription.channel.type === 'inbox') return hold;
    if (isCritical(subscription, event)) return undefined;
    const latest = await deps.repository.latestWindow(subscription.id);
    if (latest?.reason !== 'quiet-hours') return undefined;
    const pending: Hold = { reason: 'quiet-hours', sendAt: new Date(latest.sendAt) };
    return latest.sealedAt ? holdAfterSealed(subscription, event, pending, holdOptions) : pending;
  };

  /** Holds the push in its window, moving on to a later window while the one chosen is already being sent. */
  const holdPush = async (subscription: Subscription, first: Hold): Promise<void> => {
    let hold = first;
    for (let tries = 0; tries < MAX_HOLD_TRIES; tries++) {
      const outcome = await deps.repository.hold(subscription, event, hold, now());
      if (outcome === 'held') held += 1;
      if (outcome === 'held' || outcome === 'done') return;
      if (outcome === 'in-progress') throw new FanOutIncompleteError('Another fan-out is queueing this delivery.');
      hold = holdAfterSealed(subscription, event, hold, holdOptions);
    }
    throw new FanOutIncompleteError('Every window tried was already being sent; will retry.');
  };

  const serve = async (subscription: Subscription): Promise<void> => {
    if (subscription.channel.type === 'inbox') {
      const written = await deps.repository.putAlertOnce({
        ownerSub: subscription.ownerSub,
        subscriptionId: subscription.id,
        event,
        summary: summaryOf(event),
        createdAt: now().toISOString(),
      });
      if (written) alerted += 1;
      return;
    }
    const hold = await holdFor(subscription, now());
    if (hold) return holdPush(subscription, hold);
    const claim = await deps.repository.claimDelivery(subscription.id, event.id, now());
    if (claim === 'done') return;
    if (claim === 'in-progress') throw new FanOutIncompleteError('Another fan-out is queueing this delivery.');
    try {
      await deps.deliveryQueue.send({ subscriptionId: subscription.id, ownerSub: subscription.ownerSub, attempt: 1, event });
    } catch (error) {
      await deps.repository.releaseClaim(subscription.id, event.id);
      throw error;
    }
    jobsQueued += 1;
    await deps.repository.markJobQueued(subscription.id, event.id, now());
  };

  // Progress is written only when a run stops short (a pause or a failed page) and when a
  // resumed run finishes: a retry then starts at the first page not fully served. A crash in
  // between re-serves from the last record, writing nothing twice (the writes are conditional).
  let served = false;
  const record = async (): Promise<void> => {
    if (served || saved !== undefined) await deps.repository.saveFanOutProgress(event.id, cursorOf(partition, after), now());
  };
  while (partition < partitions.length) {
    if (deps.remainingTimeMs && deps.remainingTimeMs() < FAN_OUT_TIME_RESERVE_MS) {
      await record();
      throw new FanOutPausedError(`Paused after ${pages} pages to stay within the invocation's time; will resume.`);
    }
    const page = await deps.repository.matchPage(partitions[partition]!, after, pageSize);
    pages += 1;
    const at = now();
    // A subscription filed under several of the event's partitions is served from the first of them only.
    const earlier = new Set(partitions.slice(0, partition));
    const hearing = page.subscriptions.filter(
      (subscription) =>
        isLive(subscription, at) &&
        !matchPartitionsOf(subscription).some((p) => earlier.has(p)) &&
        matchesSubscription(subscription, event),
    );
    matched += hearing.length;
    const failures = await settleBounded(hearing, concurrency, serve);
    if (failures.length > 0) {
      // Error names only: a dependency's message might echo input.
      const names = [...new Set(failures.map((f) => (f as Error)?.name ?? 'Error'))].join(', ');
      await record();
      throw new FanOutIncompleteError(
        `${failures.length} of ${hearing.length} subscriptions of a page not served yet (${names}); will retry.`,
      );
    }
    const done = page.last === undefined;
    partition = done ? partition + 1 : partition;
    after = done ? undefined : page.last;
    served = true;
  }
  // A fan-out that once stopped part-way records that it finished, so a late copy of the
  // message does nothing; one that never stopped (the usual case) wrote no progress at all.
  if (saved !== undefined) await record();
  return { matched, alerted, jobsQueued, held, pages, resumed: saved !== undefined };
};
