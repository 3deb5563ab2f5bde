/**
 * The sparse `sla-due` attributes: written only while a response is awaited (referral
 * `submitted`, handoff `offered`) and the breach of this `dueAt` is not yet announced; a new
 * `dueAt` (provide-info) re-arms the watch. The overdue events carry the classification and
 * `dueAt`, never personal data, and the mark stays out of API views.
 */
import { describe, expect, it } from 'vitest';
import { SLA_SHARDS, slaKeys } from '#shared/platform/dynamodb/keys.ts';
import { DynamoReferralRepository } from '#shared/referrals/data/referral-repository.ts';
import { parseSlaCandidate } from '#shared/referrals/data/sla-sweep.ts';
import { handoffOverdueEvent, toHandoffView, type Handoff } from '#shared/referrals/domain/handoff.ts';
import { REFERRAL_STATUSES, HANDOFF_STATUSES } from '#shared/core/reference-data.ts';
import { referralOverdueEvent, toReferralView, type Referral } from '#shared/referrals/domain/referral.ts';
import { storedReferral } from '#test/support/fixtures.ts';

const repository = new DynamoReferralRepository({ client: {} as never, tableName: 't', subjectHashKey: 'k'.repeat(32) });

const referral = (overrides: Partial<Referral> = {}): Referral =>
  storedReferral({
    subject: { nhsNumber: '9434765919', name: 'Jane Example' },
    createdAt: '2026-11-28T00:00:00.000Z',
    updatedAt: '2026-11-28T00:00:00.000Z',
    dueAt: '2026-11-28T02:00:00.000Z',
    ...overrides,
  });

const handoff = (overrides: Partial<Handoff> = {}): Handoff => ({
  id: '01M8FV9MJ7PSBGQ0BAPSFFTK1Q',
  referralId: '01M8FV9MJ7PSBGQ0BAPSFFTK1P',
  fromOrg: 'ecc',
  toOrg: 'ageuk-essex',
  reason: 'Better placed',
  status: 'offered',
  version: 1,
  createdAt: '2026-11-28T00:00:00.000Z',
  updatedAt: '2026-11-28T00:00:00.000Z',
  dueAt: '2026-11-28T02:00:00.000Z',
  offeredBy: { sub: 'eve', org: 'ecc', role: 'practitioner' },
  ...overrides,
});

describe('referral items on the SLA watch', () => {
  it.each(REFERRAL_STATUSES.map((status) => [status, status === 'submitted'] as const))('status %s → watched: %s', (status, watched) => {
    // Prepare
    const r = referral({ status });

    // Act
    const item = repository.toItem(r);

    // Assess
    if (watched) {
      expect(item.slaPk).toBe(slaKeys.partition(slaKeys.shardOf(r.id)));
      expect(item.slaSk).toBe(`${r.dueAt}#referral#${r.id}`);
    } else {
      expect(item).not.toHaveProperty('slaPk');
      expect(item).not.toHaveProperty('slaSk');
    }
  });

  it('leaves the watch once the breach of this dueAt is announced, and re-enters with a new dueAt', () => {
    // Prepare
    const announced = referral({ overdueNotifiedFor: '2026-11-28T02:00:00.000Z' });
    const pushedBack = { ...announced, dueAt: '2026-11-28T03:30:00.000Z' };

    // Act
    const [offWatch, reArmed] = [repository.toItem(announced), repository.toItem(pushedBack)];

    // Assess
    expect(offWatch).not.toHaveProperty('slaPk');
    expect(reArmed.slaSk).toBe(`2026-11-28T03:30:00.000Z#referral#${announced.id}`);
  });

  it('shards by a stable hash of the id, within the fixed shard count', () => {
    // Prepare
    const ids = Array.from({ length: 200 }, (_, i) => `01M8FV9MJ7PSBGQ0BAPSFF${String(i).padStart(4, '0')}`);

    // Act
    const shards = ids.map(slaKeys.shardOf);

    // Assess
    expect(new Set(shards).size).toBe(SLA_SHARDS);
    expect(shards.every((s) => s >= 0 && s < SLA_SHARDS)).toBe(true);
    expect(ids.map(slaKeys.shardOf)).toEqual(shards);
  });
});

describe('handoff items on the SLA watch', () => {
  it.each(HANDOFF_STATUSES.map((status) => [status, status === 'offered'] as const))('status %s → watched: %s', (status, watched) => {
    // Prepare
    const h = handoff({ status });

    // Act
    const item = repository.toHandoffItem(h);

    // Assess
    expect(item.slaSk).toBe(watched ? `${h.dueAt}#handoff#${h.id}` : undefined);
  });

  it('an offer whose breach was announced stays offered but leaves the watch', () => {
    // Prepare
    const h = handoff({ overdueNotifiedFor: '2026-11-28T02:00:00.000Z' });

    // Act
    const item = repository.toHandoffItem(h);

    // Assess
    expect(item.status).toBe('offered');
    expect(item).not.toHaveProperty('slaPk');
  });
});

describe('overdue events and views', () => {
  it('referral.overdue carries the classification and dueAt, no subject or reason', () => {
    // Prepare
    const r = referral();

    // Act
    const event = referralOverdueEvent(r);

    // Assess
    expect(event).toEqual({
      type: 'referral.overdue',
      data: {
        status: 'submitted',
        submittedAt: r.createdAt,
        fromOrg: 'provide',
        toOrg: 'ecc',
        ownerOrg: 'provide',
        serviceArea: 'rapid-response',
        priority: 'urgent',
        parties: ['provide', 'ecc'],
        dueAt: r.dueAt,
      },
    });
  });

  it('handoff.overdue names the handoff, its two ends and its dueAt', () => {
    // Prepare
    const r = referral({ status: 'accepted', ownerOrg: 'ecc', parties: ['provide', 'ecc', 'ageuk-essex'] });
    const h = handoff();

    // Act
    const event = handoffOverdueEvent(r, h);

    // Assess
    expect(event.type).toBe('handoff.overdue');
    expect(event.data).toMatchObject({
      handoffId: h.id,
      handoffFromOrg: 'ecc',
      handoffToOrg: 'ageuk-essex',
      dueAt: h.dueAt,
      ownerOrg: 'ecc',
    });
  });

  it('the overdue mark is internal: not in the referral or handoff the API returns', () => {
    // Prepare
    const r = referral({ overdueNotifiedFor: '2026-11-28T02:00:00.000Z' });
    const h = handoff({ overdueNotifiedFor: '2026-11-28T02:00:00.000Z' });

    // Act
    const views = [toReferralView(r), toHandoffView(h)];

    // Assess
    for (const view of views) expect(view).not.toHaveProperty('overdueNotifiedFor');
  });

  it.each([
    [
      { pk: 'REFERRAL#r1', sk: 'REFERRAL', slaSk: '2026-11-28T02:00:00.000Z#referral#r1' },
      { kind: 'referral', referralId: 'r1', dueAt: '2026-11-28T02:00:00.000Z' },
    ],
    [
      { pk: 'REFERRAL#r1', sk: 'REFERRAL#HANDOFF#h1', slaSk: '2026-11-28T02:00:00.000Z#handoff#h1' },
      { kind: 'handoff', referralId: 'r1', handoffId: 'h1', dueAt: '2026-11-28T02:00:00.000Z' },
    ],
    [{ pk: 'USER#x', sk: 'ALERT', slaSk: '2026#referral#x' }, undefined],
    [{ pk: 'REFERRAL#r1', sk: 'REFERRAL', slaSk: '2026-11-28T02:00:00.000Z#other#r1' }, undefined],
  ])('reads the index keys %j as %j', (keys, expected) => {
    // Prepare
    const indexKeys = keys;

    // Act
    const candidate = parseSlaCandidate(indexKeys);

    // Assess
    expect(candidate).toEqual(expected);
  });
});
