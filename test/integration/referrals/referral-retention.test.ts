/**
 * Retention in the referral repository on DynamoDB Local (shared/referrals/data/
 * referral-repository.ts with `retention` and `clock`): a closed referral's item carries
 * `expiresAt` (its last activity plus the retention), an open one none, a note on a closed
 * referral moves it on; and from that instant every read treats the referral as gone, while
 * the item is still in the table waiting for TTL.
 */
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadScope } from '#shared/core/identity.ts';
import { ORGANISATIONS } from '#shared/core/organisations.ts';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '#shared/core/reference-data.ts';
import { disposalEpochSeconds } from '#shared/core/retention.ts';
import { GetCommand } from '#shared/platform/dynamodb/document-client.ts';
import { referralKeys } from '#shared/platform/dynamodb/keys.ts';
import { DynamoReferralRepository } from '#shared/referrals/data/referral-repository.ts';
import { HandoffService } from '#shared/referrals/domain/handoff-service.ts';
import type { ActionInput } from '#shared/referrals/domain/referral.ts';
import { ReferralService } from '#shared/referrals/domain/referral-service.ts';
import { randomNhsNumber } from '#test/support/referral-api.ts';
import { caller, newReferral } from '#test/support/referral-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

const RETENTION = 'PT1H';
const HOUR_MS = 60 * 60 * 1000;

const provide = caller('pat', 'provide');
const ecc = caller('eve', 'ecc');
const meht = caller('max', 'meht');
const PROGRAMME: ReadScope = { kind: 'programme' };

let table: TestTable;
/** What the repository's reads take as now; each test sets it. */
let readClock: Date;
/** What the services stamp changes with (`updatedAt`, the last activity); real time unless a test moves it. */
let writeClock: Date | undefined;
let repository: DynamoReferralRepository;
let referrals: ReferralService;
let handoffs: HandoffService;

beforeAll(async () => {
  table = await createTestTable('retention');
  repository = new DynamoReferralRepository({
    client: table.documentClient,
    tableName: table.tableName,
    subjectHashKey: 'k'.repeat(32),
    retention: { closedReferral: RETENTION },
    clock: () => readClock,
  });
  const common = {
    repository,
    priorityTargetMinutes: DEFAULT_PRIORITY_TARGET_MINUTES,
    organisations: ORGANISATIONS.map((o) => o.id),
    newId: ulid,
    clock: () => writeClock ?? new Date(),
    retryDelayMs: () => 0,
  };
  referrals = new ReferralService(common);
  handoffs = new HandoffService(common);
});

afterAll(async () => {
  await table?.drop();
});

/** The stored referral item itself, whatever the repository's reads make of it. */
const itemOf = async (id: string) =>
  (await table.documentClient.send(new GetCommand({ TableName: table.tableName, Key: referralKeys.referral(id), ConsistentRead: true })))
    .Item;

/** A referral from Provide to ECC for `nhsNumber`, taken to `status`. */
const referralIn = async (
  status: 'submitted' | 'accepted' | 'info_requested' | 'completed' | 'declined' | 'cancelled',
  nhsNumber: string,
) => {
  const { id } = await referrals.submit(provide, newReferral({ subject: { nhsNumber } }));
  const steps: Record<typeof status, [typeof ecc, ActionInput][]> = {
    submitted: [],
    accepted: [[ecc, { action: 'accept', body: {} }]],
    info_requested: [[ecc, { action: 'request-info', body: { comment: 'Which GP?' } }]],
    completed: [
      [ecc, { action: 'accept', body: {} }],
      [ecc, { action: 'complete', body: { outcome: 'admission-avoided' } }],
    ],
    declined: [[ecc, { action: 'decline', body: { reasonCode: 'no-capacity', comment: 'Full this week' } }]],
    cancelled: [[provide, { action: 'cancel', body: { reasonCode: 'no-longer-required' } }]],
  };
  for (const [who, action] of steps[status]) await referrals.act(who, id, action);
  return id;
};

describe('expiresAt on the referral item', () => {
  it.each(['completed', 'declined', 'cancelled'] as const)('a %s referral expires its retention after its last change', async (status) => {
    // Prepare
    readClock = new Date();
    const id = await referralIn(status, randomNhsNumber());

    // Act
    const item = await itemOf(id);

    // Assess
    expect(item).toMatchObject({ status, expiresAt: disposalEpochSeconds(String(item!.updatedAt), RETENTION) });
  });

  it.each(['submitted', 'accepted', 'info_requested'] as const)('a %s referral has none: its clock has not started', async (status) => {
    // Prepare
    readClock = new Date();
    const id = await referralIn(status, randomNhsNumber());

    // Act
    const item = await itemOf(id);

    // Assess
    expect(item).toMatchObject({ status });
    expect(item).not.toHaveProperty('expiresAt');
  });

  it('is moved on by a note on the closed referral: a note is activity', async () => {
    // Prepare: closed half an hour ago
    readClock = new Date();
    writeClock = new Date(Date.now() - HOUR_MS / 2);
    const id = await referralIn('completed', randomNhsNumber());
    writeClock = undefined;
    const closedExpiry = Number((await itemOf(id))!.expiresAt);

    // Act
    const note = await referrals.addNote(ecc, id, 'Follow-up call made');

    // Assess
    const item = await itemOf(id);
    expect(item!.expiresAt).toBe(disposalEpochSeconds(note.createdAt, RETENTION));
    expect(Number(item!.expiresAt) - closedExpiry).toBeGreaterThanOrEqual(HOUR_MS / 2 / 1000 - 1);
    expect(item!.status).toBe('completed');
  });

  it('is not given to an open referral by a note', async () => {
    // Prepare
    readClock = new Date();
    const id = await referralIn('accepted', randomNhsNumber());

    // Act
    await referrals.addNote(ecc, id, 'Visit booked');

    // Assess
    expect(await itemOf(id)).not.toHaveProperty('expiresAt');
  });

  it('defaults to the Records Management Code’s eight years when the repository is given no rule', async () => {
    // Prepare
    const eightYears = new DynamoReferralRepository({
      client: table.documentClient,
      tableName: table.tableName,
      subjectHashKey: 'k'.repeat(32),
    });
    const referral = { ...(await repository.get(await referralIn('submitted', randomNhsNumber())))!, status: 'completed' as const };

    // Act
    const item = eightYears.toItem(referral);

    // Assess
    expect(item.expiresAt).toBe(disposalEpochSeconds(referral.updatedAt, 'P8Y'));
  });
});

describe('a referral past its retention is gone from every read', () => {
  const nhsNumber = randomNhsNumber();
  let closedId: string;
  let openId: string;
  let handoffId: string;
  let expiresAt: number;

  beforeAll(async () => {
    readClock = new Date();
    // The person's closed referral, with a handoff MEHT declined; and their open one.
    const { id } = await referrals.submit(provide, newReferral({ subject: { nhsNumber } }));
    closedId = id;
    await referrals.act(ecc, closedId, { action: 'accept', body: {} });
    handoffId = (await handoffs.offer(ecc, closedId, { toOrg: 'meht', reason: 'Discharge hub' })).id;
    await handoffs.answer(meht, handoffId, { action: 'decline', body: { reasonCode: 'no-capacity' } });
    await referrals.act(ecc, closedId, { action: 'complete', body: { outcome: 'admission-avoided' } });
    openId = await referralIn('accepted', nhsNumber);
    expiresAt = Number((await itemOf(closedId))!.expiresAt);
  });

  /** Every read of the repository, as the ids of the closed and open referrals (and the handoff) it returns. */
  const readEverything = async () => {
    const ids = (items: readonly { id: string }[]) => items.map((i) => i.id);
    const [get, withHandoffs, handoff, owned, outbox, work, handoffInbox, byPerson, byPersonAsEcc, openGet] = await Promise.all([
      repository.get(closedId),
      repository.getWithHandoffs(closedId),
      repository.getHandoff(handoffId),
      repository.list({ scope: PROGRAMME, box: 'owned', orgs: ['ecc'], statuses: ['completed', 'accepted'], sort: 'newest', limit: 100 }),
      repository.list({
        scope: { kind: 'org', org: 'provide' },
        box: 'outbox',
        orgs: ['provide'],
        statuses: ['completed', 'accepted'],
        sort: 'due',
        limit: 100,
      }),
      repository.listWork({
        scope: PROGRAMME,
        org: 'ecc',
        sources: [
          { kind: 'referral', box: 'owned', status: 'completed' },
          { kind: 'referral', box: 'owned', status: 'accepted' },
          { kind: 'handoff', box: 'outbox', status: 'declined' },
        ],
        limit: 100,
      }),
      repository.listHandoffs({ scope: PROGRAMME, box: 'inbox', orgs: ['meht'], statuses: ['declined'], limit: 100 }),
      repository.findByPerson({ nhsNumber }, PROGRAMME, { limit: 100 }),
      repository.findByPerson({ nhsNumber }, { kind: 'org', org: 'ecc' }, { limit: 100 }),
      repository.get(openId),
    ]);
    return {
      get: get?.id,
      getWithHandoffs: withHandoffs?.referral.id,
      getHandoff: handoff?.handoff.id,
      owned: ids(owned.items),
      outbox: ids(outbox.items),
      work: work.items.map((w) => (w.kind === 'referral' ? w.referral.id : w.handoff.id)),
      handoffInbox: ids(handoffInbox.items),
      byPerson: ids(byPerson.items),
      byPersonAsEcc: ids(byPersonAsEcc.items),
      openGet: openGet?.id,
    };
  };

  it('is read everywhere while its retention runs, up to the millisecond before it ends', async () => {
    // Prepare
    readClock = new Date(expiresAt * 1000 - 1);

    // Act
    const seen = await readEverything();

    // Assess
    expect(seen).toMatchObject({ get: closedId, getWithHandoffs: closedId, getHandoff: handoffId, openGet: openId });
    expect(seen.owned).toEqual(expect.arrayContaining([closedId, openId]));
    expect(seen.outbox).toEqual(expect.arrayContaining([closedId, openId]));
    expect(seen.work).toEqual(expect.arrayContaining([closedId, openId, handoffId]));
    expect(seen.handoffInbox).toContain(handoffId);
    expect(seen.byPerson).toEqual([openId, closedId]);
    expect(seen.byPersonAsEcc).toEqual([openId, closedId]);
  });

  it.each([
    ['the very instant it ends', 0],
    ['a day later', 24 * HOUR_MS],
  ])('is in no read from %s, though the item is still in the table; the open referral stays', async (_name, laterMs) => {
    // Prepare
    readClock = new Date(expiresAt * 1000 + laterMs);

    // Act
    const seen = await readEverything();

    // Assess
    expect(seen).toMatchObject({ get: undefined, getWithHandoffs: undefined, getHandoff: undefined, openGet: openId });
    for (const list of [seen.owned, seen.outbox, seen.work, seen.handoffInbox, seen.byPerson, seen.byPersonAsEcc]) {
      expect(list).not.toContain(closedId);
      expect(list).not.toContain(handoffId);
    }
    expect(seen.owned).toContain(openId);
    expect(seen.work).toContain(openId);
    expect(seen.byPerson).toEqual([openId]);
    expect(seen.byPersonAsEcc).toEqual([openId]);
    expect(await itemOf(closedId)).toMatchObject({ id: closedId, expiresAt });
  });

  it('answers 404 through the services once expired', async () => {
    // Prepare
    readClock = new Date(expiresAt * 1000 + HOUR_MS);

    // Act
    const answers = await Promise.allSettled([
      referrals.get(ecc, closedId),
      handoffs.get(meht, handoffId),
      referrals.addNote(ecc, closedId, 'Too late'),
    ]);

    // Assess
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const answer of answers) expect((answer as PromiseRejectedResult).reason).toMatchObject({ code: 'not-found' });
    expect(await itemOf(closedId)).toMatchObject({ expiresAt });
  });
});
