/**
 * The `referral.disposed` event (shared/referrals/domain/disposal.ts): the one record a
 * disposed or erased referral leaves. It keeps the organisational facts the programme's
 * figures are made of and the cause, and nothing about the person.
 */
import { describe, expect, it } from 'vitest';
import { REFERRAL_STATUSES } from '#shared/core/reference-data.ts';
import { disposedEventDraft, ERASURE_REASON_CODES, isClosedReferral } from '#shared/referrals/domain/disposal.ts';
import type { Referral } from '#shared/referrals/domain/referral.ts';
import { storedReferral } from '#test/support/fixtures.ts';

/** A completed referral carrying every kind of personal and internal detail a referral can hold. */
const completed = (overrides: Partial<Referral> = {}): Referral =>
  storedReferral({
    fromTeam: 'community-nursing',
    toTeam: 'adult-triage',
    ownerOrg: 'ecc',
    ownerTeam: 'adult-triage',
    subject: { nhsNumber: '9434765919', name: 'Ada Example', dateOfBirth: '1941-03-07', postcode: 'CM1 1AA', localId: 'LOCAL-77' },
    reason: 'Lives alone; two falls this month.',
    status: 'completed',
    outcome: 'admission-avoided',
    version: 4,
    seq: 9,
    updatedAt: '2025-03-10T15:00:00.000Z',
    infoRequestedAt: '2025-03-04T09:00:00.000Z',
    pausedMs: 3_600_000,
    overdueNotifiedFor: '2025-03-03T11:00:00.000Z',
    formerParties: [{ org: 'meht', leftAt: '2025-03-05T09:00:00.000Z', leftSeq: 6 }],
    parties: ['provide', 'ecc'],
    ...overrides,
  });

const PERSONAL = ['9434765919', 'Ada Example', '1941-03-07', 'CM1 1AA', 'LOCAL-77', 'Lives alone'];

describe('disposedEventDraft', () => {
  it('keeps the organisational facts, the codes it closed with and the cause of a retention disposal', () => {
    // Prepare
    const referral = completed();

    // Act
    const draft = disposedEventDraft(referral, { kind: 'retention' });

    // Assess
    expect(draft).toEqual({
      type: 'referral.disposed',
      data: {
        status: 'completed',
        submittedAt: '2025-03-03T09:00:00.000Z',
        fromOrg: 'provide',
        toOrg: 'ecc',
        ownerOrg: 'ecc',
        serviceArea: 'rapid-response',
        priority: 'urgent',
        parties: ['provide', 'ecc'],
        fromTeam: 'community-nursing',
        toTeam: 'adult-triage',
        ownerTeam: 'adult-triage',
        outcome: 'admission-avoided',
        lastChangedAt: '2025-03-10T15:00:00.000Z',
        cause: 'retention',
      },
    });
  });

  it('holds nothing about the person, the reason or the referral’s internal state', () => {
    // Prepare
    const referral = completed();

    // Act
    const draft = disposedEventDraft(referral, { kind: 'retention' });

    // Assess
    const text = JSON.stringify(draft);
    for (const personal of PERSONAL) expect(text).not.toContain(personal);
    for (const field of ['subject', 'reason', 'id', 'seq', 'version', 'pausedMs', 'overdueNotifiedFor', 'formerParties', 'dueAt']) {
      expect(draft.data).not.toHaveProperty(field);
    }
  });

  it('records an erasure with its reason code and the IG case reference', () => {
    // Prepare
    const referral = completed();

    // Act
    const draft = disposedEventDraft(referral, { kind: 'erasure', reasonCode: 'misfiled-record', requestReference: 'IG-2026-0042' });

    // Assess
    expect(draft.data).toMatchObject({
      cause: 'erasure',
      reasonCode: 'misfiled-record',
      requestReference: 'IG-2026-0042',
      status: 'completed',
    });
    const text = JSON.stringify(draft);
    for (const personal of PERSONAL) expect(text).not.toContain(personal);
  });

  it('keeps a declined referral’s reason code apart from an erasure’s', () => {
    // Prepare
    const declined = completed({ status: 'declined', outcome: undefined, reasonCode: 'no-capacity' });

    // Act
    const retention = disposedEventDraft(declined, { kind: 'retention' });
    const erasure = disposedEventDraft(declined, { kind: 'erasure', reasonCode: 'duplicate-record', requestReference: 'IG/7' });

    // Assess
    expect(retention.data).toMatchObject({ status: 'declined', referralReasonCode: 'no-capacity', cause: 'retention' });
    expect(retention.data).not.toHaveProperty('reasonCode');
    expect(retention.data).not.toHaveProperty('outcome');
    expect(erasure.data).toMatchObject({ referralReasonCode: 'no-capacity', reasonCode: 'duplicate-record', requestReference: 'IG/7' });
  });

  it('leaves out teams and codes a referral does not have', () => {
    // Prepare: an open referral erased while still awaiting triage
    const open = storedReferral({ subject: { nhsNumber: '9434765919', name: 'Ada Example' } });

    // Act
    const draft = disposedEventDraft(open, { kind: 'erasure', reasonCode: 'legal-order', requestReference: 'ICO-1' });

    // Assess
    expect(Object.keys(draft.data).sort()).toEqual(
      [
        'cause',
        'fromOrg',
        'lastChangedAt',
        'ownerOrg',
        'parties',
        'priority',
        'reasonCode',
        'requestReference',
        'serviceArea',
        'status',
        'submittedAt',
        'toOrg',
      ].sort(),
    );
  });

  it('copies the parties, so the event never shares the referral’s array', () => {
    // Prepare
    const referral = completed();

    // Act
    const draft = disposedEventDraft(referral, { kind: 'retention' });

    // Assess
    expect(draft.data.parties).toEqual(referral.parties);
    expect(draft.data.parties).not.toBe(referral.parties);
  });
});

describe('ERASURE_REASON_CODES', () => {
  it('lists the four reasons an IG lead may record', () => {
    // Assess
    expect(ERASURE_REASON_CODES).toEqual(['misfiled-record', 'duplicate-record', 'erasure-request-upheld', 'legal-order']);
  });
});

describe('isClosedReferral', () => {
  it('is true for completed, declined and cancelled referrals only', () => {
    // Act
    const closed = REFERRAL_STATUSES.filter((status) => isClosedReferral({ status }));

    // Assess
    expect(closed.sort()).toEqual(['cancelled', 'completed', 'declined']);
  });
});
