/**
 * Digests: the events one window of a digest subscription collected, sent as one message
 * (an e-mail saying how many, grouped by type and organisation with the overdue ones first
 * and a link per referral; or one signed JSON body listing the events). Like every push,
 * it names organisations and codes only: never personal data.
 */
import { referralPageUrl } from '../../core/console-links.ts';
import { createHash } from 'node:crypto';
import type { PublishedEvent } from '../../core/event-envelope.ts';
import type { Digest, DigestEntry } from '../../core/messaging-ports.ts';
import { summaryOf } from './subscription.ts';

export type { Digest, DigestEntry };

/** Most events one digest message lists: a window that collected more is sent as several parts. */
export const DIGEST_MAX_EVENTS = 250;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID-shaped id for part `part` of the window sent at `sendAt`: its time is the window's,
 * its other 80 bits a hash of the subscription, the window (its send time and `windowId`, the
 * id its first hold gave it) and the part. Deterministic, so composing a window again (after
 * a crash) yields the same digest, which the delivery state then recognises as already sent;
 * a window made again for the same send time (a late hold after the first was sent) has
 * another `windowId`, so its digest is a new one, not mistaken for the sent one.
 */
export const digestIdOf = (subscriptionId: string, sendAt: string, windowId: string, part: number): string => {
  let time = Date.parse(sendAt);
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32]! + head;
    time = Math.floor(time / 32);
  }
  const hash = createHash('sha256').update(`${subscriptionId}#${sendAt}#${windowId}#${part}`).digest();
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[hash[i]! % 32];
  return head + tail;
};

/** The organisations an event is between, as a digest groups it. */
const orgsLabel = (event: PublishedEvent): string => {
  const d = event.data as Record<string, unknown>;
  if (typeof d.handoffFromOrg === 'string' && typeof d.handoffToOrg === 'string') return `${d.handoffFromOrg} → ${d.handoffToOrg}`;
  if (typeof d.fromOrg === 'string' && typeof d.toOrg === 'string') return `${d.fromOrg} → ${d.toOrg}`;
  return event.actor.org;
};

/** An event as a digest lists it. */
export const digestEntryOf = (event: PublishedEvent): DigestEntry => ({
  id: event.id,
  type: event.type,
  at: event.at,
  referralId: event.referralId,
  ...(event.handoffId ? { handoffId: event.handoffId } : {}),
  orgs: orgsLabel(event),
  summary: summaryOf(event),
});

/** The digest messages of one window: its entries in event order, {@link DIGEST_MAX_EVENTS} per message. */
export const composeDigests = (subscriptionId: string, sendAt: string, windowId: string, entries: readonly DigestEntry[]): Digest[] => {
  const parts = Math.ceil(entries.length / DIGEST_MAX_EVENTS);
  return Array.from({ length: parts }, (_, i) => ({
    id: digestIdOf(subscriptionId, sendAt, windowId, i + 1),
    sendAt,
    part: i + 1,
    parts,
    events: entries.slice(i * DIGEST_MAX_EVENTS, (i + 1) * DIGEST_MAX_EVENTS),
  }));
};

const isOverdue = (type: string): boolean => type.endsWith('.overdue');

/** What a digest webhook receives (signed like any delivery; `Jointly-Event-Id` is the digest's id). */
export const digestWebhookBody = (subscriptionId: string, digest: Digest) => ({
  type: 'digest' as const,
  id: digest.id,
  subscriptionId,
  sendAt: digest.sendAt,
  ...(digest.parts > 1 ? { part: digest.part, parts: digest.parts } : {}),
  count: digest.events.length,
  events: digest.events.map((e) => ({
    id: e.id,
    type: e.type,
    at: e.at,
    referralId: e.referralId,
    ...(e.handoffId ? { handoffId: e.handoffId } : {}),
    summary: e.summary,
  })),
});

/** Groups of a digest e-mail: by type (overdue types first), then by organisations, in event order within. */
const groupsOf = (events: readonly DigestEntry[]): [string, [string, DigestEntry[]][]][] => {
  const byType = new Map<string, Map<string, DigestEntry[]>>();
  for (const event of events) {
    const byOrgs = byType.get(event.type) ?? new Map<string, DigestEntry[]>();
    byOrgs.set(event.orgs, [...(byOrgs.get(event.orgs) ?? []), event]);
    byType.set(event.type, byOrgs);
  }
  return [...byType]
    .sort(([a], [b]) => Number(isOverdue(b)) - Number(isOverdue(a)) || a.localeCompare(b))
    .map(([type, byOrgs]) => [type, [...byOrgs].sort(([a], [b]) => a.localeCompare(b))]);
};

/** The digest e-mail: how many, grouped by type and organisation, the overdue ones first, a link per referral. */
export const digestEmail = (digest: Digest, appBaseUrl: string): { subject: string; text: string } => {
  const total = digest.events.length;
  const overdue = digest.events.filter((e) => isOverdue(e.type)).length;
  const part = digest.parts > 1 ? ` (part ${digest.part} of ${digest.parts})` : '';
  const subject = `Jointly digest: ${total} event${total === 1 ? '' : 's'}${overdue > 0 ? `, ${overdue} overdue` : ''}${part}`;
  const lines = [`${total} event${total === 1 ? '' : 's'} since your last digest${part}, up to ${digest.sendAt}.`, ''];
  for (const [type, byOrgs] of groupsOf(digest.events)) {
    const count = byOrgs.reduce((sum, [, events]) => sum + events.length, 0);
    lines.push(`${isOverdue(type) ? 'OVERDUE ' : ''}${type}: ${count}`);
    for (const [orgs, events] of byOrgs) {
      lines.push(`  ${orgs}: ${events.length}`);
      for (const event of events) lines.push(`    ${event.summary}`, `    ${referralPageUrl(appBaseUrl, event.referralId)}`);
    }
    lines.push('');
  }
  lines.push('You receive this digest because you subscribed to Jointly alerts.', '');
  return { subject, text: lines.join('\n') };
};
