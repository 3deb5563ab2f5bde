/**
 * Races and faults against Amazon's DynamoDB Local: every change is one transaction
 * conditioned on what was read, so exactly one of conflicting writers wins, unrelated
 * writes are retried, and every referral keeps a gap-free history matching its version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, PreconditionFailedError } from '#shared/core/errors.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';
import { caller, newReferral, referralServiceOn, transactionConflict } from '#test/support/referral-fixtures.ts';

let table: TestTable;
let fixture: ReturnType<typeof referralServiceOn>;
const provide = caller('pat', 'provide');
const ecc = caller('eve', 'ecc');
const eccColleague = caller('ed', 'ecc');

beforeAll(async () => {
  table = await createTestTable('races');
  fixture = referralServiceOn(table);
});

afterAll(async () => {
  await table?.drop();
});

const settle = (promises: Promise<unknown>[]) => Promise.allSettled(promises);

describe('concurrent conflicting transitions', () => {
  it('20 concurrent accepts: exactly one 200, nineteen 409, owner is the receiver', async () => {
    // Prepare
    const { id } = await fixture.service.submit(provide, newReferral());

    // Act
    const results = await settle(
      Array.from({ length: 20 }, (_, i) => fixture.service.act(i % 2 ? ecc : eccColleague, id, { action: 'accept', body: {} })),
    );

    // Assess
    const winners = results.filter((r) => r.status === 'fulfilled');
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(ConflictError);
    const after = await fixture.repository.get(id);
    expect(after).toMatchObject({ status: 'accepted', ownerOrg: 'ecc', version: 2, seq: 2 });
  });

  it('accept vs decline: one winner, and the record matches the winner', async () => {
    // Prepare
    const { id } = await fixture.service.submit(provide, newReferral());

    // Act
    const [accept, decline] = (await settle([
      fixture.service.act(ecc, id, { action: 'accept', body: {} }),
      fixture.service.act(eccColleague, id, { action: 'decline', body: { reasonCode: 'no-capacity', comment: 'Full' } }),
    ])) as [PromiseSettledResult<unknown>, PromiseSettledResult<unknown>];

    // Assess
    expect([accept.status, decline.status].sort()).toEqual(['fulfilled', 'rejected']);
    const after = await fixture.repository.get(id);
    expect(after?.status).toBe(accept.status === 'fulfilled' ? 'accepted' : 'declined');
    const history = await fixture.repository.history(id, { limit: 100 });
    expect(history.items.map((e) => e.type)).toEqual([
      'referral.submitted',
      accept.status === 'fulfilled' ? 'referral.accepted' : 'referral.declined',
    ]);
  });

  it('a transition racing notes is retried past them: both land, seq stays gap-free, version counts only the transition', async () => {
    // Prepare
    const { id } = await fixture.service.submit(provide, newReferral());

    // Act
    const results = await settle([
      fixture.service.addNote(provide, id, 'Called the family'),
      fixture.service.act(ecc, id, { action: 'request-info', body: { comment: 'Any carer?' } }),
      fixture.service.addNote(ecc, id, 'Will visit'),
      fixture.service.addNote(provide, id, 'GP informed'),
    ]);

    // Assess
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const after = await fixture.repository.get(id);
    const history = await fixture.repository.history(id, { limit: 100 });
    expect(after).toMatchObject({ status: 'info_requested', version: 2, seq: 5 });
    expect(history.items.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(history.items.filter((e) => e.type === 'note.added')).toHaveLength(3);
    // Notes carry the referral's classification, so org-filtered subscriptions hear them.
    for (const note of history.items.filter((e) => e.type === 'note.added')) {
      expect(note.data).toMatchObject({ parties: ['provide', 'ecc'], serviceArea: 'rapid-response', priority: 'urgent' });
    }
  });

  it('a stale If-Match gets 412 even when the action would be valid', async () => {
    // Prepare
    const { id } = await fixture.service.submit(provide, newReferral());
    await fixture.service.act(provide, id, { action: 'amend', body: { reason: 'Falls, twice this week' } });

    // Act
    const stale = fixture.service.act(ecc, id, { action: 'accept', body: {} }, 1);

    // Assess
    await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('a storm of mixed writes leaves every event history gap-free and matching the version', async () => {
    // Prepare
    const ids = await Promise.all(Array.from({ length: 5 }, () => fixture.service.submit(provide, newReferral()).then((r) => r.id)));

    // Act
    await settle(
      ids.flatMap((id) => [
        fixture.service.act(provide, id, { action: 'amend', body: { priority: 'soon' } }),
        fixture.service.act(ecc, id, { action: 'request-info', body: { comment: 'Details?' } }),
        fixture.service.addNote(ecc, id, 'Looking'),
        fixture.service.act(ecc, id, { action: 'accept', body: {} }),
        fixture.service.act(provide, id, { action: 'cancel', body: { reasonCode: 'no-longer-required' } }),
        fixture.service.addNote(provide, id, 'Chasing'),
      ]),
    );

    // Assess
    for (const id of ids) {
      const referral = await fixture.repository.get(id);
      const history = await fixture.repository.history(id, { limit: 100 });
      const changes = history.items.filter((e) => e.type !== 'note.added');
      expect(history.items.map((e) => e.seq)).toEqual(history.items.map((_, i) => i + 1));
      expect(referral?.seq).toBe(history.items.length);
      expect(referral?.version).toBe(changes.length);
    }
  });
});

describe('faults DynamoDB Local never raises, injected at the client', () => {
  it('a TransactionConflict on commit is retried and the transition succeeds once', async () => {
    // Prepare
    const { id } = await fixture.service.submit(provide, newReferral());
    fixture.probe.failNext('TransactWriteItems', 2, transactionConflict);

    // Act
    const accepted = await fixture.service.act(ecc, id, { action: 'accept', body: {} });

    // Assess
    expect(accepted).toMatchObject({ status: 'accepted', version: 2 });
    const history = await fixture.repository.history(id, { limit: 100 });
    expect(history.items.map((e) => e.type)).toEqual(['referral.submitted', 'referral.accepted']);
  });

  it('persistent transaction conflicts end in a 409, never a 500, and write nothing', async () => {
    // Prepare
    const { id } = await fixture.service.submit(provide, newReferral());
    fixture.probe.failNext('TransactWriteItems', 50, transactionConflict);

    // Act
    const attempt = fixture.service.act(ecc, id, { action: 'accept', body: {} });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    fixture.probe.failNext('TransactWriteItems', 0, transactionConflict);
    expect(await fixture.repository.get(id)).toMatchObject({ status: 'submitted', version: 1, seq: 1 });
  });

  it('a TransactionConflict on create is retried: one referral, one submitted event', async () => {
    // Prepare
    fixture.probe.reset();
    fixture.probe.failNext('TransactWriteItems', 2, transactionConflict);

    // Act
    const created = await fixture.service.submit(provide, newReferral());

    // Assess
    expect(fixture.probe.calls.filter((name) => name === 'TransactWriteItems')).toHaveLength(3);
    expect(await fixture.repository.get(created.id)).toMatchObject({ status: 'submitted', version: 1, seq: 1 });
    const history = await fixture.repository.history(created.id, { limit: 100 });
    expect(history.items.map((e) => e.type)).toEqual(['referral.submitted']);
  });

  it('persistent conflicts on create end in a 409, never a 500', async () => {
    // Prepare
    fixture.probe.failNext('TransactWriteItems', 50, transactionConflict);

    // Act
    const attempt = fixture.service.submit(provide, newReferral());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    fixture.probe.failNext('TransactWriteItems', 0, transactionConflict);
  });
});
