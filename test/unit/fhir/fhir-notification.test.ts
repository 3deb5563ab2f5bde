/**
 * The FHIR R4 Subscriptions Backport `id-only` notification: valid R4 (structure and
 * required bindings), the focus the event is about, the same notification on every retry,
 * and nothing of the event but its identity.
 */
import { describe, expect, it } from 'vitest';
import { backportIdOnlyNotification, focusOf, type NotifiedEvent } from '#shared/fhir/domain/subscription-notification.ts';
import { fhirIssuesOf } from '#test/support/fhir-validator.ts';

const SUBSCRIPTION = '01JNR0000000000000000000SB';
const REFERRAL_EVENT: NotifiedEvent = {
  id: '01JNR0000000000000000000EV',
  type: 'referral.accepted',
  at: '2025-03-03T09:00:00.000Z',
  referralId: '01JNR0000000000000000000RF',
};
const HANDOFF_EVENT: NotifiedEvent = {
  ...REFERRAL_EVENT,
  id: '01JNR0000000000000000000EW',
  type: 'handoff.offered',
  handoffId: '01JNR0000000000000000000HO',
};

describe('backportIdOnlyNotification', () => {
  it.each([
    ['a referral event', REFERRAL_EVENT, `ServiceRequest/${REFERRAL_EVENT.referralId}`],
    ['a handoff event', HANDOFF_EVENT, `Task/handoff-${HANDOFF_EVENT.handoffId}`],
  ])('is a valid history Bundle for %s, focused on what it is about', (_what, event, focus) => {
    // Act
    const bundle = backportIdOnlyNotification(SUBSCRIPTION, event);

    // Assess
    expect(fhirIssuesOf(bundle)).toEqual([]);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'history', timestamp: event.at });
    expect(bundle.entry).toHaveLength(1);
    const parameters = bundle.entry![0]!.resource as {
      parameter: { name: string; part?: { name: string; valueReference?: { reference: string }; valueString?: string }[] }[];
    };
    const names = parameters.parameter.map((p) => p.name);
    expect(names).toEqual(['subscription', 'topic', 'status', 'type', 'notification-event']);
    const parts = parameters.parameter.find((p) => p.name === 'notification-event')!.part!;
    expect(parts.find((p) => p.name === 'focus')!.valueReference!.reference).toBe(focus);
    expect(parts.find((p) => p.name === 'event-number')!.valueString).toBe(event.id);
    expect(focusOf(event)).toBe(focus);
  });

  it('is the same notification on every retry of one delivery, and another for another subscription', () => {
    // Act
    const [first, again, other] = [
      backportIdOnlyNotification(SUBSCRIPTION, REFERRAL_EVENT),
      backportIdOnlyNotification(SUBSCRIPTION, REFERRAL_EVENT),
      backportIdOnlyNotification('01JNR0000000000000000000SC', REFERRAL_EVENT),
    ];

    // Assess
    expect(again).toEqual(first);
    expect(other.id).not.toBe(first.id);
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('carries the event’s identity only: no data, no actor', () => {
    // Prepare
    const event = {
      ...REFERRAL_EVENT,
      actor: { sub: 'someone', org: 'ecc', role: 'practitioner' },
      data: { serviceArea: 'rapid-response' },
    };

    // Act
    const text = JSON.stringify(backportIdOnlyNotification(SUBSCRIPTION, event));

    // Assess
    expect(text).not.toContain('someone');
    expect(text).not.toContain('rapid-response');
  });
});
