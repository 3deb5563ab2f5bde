/**
 * Subscriptions: who wants which events, on which channel (DESIGN §3). Pure rules:
 * event-type patterns, filters, and which events a subscription hears.
 */
import type { PublishedEvent } from '../events/event-envelope.ts';
import { orgsOf } from '../events/event-envelope.ts';
import type { Priority, ServiceArea } from './reference-data.ts';

/** Where alerts go. A webhook's secret is stored sealed and never returned. */
export type Channel =
  | { readonly type: 'inbox' }
  | { readonly type: 'webhook'; readonly url: string; readonly sealedSecret: string }
  | { readonly type: 'email'; readonly address: string };

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
}

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
