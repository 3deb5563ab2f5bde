/**
 * The audit archive's lines (shared/audit/domain/archive-line.ts): what each keeps and what it
 * leaves out. An access-log entry is kept as stored; an event keeps its ids, codes, times and
 * actor, its comment only as a hash, and only the `data` fields decided to hold organisational
 * facts. A person's name, NHS number or reason for referral, and a note's or comment's words,
 * never appear in a line. Every event the referral domain writes is driven through here, so a
 * new `data` field shows up as omitted rather than silently archived.
 */
import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_FORMAT_VERSION,
  ARCHIVED_EVENT_DATA_FIELDS,
  type ArchiveInput,
  ArchiveLineSchema,
  archiveDayOf,
  archiveKindOf,
  commentHashOf,
  serializeArchiveLine,
  toArchiveLine,
  UnarchivableItemError,
} from '#shared/audit/domain/archive-line.ts';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '#shared/core/reference-data.ts';
import { referralKeys } from '#shared/platform/dynamodb/keys.ts';
import { eventItemOf } from '#shared/referrals/data/referral-items.ts';
import { disposedEventDraft } from '#shared/referrals/domain/disposal.ts';
import { answerHandoff, handoffOverdueEvent, offerHandoff } from '#shared/referrals/domain/handoff.ts';
import { type Actor, type EventDraft, type Referral, referralOverdueEvent, type RuleContext } from '#shared/referrals/domain/referral.ts';
import { applyAction, createReferral } from '#shared/referrals/domain/referral-transitions.ts';
import { caller, newReferral } from '#test/support/fixtures.ts';

/** What a person's record holds that no archive line may: the test's own words, easy to find. */
const PERSON = { name: 'Winifred Archivecheck', nhsNumber: '9434765919', dateOfBirth: '1938-02-11', postcode: 'CM9 4ZZ' };
const REASON = 'Reason-words: lives alone above the chemist, two falls';
const COMMENT = 'Comment-words: spoke to her daughter Mavis on the phone';

const STREAM_TIME = 1_795_827_600; // 2026-11-28T01:00:00Z
const input = (item: Record<string, unknown>, overrides: Partial<ArchiveInput> = {}): ArchiveInput => ({
  sequenceNumber: '000000000000000000042',
  approximateCreationTime: STREAM_TIME,
  item,
  ...overrides,
});

const accessItem = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...referralKeys.access('01JREFERRAL0000000000000AA', '01JACCESS00000000000000000'),
  entity: 'access',
  referralId: '01JREFERRAL0000000000000AA',
  at: '2026-11-28T00:59:58.123Z',
  actor: { sub: 'sub-of-ecc-worker', org: 'ecc', role: 'practitioner' },
  what: 'detail',
  ...overrides,
});

const expectNoPersonalData = (text: string): void => {
  for (const words of [PERSON.name, 'Winifred', PERSON.nhsNumber, PERSON.dateOfBirth, PERSON.postcode, REASON, COMMENT, 'Mavis']) {
    expect(text).not.toContain(words);
  }
};

describe('an access-log entry', () => {
  it('is kept as stored, with the stream’s sequence number and time', () => {
    // Prepare
    const item = accessItem();

    // Act
    const line = toArchiveLine(input(item));

    // Assess
    expect(line).toEqual({
      kind: 'access',
      formatVersion: ARCHIVE_FORMAT_VERSION,
      sequenceNumber: '000000000000000000042',
      approximateCreationTime: '2026-11-28T01:00:00Z',
      item,
    });
    expect(ArchiveLineSchema.safeParse(line).success).toBe(true);
  });

  it('names a field it does not know, and leaves it out', () => {
    // Prepare
    const item = accessItem({ expiresAt: 2_000_000_000, subject: { name: PERSON.name } });

    // Act
    const line = toArchiveLine(input(item));

    // Assess
    expect(line.omittedFields).toEqual(['expiresAt', 'subject']);
    expect(line.item).not.toHaveProperty('subject');
    expectNoPersonalData(serializeArchiveLine(line));
  });

  it('takes the item’s own time, to the second, when the stream gave none', () => {
    // Act
    const line = toArchiveLine(input(accessItem(), { approximateCreationTime: undefined }));

    // Assess
    expect(line.approximateCreationTime).toBe('2026-11-28T00:59:58Z');
    expect(archiveDayOf(line)).toBe('2026-11-28');
  });

  it('refuses an entry missing what it must hold, without quoting the item', () => {
    // Prepare
    const item = accessItem({ actor: undefined, what: PERSON.name });

    // Act
    const attempt = () => toArchiveLine(input(item));

    // Assess
    expect(attempt).toThrow(UnarchivableItemError);
    try {
      attempt();
    } catch (error) {
      expectNoPersonalData(String((error as Error).message));
    }
  });
});

describe('an event item', () => {
  const eventItem = (data: Record<string, unknown>, comment?: string) =>
    eventItemOf(
      '01JREFERRAL0000000000000AA',
      3,
      { type: 'referral.declined', data, ...(comment ? { comment } : {}) },
      { sub: 'sub-of-ecc-worker', org: 'ecc', role: 'practitioner' },
      '2026-11-28T22:19:58.000Z',
    );

  it('keeps its ids, codes, times and actor, and its comment only as a hash', () => {
    // Prepare
    const item = eventItem(
      { status: 'declined', fromStatus: 'submitted', reasonCode: 'no-capacity', parties: ['provide', 'ecc'] },
      COMMENT,
    );

    // Act
    const line = toArchiveLine(input(item));

    // Assess
    expect(line.kind).toBe('event');
    expect(line.item).toEqual({
      pk: item.pk,
      sk: item.sk,
      entity: 'event',
      id: item.id,
      type: 'referral.declined',
      seq: 3,
      at: '2026-11-28T22:19:58.000Z',
      actor: { sub: 'sub-of-ecc-worker', org: 'ecc', role: 'practitioner' },
      referralId: '01JREFERRAL0000000000000AA',
      data: { status: 'declined', fromStatus: 'submitted', reasonCode: 'no-capacity', parties: ['provide', 'ecc'] },
      commentSha256: commentHashOf(item.id, COMMENT),
    });
    expect(line.omittedFields).toEqual(['comment']);
    expectNoPersonalData(serializeArchiveLine(line));
  });

  it('hashes the same words differently on every event, so a hash cannot be looked up in a list of phrases', () => {
    // Act
    const hashes = ['01JEVENTA00000000000000000', '01JEVENTB00000000000000000'].map((id) => commentHashOf(id, 'Seen at home'));

    // Assess
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes[0]).not.toBe(hashes[1]);
  });

  it('leaves out, and names, any data field not decided to be organisational', () => {
    // Prepare
    const item = eventItem({ status: 'submitted', reason: REASON, subject: { ...PERSON } });

    // Act
    const line = toArchiveLine(input(item));

    // Assess
    expect(line.item).toMatchObject({ data: { status: 'submitted' } });
    expect(line.omittedFields).toEqual(['data.reason', 'data.subject']);
    expectNoPersonalData(serializeArchiveLine(line));
  });

  it('refuses an event without data, or of no known kind', () => {
    // Act / Assess
    expect(() => toArchiveLine(input({ ...eventItem({}), data: 'text' }))).toThrow(UnarchivableItemError);
    expect(() => toArchiveLine(input({ ...accessItem(), entity: 'note', text: COMMENT }))).toThrow(UnarchivableItemError);
    expect(archiveKindOf({ entity: 'note' })).toBeUndefined();
    expect(archiveKindOf({ entity: 'referral' })).toBeUndefined();
  });
});

describe('every event the referral domain writes', () => {
  const context: RuleContext = {
    now: new Date('2026-11-28T09:00:00.000Z'),
    priorityTargetMinutes: DEFAULT_PRIORITY_TARGET_MINUTES,
    isKnownOrg: () => true,
  };
  const provide = caller('sub-provide', 'provide');
  const ecc = caller('sub-ecc', 'ecc');
  const actorOf = (who: ReturnType<typeof caller>): Actor => ({ sub: who.sub, org: who.org, role: 'practitioner' });
  const subject = { ...PERSON };

  /** Each event draft the domain makes, from one referral's possible lives. */
  const drafts = (): { name: string; draft: EventDraft }[] => {
    const created = createReferral('01JREFERRAL0000000000000AA', newReferral({ subject, reason: REASON }), provide, context);
    const submitted: Referral = created.referral;
    const act = (referral: Referral, who: ReturnType<typeof caller>, action: Parameters<typeof applyAction>[1]) =>
      applyAction(referral, action, who, context);
    const accepted = act(submitted, ecc, { action: 'accept', body: { comment: COMMENT } });
    const infoRequested = act(submitted, ecc, { action: 'request-info', body: { comment: COMMENT } });
    const offered = offerHandoff(
      accepted.referral,
      '01JHANDOFF0000000000000000',
      { toOrg: 'meht', reason: REASON },
      ecc,
      actorOf(ecc),
      context,
    );
    const meht = caller('sub-meht', 'meht');
    return [
      { name: 'submitted', draft: created.event },
      { name: 'accepted', draft: accepted.event },
      { name: 'declined', draft: act(submitted, ecc, { action: 'decline', body: { reasonCode: 'no-capacity', comment: COMMENT } }).event },
      { name: 'redirected', draft: act(submitted, ecc, { action: 'redirect', body: { toOrg: 'meht', comment: COMMENT } }).event },
      { name: 'info requested', draft: infoRequested.event },
      { name: 'info provided', draft: act(infoRequested.referral, provide, { action: 'provide-info', body: { comment: COMMENT } }).event },
      {
        name: 'amended',
        draft: act(submitted, provide, {
          action: 'amend',
          body: { priority: 'soon', reason: REASON, subject: { ...subject, name: 'Winifred Renamed' } },
        }).event,
      },
      {
        name: 'cancelled',
        draft: act(submitted, provide, { action: 'cancel', body: { reasonCode: 'no-longer-required', comment: COMMENT } }).event,
      },
      {
        name: 'completed',
        draft: act(accepted.referral, ecc, { action: 'complete', body: { outcome: 'discharged-home', comment: COMMENT } }).event,
      },
      { name: 'overdue', draft: referralOverdueEvent(submitted) },
      { name: 'handoff offered', draft: offered.event },
      { name: 'handoff overdue', draft: handoffOverdueEvent(offered.referral, offered.handoff) },
      ...(['accept', 'decline', 'withdraw'] as const).map((action) => ({
        name: `handoff ${action}`,
        draft: answerHandoff(
          offered.referral,
          offered.handoff,
          action === 'decline' ? { action, body: { reasonCode: 'no-capacity', comment: COMMENT } } : { action, body: { comment: COMMENT } },
          action === 'withdraw' ? ecc : meht,
          actorOf(action === 'withdraw' ? ecc : meht),
          context,
        ).event,
      })),
      { name: 'disposed (retention)', draft: disposedEventDraft(accepted.referral, { kind: 'retention' }) },
      {
        name: 'disposed (erasure)',
        draft: disposedEventDraft(accepted.referral, { kind: 'erasure', reasonCode: 'misfiled-record', requestReference: 'IG-2026-0042' }),
      },
    ];
  };

  it.each(drafts().map(({ name, draft }) => [name, draft] as const))(
    '%s: archives every data field, leaves out only the comment, and holds no personal data',
    (_name, draft) => {
      // Prepare
      const item = eventItemOf('01JREFERRAL0000000000000AA', 2, draft, actorOf(ecc), '2026-11-28T09:00:00.000Z');

      // Act
      const line = toArchiveLine(input(item));

      // Assess
      expect(line.item).toMatchObject({ type: draft.type, data: draft.data });
      expect(line.omittedFields).toEqual(draft.comment ? ['comment'] : undefined);
      for (const field of Object.keys(draft.data)) expect(ARCHIVED_EVENT_DATA_FIELDS).toContain(field);
      expectNoPersonalData(serializeArchiveLine(line));
    },
  );
});

describe('a line as written', () => {
  it('is one compact JSON object and a line feed, read back to the same line', () => {
    // Prepare
    const line = toArchiveLine(input(accessItem()));

    // Act
    const text = serializeArchiveLine(line);

    // Assess
    expect(text.endsWith('\n')).toBe(true);
    expect(text.slice(0, -1)).not.toContain('\n');
    expect(ArchiveLineSchema.parse(JSON.parse(text))).toEqual(line);
  });
});
