/**
 * How subscriptions and what hangs off them are stored: the owner's item, a match entry per
 * match partition (carrying a copy for the fan-out), the owner pointer, and what alert and
 * delivery items give back when read. Pure mapping: no calls.
 */
import { pickAttributes } from '../../platform/dynamodb/table-access.ts';
import { subscriptionKeys, timeOrderedSk, userKeys } from '../../platform/dynamodb/keys.ts';
import type { Alert, DeliveryAttempt } from '../domain/ports.ts';
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
] as const;

const DELIVERY_FIELDS = ['eventId', 'attempt', 'at', 'outcome', 'httpStatus', 'error'] as const;
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
