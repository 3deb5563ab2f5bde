/**
 * When a push (webhook or e-mail) goes out: at once, or held for the end of quiet hours, or
 * collected into a digest window (decision record 52). Pure: the fan-out asks
 * {@link holdOf} for every push it would queue, and files held ones under their window's
 * send time; the sweep releases each window when it falls due.
 */
import type { PublishedEvent } from '../../core/event-envelope.ts';
import { matchesEventType, type Subscription } from './subscription.ts';
import { nextDigestSlot, parseDigestSchedule, quietPeriodAt } from './zoned-time.ts';

/** Why a push is held. */
export type HoldReason = 'quiet-hours' | 'digest';

/** A held push: why, and when its window is sent. */
export interface Hold {
  readonly reason: HoldReason;
  readonly sendAt: Date;
}

/** Options of {@link holdOf}. */
export interface HoldOptions {
  /**
   * For testers (`JOINTLY_PUSH_WINDOW_SECONDS`): no window is longer than this many seconds.
   * Digest windows become consecutive slices of this length, and quiet-hour holds are sent
   * at the end of the current slice (or of the quiet hours, if that comes first).
   */
  readonly windowSeconds?: number | undefined;
}

/** The event types the critical override always lets through for urgent referrals. */
export const URGENT_OVERDUE_TYPES: readonly string[] = ['referral.overdue', 'handoff.overdue'];

/** Whether `subscription` holds pushes at all (quiet hours or a digest, on a push channel). */
export const holdsPushes = (subscription: Pick<Subscription, 'channel' | 'quietHours' | 'delivery'>): boolean =>
  subscription.channel.type !== 'inbox' && (subscription.quietHours !== undefined || subscription.delivery !== undefined);

/**
 * Whether `event` goes out at once whatever the subscription's quiet hours or digest: unless
 * the override is off, an urgent referral's `referral.overdue` or `handoff.overdue`, and any
 * event of a type or priority the subscription marks critical.
 */
export const isCritical = (subscription: Pick<Subscription, 'critical'>, event: PublishedEvent): boolean => {
  const rule = subscription.critical ?? {};
  if (rule.override === false) return false;
  const priority = (event.data as { priority?: unknown }).priority;
  if (priority === 'urgent' && URGENT_OVERDUE_TYPES.includes(event.type)) return true;
  if (rule.eventTypes && matchesEventType(rule.eventTypes, event.type)) return true;
  return rule.priorities !== undefined && typeof priority === 'string' && (rule.priorities as readonly string[]).includes(priority);
};

/** The first multiple of `seconds` (since the epoch) strictly after `now`. */
const sliceEndAfter = (now: Date, seconds: number): Date => {
  const ms = seconds * 1000;
  return new Date(Math.floor(now.getTime() / ms) * ms + ms);
};

/** The send time of the digest window open at `now`: the next slot, moved to the end of quiet hours if it falls in them. */
const digestSendAt = (subscription: Subscription, now: Date, options: HoldOptions): Date => {
  const delivery = subscription.delivery!;
  const schedule = parseDigestSchedule(delivery.schedule);
  if (!schedule) throw new Error('A stored digest schedule did not parse.');
  if (options.windowSeconds) return sliceEndAfter(now, options.windowSeconds);
  const slot = nextDigestSlot(schedule, delivery.timeZone, now);
  const quiet = subscription.quietHours ? quietPeriodAt(subscription.quietHours, slot) : undefined;
  return quiet ? quiet.end : slot;
};

/**
 * Whether a push of `event` to `subscription` at `now` is held, and until when; `undefined`
 * = send it at once (an inbox, no quiet hours or digest, outside quiet hours, or critical).
 */
export const holdOf = (subscription: Subscription, event: PublishedEvent, now: Date, options: HoldOptions = {}): Hold | undefined => {
  if (!holdsPushes(subscription) || isCritical(subscription, event)) return undefined;
  if (subscription.delivery) return { reason: 'digest', sendAt: digestSendAt(subscription, now, options) };
  const quiet = quietPeriodAt(subscription.quietHours!, now);
  if (!quiet) return undefined;
  const sendAt = options.windowSeconds
    ? new Date(Math.min(quiet.end.getTime(), sliceEndAfter(now, options.windowSeconds).getTime()))
    : quiet.end;
  return { reason: 'quiet-hours', sendAt };
};

/**
 * Where a hold goes when its window was already sealed (its release had begun): a digest
 * into the window after it, a quiet-hours hold into a window a millisecond later, which is
 * due at once and released after the sealed one, keeping event order.
 */
export const holdAfterSealed = (subscription: Subscription, event: PublishedEvent, sealed: Hold, options: HoldOptions = {}): Hold => {
  const after = new Date(sealed.sendAt.getTime() + 1);
  if (sealed.reason === 'digest') return holdOf(subscription, event, after, options) ?? { reason: 'digest', sendAt: after };
  return { reason: 'quiet-hours', sendAt: after };
};
