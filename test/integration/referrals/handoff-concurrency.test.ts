/**
 * Handoff races against Amazon's DynamoDB Local: at every instant exactly one org owns a
 * referral, at most one handoff is open, and history stays gap-free, whatever the
 * interleaving of offers, answers and referral transitions.
 */
import { QueryCommand } from '#shared/platform/dynamodb/document-client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '#shared/core/errors.ts';
import { referralKeys } from '#shared/platform/dynamodb/keys.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';
import { caller, newReferral, referralServiceOn } from '#test/support/referral-fixtures.ts';

let table: TestTable;
let fixture: ReturnType<typeof referralServiceOn>;
const provide = caller('pat', 'provide');
const ecc = caller('eve', 'ecc');
const meht = caller('max', 'meht');
const ageuk = caller('amy', 'ageuk-essex');
const byOrg = { provide, ecc, meht, 'ageuk-essex': ageuk } as const;

beforeAll(async () => {
  table = await createTestTable('handoff-races');
  fixture = referralServiceOn(table);
});

afterAll(async () => {
  await table?.drop();
});

/** A referral Provide → ECC, accepted by ECC (so ECC owns it). */
const acceptedReferral = async (): Promise<string> => {
  const { id } = await fixture.service.submit(provide, newReferral());
  await fixture.service.act(ecc, id, { action: 'accept', body: {} });
  return id;
};

/** Everything stored in a referral's partition, for invariant checks. */
const aggregate = async (id: string) => {
  const { Items = [] } = await table.documentClient.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': referralKeys.referral(id).pk },
      ConsistentRead: true,
    }),
  );
  return {
    referral: Items.find((i) => i.entity === 'referral')!,
    handoffs: Items.filter((i) => i.entity === 'handoff'),
    events: Items.filter((i) => i.entity === 'event').sort((a, b) => a.seq - b.seq),
  };
};

/** The invariants of DESIGN §3 for one referral. */
const assertInvariants = async (id: string) => {
  const { referral, handoffs, events } = await aggregate(id);
  const open = handoffs.filter((h) => h.status === 'offered');
  expect(open.length).toBeLessThanOrEqual(1);
  expect(referral.openHandoffId).toBe(open[0]?.id);
  expect(typeof referral.ownerOrg).toBe('string');
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(referral.seq).toBe(events.length);
  const changes = events.filter((e) => e.type !== 'note.added').length;
  expect(referral.version).toBe(changes);
  // Ownership follows the accepted handoffs in history order.
  let owner = referral.fromOrg;
  for (const event of events) {
    if (event.type === 'referral.accepted') owner = event.data.ownerOrg;
    if (event.type === 'handoff.accepted') owner = event.data.handoffToOrg;
  }
  expect(referral.ownerOrg).toBe(owner);
  for (const handoff of open) expect(referral.parties).toContain(handoff.toOrg);
};

describe('handoff races', () => {
  it('accept vs withdraw: exactly one wins, the loser gets 409 (not 403), and the owner matches the winner', async () => {
    for (let round = 0; round < 5; round++) {
      // Prepare
      const id = await acceptedReferral();
      const offer = await fixture.handoffs.offer(ecc, id, { toOrg: 'provide', reason: 'Medical needs dominate' });

      // Act
      const [accept, withdraw] = await Promise.allSettled([
        fixture.handoffs.answer(provide, offer.id, { action: 'accept', body: {} }),
        fixture.handoffs.answer(ecc, offer.id, { action: 'withdraw', body: {} }),
      ]);

      // Assess
      expect([accept.status, withdraw.status].sort()).toEqual(['fulfilled', 'rejected']);
      const loser = [accept, withdraw].find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect(loser.reason).toBeInstanceOf(ConflictError);
      const { referral } = await aggregate(id);
      expect(referral.ownerOrg).toBe(accept.status === 'fulfilled' ? 'provide' : 'ecc');
      await assertInvariants(id);
    }
  });

  it('two offers at once: one 201, one 409', async () => {
    // Prepare
    const id = await acceptedReferral();

    // Act
    const results = await Promise.allSettled([
      fixture.handoffs.offer(ecc, id, { toOrg: 'provide', reason: 'A' }),
      fixture.handoffs.offer(ecc, id, { toOrg: 'meht', reason: 'B' }),
    ]);

    // Assess
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(rejected.reason).toBeInstanceOf(ConflictError);
    await assertInvariants(id);
  });

  it('accept vs a concurrent referral complete: consistent either way', async () => {
    for (let round = 0; round < 5; round++) {
      // Prepare
      const id = await acceptedReferral();
      const offer = await fixture.handoffs.offer(ecc, id, { toOrg: 'meht', reason: 'Hospital at home' });

      // Act
      const [accept, complete] = await Promise.allSettled([
        fixture.handoffs.answer(meht, offer.id, { action: 'accept', body: {} }),
        fixture.service.act(ecc, id, { action: 'complete', body: { outcome: 'admission-avoided' } }),
      ]);

      // Assess: the open handoff blocks complete (409), or the handoff moved ownership first (403).
      expect(accept.status).toBe('fulfilled');
      expect(complete.status).toBe('rejected');
      const { referral } = await aggregate(id);
      expect(referral).toMatchObject({ status: 'accepted', ownerOrg: 'meht' });
      await assertInvariants(id);
    }
  });
});

describe('randomized concurrent handoff traffic', () => {
  it('keeps one owner, at most one open handoff and a gap-free history for every referral', async () => {
    // Prepare: a deterministic pseudo-random generator, so a failure can be replayed.
    let seed = 20261128;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const ids = await Promise.all(Array.from({ length: 6 }, () => acceptedReferral()));
    const orgs = ['provide', 'ecc', 'meht', 'ageuk-essex'] as const;

    // Act: 6 waves of 24 concurrent operations from many clients, most of which race.
    for (let wave = 0; wave < 6; wave++) {
      const operations = Array.from({ length: 24 }, async () => {
        const id = pick(ids);
        const { referral } = await aggregate(id);
        const kind = pick(['offer', 'offer', 'accept', 'decline', 'withdraw', 'note', 'amend'] as const);
        if (kind === 'offer') {
          const owner = byOrg[referral.ownerOrg as keyof typeof byOrg];
          return fixture.handoffs.offer(owner, id, { toOrg: pick(orgs.filter((o) => o !== referral.ownerOrg)), reason: 'Randomized' });
        }
        if (kind === 'note') return fixture.service.addNote(byOrg[pick(referral.parties) as keyof typeof byOrg], id, 'Randomized note');
        if (kind === 'amend') return fixture.service.act(provide, id, { action: 'amend', body: { reason: 'Randomized' } });
        if (!referral.openHandoffId) return undefined;
        const { handoff } = (await fixture.repository.getHandoff(referral.openHandoffId))!;
        const target = byOrg[handoff.toOrg as keyof typeof byOrg];
        const offerer = byOrg[handoff.fromOrg as keyof typeof byOrg];
        if (kind === 'withdraw') return fixture.handoffs.answer(offerer, handoff.id, { action: 'withdraw', body: {} });
        if (kind === 'decline')
          return fixture.handoffs.answer(target, handoff.id, { action: 'decline', body: { reasonCode: 'no-capacity' } });
        return fixture.handoffs.answer(target, handoff.id, { action: 'accept', body: {} });
      });
      const results = await Promise.allSettled(operations);
      // Losers of a race fail with a domain error (403/409/…), never anything else.
      for (const result of results) {
        if (result.status === 'rejected')
          expect((result.reason as Error).constructor.name).toMatch(/(Conflict|Forbidden|Unprocessable)Error$/);
      }
    }

    // Assess
    for (const id of ids) await assertInvariants(id);
    const accepted = (await Promise.all(ids.map(aggregate))).flatMap((a) => a.handoffs).filter((h) => h.status === 'accepted');
    expect(accepted.length).toBeGreaterThan(0);
  });
});
