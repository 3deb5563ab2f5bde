/**
 * Ports of the subscriptions slice: what its use cases need from the outside world, as
 * small interfaces. The DynamoDB adapters in `shared/subscriptions/data` implement the
 * repositories, `webhook-transport.ts` there the webhook POST; the event-path ports shared
 * with the platform's AWS adapters (queue, sealer, mailer) are in `shared/core/messaging-ports.ts`.
 */
import type { PublishedEvent } from '../../core/event-envelope.ts';
import type { DeliveryJob } from '../../core/messaging-ports.ts';
import type { Page } from '../../core/pagination.ts';
import type { Subscription } from './subscription.ts';
import type { Hold, HoldReason } from './push-timing.ts';

/** How one delivery attempt ended. */
export type DeliveryOutcome = 'delivered' | 'failed' | 'dead-lettered';

/** One attempt to deliver an event on a webhook or e-mail channel, as its subscription's history lists it. */
export interface DeliveryAttempt {
  /** The event's id; for a digest, the digest's (then also `digestId`). */
  readonly eventId: string;
  /** A digest's id, when this delivered a digest. */
  readonly digestId?: string;
  /** How many events the digest listed. */
  readonly eventCount?: number;
  readonly attempt: number;
  /** When the attempt started (ISO). */
  readonly at: string;
  readonly outcome: DeliveryOutcome;
  readonly httpStatus?: number;
  /** Short reason; never a response body, URL or personal data. */
  readonly error?: string;
}

/** One attempt as the delivery worker records it: of which subscription, too. */
export interface RecordedAttempt extends DeliveryAttempt {
  readonly subscriptionId: string;
}

/** A delivery that exhausted its retries, kept until redriven. */
export interface DeadLetter {
  readonly eventId: string;
  readonly job: DeliveryJob;
}

/** One notification in a user's inbox (written by the fan-out worker). */
export interface Alert {
  /** `<eventId>.<subscriptionId>`. */
  readonly id: string;
  readonly eventId: string;
  readonly subscriptionId: string;
  readonly type: string;
  readonly referralId: string;
  readonly handoffId?: string;
  readonly summary: string;
  readonly createdAt: string;
  readonly readAt?: string;
}

/** An inbox alert as the fan-out writes it. */
export interface NewAlert {
  readonly ownerSub: string;
  readonly subscriptionId: string;
  readonly event: Pick<PublishedEvent, 'id' | 'type' | 'referralId' | 'handoffId'>;
  readonly summary: string;
  readonly createdAt: string;
}

/** A push held for quiet hours or a digest, as its window lists it. */
export interface HeldPush {
  readonly event: PublishedEvent;
  readonly reason: HoldReason;
  /** When its window is sent (ISO). */
  readonly sendAt: string;
  /** When it was held (ISO). */
  readonly heldAt: string;
}

/** A window of held pushes of one subscription, sent at `sendAt`. */
export interface PushWindow {
  readonly subscriptionId: string;
  readonly ownerSub: string;
  readonly sendAt: string;
  /** Set by the window's first hold: a window made again for the same send time has another. */
  readonly windowId?: string;
  readonly reason: HoldReason;
  readonly heldCount: number;
  /** When its release began: from then on nothing more joins it. */
  readonly sealedAt?: string;
}

/** A due window as the due-time index names it. */
export interface DueWindow {
  readonly subscriptionId: string;
  readonly sendAt: string;
}

/** Result of holding a push. */
export type HoldResult =
  /** Held in its window. */
  | 'held'
  /** Held or queued before (a redelivered event): nothing to do. */
  | 'done'
  /** Its window's release has begun: hold it in another window. */
  | 'sealed'
  /** Another fan-out claimed it moments ago and has not queued it yet: retry later. */
  | 'in-progress';

/** Who disabled a subscription. */
export interface DisabledBy {
  readonly sub: string;
  readonly org: string;
}

/** Persistence of subscriptions (with their match entries), deliveries, dead letters and alerts. */
export interface SubscriptionRepository {
  /**
   * Writes the subscription and one match entry per match partition, and counts it against
   * its owner's cap, in one transaction: `cap-reached` (nothing written) when the owner
   * already holds `cap`. Exact under concurrency.
   */
  create(subscription: Subscription, cap: number): Promise<'created' | 'cap-reached'>;
  /**
   * Deletes the owner's subscriptions that expired by `now` and corrects the owner's count
   * for any the table's TTL removed; returns how many slots were given back.
   */
  reclaimExpired(ownerSub: string, now: Date): Promise<number>;
  /** The caller's own subscription (strongly consistent), or `undefined`. */
  get(ownerSub: string, id: string): Promise<Subscription | undefined>;
  /** Any subscription by id (strongly consistent), or `undefined`: for programme managers' oversight. */
  findById(id: string): Promise<Subscription | undefined>;
  /** Removes the subscription and its match entries in one transaction, giving its slot back; `false` if it was already gone. */
  delete(subscription: Subscription): Promise<boolean>;
  /** Sets a new expiry on the subscription and its match entries; `undefined` if it is gone or was disabled meanwhile. */
  renew(subscription: Subscription, expiresAt: string): Promise<Subscription | undefined>;
  /** Marks the subscription and its match entries disabled; `undefined` if it is gone. */
  disable(subscription: Subscription, by: DisabledBy, at: string): Promise<Subscription | undefined>;
  /** The owner's subscriptions, newest first. */
  listByOwner(ownerSub: string, page: { limit: number; after?: string | undefined }): Promise<Page<Subscription>>;
  /** Every subscription, newest first (an index partition: never a Scan). */
  listAll(page: { limit: number; after?: string | undefined }): Promise<Page<Subscription>>;
  /** A subscription's delivery attempts, newest first. */
  deliveries(subscriptionId: string, page: { limit: number; after?: string | undefined }): Promise<Page<DeliveryAttempt>>;
  /** Up to `limit` of a subscription's dead letters. */
  deadLetters(subscriptionId: string, limit: number): Promise<DeadLetter[]>;
  /** Deletes these dead letters (after their jobs were queued again). */
  removeDeadLetters(subscriptionId: string, eventIds: readonly string[]): Promise<void>;
  /** The user's alerts, newest first; `unread` only those not yet acknowledged. */
  alerts(sub: string, query: { unread: boolean; limit: number; after?: string | undefined }): Promise<Page<Alert>>;
  /** Marks the user's own alert read (keeping the first `readAt`), or `undefined` if they have no such alert. */
  ackAlert(sub: string, eventId: string, subscriptionId: string, at: string): Promise<Alert | undefined>;
  /** A subscription's held pushes, soonest window first and in event order within one. */
  pending(subscriptionId: string, page: { limit: number; after?: string | undefined }): Promise<Page<HeldPush>>;
}

/** Result of claiming an event's delivery in the fan-out. */
export type ClaimResult =
  /** This caller owns the delivery: send the job, then {@link DeliveryRepository.markJobQueued}. */
  | 'claimed'
  /** The job was queued before (a redelivered event): nothing to do. */
  | 'done'
  /** Another fan-out claimed it moments ago and has not queued the job yet: retry later. */
  | 'in-progress';

/** Whether a delivery worker may make attempt `n` now. */
export type AttemptGate =
  | 'proceed'
  /** Attempt `n` (or a later one) was already made, or the delivery is finished: drop the job. */
  | 'duplicate'
  /** Attempt `n` is being made by another invocation right now: retry later. */
  | 'busy';

/** The event workers' storage port: match entries, alerts, delivery state, attempts and dead letters. */
export interface DeliveryRepository {
  /**
   * Up to `limit` match entries of one partition in key order, after the sort key `after`;
   * `last` is the sort key to resume after, absent when the partition is done.
   */
  matchPage(
    partition: string,
    after: string | undefined,
    limit: number,
  ): Promise<{ subscriptions: Subscription[]; last?: string | undefined }>;
  /** How far the fan-out of `eventId` got (an opaque, increasing cursor), if it was recorded. */
  fanOutProgress(eventId: string): Promise<string | undefined>;
  /** Records fan-out progress, only ever forwards (a slower duplicate cannot move it back). */
  saveFanOutProgress(eventId: string, cursor: string, now: Date): Promise<void>;
  /** Writes the alert unless it exists. `false` = it was written before (redelivery). */
  putAlertOnce(alert: NewAlert): Promise<boolean>;
  /** Claims the delivery of `eventId` to a subscription (a conditional put of its state). */
  claimDelivery(subscriptionId: string, eventId: string, now: Date): Promise<ClaimResult>;
  /** Notes that the first job of a claimed delivery is on the queue. */
  markJobQueued(subscriptionId: string, eventId: string, now: Date): Promise<void>;
  /** Gives a claim back when its job could not be queued, so a retry claims it again. */
  releaseClaim(subscriptionId: string, eventId: string): Promise<void>;
  /** A subscription under its owner (strongly consistent), or `undefined` if deleted. */
  getSubscription(ownerSub: string, subscriptionId: string): Promise<Subscription | undefined>;
  /** Marks attempt `attempt` under way, unless it is a duplicate or being made elsewhere. */
  beginAttempt(subscriptionId: string, eventId: string, attempt: number, now: Date, leaseMs: number): Promise<AttemptGate>;
  /** Records one attempt (append-only history). */
  recordAttempt(attempt: RecordedAttempt): Promise<void>;
  /** Moves the delivery state on after attempt `attempt`. */
  setStatus(subscriptionId: string, eventId: string, attempt: number, status: 'retrying' | 'delivered', now: Date): Promise<void>;
  /** Files the job for redrive and marks the delivery dead-lettered, in one transaction. */
  deadLetter(job: DeliveryJob, lastError: string, now: Date): Promise<void>;
  /**
   * Holds the push of `event` in the window of `hold`, exactly once: the delivery's state
   * marker (conditional put), the window's count (refused once the window is sealed) and the
   * held item, in one transaction.
   */
  hold(subscription: Subscription, event: PublishedEvent, hold: Hold, now: Date): Promise<HoldResult>;
  /** The subscription's latest window not yet sent, if any (strongly consistent). */
  latestWindow(subscriptionId: string): Promise<PushWindow | undefined>;
  /** Windows due by `now`, from every shard of the due-time index (never a Scan). */
  dueWindows(now: Date): Promise<DueWindow[]>;
  /**
   * Claims the release of a due window for `leaseMs` (so the sweep queues one release job a
   * lease), returning it; `undefined` when it is gone or its release is already claimed.
   */
  claimWindow(window: DueWindow, now: Date, leaseMs: number): Promise<PushWindow | undefined>;
  /** Seals the window (nothing more joins it) and returns it; `undefined` if it is gone. */
  sealWindow(window: DueWindow, now: Date): Promise<PushWindow | undefined>;
  /** Up to `limit` of a window's held pushes in event order, after `after`; `last` to resume after. */
  heldPage(
    window: DueWindow,
    after: string | undefined,
    limit: number,
  ): Promise<{ items: (HeldPush & { readonly key: string })[]; last?: string | undefined }>;
  /** Forgets held pushes that were sent (by the keys {@link heldPage} gave). */
  removeHeld(window: DueWindow, keys: readonly string[]): Promise<void>;
  /** Deletes a window that has been sent (it leaves the due-time index). */
  closeWindow(window: DueWindow): Promise<void>;
}

/** A signed webhook POST, ready to send. */
export interface WebhookRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly signal: AbortSignal;
}

/** Sends webhook POSTs. */
export interface WebhookTransport {
  /**
   * POSTs `request` to `url` and resolves to the HTTP status (redirects are returned, never
   * followed; the receiver's body is never read). Rejects as `fetch` does; an address the
   * policy refuses surfaces as a `WebhookAddressRefusedError` in the error's `cause` chain.
   */
  post(url: URL, request: WebhookRequest): Promise<number>;
}
