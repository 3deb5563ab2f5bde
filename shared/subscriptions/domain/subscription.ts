/**
 * Subscriptions: who wants which events, on which channel (DESIGN §3). Pure rules:
 * event-type patterns, filters, and which events a subscription hears.
 */
import type { PublishedEvent } from '../../core/event-envelope.ts';
import { orgsOf } from '../../core/event-envelope.ts';
import type { Priority, ServiceArea } from '../../core/reference-data.ts';
import type { QuietHours } from './zoned-time.ts';

/** Where alerts go. A webhook's secret is stored sealed and never returned. */
/**
 * What a webhook receives: our event JSON (the default), or the FHIR R4 Subscriptions
 * Backport `id-only` notification (shared/fhir/domain/subscription-notification.ts).
 */
export const WEBHOOK_PAYLOADS = ['jointly-event', 'fhir-r4-backport-id-only'] as const;
export type WebhookPayload = (typeof WEBHOOK_PAYLOADS)[number];

export type Channel =
  | { readonly type: 'inbox' }
  | { readonly type: 'webhook'; readonly url: string; readonly sealedSecret: string; readonly payload?: WebhookPayload }
  | { readonly type: 'email'; readonly address: string };

/**
 * How pushes (webhook and e-mail) go out: one per event at once (the default, stored as
 * absent), or collected into one message per window of `schedule` ("hourly" or
 * "daily HH:MM", in `timeZone`).
 */
export interface DigestDelivery {
  readonly mode: 'digest';
  readonly schedule: string;
  readonly timeZone: string;
}

/**
 * Which events still go out at once during quiet hours and outside digests. `override`
 * (default true) covers `referral.overdue` and `handoff.overdue` of urgent referrals; the
 * subscription may add event types and priorities of its own.
 */
export interface CriticalRule {
  readonly override?: boolean;
  readonly eventTypes?: readonly string[];
  readonly priorities?: readonly Priority[];
}

/** Filters narrowing what a subscription hears; absent = no restriction on that axis. */
export interface SubscriptionFilters {
  /** The event's referral must have one of these orgs among its parties. */
  readonly orgs?: readonly string[];
  readonly serviceAreas?: readonly ServiceArea[];
  readonly priorities?: readonly Priority[];
}

/** A subscription as stored (under its owner, and copied onto its match items). */
export interface Subscription {
  readonly id: string;
  readonly ownerSub: string;
  readonly ownerOrg: string;
  /** Exact types (`handoff.offered`) or prefixes (`handoff.*`); `*` for everything. */
  readonly eventTypes: readonly string[];
  readonly filters: SubscriptionFilters;
  readonly channel: Channel;
  readonly createdAt: string;
  /** When it stops hearing events unless renewed (ISO); {@link SUBSCRIPTION_LIFETIME_DAYS} after create or renew. */
  readonly expiresAt: string;
  /** `disabled`: a programme manager stopped it; absent or `active` otherwise. */
  readonly status?: SubscriptionStatus;
  /** Who disabled it (a programme manager) and when. */
  readonly disabledBy?: { readonly sub: string; readonly org: string };
  readonly disabledAt?: string;
  /** Quiet hours: pushes held (not dropped) while they last, then sent in event order. */
  readonly quietHours?: QuietHours;
  /** Digest delivery; absent = each event at once. */
  readonly delivery?: DigestDelivery;
  /** What still goes out at once despite quiet hours or a digest. */
  readonly critical?: CriticalRule;
}

/** Whether a subscription may hear events (expiry is separate: see {@link isLive}). */
export type SubscriptionStatus = 'active' | 'disabled';

/** Most subscriptions one user (`sub`) may hold at once; the runtime config may lower or raise it. */
export const MAX_SUBSCRIPTIONS_PER_USER = 20;

/** Days a subscription hears events after it is made or renewed. */
export const SUBSCRIPTION_LIFETIME_DAYS = 90;

/**
 * Days an expired subscription is kept (renewable by its owner, still holding its slot
 * until reclaimed) before the table's TTL removes it.
 */
export const EXPIRED_RETENTION_DAYS = 30;

const DAY_MS = 24 * 3600 * 1000;

/** The expiry of a subscription made or renewed at `now`. */
export const expiryFrom = (now: Date): string => new Date(now.getTime() + SUBSCRIPTION_LIFETIME_DAYS * DAY_MS).toISOString();

/** When storage may forget a subscription expiring at `expiresAt` (epoch seconds, for TTL). */
export const retainUntilEpochSeconds = (expiresAt: string): number =>
  Math.floor((Date.parse(expiresAt) + EXPIRED_RETENTION_DAYS * DAY_MS) / 1000);

/** Whether the subscription has expired at `now`. */
export const isExpired = (subscription: Pick<Subscription, 'expiresAt'>, now: Date): boolean =>
  Date.parse(subscription.expiresAt) <= now.getTime();

/** Whether the subscription hears events at `now`: not disabled and not expired. */
export const isLive = (subscription: Pick<Subscription, 'expiresAt' | 'status'>, now: Date): boolean =>
  subscription.status !== 'disabled' && !isExpired(subscription, now);

/**
 * Whether an e-mail address belongs to one of `domains`: its domain (after the last `@`,
 * case-insensitive) equals one of them or is a subdomain of one (`x.essex.gov.uk` under
 * `essex.gov.uk`), since whoever controls a domain controls its subdomains.
 */
export const isAddressInDomains = (address: string, domains: readonly string[]): boolean => {
  const at = address.lastIndexOf('@');
  if (at < 0) return false;
  const domain = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  return domains.some((allowed) => {
    const d = allowed.toLowerCase();
    return domain === d || domain.endsWith(`.${d}`);
  });
};

/** Whether an event type matches one of the subscription's patterns. */
export const matchesEventType = (patterns: readonly string[], type: string): boolean =>
  patterns.some((pattern) => pattern === '*' || pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))));

/** Whether `subscription` hears `event`. */
export const matchesSubscription = (subscription: Subscription, event: PublishedEvent): boolean => {
  if (!matchesEventType(subscription.eventTypes, event.type)) return false;
  const { orgs, serviceAreas, priorities } = subscription.filters;
  const data = event.data as { serviceArea?: unknown; priority?: unknown };
  if (orgs && orgs.length > 0 && !orgsOf(event).some((org) => orgs.includes(org))) return false;
  if (serviceAreas && serviceAreas.length > 0 && !serviceAreas.includes(data.serviceArea as ServiceArea)) return false;
  if (priorities && priorities.length > 0 && !priorities.includes(data.priority as Priority)) return false;
  return true;
};

/** The match partitions a subscription is filed under: its orgs, or `*` for programme-wide. */
export const matchPartitionsOf = (subscription: Pick<Subscription, 'filters'>): string[] =>
  subscription.filters.orgs && subscription.filters.orgs.length > 0 ? [...subscription.filters.orgs] : ['*'];

/** One line describing an event, for inbox alerts and e-mail subjects: no personal data. */
export const summaryOf = (event: PublishedEvent): string => {
  const d = event.data as Record<string, unknown>;
  const area = typeof d.serviceArea === 'string' ? ` (${d.serviceArea}, ${String(d.priority)})` : '';
  switch (event.type) {
    case 'handoff.offered':
      return `Handoff offered by ${String(d.handoffFromOrg)} to ${String(d.handoffToOrg)}${area}`;
    case 'handoff.accepted':
      return `Handoff accepted: ${String(d.handoffToOrg)} is now responsible${area}`;
    case 'handoff.declined':
      return `Handoff declined by ${String(d.handoffToOrg)} (${String(d.reasonCode)})${area}`;
    case 'handoff.withdrawn':
      return `Handoff withdrawn by ${String(d.handoffFromOrg)}${area}`;
    case 'handoff.overdue':
      return `Handoff to ${String(d.handoffToOrg)} is unanswered past its target${area}`;
    case 'referral.overdue':
      return `Referral from ${String(d.fromOrg)} to ${String(d.toOrg)} is past its response target${area}`;
    case 'note.added':
      return `Case note added by ${event.actor.org}`;
    default:
      return `Referral ${event.type.replace('referral.', '').replace('_', ' ')}: ${String(d.fromOrg)} → ${String(d.toOrg)}${area}`;
  }
};
