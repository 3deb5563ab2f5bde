import { describe, expect, it } from 'vitest';
import {
  handoffKeys,
  legacyMetricsKeys,
  metricsKeys,
  referralKeys,
  SLA_SHARDS,
  slaKeys,
  subscriptionKeys,
  timeOrderedSk,
} from '#shared/platform/dynamodb/keys.ts';
import { REFERRAL_STATUSES, type Box } from '#shared/core/reference-data.ts';

/** Plain code-unit ordering, as DynamoDB compares string sort keys (for ASCII). */
const lexical = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('referralKeys.event', () => {
  it('sorts lexically in seq order across 9 → 10 → 100', () => {
    // Prepare
    const seqs = [100, 9, 10, 1, 99, 11, 2];

    // Act
    const sorted = seqs.map((seq) => referralKeys.event('r1', seq).sk).sort(lexical);

    // Assess
    expect(sorted).toEqual([1, 2, 9, 10, 11, 99, 100].map((seq) => referralKeys.event('r1', seq).sk));
  });

  it('keeps lexical order equal to numeric order up to 9,999,999,999', () => {
    // Prepare
    const seqs = [1, 9, 10, 99, 100, 999, 1_000, 65_535, 1_000_000, 2_147_483_647, 4_294_967_296, 9_999_999_999];

    // Act
    const keys = seqs.map((seq) => referralKeys.event('r1', seq).sk);

    // Assess
    expect([...keys].sort(lexical)).toEqual(keys);
    for (const key of keys) expect(key).toMatch(/^EVENT#\d{10}$/);
  });

  it('shares the referral’s partition and starts with the event prefix', () => {
    // Prepare
    const referralId = 'r-42';

    // Act
    const key = referralKeys.event(referralId, 3);

    // Assess
    expect(key).toEqual({ pk: 'REFERRAL#r-42', sk: 'EVENT#0000000003' });
    expect(key.pk).toBe(referralKeys.referral(referralId).pk);
    expect(key.sk.startsWith(referralKeys.eventPrefix)).toBe(true);
  });
});

describe('referral aggregate keys', () => {
  it('puts notes, access entries and handoffs in the referral’s partition', () => {
    // Prepare
    const referralId = 'r1';

    // Act
    const keys = [referralKeys.note(referralId, 'n1'), referralKeys.access(referralId, 'a1'), handoffKeys.handoff(referralId, 'h1')];

    // Assess
    for (const key of keys) expect(key.pk).toBe('REFERRAL#r1');
    expect(keys[0]?.sk.startsWith(referralKeys.notePrefix)).toBe(true);
    expect(keys[1]?.sk.startsWith(referralKeys.accessPrefix)).toBe(true);
    expect(keys[2]?.sk.startsWith(referralKeys.aggregatePrefix)).toBe(true);
    expect(referralKeys.referral(referralId).sk.startsWith(referralKeys.aggregatePrefix)).toBe(true);
  });

  it('keeps events, notes and access entries out of the aggregate prefix', () => {
    // Prepare
    const referralId = 'r1';

    // Act
    const others = [referralKeys.event(referralId, 1), referralKeys.note(referralId, 'n'), referralKeys.access(referralId, 'a')];

    // Assess
    for (const key of others) expect(key.sk.startsWith(referralKeys.aggregatePrefix)).toBe(false);
  });
});

describe('slaKeys.shardOf', () => {
  it('is stable for the same id', () => {
    // Prepare
    const id = '01JD8ZQK5X9TQ3W7E2M4N6P8R0';

    // Act
    const shards = [slaKeys.shardOf(id), slaKeys.shardOf(id), slaKeys.shardOf(id)];

    // Assess
    expect(new Set(shards).size).toBe(1);
  });

  it('stays within [0, SLA_SHARDS) and spreads ids over several shards', () => {
    // Prepare
    const ids = Array.from({ length: 500 }, (_, i) => `referral-${i}`);

    // Act
    const shards = ids.map((id) => slaKeys.shardOf(id));

    // Assess
    for (const shard of shards) {
      expect(Number.isInteger(shard)).toBe(true);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(SLA_SHARDS);
    }
    expect(new Set(shards).size).toBe(SLA_SHARDS);
  });

  it('handles the empty string and non-ASCII ids', () => {
    // Prepare
    const ids = ['', 'é', '😀', 'x'.repeat(10_000)];

    // Act
    const shards = ids.map((id) => slaKeys.shardOf(id));

    // Assess
    for (const shard of shards) expect(shard >= 0 && shard < SLA_SHARDS).toBe(true);
  });

  it('builds partition and sort keys ordered by due time', () => {
    // Prepare
    const earlier = slaKeys.sortKey('2026-01-01T09:00:00.000Z', 'referral', 'r2');
    const later = slaKeys.sortKey('2026-01-01T10:00:00.000Z', 'handoff', 'h1');

    // Act
    const ordered = [later, earlier].sort(lexical);

    // Assess
    expect(slaKeys.partition(3)).toBe('SLA#3');
    expect(ordered).toEqual([earlier, later]);
    expect(earlier).toBe('2026-01-01T09:00:00.000Z#referral#r2');
  });
});

describe('list partitions', () => {
  it('differ by box, org and status', () => {
    // Prepare
    const boxes: Box[] = ['inbox', 'outbox', 'owned'];
    const orgs = ['provide', 'ecc', 'meht', 'ageuk-essex'];

    // Act
    const partitions = boxes.flatMap((box) =>
      orgs.flatMap((org) => REFERRAL_STATUSES.map((status) => referralKeys.listPartition(box, org, status))),
    );

    // Assess
    expect(new Set(partitions).size).toBe(boxes.length * orgs.length * REFERRAL_STATUSES.length);
    expect(referralKeys.listPartition('inbox', 'ecc', 'submitted')).toBe('ORG#ecc#INBOX#submitted');
  });

  it('keep handoff partitions apart from referral partitions', () => {
    // Prepare
    const referral = referralKeys.listPartition('inbox', 'ecc', 'accepted');

    // Act
    const handoff = handoffKeys.listPartition('inbox', 'ecc', 'accepted');

    // Assess
    expect(handoff).not.toBe(referral);
    expect(handoff).toBe('ORG#ecc#HANDOFF-INBOX#accepted');
    expect(handoffKeys.listPartition('outbox', 'ecc', 'offered')).not.toBe(handoffKeys.listPartition('inbox', 'ecc', 'offered'));
  });
});

describe('timeOrderedSk', () => {
  it('orders by time first, then by id', () => {
    // Prepare
    const keys = [
      timeOrderedSk('2026-03-01T00:00:00.000Z', 'a'),
      timeOrderedSk('2026-01-15T12:30:00.000Z', 'z'),
      timeOrderedSk('2026-01-15T12:30:00.000Z', 'b'),
      timeOrderedSk('2025-12-31T23:59:59.999Z', 'y'),
    ];

    // Act
    const sorted = [...keys].sort(lexical);

    // Assess
    expect(sorted).toEqual([
      '2025-12-31T23:59:59.999Z#y',
      '2026-01-15T12:30:00.000Z#b',
      '2026-01-15T12:30:00.000Z#z',
      '2026-03-01T00:00:00.000Z#a',
    ]);
  });
});

describe('subscriptionKeys.delivery', () => {
  it('orders attempts of one event numerically', () => {
    // Prepare
    const at = '2026-01-01T00:00:00.000Z';

    // Act
    const keys = [10, 2, 1].map((attempt) => subscriptionKeys.delivery('s1', at, 'e1', attempt).sk).sort(lexical);

    // Assess
    expect(keys).toEqual([1, 2, 10].map((attempt) => subscriptionKeys.delivery('s1', at, 'e1', attempt).sk));
  });
});

describe('metricsKeys', () => {
  const cell = (day: string, serviceArea = 'joint-referral') => ({
    day,
    serviceArea,
    fromOrg: 'ageuk-essex',
    toOrg: 'meht',
    priority: 'routine',
  });

  it('names the cell back from its sort key, in the shard partition', () => {
    // Prepare
    const original = cell('2026-12-03');

    // Act
    const key = metricsKeys.counter(original, 5);

    // Assess
    expect(key.pk).toBe(metricsKeys.partition(5));
    expect(metricsKeys.cellOf(key.sk)).toEqual(original);
  });

  it("puts every service area's cells of a period, across a month's end, inside one sort-key range and nothing else", () => {
    // Prepare
    const range = metricsKeys.dayRange('2026-11-27', '2026-12-03');
    const inside = ['2026-11-27', '2026-11-30', '2026-12-01', '2026-12-03'].flatMap((day) =>
      ['rapid-response', 'crisis-prevention', 'joint-referral'].map((area) => cell(day, area)),
    );
    const outside = [cell('2026-11-26'), cell('2026-12-04'), cell('2025-12-01'), cell('2027-11-30')];

    // Act
    const within = (c: ReturnType<typeof cell>) => {
      const { sk } = metricsKeys.counter(c, 0);
      return sk >= range.lower && sk <= range.upper;
    };

    // Assess
    expect(inside.filter(within)).toEqual(inside);
    expect(outside.filter(within)).toEqual([]);
  });

  it('reads a first-layout item back as the same cell', () => {
    // Prepare
    const original = cell('2026-11-29', 'rapid-response');

    // Act
    const key = legacyMetricsKeys.counter(original, 2);

    // Assess
    expect(key).toEqual({ pk: 'METRICS#rapid-response#2026-11#2', sk: '29#ageuk-essex#meht#routine' });
    expect(legacyMetricsKeys.cellOf('rapid-response', '2026-11', key.sk)).toEqual(original);
    expect(key.pk).not.toBe(metricsKeys.partition(2));
  });
});
