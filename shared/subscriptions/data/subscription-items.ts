/**
 * How subscriptions and what hangs off them are stored: the owner's item, a match entry per
 * match partition (carrying a copy for the fan-out), the owner pointer, and what alert and
 * delivery items give back when read. Pure mapping: no calls.
 */
import { pickAttributes } from '../../platform/dynamodb/table-access.ts';
import { PublishedEventSchema } from '../../core/event-envelope.ts';
import { subscriptionKeys, timeOrderedSk, userKeys } from '../../platform/dynamodb/keys.ts';
import type { Alert, DeliveryAttempt, HeldPush, PushWindow } from '../domain/ports.ts';
import { expiryFrom, matchPartitionsOf, retainUntilEpochSeconds, type Subscription } from '../domain/subscription.ts';

/** Stored fields of a subscription besides its expiry (kept as `validUntil` on the owner's item). */
const SUBSCRIPTION_FIELDS = [
  'id',
  'ownerSub',
  'ownerOrg',
  'eventTypes',
  'filters',
  'channel',
  'createdAt',
  'status',
  'disabledBy',
  'disabledAt',
  'quietHours',
  'delivery',
  'critical',
] as const;

const DELIVERY_FIELDS = ['eventId', 'digestId', 'eventCount', 'attempt', 'at', 'outcome', 'httpStatus', 'error'] as const;
const WINDOW_FIELDS = ['subscriptionId', 'ownerSub', 'sendAt', 'windowId', 'reason', 'heldCount', 'sealedAt'] as const;
const HELD_FIELDS = ['event', 'reason', 'sendAt', 'heldAt'] as const;
const ALERT_FIELDS = ['id', 'eventId', 'subscriptionId', 'type', 'referralId', 'handoffId', 'summary', 'createdAt', 'readAt'] as const;

/**
 * A stored subscription's fields (the owner's item, or a match entry's copy). A subscription
 * stored before expiry existed expires a lifetime after it was made.
 */
export const subscriptionFromStored = (record: Record<string, unknown>): Subscription => {
  const picked = pickAttributes<Record<string, unknown>>(record, SUBSCRIPTION_FIELDS);
  const expiresAt =
    typeof record.validUntil === 'string'
      ? record.validUntil
      : typeof record.expiresAt === 'string'
        ? record.expiresAt
        : expiryFrom(new Date(String(record.createdAt)));
  return { filters: {}, ...picked, expiresAt } as unknown as Subscription;
};

/** The subscription item under its owner (also listed in the programme-wide oversight index). */
export const subscriptionItemOf = (subscription: Subscription): Record<string, unknown> => {
  const { expiresAt, ...rest } = subscription;
  return {
    ...userKeys.subscription(subscription.ownerSub, subscription.id),
    entity: 'subscription',
    ...rest,
    validUntil: expiresAt,
    expiresAt: retainUntilEpochSeconds(expiresAt),
    inboxPk: subscriptionKeys.allPartition,
    createdSk: timeOrderedSk(subscription.createdAt, subscription.id),
  };
};

/** One match entry per match partition, each carrying the whole subscription. */
export const matchItemsOf = (subscription: Subscription): Record<string, unknown>[] =>
  matchPartitionsOf(subscription).map((orgOrAll) => ({
    ...subscriptionKeys.match(orgOrAll, subscription.id),
    entity: 'subscription-match',
    subscription,
    expiresAt: retainUntilEpochSeconds(subscription.expiresAt),
  }));

/** The pointer from a subscription id to its owner. */
export const ownerItemOf = (subscription: Subscription): Record<string, unknown> => ({
  ...subscriptionKeys.owner(subscription.id),
  entity: 'subscription-owner',
  ownerSub: subscription.ownerSub,
  expiresAt: retainUntilEpochSeconds(subscription.expiresAt),
});

/** The alert held by a stored alert item. */
export const alertFromItem = (item: Record<string, unknown>): Alert => pickAttributes<Alert>(item, ALERT_FIELDS);

/** The attempt held by a stored delivery item. */
export const deliveryFromItem = (item: Record<string, unknown>): DeliveryAttempt => pickAttributes<DeliveryAttempt>(item, DELIVERY_FIELDS);

/** A held push's item: in its window, in event order. Kept (TTL) a while past its window in case a release stalls. */
export const heldItemOf = (subscriptionId: string, held: HeldPush): Record<string, unknown> => ({
  ...subscriptionKeys.held(subscriptionId, held.sendAt, held.event.at, held.event.id),
  entity: 'held-push',
  ...held,
  expiresAt: Math.floor(Date.parse(held.sendAt) / 1000) + HELD_RETENTION_SECONDS,
});

/** Held pushes and windows outlive a stalled release by this long before the table's TTL removes them. */
const HELD_RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * The held push a stored item holds. The event is parsed back into its published shape: a
 * map comes back from DynamoDB in an order of its own, and a delivery's body must be the same
 * at every attempt (its retries are parsed from the queue into this shape too).
 */
export const heldFromItem = (item: Record<string, unknown>): HeldPush => {
  const held = pickAttributes<HeldPush>(item, HELD_FIELDS);
  return { ...held, event: PublishedEventSchema.parse(held.event) };
};

/** The window a stored window item holds. */
export const windowFromItem = (item: Record<string, unknown>): PushWindow => pickAttributes<PushWindow>(item, WINDOW_FIELDS);
