/**
 * Digests (shared/subscriptions/domain/digest.ts): deterministic ULID-shaped ids, windows
 * split into parts, entries naming organisations and codes, the webhook body, and the
 * e-mail (how many, overdue first, grouped by type then organisations, a link per event,
 * never personal data).
 */
import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import type { PublishedEvent } from '#shared/core/event-envelope.ts';
import {
  composeDigests,
  DIGEST_MAX_EVENTS,
  digestEmail,
  digestEntryOf,
  digestIdOf,
  digestWebhookBody,
  type Digest,
  type DigestEntry,
} from '#shared/subscriptions/domain/digest.ts';
import { summaryOf } from '#shared/subscriptions/domain/subscription.ts';

const SUBSCRIPTION_ID = '01JNS0000000000000000000SS';
/** The id a window's first hold gives it. */
const WINDOW_ID = '6f1c2d3e-0000-4000-8000-000000000001';
const SEND_AT = '2027-01-13T08:00:00.000Z';
const APP = 'https://jointly.example.nhs.uk';

/** Crockford base 32, as ULIDs use it (no I, L, O, U). */
const ULID_SHAPE = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The time in the first 10 characters of a ULID-shaped id, decoded by the test itself. */
const timeOf = (id: string): number => [...id.slice(0, 10)].reduce((ms, char) => ms * 32 + CROCKFORD.indexOf(char), 0);

let nextSeq = 1;

/** A published event of `type`; `data` adds to (or replaces) the referral classification. */
const eventOf = (
  type: string,
  overrides: { id?: string; referralId?: string; actorOrg?: string; data?: Record<string, unknown> } = {},
): PublishedEvent => {
  const seq = nextSeq++;
  const isHandoff = type.startsWith('handoff.');
  return {
    specVersion: 1,
    id: overrides.id ?? `01JNE00000000000000000${String(seq).padStart(4, '0')}`,
    type,
    seq,
    at: `2027-01-12T21:${String(seq % 60).padStart(2, '0')}:00.000Z`,
    actor: { sub: 'pat', org: overrides.actorOrg ?? 'provide', role: 'practitioner' },
    referralId: overrides.referralId ?? '01JNR0000000000000000000RR',
    ...(isHandoff ? { handoffId: '01JNH0000000000000000000HH' } : {}),
    data: {
      fromOrg: 'provide',
      toOrg: 'ecc',
      serviceArea: 'rapid-response',
      priority: 'soon',
      parties: ['provide', 'ecc'],
      ...(isHandoff ? { handoffFromOrg: 'ecc', handoffToOrg: 'meht' } : {}),
      ...overrides.data,
    },
  } as PublishedEvent;
};

/** `count` entries with distinct ids, in order. */
const entries = (count: number): DigestEntry[] =>
  Array.from({ length: count }, (_, i) =>
    digestEntryOf(eventOf('referral.submitted', { id: `E${String(i).padStart(4, '0')}`, referralId: `R${i}` })),
  );

/** A single-part digest of `events`. */
const digestOf = (events: readonly PublishedEvent[]): Digest => {
  const [digest] = composeDigests(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, events.map(digestEntryOf));
  if (!digest) throw new Error('expected a digest');
  return digest;
};

describe('digestIdOf', () => {
  it('is a 26-character Crockford ULID whose time is the window’s send time', () => {
    // Prepare
    const sendAt = SEND_AT;

    // Act
    const id = digestIdOf(SUBSCRIPTION_ID, sendAt, WINDOW_ID, 1);

    // Assess
    expect(id).toMatch(ULID_SHAPE);
    expect(timeOf(id)).toBe(Date.parse(sendAt));
    expect(decodeTime(id)).toBe(Date.parse(sendAt));
  });

  it.each(['1970-01-01T00:00:00.000Z', '2027-03-28T01:00:00.001Z', '2999-12-31T23:59:59.999Z'])('encodes the time %s', (sendAt) => {
    // Prepare
    const expected = Date.parse(sendAt);

    // Act
    const id = digestIdOf(SUBSCRIPTION_ID, sendAt, WINDOW_ID, 1);

    // Assess
    expect(id).toMatch(ULID_SHAPE);
    expect(timeOf(id)).toBe(expected);
  });

  it('is the same for the same subscription, window and part', () => {
    // Prepare
    const args = [SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, 2] as const;

    // Act
    const first = digestIdOf(...args);
    const second = digestIdOf(...args);

    // Assess
    expect(second).toBe(first);
  });

  it('differs across subscriptions, windows, a window made again for the same time, and parts', () => {
    // Prepare
    const base = digestIdOf(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, 1);

    // Act
    const otherSubscription = digestIdOf('01JNS0000000000000000000TT', SEND_AT, WINDOW_ID, 1);
    const otherWindow = digestIdOf(SUBSCRIPTION_ID, '2027-01-14T08:00:00.000Z', WINDOW_ID, 1);
    const otherPart = digestIdOf(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, 2);
    const windowMadeAgain = digestIdOf(SUBSCRIPTION_ID, SEND_AT, '6f1c2d3e-0000-4000-8000-000000000002', 1);

    // Assess
    expect(new Set([base, otherSubscription, otherWindow, otherPart, windowMadeAgain]).size).toBe(5);
    expect(windowMadeAgain.slice(0, 10)).toBe(base.slice(0, 10));
    // Same window: same time prefix, different tail.
    expect(otherSubscription.slice(0, 10)).toBe(base.slice(0, 10));
    expect(otherPart.slice(0, 10)).toBe(base.slice(0, 10));
    expect(otherSubscription.slice(10)).not.toBe(base.slice(10));
    expect(otherPart.slice(10)).not.toBe(base.slice(10));
  });
});

describe('composeDigests', () => {
  it('composes nothing for an empty window', () => {
    // Prepare
    const none: DigestEntry[] = [];

    // Act
    const digests = composeDigests(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, none);

    // Assess
    expect(digests).toEqual([]);
  });

  it('composes one digest of every entry, in order, for a small window', () => {
    // Prepare
    const window = entries(3);

    // Act
    const digests = composeDigests(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, window);

    // Assess
    expect(digests).toEqual([
      { id: digestIdOf(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, 1), sendAt: SEND_AT, part: 1, parts: 1, events: window },
    ]);
  });

  it('composes exactly DIGEST_MAX_EVENTS entries as one digest', () => {
    // Prepare
    const window = entries(DIGEST_MAX_EVENTS);

    // Act
    const digests = composeDigests(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, window);

    // Assess
    expect(digests.map((d) => [d.part, d.parts, d.events.length])).toEqual([[1, 1, DIGEST_MAX_EVENTS]]);
  });

  it('splits DIGEST_MAX_EVENTS + 1 entries into parts of DIGEST_MAX_EVENTS and 1, numbered, keeping event order', () => {
    // Prepare
    const window = entries(DIGEST_MAX_EVENTS + 1);

    // Act
    const digests = composeDigests(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, window);

    // Assess
    expect(digests.map((d) => ({ part: d.part, parts: d.parts, count: d.events.length, sendAt: d.sendAt }))).toEqual([
      { part: 1, parts: 2, count: DIGEST_MAX_EVENTS, sendAt: SEND_AT },
      { part: 2, parts: 2, count: 1, sendAt: SEND_AT },
    ]);
    expect(digests.flatMap((d) => d.events)).toEqual(window);
    expect(digests[1]?.events[0]?.id).toBe(`E${String(DIGEST_MAX_EVENTS).padStart(4, '0')}`);
    expect(digests.map((d) => d.id)).toEqual([
      digestIdOf(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, 1),
      digestIdOf(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, 2),
    ]);
  });

  it('composes the same digests again for the same window (a re-run after a crash)', () => {
    // Prepare
    const window = entries(DIGEST_MAX_EVENTS + 1);

    // Act
    const first = composeDigests(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, window);
    const again = composeDigests(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, window);

    // Assess
    expect(again).toEqual(first);
  });
});

describe('digestEntryOf', () => {
  it('labels a handoff event with the handoff’s ends, and keeps its handoff id', () => {
    // Prepare
    const event = eventOf('handoff.offered');

    // Act
    const entry = digestEntryOf(event);

    // Assess
    expect(entry).toEqual({
      id: event.id,
      type: 'handoff.offered',
      at: event.at,
      referralId: event.referralId,
      handoffId: '01JNH0000000000000000000HH',
      orgs: 'ecc → meht',
      summary: summaryOf(event),
    });
    expect(entry.summary).toBe('Handoff offered by ecc to meht (rapid-response, soon)');
  });

  it('labels a referral event with the referral’s ends, without a handoff id', () => {
    // Prepare
    const event = eventOf('referral.overdue', { data: { priority: 'urgent' } });

    // Act
    const entry = digestEntryOf(event);

    // Assess
    expect(entry).toEqual({
      id: event.id,
      type: 'referral.overdue',
      at: event.at,
      referralId: event.referralId,
      orgs: 'provide → ecc',
      summary: 'Referral from provide to ecc is past its response target (rapid-response, urgent)',
    });
    expect(entry).not.toHaveProperty('handoffId');
  });

  it('labels an event without organisations in its data with the actor’s organisation', () => {
    // Prepare
    const event: PublishedEvent = { ...eventOf('note.added', { actorOrg: 'meht' }), data: { noteId: 'N1' } };

    // Act
    const entry = digestEntryOf(event);

    // Assess
    expect(entry.orgs).toBe('meht');
    expect(entry.summary).toBe('Case note added by meht');
  });

  it('labels a note carrying the referral classification with the referral’s ends', () => {
    // Prepare: the repository writes note.added with the referral's classification (fromOrg, toOrg, …)
    const event = eventOf('note.added', { actorOrg: 'meht', data: { noteId: 'N1' } });

    // Act
    const entry = digestEntryOf(event);

    // Assess
    expect(entry.orgs).toBe('provide → ecc');
    expect(entry.summary).toBe('Case note added by meht');
  });

  it('takes the referral’s ends when only one end of a handoff is known', () => {
    // Prepare
    const event = eventOf('referral.accepted', { data: { handoffFromOrg: 'ecc' } });

    // Act
    const entry = digestEntryOf(event);

    // Assess
    expect(entry.orgs).toBe('provide → ecc');
  });
});

describe('digestWebhookBody', () => {
  it('lists a one-part digest’s events with their ids, types, times, referrals and summaries, without part numbers', () => {
    // Prepare
    const handoff = eventOf('handoff.accepted');
    const referral = eventOf('referral.completed');
    const digest = digestOf([handoff, referral]);

    // Act
    const body = digestWebhookBody(SUBSCRIPTION_ID, digest);

    // Assess
    expect(body).toEqual({
      type: 'digest',
      id: digest.id,
      subscriptionId: SUBSCRIPTION_ID,
      sendAt: SEND_AT,
      count: 2,
      events: [
        {
          id: handoff.id,
          type: 'handoff.accepted',
          at: handoff.at,
          referralId: handoff.referralId,
          handoffId: '01JNH0000000000000000000HH',
          summary: summaryOf(handoff),
        },
        { id: referral.id, type: 'referral.completed', at: referral.at, referralId: referral.referralId, summary: summaryOf(referral) },
      ],
    });
    expect(body).not.toHaveProperty('part');
    expect(body).not.toHaveProperty('parts');
    expect(body.events[1]).not.toHaveProperty('handoffId');
  });

  it('numbers the parts of a split window', () => {
    // Prepare
    const digests = composeDigests(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, entries(DIGEST_MAX_EVENTS + 1));

    // Act
    const bodies = digests.map((digest) => digestWebhookBody(SUBSCRIPTION_ID, digest));

    // Assess
    expect(bodies.map((b) => ({ id: b.id, part: b.part, parts: b.parts, count: b.count }))).toEqual([
      { id: digests[0]?.id, part: 1, parts: 2, count: DIGEST_MAX_EVENTS },
      { id: digests[1]?.id, part: 2, parts: 2, count: 1 },
    ]);
  });

  it('carries no organisation label or event data beyond the summary', () => {
    // Prepare
    const event = eventOf('referral.submitted', { data: { name: 'Ada Placeholder', nhsNumber: '9434765919' } });

    // Act
    const body = digestWebhookBody(SUBSCRIPTION_ID, digestOf([event]));

    // Assess
    const json = JSON.stringify(body);
    expect(Object.keys(body.events[0] ?? {}).sort()).toEqual(['at', 'id', 'referralId', 'summary', 'type']);
    expect(json).not.toContain('Ada Placeholder');
    expect(json).not.toContain('9434765919');
  });
});

describe('digestEmail', () => {
  it('says how many events and how many are overdue in the subject', () => {
    // Prepare
    const digest = digestOf([
      eventOf('referral.submitted'),
      eventOf('handoff.overdue'),
      eventOf('referral.overdue'),
      eventOf('referral.accepted'),
    ]);

    // Act
    const { subject, text } = digestEmail(digest, APP);

    // Assess
    expect(subject).toBe('Jointly digest: 4 events, 2 overdue');
    expect(text.split('\n')[0]).toBe(`4 events since your last digest, up to ${SEND_AT}.`);
  });

  it('says "1 event" and leaves out the overdue count when none are overdue', () => {
    // Prepare
    const digest = digestOf([eventOf('referral.submitted')]);

    // Act
    const { subject, text } = digestEmail(digest, APP);

    // Assess
    expect(subject).toBe('Jointly digest: 1 event');
    expect(text.split('\n')[0]).toBe(`1 event since your last digest, up to ${SEND_AT}.`);
  });

  it('names the part of a split window in the subject and the opening line', () => {
    // Prepare
    const [, second] = composeDigests(SUBSCRIPTION_ID, SEND_AT, WINDOW_ID, entries(DIGEST_MAX_EVENTS + 1));

    // Act
    const { subject, text } = digestEmail(second!, APP);

    // Assess
    expect(subject).toBe('Jointly digest: 1 event (part 2 of 2)');
    expect(text.split('\n')[0]).toBe(`1 event since your last digest (part 2 of 2), up to ${SEND_AT}.`);
  });

  it('lists the overdue types first, then the others, grouped by type and organisations with counts, a link per event', () => {
    // Prepare
    const events = [
      eventOf('referral.submitted', { referralId: 'R1' }),
      eventOf('referral.submitted', { referralId: 'R2', data: { fromOrg: 'meht', toOrg: 'ecc' } }),
      eventOf('handoff.offered', { referralId: 'R3' }),
      eventOf('referral.overdue', { referralId: 'R4' }),
      eventOf('referral.submitted', { referralId: 'R5' }),
      eventOf('handoff.overdue', { referralId: 'R6' }),
    ];
    const digest = digestOf(events);
    const [r1, r2, r3, r4, r5, r6] = events.map(summaryOf);

    // Act
    const { text } = digestEmail(digest, APP);

    // Assess
    expect(text.split('\n')).toEqual([
      `6 events since your last digest, up to ${SEND_AT}.`,
      '',
      'OVERDUE handoff.overdue: 1',
      '  ecc → meht: 1',
      `    ${r6}`,
      `    ${APP}/console/referrals/R6`,
      '',
      'OVERDUE referral.overdue: 1',
      '  provide → ecc: 1',
      `    ${r4}`,
      `    ${APP}/console/referrals/R4`,
      '',
      'handoff.offered: 1',
      '  ecc → meht: 1',
      `    ${r3}`,
      `    ${APP}/console/referrals/R3`,
      '',
      'referral.submitted: 3',
      '  meht → ecc: 1',
      `    ${r2}`,
      `    ${APP}/console/referrals/R2`,
      '  provide → ecc: 2',
      `    ${r1}`,
      `    ${APP}/console/referrals/R1`,
      `    ${r5}`,
      `    ${APP}/console/referrals/R5`,
      '',
      'You receive this digest because you subscribed to Jointly alerts.',
      '',
    ]);
  });

  it('has one link per event, under the app’s base URL without a doubled slash, with the referral id encoded', () => {
    // Prepare
    const digest = digestOf([
      eventOf('referral.submitted', { referralId: '01JNR0000000000000000000AA' }),
      eventOf('referral.accepted', { referralId: '01JNR0000000000000000000AA' }),
      eventOf('referral.declined', { referralId: 'a/b c' }),
    ]);

    // Act
    const { text } = digestEmail(digest, `${APP}//`);

    // Assess
    const links = text.split('\n').filter((line) => line.includes('/referrals/'));
    // Types in order: referral.accepted, referral.declined, referral.submitted.
    expect(links.map((line) => line.trim())).toEqual([
      `${APP}/console/referrals/01JNR0000000000000000000AA`,
      `${APP}/console/referrals/a%2Fb%20c`,
      `${APP}/console/referrals/01JNR0000000000000000000AA`,
    ]);
  });

  it('carries no subject or personal data put into the event data', () => {
    // Prepare
    const personal = { name: 'Ada Placeholder', nhsNumber: '9434765919', dateOfBirth: '1941-07-19', postcode: 'CM1 1AA' };
    const digest = digestOf([
      eventOf('referral.submitted', { data: personal }),
      eventOf('handoff.overdue', { data: { ...personal, subject: { name: 'Ada Placeholder' } } }),
      eventOf('note.added', { data: { ...personal, comment: 'Lives alone at 1 High Street' } }),
    ]);

    // Act
    const { subject, text } = digestEmail(digest, APP);

    // Assess
    for (const secret of ['Ada Placeholder', '9434765919', '1941-07-19', 'CM1 1AA', 'High Street']) {
      expect(subject).not.toContain(secret);
      expect(text).not.toContain(secret);
    }
  });
});
