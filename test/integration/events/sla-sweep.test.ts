/**
 * The SLA sweep on Amazon's DynamoDB Local, with the referral and handoff services on a
 * clock the test moves: exactly one `referral.overdue` per breach (concurrent sweeps
 * included), none while the clock is paused (`info_requested`) or once accepted, a new one
 * when provide-info moves `dueAt` and it lapses again, and one `handoff.overdue` for an
 * unanswered offer. History stays gap-free, and `version` never moves for a mark.
 */
import { GetCommand } from '#shared/platform/dynamodb/document-client.ts';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORGANISATIONS } from '#shared/core/organisations.ts';
import { referralKeys } from '#shared/platform/dynamodb/keys.ts';
import { DynamoReferralRepository } from '#shared/referrals/data/referral-repository.ts';
import { DynamoSlaSweeper } from '#shared/referrals/data/sla-sweep.ts';
import { HandoffService } from '#shared/referrals/domain/handoff-service.ts';
import type { StoredEvent } from '#shared/referrals/domain/ports.ts';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '#shared/core/reference-data.ts';
import { ReferralService } from '#shared/referrals/domain/referral-service.ts';
import { caller, newReferral } from '#test/support/referral-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

const MINUTE = 60_000;
const URGENT_TARGET = DEFAULT_PRIORITY_TARGET_MINUTES.urgent * MINUTE;
const provide = caller('pat', 'provide');
const ecc = caller('eve', 'ecc');

let table: TestTable;
let repository: DynamoReferralRepository;
let sweeper: DynamoSlaSweeper;
let services: { referrals: ReferralService; handoffs: HandoffService };
/** The services' clock: each test sets it. */
let now = new Date('2026-11-28T09:00:00.000Z');

beforeAll(async () => {
  table = await createTestTable('sla-sweep');
  repository = new DynamoReferralRepository({ client: table.documentClient, tableName: table.tableName, subjectHashKey: 'k'.repeat(32) });
  sweeper = new DynamoSlaSweeper({ client: table.documentClient, tableName: table.tableName });
  const common = {
    repository,
    priorityTargetMinutes: DEFAULT_PRIORITY_TARGET_MINUTES,
    organisations: ORGANISATIONS.map((o) => o.id),
    newId: ulid,
    clock: () => now,
    retryDelayMs: () => 0,
  };
  services = { referrals: new ReferralService(common), handoffs: new HandoffService(common) };
});

afterAll(async () => {
  await table?.drop();
});

const at = (t0: Date, minutes: number): Date => new Date(t0.getTime() + minutes * MINUTE);

/** A fresh start time per test, far apart, so earlier tests' records are long settled. */
let nextStart = Date.parse('2026-01-01T00:00:00.000Z');
const freshStart = (): Date => {
  nextStart += 10 * 24 * 60 * MINUTE;
  return new Date(nextStart);
};

const history = async (id: string): Promise<StoredEvent[]> => (await repository.history(id, { limit: 100 })).items as StoredEvent[];
const ofType = (events: StoredEvent[], type: string) => events.filter((e) => e.type === type);
const rawItem = async (key: { pk: string; sk: string }) =>
  (await table.documentClient.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item!;

/** An urgent referral Provide → ECC submitted at `t0` (due at `t0` + 2 h). */
const submitAt = async (t0: Date): Promise<string> => {
  now = t0;
  return (await services.referrals.submit(provide, newReferral({ priority: 'urgent' }))).id;
};

describe('referral.overdue', () => {
  it('is raised exactly once per breach, even by sweeps running concurrently', async () => {
    // Prepare
    const t0 = freshStart();
    const ids = await Promise.all(Array.from({ length: 5 }, () => submitAt(t0)));
    const breachedAt = at(t0, DEFAULT_PRIORITY_TARGET_MINUTES.urgent + 1);

    // Act
    await Promise.all([sweeper.sweep(breachedAt), sweeper.sweep(breachedAt), sweeper.sweep(breachedAt), sweeper.sweep(breachedAt)]);
    await sweeper.sweep(at(breachedAt, 30));

    // Assess
    for (const id of ids) {
      const events = await history(id);
      expect(events.map((e) => e.seq)).toEqual([1, 2]);
      const [overdue] = ofType(events, 'referral.overdue');
      expect(overdue).toMatchObject({
        seq: 2,
        actor: { sub: 'system', org: 'jointly', role: 'system' },
        data: {
          status: 'submitted',
          fromOrg: 'provide',
          toOrg: 'ecc',
          priority: 'urgent',
          dueAt: new Date(t0.getTime() + URGENT_TARGET).toISOString(),
        },
      });
      const item = await rawItem(referralKeys.referral(id));
      expect(item).toMatchObject({ status: 'submitted', version: 1, seq: 2, overdueNotifiedFor: item.dueAt });
      expect(item).not.toHaveProperty('slaPk');
      expect(item).not.toHaveProperty('slaSk');
    }
  });

  it('is not raised before dueAt', async () => {
    // Prepare
    const t0 = freshStart();
    const id = await submitAt(t0);

    // Act
    await sweeper.sweep(at(t0, DEFAULT_PRIORITY_TARGET_MINUTES.urgent - 1));

    // Assess
    expect((await history(id)).map((e) => e.type)).toEqual(['referral.submitted']);
  });

  it('is not raised while information is requested (the clock is paused)', async () => {
    // Prepare
    const t0 = freshStart();
    const id = await submitAt(t0);
    now = at(t0, 30);
    await services.referrals.act(ecc, id, { action: 'request-info', body: { comment: 'Is there a carer?' } });

    // Act
    await sweeper.sweep(at(t0, 10 * 60));

    // Assess
    expect(ofType(await history(id), 'referral.overdue')).toEqual([]);
  });

  it('is not raised for an accepted referral', async () => {
    // Prepare
    const t0 = freshStart();
    const id = await submitAt(t0);
    now = at(t0, 60);
    await services.referrals.act(ecc, id, { action: 'accept', body: {} });

    // Act
    await sweeper.sweep(at(t0, 10 * 60));

    // Assess
    expect((await history(id)).map((e) => e.type)).toEqual(['referral.submitted', 'referral.accepted']);
  });

  it('provide-info moves dueAt: not overdue before the new dueAt, once after it, and again after a later lapse', async () => {
    // Prepare: info requested at +60 min, provided at +90 min → due at +150 min.
    const t0 = freshStart();
    const id = await submitAt(t0);
    now = at(t0, 60);
    await services.referrals.act(ecc, id, { action: 'request-info', body: { comment: 'Is there a carer?' } });
    now = at(t0, 90);
    await services.referrals.act(provide, id, { action: 'provide-info', body: { comment: 'Daughter visits daily' } });

    // Act
    await sweeper.sweep(at(t0, 130));
    const beforeNewDue = ofType(await history(id), 'referral.overdue').length;
    await Promise.all([sweeper.sweep(at(t0, 151)), sweeper.sweep(at(t0, 152))]);
    const afterFirstLapse = ofType(await history(id), 'referral.overdue');
    now = at(t0, 160);
    await services.referrals.act(ecc, id, { action: 'request-info', body: { comment: 'And the GP?' } });
    await sweeper.sweep(at(t0, 165));
    now = at(t0, 170);
    await services.referrals.act(provide, id, { action: 'provide-info', body: { comment: 'Dr Example' } });
    await Promise.all([sweeper.sweep(at(t0, 171)), sweeper.sweep(at(t0, 171))]);

    // Assess
    const events = await history(id);
    expect(beforeNewDue).toBe(0);
    expect(afterFirstLapse.map((e) => e.data.dueAt)).toEqual([at(t0, 150).toISOString()]);
    expect(ofType(events, 'referral.overdue').map((e) => e.data.dueAt)).toEqual([at(t0, 150).toISOString(), at(t0, 160).toISOString()]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('a mark racing with notes and an accept keeps history gap-free and is never raised after the accept', async () => {
    // Prepare
    const t0 = freshStart();
    const ids = await Promise.all(Array.from({ length: 6 }, () => submitAt(t0)));
    const breachedAt = at(t0, DEFAULT_PRIORITY_TARGET_MINUTES.urgent + 5);
    now = breachedAt;

    // Act
    await Promise.all([
      sweeper.sweep(breachedAt),
      sweeper.sweep(breachedAt),
      ...ids.flatMap((id) => [
        services.referrals.addNote(provide, id, 'Called the family'),
        services.referrals.act(ecc, id, { action: 'accept', body: {} }),
      ]),
    ]);
    await sweeper.sweep(at(breachedAt, 1));

    // Assess
    for (const id of ids) {
      const events = await history(id);
      const types = events.map((e) => e.type);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(ofType(events, 'referral.overdue').length).toBeLessThanOrEqual(1);
      if (types.includes('referral.overdue')) expect(types.indexOf('referral.overdue')).toBeLessThan(types.indexOf('referral.accepted'));
      expect((await rawItem(referralKeys.referral(id))).version).toBe(2);
    }
  });
});

describe('handoff.overdue', () => {
  it('is raised once for an offer left unanswered past its dueAt; the offer stays open and can still be answered', async () => {
    // Prepare: accepted at +10 min (no referral breach), offered to Age UK at +20 min.
    const t0 = freshStart();
    const id = await submitAt(t0);
    now = at(t0, 10);
    await services.referrals.act(ecc, id, { action: 'accept', body: {} });
    now = at(t0, 20);
    const offer = await services.handoffs.offer(ecc, id, { toOrg: 'ageuk-essex', reason: 'Better placed' });
    const breachedAt = at(t0, 20 + DEFAULT_PRIORITY_TARGET_MINUTES.urgent + 1);

    // Act
    await Promise.all([sweeper.sweep(breachedAt), sweeper.sweep(breachedAt), sweeper.sweep(breachedAt)]);
    await sweeper.sweep(at(breachedAt, 60));
    now = at(breachedAt, 61);
    const answered = await services.handoffs.answer(caller('amy', 'ageuk-essex'), offer.id, { action: 'accept', body: {} });

    // Assess
    const events = await history(id);
    expect(events.map((e) => e.type)).toEqual([
      'referral.submitted',
      'referral.accepted',
      'handoff.offered',
      'handoff.overdue',
      'handoff.accepted',
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(ofType(events, 'handoff.overdue')[0]).toMatchObject({
      handoffId: offer.id,
      actor: { sub: 'system', org: 'jointly', role: 'system' },
      data: { handoffId: offer.id, handoffFromOrg: 'ecc', handoffToOrg: 'ageuk-essex', dueAt: offer.dueAt },
    });
    expect(answered.status).toBe('accepted');
    expect(answered).not.toHaveProperty('overdueNotifiedFor');
    const referral = await rawItem(referralKeys.referral(id));
    expect(referral).toMatchObject({ version: 4, seq: 5, ownerOrg: 'ageuk-essex' });
  });

  it('is not raised for an offer answered before its dueAt', async () => {
    // Prepare
    const t0 = freshStart();
    const id = await submitAt(t0);
    now = at(t0, 10);
    await services.referrals.act(ecc, id, { action: 'accept', body: {} });
    const offer = await services.handoffs.offer(ecc, id, { toOrg: 'meht', reason: 'Hospital admission' });
    now = at(t0, 30);
    await services.handoffs.answer(caller('max', 'meht'), offer.id, { action: 'decline', body: { reasonCode: 'no-capacity' } });

    // Act
    await sweeper.sweep(at(t0, 10 * 60));

    // Assess
    expect(ofType(await history(id), 'handoff.overdue')).toEqual([]);
  });
});

describe('the sla-sweep handler', () => {
  it('sweeps at the current time with the function’s configuration', async () => {
    // Prepare: a referral submitted three hours ago is past its two-hour target now.
    Object.assign(process.env, { JOINTLY_TABLE_NAME: table.tableName, DYNAMODB_ENDPOINT: table.endpoint });
    const id = await submitAt(new Date(Date.now() - 3 * 60 * MINUTE));
    const { handler } = await import('#functions/scheduled/sla-sweep/handler.ts');

    // Act
    const result = await handler({}, { getRemainingTimeInMillis: () => 60_000 });

    // Assess
    expect(result.raised).toBeGreaterThanOrEqual(1);
    expect(ofType(await history(id), 'referral.overdue')).toHaveLength(1);
  });
});

describe('the sla-sweep handler within a short deployed timeout', () => {
  /** A context counting down from `timeoutMs`, as Lambda's does. */
  const countdown = (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    return { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  };

  it('marks breaches when the function has only the 10 s stage default (it marked none with a fixed 10 s margin)', async () => {
    // Prepare
    Object.assign(process.env, { JOINTLY_TABLE_NAME: table.tableName, DYNAMODB_ENDPOINT: table.endpoint });
    const id = await submitAt(new Date(Date.now() - 3 * 60 * MINUTE));
    const { handler } = await import('#functions/scheduled/sla-sweep/handler.ts');

    // Act
    const result = await handler({}, countdown(10_000));

    // Assess
    expect(result.raised).toBeGreaterThanOrEqual(1);
    expect(ofType(await history(id), 'referral.overdue')).toHaveLength(1);
  });

  it('leaves the larger of 2 s and a fifth of the budget unused', async () => {
    // Prepare
    Object.assign(process.env, { JOINTLY_TABLE_NAME: table.tableName, DYNAMODB_ENDPOINT: table.endpoint });
    const { safetyMarginMs } = await import('#shared/sla/api/sla-sweep-handler.ts');

    // Act
    const margins = [3_000, 10_000, 60_000].map(safetyMarginMs);

    // Assess
    expect(margins).toEqual([2_000, 2_000, 12_000]);
  });
});
