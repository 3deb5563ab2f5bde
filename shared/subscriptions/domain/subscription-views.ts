/**
 * What subscription owners and programme managers see of subscriptions, alerts and
 * delivery attempts (allow-lists: a new internal field stays internal). A webhook secret,
 * sealed or not, never leaves.
 */
import { pickFields } from '../../core/view.ts';
import type { Alert, DeliveryAttempt, DisabledBy, HeldPush } from './ports.ts';
import { isExpired, summaryOf, type Channel, type Subscription, type SubscriptionFilters, type WebhookPayload } from './subscription.ts';
import type { QuietHours, Weekday } from './zoned-time.ts';

/** A channel as returned: never the sealed secret. */
export type ChannelView =
  | { type: 'inbox' }
  | { type: 'webhook'; url: string; payload: WebhookPayload }
  | { type: 'email'; address: string };

/** A subscription's state as shown: `expired` and `disabled` ones hear nothing. */
export type SubscriptionViewStatus = 'active' | 'expired' | 'disabled';

/** A subscription as returned to its owner. */
export interface SubscriptionView {
  readonly id: string;
  readonly eventTypes: readonly string[];
  readonly filters: SubscriptionFilters;
  readonly channel: ChannelView;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly status: SubscriptionViewStatus;
  readonly quietHours?: QuietHours;
  readonly delivery: { mode: 'immediate' } | { mode: 'digest'; schedule: string; timeZone: string };
  readonly critical?: { override: boolean; eventTypes?: readonly string[]; priorities?: readonly string[] };
  readonly disabledAt?: string;
  readonly disabledBy?: DisabledBy;
}

/** A subscription as a programme manager sees it in oversight: whose it is, too. */
export interface SubscriptionOversightView extends SubscriptionView {
  readonly ownerSub: string;
  readonly ownerOrg: string;
}

const channelView = (channel: Channel): ChannelView => {
  switch (channel.type) {
    case 'webhook':
      return { type: 'webhook', url: channel.url, payload: channel.payload ?? 'jointly-event' };
    case 'email':
      return { type: 'email', address: channel.address };
    default:
      return { type: 'inbox' };
  }
};

/** The owner's view of a subscription at `now` (allow-list): the webhook secret, sealed or not, never leaves. */
export const toSubscriptionView = (subscription: Subscription, now: Date = new Date()): SubscriptionView => ({
  id: subscription.id,
  eventTypes: [...subscription.eventTypes],
  filters: pickFields(subscription.filters, ['orgs', 'serviceAreas', 'priorities'] as const),
  channel: channelView(subscription.channel),
  createdAt: subscription.createdAt,
  expiresAt: subscription.expiresAt,
  status: subscription.status === 'disabled' ? 'disabled' : isExpired(subscription, now) ? 'expired' : 'active',
  ...(subscription.quietHours
    ? {
        quietHours: {
          ...pickFields(subscription.quietHours, ['start', 'end', 'timeZone'] as const),
          ...(subscription.quietHours.days ? { days: [...subscription.quietHours.days] as Weekday[] } : {}),
        },
      }
    : {}),
  delivery: subscription.delivery
    ? { mode: 'digest', schedule: subscription.delivery.schedule, timeZone: subscription.delivery.timeZone }
    : { mode: 'immediate' },
  // What still goes out at once, for the subscriptions that hold pushes at all.
  ...(subscription.quietHours || subscription.delivery
    ? {
        critical: {
          override: subscription.critical?.override !== false,
          ...pickFields(subscription.critical ?? {}, ['eventTypes', 'priorities'] as const),
        },
      }
    : {}),
  ...(subscription.disabledAt ? { disabledAt: subscription.disabledAt } : {}),
  ...(subscription.disabledBy ? { disabledBy: { sub: subscription.disabledBy.sub, org: subscription.disabledBy.org } } : {}),
});

/**
 * A programme manager's oversight view: the owner's view plus whose it is, with a webhook
 * URL cut to its origin. Many receivers (chat incoming webhooks among them) carry a
 * credential in the path or query; only the owner sees the whole URL.
 */
export const toOversightView = (subscription: Subscription, now: Date = new Date()): SubscriptionOversightView => {
  const view = toSubscriptionView(subscription, now);
  return {
    ...view,
    ...(view.channel.type === 'webhook'
      ? { channel: { type: 'webhook', url: new URL(view.channel.url).origin, payload: view.channel.payload } }
      : {}),
    ownerSub: subscription.ownerSub,
    ownerOrg: subscription.ownerOrg,
  };
};

/** An alert as its owner sees it: the named fields only. */
export const toAlertView = (alert: Alert): Alert =>
  pickFields(alert, ['id', 'eventId', 'subscriptionId', 'type', 'referralId', 'handoffId', 'summary', 'createdAt', 'readAt'] as const);

/** A delivery attempt as shown: an event's names its `eventId`, a digest's its `digestId` and `eventCount`. */
export type DeliveryView = Omit<DeliveryAttempt, 'eventId'> & { readonly eventId?: string };

/** A delivery attempt as its subscription's owner sees it: the named fields only; a digest's by its `digestId`. */
export const toDeliveryView = (attempt: DeliveryAttempt): DeliveryView =>
  attempt.digestId !== undefined
    ? pickFields(attempt, ['digestId', 'eventCount', 'attempt', 'at', 'outcome', 'httpStatus', 'error'] as const)
    : pickFields(attempt, ['eventId', 'attempt', 'at', 'outcome', 'httpStatus', 'error'] as const);

/** A held push as its subscription's owner sees it. */
export interface PendingPushView {
  readonly eventId: string;
  readonly type: string;
  readonly referralId: string;
  readonly handoffId?: string;
  readonly summary: string;
  readonly at: string;
  readonly heldAt: string;
  readonly sendAt: string;
  readonly reason: HeldPush['reason'];
}

/** A held push as its subscription's owner sees it: which event, why, and when it goes out. */
export const toPendingView = (held: HeldPush): PendingPushView => ({
  eventId: held.event.id,
  type: held.event.type,
  referralId: held.event.referralId,
  ...(held.event.handoffId ? { handoffId: held.event.handoffId } : {}),
  summary: summaryOf(held.event),
  at: held.event.at,
  heldAt: held.heldAt,
  sendAt: held.sendAt,
  reason: held.reason,
});
