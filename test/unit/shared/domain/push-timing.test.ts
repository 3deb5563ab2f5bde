/**
 * When a push goes out (shared/subscriptions/domain/push-timing.ts): at once, held for the
 * end of quiet hours, or collected into a digest window; what the critical override lets
 * through; and where a hold goes when its window was already sealed. Expected instants are
 * worked out by hand for Europe/London (GMT in January, BST in July; 2027 changeovers:
 * forward 2027-03-28 01:00 GMT → 02:00 BST, back 2027-10-31 02:00 BST → 01:00 GMT).
 */
import { describe, expect, it } from 'vitest';
import type { PublishedEvent } from '#shared/core/event-envelope.ts';
import { holdAfterSealed, holdOf, holdsPushes, isCritical, URGENT_OVERDUE_TYPES } from '#shared/subscriptions/domain/push-timing.ts';
import type { Channel, Subscription } from '#shared/subscriptions/domain/subscription.ts';
import type { QuietHours } from '#shared/subscriptions/domain/zoned-time.ts';

const LONDON = 'Europe/London';

const at = (iso: string): Date => new Date(iso);

const WEBHOOK: Channel = { type: 'webhook', url: 'https://hooks.example.org/jointly', sealedSecret: 'sealed:secret' };
const EMAIL: Channel = { type: 'email', address: 'duty.manager@example.nhs.uk' };
const INBOX: Channel = { type: 'inbox' };

const NIGHT: QuietHours = { start: '20:00', end: '07:00', timeZone: LONDON };

/** A live subscription on `channel` (a webhook unless told), with whatever timing fields `overrides` give. */
const subscriptionWith = (overrides: Partial<Subscription> = {}): Subscription => ({
  id: '01JNS0000000000000000000SS',
  ownerSub: 'owner',
  ownerOrg: 'ecc',
  eventTypes: ['*'],
  filters: {},
  channel: WEBHOOK,
  createdAt: '2027-01-01T00:00:00.000Z',
  expiresAt: '2999-01-01T00:00:00.000Z',
  ...overrides,
});

/** A published event of `type` for a referral of `priority`. */
const eventOf = (type: string, priority = 'routine', extra: Record<string, unknown> = {}): PublishedEvent =>
  ({
    specVersion: 1,
    id: '01JNE0000000000000000000EE',
    type,
    seq: 2,
    at: '2027-01-12T21:00:00.000Z',
    actor: { sub: 'pat', org: 'provide', role: 'practitioner' },
    referralId: '01JNR0000000000000000000RR',
    ...(type.startsWith('handoff.') ? { handoffId: '01JNH0000000000000000000HH' } : {}),
    data: {
      fromOrg: 'provide',
      toOrg: 'ecc',
      serviceArea: 'rapid-response',
      priority,
      parties: ['provide', 'ecc'],
      ...(type.startsWith('handoff.') ? { handoffFromOrg: 'ecc', handoffToOrg: 'meht' } : {}),
      ...extra,
    },
  }) as PublishedEvent;

const SUBMITTED = eventOf('referral.submitted');

describe('holdsPushes', () => {
  it('is true only for a webhook or e-mail subscription with quiet hours or a digest', () => {
    // Prepare
    const digest = { mode: 'digest', schedule: 'hourly', timeZone: LONDON } as const;
    const cases = [
      subscriptionWith({ channel: WEBHOOK }),
      subscriptionWith({ channel: EMAIL }),
      subscriptionWith({ channel: WEBHOOK, quietHours: NIGHT }),
      subscriptionWith({ channel: EMAIL, delivery: digest }),
      subscriptionWith({ channel: INBOX, quietHours: NIGHT }),
      subscriptionWith({ channel: INBOX, delivery: digest }),
    ];

    // Act
    const holds = cases.map(holdsPushes);

    // Assess
    expect(holds).toEqual([false, false, true, true, false, false]);
  });
});

describe('isCritical', () => {
  it.each(URGENT_OVERDUE_TYPES.map((type) => [type]))('lets %s of an urgent referral through by default', (type) => {
    // Prepare
    const event = eventOf(type, 'urgent');

    // Act
    const withoutRule = isCritical({}, event);
    const withEmptyRule = isCritical({ critical: {} }, event);
    const withOverrideOn = isCritical({ critical: { override: true } }, event);

    // Assess
    expect([withoutRule, withEmptyRule, withOverrideOn]).toEqual([true, true, true]);
  });

  it.each([
    { type: 'referral.overdue', priority: 'soon', why: 'an overdue referral that is not urgent' },
    { type: 'handoff.overdue', priority: 'routine', why: 'an overdue handoff that is not urgent' },
    { type: 'referral.submitted', priority: 'urgent', why: 'an urgent event that is not overdue' },
    { type: 'handoff.offered', priority: 'urgent', why: 'an urgent handoff offer' },
  ])('does not let $why through by default', ({ type, priority }) => {
    // Prepare
    const event = eventOf(type, priority);

    // Act
    const critical = isCritical({}, event);

    // Assess
    expect(critical).toBe(false);
  });

  it('lets nothing through when the override is off, not even what the rule names', () => {
    // Prepare
    const rule = { override: false, eventTypes: ['handoff.*'], priorities: ['urgent'] } as const;
    const events = [eventOf('referral.overdue', 'urgent'), eventOf('handoff.overdue', 'urgent'), eventOf('handoff.offered', 'urgent')];

    // Act
    const critical = events.map((event) => isCritical({ critical: rule }, event));

    // Assess
    expect(critical).toEqual([false, false, false]);
  });

  it('lets through the event types the rule names, exactly or by prefix', () => {
    // Prepare
    const byPrefix = { critical: { eventTypes: ['handoff.*'] } };
    const exact = { critical: { eventTypes: ['referral.declined'] } };

    // Act
    const handoffOffered = isCritical(byPrefix, eventOf('handoff.offered'));
    const handoffOverdueSoon = isCritical(byPrefix, eventOf('handoff.overdue', 'soon'));
    const referralOverdueSoon = isCritical(byPrefix, eventOf('referral.overdue', 'soon'));
    const declined = isCritical(exact, eventOf('referral.declined'));
    const accepted = isCritical(exact, eventOf('referral.accepted'));

    // Assess
    expect({ handoffOffered, handoffOverdueSoon, referralOverdueSoon, declined, accepted }).toEqual({
      handoffOffered: true,
      handoffOverdueSoon: true,
      referralOverdueSoon: false,
      declined: true,
      accepted: false,
    });
  });

  it('lets through the priorities the rule names, and nothing without a priority', () => {
    // Prepare
    const rule = { critical: { priorities: ['soon'] as const } };
    const noPriority = { ...SUBMITTED, data: { fromOrg: 'provide', toOrg: 'ecc' } };

    // Act
    const soon = isCritical(rule, eventOf('referral.submitted', 'soon'));
    const routine = isCritical(rule, eventOf('referral.submitted', 'routine'));
    const missing = isCritical(rule, noPriority);

    // Assess
    expect([soon, routine, missing]).toEqual([true, false, false]);
  });
});

describe('holdOf: who is never held', () => {
  it('never holds an inbox subscription, even with quiet hours and a digest stored on it', () => {
    // Prepare
    const subscription = subscriptionWith({
      channel: INBOX,
      quietHours: NIGHT,
      delivery: { mode: 'digest', schedule: 'hourly', timeZone: LONDON },
    });

    // Act
    const hold = holdOf(subscription, SUBMITTED, at('2027-01-12T21:00:00Z'));

    // Assess
    expect(hold).toBeUndefined();
  });

  it.each([
    ['webhook', WEBHOOK],
    ['email', EMAIL],
  ] as const)('sends at once to a %s subscription with neither quiet hours nor a digest', (_, channel) => {
    // Prepare
    const subscription = subscriptionWith({ channel });

    // Act
    const hold = holdOf(subscription, SUBMITTED, at('2027-01-12T21:00:00Z'));

    // Assess
    expect(hold).toBeUndefined();
  });
});

describe('holdOf: quiet hours', () => {
  it('holds an event at 21:00 local (GMT) until 07:00 the next morning', () => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: NIGHT });

    // Act
    const hold = holdOf(subscription, SUBMITTED, at('2027-01-12T21:00:00Z'));

    // Assess
    expect(hold).toEqual({ reason: 'quiet-hours', sendAt: at('2027-01-13T07:00:00Z') });
  });

  it('holds an event at 21:00 local (BST) until 07:00 BST, 06:00 UTC, the next morning', () => {
    // Prepare
    const subscription = subscriptionWith({ channel: EMAIL, quietHours: NIGHT });

    // Act
    const hold = holdOf(subscription, SUBMITTED, at('2027-07-12T20:00:00Z'));

    // Assess
    expect(hold).toEqual({ reason: 'quiet-hours', sendAt: at('2027-07-13T06:00:00Z') });
  });

  it('holds an event after midnight until 07:00 the same morning', () => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: NIGHT });

    // Act
    const hold = holdOf(subscription, SUBMITTED, at('2027-01-13T03:30:00Z'));

    // Assess
    expect(hold).toEqual({ reason: 'quiet-hours', sendAt: at('2027-01-13T07:00:00Z') });
  });

  it.each([
    { now: '2027-01-12T12:00:00Z', why: 'at 12:00 local' },
    { now: '2027-01-12T19:59:59.999Z', why: 'just before quiet hours begin' },
    { now: '2027-01-13T07:00:00Z', why: 'at the instant quiet hours end' },
    { now: '2027-07-13T06:30:00Z', why: 'at 07:30 BST (06:30 UTC, which a UTC clock would call quiet)' },
  ])('sends at once $why', ({ now }) => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: NIGHT });

    // Act
    const hold = holdOf(subscription, SUBMITTED, at(now));

    // Assess
    expect(hold).toBeUndefined();
  });

  it('holds from the instant quiet hours begin', () => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: NIGHT });

    // Act
    const hold = holdOf(subscription, SUBMITTED, at('2027-01-12T20:00:00Z'));

    // Assess
    expect(hold).toEqual({ reason: 'quiet-hours', sendAt: at('2027-01-13T07:00:00Z') });
  });

  it('releases on the spring-forward night (28 Mar 2027) at 07:00 BST, 06:00 UTC', () => {
    // Prepare: 27 Mar 21:00 GMT; 28 Mar 00:30 GMT (before the 01:00 UTC change); 06:59 BST after it
    const subscription = subscriptionWith({ quietHours: NIGHT });

    // Act
    const evening = holdOf(subscription, SUBMITTED, at('2027-03-27T21:00:00Z'));
    const night = holdOf(subscription, SUBMITTED, at('2027-03-28T00:30:00Z'));
    const afterChange = holdOf(subscription, SUBMITTED, at('2027-03-28T05:59:00Z'));
    const released = holdOf(subscription, SUBMITTED, at('2027-03-28T06:00:00Z'));

    // Assess
    expect(evening).toEqual({ reason: 'quiet-hours', sendAt: at('2027-03-28T06:00:00Z') });
    expect(night).toEqual({ reason: 'quiet-hours', sendAt: at('2027-03-28T06:00:00Z') });
    expect(afterChange).toEqual({ reason: 'quiet-hours', sendAt: at('2027-03-28T06:00:00Z') });
    expect(released).toBeUndefined();
  });

  it('releases on the fall-back night (31 Oct 2027) at 07:00 GMT, 07:00 UTC', () => {
    // Prepare: 30 Oct 21:00 BST is 20:00 UTC
    const subscription = subscriptionWith({ quietHours: NIGHT });

    // Act
    const evening = holdOf(subscription, SUBMITTED, at('2027-10-30T20:00:00Z'));
    const afterChange = holdOf(subscription, SUBMITTED, at('2027-10-31T06:30:00Z'));
    const released = holdOf(subscription, SUBMITTED, at('2027-10-31T07:00:00Z'));

    // Assess
    expect(evening).toEqual({ reason: 'quiet-hours', sendAt: at('2027-10-31T07:00:00Z') });
    expect(afterChange).toEqual({ reason: 'quiet-hours', sendAt: at('2027-10-31T07:00:00Z') });
    expect(released).toBeUndefined();
  });

  it('holds only in periods that begin on the listed days', () => {
    // Prepare: quiet hours begin on Fridays only (2027-01-15 is a Friday)
    const subscription = subscriptionWith({ quietHours: { ...NIGHT, days: ['fri'] } });

    // Act
    const fridayEvening = holdOf(subscription, SUBMITTED, at('2027-01-15T21:00:00Z'));
    const saturdayNight = holdOf(subscription, SUBMITTED, at('2027-01-16T02:00:00Z'));
    const saturdayEvening = holdOf(subscription, SUBMITTED, at('2027-01-16T21:00:00Z'));
    const thursdayEvening = holdOf(subscription, SUBMITTED, at('2027-01-14T21:00:00Z'));
    const fridayNight = holdOf(subscription, SUBMITTED, at('2027-01-15T02:00:00Z'));

    // Assess
    expect(fridayEvening).toEqual({ reason: 'quiet-hours', sendAt: at('2027-01-16T07:00:00Z') });
    expect(saturdayNight).toEqual({ reason: 'quiet-hours', sendAt: at('2027-01-16T07:00:00Z') });
    expect(saturdayEvening).toBeUndefined();
    expect(thursdayEvening).toBeUndefined();
    expect(fridayNight).toBeUndefined();
  });

  it('holds a daytime period that does not span midnight until its end the same day', () => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: { start: '12:00', end: '14:00', timeZone: LONDON } });

    // Act
    const lunch = holdOf(subscription, SUBMITTED, at('2027-07-12T11:30:00Z'));
    const evening = holdOf(subscription, SUBMITTED, at('2027-07-12T20:00:00Z'));

    // Assess
    expect(lunch).toEqual({ reason: 'quiet-hours', sendAt: at('2027-07-12T13:00:00Z') });
    expect(evening).toBeUndefined();
  });
});

describe('holdOf: the critical override during quiet hours', () => {
  const NOW = at('2027-01-12T21:00:00Z');
  const HELD = { reason: 'quiet-hours', sendAt: at('2027-01-13T07:00:00Z') };

  it.each(URGENT_OVERDUE_TYPES.map((type) => [type]))('sends %s of an urgent referral at once by default', (type) => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: NIGHT });

    // Act
    const hold = holdOf(subscription, eventOf(type, 'urgent'), NOW);

    // Assess
    expect(hold).toBeUndefined();
  });

  it.each(URGENT_OVERDUE_TYPES.map((type) => [type]))('holds %s of a soon referral', (type) => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: NIGHT });

    // Act
    const hold = holdOf(subscription, eventOf(type, 'soon'), NOW);

    // Assess
    expect(hold).toEqual(HELD);
  });

  it.each(URGENT_OVERDUE_TYPES.map((type) => [type]))('holds even an urgent %s when the override is off', (type) => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: NIGHT, critical: { override: false } });

    // Act
    const hold = holdOf(subscription, eventOf(type, 'urgent'), NOW);

    // Assess
    expect(hold).toEqual(HELD);
  });

  it('sends the event types the rule names at once, and holds the rest', () => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: NIGHT, critical: { eventTypes: ['handoff.*'] } });

    // Act
    const handoffOffered = holdOf(subscription, eventOf('handoff.offered'), NOW);
    const handoffOverdueSoon = holdOf(subscription, eventOf('handoff.overdue', 'soon'), NOW);
    const referralSubmitted = holdOf(subscription, SUBMITTED, NOW);

    // Assess
    expect(handoffOffered).toBeUndefined();
    expect(handoffOverdueSoon).toBeUndefined();
    expect(referralSubmitted).toEqual(HELD);
  });

  it('sends the priorities the rule names at once, and holds the rest', () => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: NIGHT, critical: { priorities: ['soon'] } });

    // Act
    const soon = holdOf(subscription, eventOf('referral.submitted', 'soon'), NOW);
    const routine = holdOf(subscription, eventOf('referral.submitted', 'routine'), NOW);
    const urgentOverdue = holdOf(subscription, eventOf('referral.overdue', 'urgent'), NOW);

    // Assess
    expect(soon).toBeUndefined();
    expect(routine).toEqual(HELD);
    expect(urgentOverdue).toBeUndefined();
  });

  it('lets critical events out of a digest too', () => {
    // Prepare
    const subscription = subscriptionWith({
      channel: EMAIL,
      delivery: { mode: 'digest', schedule: 'daily 08:00', timeZone: LONDON },
      critical: { eventTypes: ['referral.declined'] },
    });

    // Act
    const urgentOverdue = holdOf(subscription, eventOf('handoff.overdue', 'urgent'), NOW);
    const declined = holdOf(subscription, eventOf('referral.declined'), NOW);
    const submitted = holdOf(subscription, SUBMITTED, NOW);

    // Assess
    expect(urgentOverdue).toBeUndefined();
    expect(declined).toBeUndefined();
    expect(submitted).toEqual({ reason: 'digest', sendAt: at('2027-01-13T08:00:00Z') });
  });
});

describe('holdOf: digests', () => {
  const daily = (schedule = 'daily 08:00'): Subscription =>
    subscriptionWith({ channel: EMAIL, delivery: { mode: 'digest', schedule, timeZone: LONDON } });

  it.each([
    { now: '2027-01-12T07:00:00Z', sendAt: '2027-01-12T08:00:00Z', why: 'before 08:00 (GMT): today at 08:00' },
    { now: '2027-01-12T09:00:00Z', sendAt: '2027-01-13T08:00:00Z', why: 'after 08:00 (GMT): tomorrow at 08:00' },
    { now: '2027-01-12T08:00:00Z', sendAt: '2027-01-13T08:00:00Z', why: 'exactly at 08:00: the next one, strictly after now' },
    { now: '2027-07-12T06:00:00Z', sendAt: '2027-07-12T07:00:00Z', why: 'before 08:00 BST: 07:00 UTC' },
    { now: '2027-03-27T12:00:00Z', sendAt: '2027-03-28T07:00:00Z', why: 'across the spring-forward night: 08:00 BST' },
    { now: '2027-10-30T12:00:00Z', sendAt: '2027-10-31T08:00:00Z', why: 'across the fall-back night: 08:00 GMT' },
  ])('collects a daily 08:00 digest for the next slot, $why', ({ now, sendAt }) => {
    // Prepare
    const subscription = daily();

    // Act
    const hold = holdOf(subscription, SUBMITTED, at(now));

    // Assess
    expect(hold).toEqual({ reason: 'digest', sendAt: at(sendAt) });
  });

  it.each([
    { now: '2027-01-12T09:15:30Z', sendAt: '2027-01-12T10:00:00Z' },
    { now: '2027-01-12T10:00:00Z', sendAt: '2027-01-12T11:00:00Z' },
    { now: '2027-07-12T23:59:59.999Z', sendAt: '2027-07-13T00:00:00Z' },
  ])('collects an hourly digest at $now for the next top of the hour, $sendAt', ({ now, sendAt }) => {
    // Prepare
    const subscription = daily('hourly');

    // Act
    const hold = holdOf(subscription, SUBMITTED, at(now));

    // Assess
    expect(hold).toEqual({ reason: 'digest', sendAt: at(sendAt) });
  });

  it('collects into a digest whether or not now is in quiet hours', () => {
    // Prepare
    const subscription = subscriptionWith({
      channel: EMAIL,
      quietHours: NIGHT,
      delivery: { mode: 'digest', schedule: 'hourly', timeZone: LONDON },
    });

    // Act
    const midday = holdOf(subscription, SUBMITTED, at('2027-01-12T12:10:00Z'));

    // Assess
    expect(midday).toEqual({ reason: 'digest', sendAt: at('2027-01-12T13:00:00Z') });
  });

  it('moves a digest slot that falls in quiet hours to their end', () => {
    // Prepare: quiet 07:00–09:00, daily 08:00
    const subscription = subscriptionWith({
      channel: EMAIL,
      quietHours: { start: '07:00', end: '09:00', timeZone: LONDON },
      delivery: { mode: 'digest', schedule: 'daily 08:00', timeZone: LONDON },
    });

    // Act
    const winter = holdOf(subscription, SUBMITTED, at('2027-01-12T05:00:00Z'));
    const summer = holdOf(subscription, SUBMITTED, at('2027-07-12T05:00:00Z'));

    // Assess
    expect(winter).toEqual({ reason: 'digest', sendAt: at('2027-01-12T09:00:00Z') });
    expect(summer).toEqual({ reason: 'digest', sendAt: at('2027-07-12T08:00:00Z') });
  });

  it('moves hourly slots inside overnight quiet hours to the morning, and leaves the others', () => {
    // Prepare
    const subscription = subscriptionWith({
      channel: WEBHOOK,
      quietHours: NIGHT,
      delivery: { mode: 'digest', schedule: 'hourly', timeZone: LONDON },
    });

    // Act
    const lateEvening = holdOf(subscription, SUBMITTED, at('2027-01-12T19:30:00Z'));
    const afternoon = holdOf(subscription, SUBMITTED, at('2027-01-12T15:30:00Z'));

    // Assess
    expect(lateEvening).toEqual({ reason: 'digest', sendAt: at('2027-01-13T07:00:00Z') });
    expect(afternoon).toEqual({ reason: 'digest', sendAt: at('2027-01-12T16:00:00Z') });
  });
});

describe('holdOf: windowSeconds (testers)', () => {
  it.each([
    { now: '2027-01-12T09:00:03.500Z', sendAt: '2027-01-12T09:00:10.000Z' },
    { now: '2027-01-12T09:00:10.000Z', sendAt: '2027-01-12T09:00:20.000Z' },
    { now: '2027-01-12T09:00:19.999Z', sendAt: '2027-01-12T09:00:20.000Z' },
  ])('sends a digest held at $now at the next multiple of 10 s, $sendAt', ({ now, sendAt }) => {
    // Prepare
    const subscription = subscriptionWith({
      channel: EMAIL,
      delivery: { mode: 'digest', schedule: 'daily 08:00', timeZone: LONDON },
    });

    // Act
    const hold = holdOf(subscription, SUBMITTED, at(now), { windowSeconds: 10 });

    // Assess
    expect(hold).toEqual({ reason: 'digest', sendAt: at(sendAt) });
  });

  it('sends a quiet-hours hold at the end of the current slice when that comes first', () => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: NIGHT });

    // Act
    const hold = holdOf(subscription, SUBMITTED, at('2027-01-12T21:00:03Z'), { windowSeconds: 10 });

    // Assess
    expect(hold).toEqual({ reason: 'quiet-hours', sendAt: at('2027-01-12T21:00:10Z') });
  });

  it('sends a quiet-hours hold at the end of quiet hours when that comes before the slice ends', () => {
    // Prepare: the two-hour slice ends at 08:00 UTC, quiet hours at 07:00
    const subscription = subscriptionWith({ quietHours: NIGHT });

    // Act
    const hold = holdOf(subscription, SUBMITTED, at('2027-01-13T06:59:55Z'), { windowSeconds: 7200 });

    // Assess
    expect(hold).toEqual({ reason: 'quiet-hours', sendAt: at('2027-01-13T07:00:00Z') });
  });

  it('still sends at once outside quiet hours, and critical events at once inside them', () => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: NIGHT });

    // Act
    const midday = holdOf(subscription, SUBMITTED, at('2027-01-12T12:00:00Z'), { windowSeconds: 10 });
    const urgent = holdOf(subscription, eventOf('referral.overdue', 'urgent'), at('2027-01-12T21:00:00Z'), { windowSeconds: 10 });

    // Assess
    expect(midday).toBeUndefined();
    expect(urgent).toBeUndefined();
  });
});

describe('holdAfterSealed', () => {
  it('moves a digest hold to the next slot after the sealed window', () => {
    // Prepare
    const subscription = subscriptionWith({
      channel: EMAIL,
      delivery: { mode: 'digest', schedule: 'daily 08:00', timeZone: LONDON },
    });
    const sealed = { reason: 'digest', sendAt: at('2027-01-13T08:00:00Z') } as const;

    // Act
    const hold = holdAfterSealed(subscription, SUBMITTED, sealed);

    // Assess
    expect(hold).toEqual({ reason: 'digest', sendAt: at('2027-01-14T08:00:00Z') });
  });

  it('moves an hourly digest hold to the next hour', () => {
    // Prepare
    const subscription = subscriptionWith({
      channel: WEBHOOK,
      delivery: { mode: 'digest', schedule: 'hourly', timeZone: LONDON },
    });
    const sealed = { reason: 'digest', sendAt: at('2027-01-12T10:00:00Z') } as const;

    // Act
    const hold = holdAfterSealed(subscription, SUBMITTED, sealed);

    // Assess
    expect(hold).toEqual({ reason: 'digest', sendAt: at('2027-01-12T11:00:00Z') });
  });

  it('moves a digest hold to the next slice with windowSeconds', () => {
    // Prepare
    const subscription = subscriptionWith({
      channel: EMAIL,
      delivery: { mode: 'digest', schedule: 'daily 08:00', timeZone: LONDON },
    });
    const sealed = { reason: 'digest', sendAt: at('2027-01-12T09:00:10Z') } as const;

    // Act
    const hold = holdAfterSealed(subscription, SUBMITTED, sealed, { windowSeconds: 10 });

    // Assess
    expect(hold).toEqual({ reason: 'digest', sendAt: at('2027-01-12T09:00:20Z') });
  });

  it('moves a quiet-hours hold to a millisecond after the sealed window', () => {
    // Prepare
    const subscription = subscriptionWith({ quietHours: NIGHT });
    const sealed = { reason: 'quiet-hours', sendAt: at('2027-01-13T07:00:00Z') } as const;

    // Act
    const hold = holdAfterSealed(subscription, SUBMITTED, sealed);

    // Assess
    expect(hold).toEqual({ reason: 'quiet-hours', sendAt: at('2027-01-13T07:00:00.001Z') });
  });
});
