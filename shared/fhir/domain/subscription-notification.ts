/**
 * A webhook notification in the shape of the FHIR R4 Subscriptions Backport (`id-only`):
 * a `history` Bundle whose one entry is the subscription status (`Parameters`) with the
 * notification event: its number, its time, and the focus as a reference. No resource
 * content travels: the receiver reads the focus through the FHIR face with its own token,
 * so what it may see is decided there, at read time.
 */
import { createHash } from 'node:crypto';
import type { Bundle, Parameters } from '@medplum/fhirtypes';
import { handoffTaskId } from './task.ts';

/** The Backport profiles the notification claims (R4). */
export const BACKPORT_NOTIFICATION_PROFILE =
  'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4';
export const BACKPORT_STATUS_PROFILE = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4';

/** The topic every Jointly subscription is about: referral and handoff events. */
export const REFERRAL_EVENTS_TOPIC = 'https://jointly.dev/fhir/SubscriptionTopic/referral-events';

/** What a notification is about: the published event's identity (never its data). */
export interface NotifiedEvent {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly referralId: string;
  readonly handoffId?: string | undefined;
}

/**
 * A UUID fixed by the event and the subscription, so every retry of one delivery sends the
 * same notification (the signature still changes with its timestamp).
 */
const notificationUuid = (eventId: string, subscriptionId: string): string => {
  const hex = createHash('sha256').update(`jointly-notification\0${eventId}\0${subscriptionId}`).digest('hex');
  // RFC 9562 version 8 (custom) with the RFC variant bits.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** The resource an event is about, as a reference relative to the FHIR face: a handoff's Task, else the referral. */
export const focusOf = (event: NotifiedEvent): string =>
  event.handoffId ? `Task/${handoffTaskId(event.handoffId)}` : `ServiceRequest/${event.referralId}`;

/**
 * The `id-only` notification of `event` for subscription `subscriptionId`. The event number
 * is the event's id: events are numbered by their ULIDs, which order them, so a receiver can
 * sort and de-duplicate; they are not contiguous per subscription (a gap says nothing).
 */
export const backportIdOnlyNotification = (subscriptionId: string, event: NotifiedEvent): Bundle => {
  const id = notificationUuid(event.id, subscriptionId);
  const status: Parameters = {
    resourceType: 'Parameters',
    id,
    meta: { profile: [BACKPORT_STATUS_PROFILE] },
    parameter: [
      { name: 'subscription', valueReference: { reference: `Subscription/${subscriptionId}` } },
      { name: 'topic', valueCanonical: REFERRAL_EVENTS_TOPIC },
      { name: 'status', valueCode: 'active' },
      { name: 'type', valueCode: 'event-notification' },
      {
        name: 'notification-event',
        part: [
          { name: 'event-number', valueString: event.id },
          { name: 'timestamp', valueInstant: event.at },
          { name: 'focus', valueReference: { reference: focusOf(event) } },
        ],
      },
    ],
  };
  return {
    resourceType: 'Bundle',
    id,
    meta: { profile: [BACKPORT_NOTIFICATION_PROFILE] },
    type: 'history',
    timestamp: event.at,
    entry: [
      {
        fullUrl: `urn:uuid:${id}`,
        resource: status,
        request: { method: 'GET', url: `Subscription/${subscriptionId}/$status` },
        response: { status: '200' },
      },
    ],
  };
};
