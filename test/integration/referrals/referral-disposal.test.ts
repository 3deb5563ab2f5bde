/**
 * Disposal and erasure on DynamoDB Local (shared/referrals/data/referral-disposal.ts): a
 * referral whose item TTL removed loses everything else in its partition and its handoff
 * pointers, leaving one `referral.disposed` event that expires a day later; a repeat finds
 * the work done; an erasure is conditioned on the `seq` it read. And the person's rights
 * service over the real repository and disposal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceErrorOf } from '#shared/platform/aws/aws-json-client.ts';
import { DeleteCommand, GetCommand, QueryCommand } from '#shared/platform/dynamodb/document-client.ts';
import { createDocumentClient } from '#shared/platform/dynamodb/dynamo-client.ts';
import { handoffKeys, referralKeys } from '#shared/platform/dynamodb/keys.ts';
import { DISPOSED_EVENT_TTL_SECONDS, DynamoReferralDisposal } from '#shared/referrals/data/referral-disposal.ts';
import { eventFromItem } from '#shared/referrals/data/referral-items.ts';
import type { DynamoReferralRepository } from '#shared/referrals/data/referral-repository.ts';
import type { HandoffService } from '#shared/referrals/domain/handoff-service.ts';
import { ConcurrentChangeError } from '#shared/referrals/domain/ports.ts';
import { SYSTEM_ACTOR, type Actor } from '#shared/referrals/domain/referral.ts';
import type { ReferralService } from '#shared/referrals/domain/referral-service.ts';
import { SubjectRightsService } from '#shared/referrals/domain/subject-rights.ts';
import { randomNhsNumber } from '#test/support/referral-api.ts';
import { caller, newReferral, probe, referralServiceOn } from '#test/support/referral-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

const provide = caller('pat', 'provide');
const ecc = caller('eve', 'ecc');
const meht = caller('max', 'meht');
const IG_LEAD = { sub: 'ig-lee', org: 'provide', roles: ['programme_manager', 'information_governance'] } as const;
const IG_ACTOR: Actor = { sub: 'ig-lee', org: 'provide', role: 'programme_manager' };

/** The disposal's clock: when the `referral.disposed` event is written. */
const DISPOSED_AT = new Date('2026-01-05T12:00:00.400Z');

let table: TestTable;
let repository: DynamoReferralRepository;
let referrals: ReferralService;
let handoffs: HandoffService;
let disposal: DynamoReferralDisposal;

beforeAll(async () => {
  table = await createTestTable('disposal');
  ({ service: referrals, handoffs, repository } = referralServiceOn(table));
  disposal = new DynamoReferralDisposal({ client: table.documentClient, tableName: table.tableName }, () => DISPOSED_AT);
});

afterAll(async () => {
  await table?.drop();
});

/** Every item in a referral's partition, read strongly consistently. */
const partitionOf = async (id: string): Promise<Record<string, unknown>[]> => {
  const { Items = [] } = await table.documentClient.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': referralKeys.referral(id).pk },
      ConsistentRead: true,
    }),
  );
  return Items;
};

const pointerOf = async (handoffId: string) =>
  (
    await table.documentClient.send(
      new GetCommand({ TableName: table.tableName, Key: handoffKeys.pointer(handoffId), ConsistentRead: true }),
    )
  ).Item;

/**
 * A completed referral holding everything a referral can: events, a case note, a handoff
 * MEHT declined (with its pointer, and MEHT's former-party snapshot) and an access-log entry.
 */
const closedReferral = async (options: { notes?: number } = {}) => {
  const nhsNumber = randomNhsNumber();
  const { id } = await referrals.submit(
    provide,
    newReferral({ subject: { nhsNumber, name: 'Ada Example', postcode: 'CM1 1AA' }, reason: 'DISPOSAL-REASON: lives alone' }),
  );
  for (let i = 0; i < (options.notes ?? 1); i++) await referrals.addNote(ecc, id, `NOTE-TEXT ${i}: seen at home`);
  await referrals.act(ecc, id, { action: 'accept', body: {} });
  const offer = await handoffs.offer(ecc, id, { toOrg: 'meht', reason: 'HANDOFF-REASON: discharge hub' });
  await handoffs.answer(meht, offer.id, { action: 'decline', body: { reasonCode: 'no-capacity' } });
  await referrals.get(ecc, id);
  await referrals.act(ecc, id, { action: 'complete', body: { outcome: 'admission-avoided' } });
  return { id, handoffId: offer.id, nhsNumber };
};

/** What DynamoDB's TTL does: deletes the referral item alone; returns it as the stream's OldImage carries it. */
const expireReferralItem = async (id: string): Promise<Record<string, unknown>> => {
  const { Attributes } = await table.documentClient.send(
    new DeleteCommand({ TableName: table.tableName, Key: referralKeys.referral(id), ReturnValues: 'ALL_OLD' }),
  );
  return Attributes!;
};

describe('DynamoReferralDisposal.disposeExpired', () => {
  it('deletes every other item of the partition and the handoff pointer, leaving one referral.disposed event', async () => {
    // Prepare
    const { id, handoffId, nhsNumber } = await closedReferral();
    const before = await partitionOf(id);
    expect(before.map((i) => i.entity).sort()).toEqual(
      expect.arrayContaining(['access', 'event', 'former-party', 'handoff', 'note', 'referral'].sort()),
    );
    const oldImage = await expireReferralItem(id);

    // Act
    const result = await disposal.disposeExpired(oldImage);

    // Assess: everything but the referral item (TTL took that), plus the pointer
    expect(result).toEqual({ itemsDeleted: before.length - 1 + 1, eventWritten: true });
    expect(await pointerOf(handoffId)).toBeUndefined();
    const left = await partitionOf(id);
    expect(left).toHaveLength(1);
    const text = JSON.stringify(left);
    for (const personal of [nhsNumber, 'Ada Example', 'CM1 1AA', 'DISPOSAL-REASON', 'NOTE-TEXT', 'HANDOFF-REASON']) {
      expect(text).not.toContain(personal);
    }
  });

  it('writes the event at the referral’s next seq, as the system, expiring a day after it was written', async () => {
    // Prepare
    const { id } = await closedReferral();
    const oldImage = await expireReferralItem(id);

    // Act
    await disposal.disposeExpired(oldImage);

    // Assess
    const [item] = await partitionOf(id);
    expect(item).toMatchObject({
      ...referralKeys.event(id, Number(oldImage.seq) + 1),
      entity: 'event',
      type: 'referral.disposed',
      seq: Number(oldImage.seq) + 1,
      referralId: id,
      at: DISPOSED_AT.toISOString(),
      actor: SYSTEM_ACTOR,
      expiresAt: Math.ceil(DISPOSED_AT.getTime() / 1000) + DISPOSED_EVENT_TTL_SECONDS,
    });
    expect(eventFromItem(item!).data).toMatchObject({
      cause: 'retention',
      status: 'completed',
      outcome: 'admission-avoided',
      fromOrg: 'provide',
      toOrg: 'ecc',
      ownerOrg: 'ecc',
      serviceArea: 'rapid-response',
    });
  });

  it('is safe to repeat: a second run deletes nothing more and finds the event written', async () => {
    // Prepare
    const { id } = await closedReferral();
    const oldImage = await expireReferralItem(id);
    await disposal.disposeExpired(oldImage);
    const afterFirst = await partitionOf(id);

    // Act
    const again = await disposal.disposeExpired(oldImage);

    // Assess
    expect(again).toEqual({ itemsDeleted: 0, eventWritten: false });
    expect(await partitionOf(id)).toEqual(afterFirst);
  });

  it('finishes a disposal a failed run left half done', async () => {
    // Prepare: the first run deleted some notes, then stopped before the rest and the event
    const { id } = await closedReferral({ notes: 3 });
    const oldImage = await expireReferralItem(id);
    const notes = (await partitionOf(id)).filter((i) => i.entity === 'note');
    for (const note of notes.slice(0, 2)) {
      await table.documentClient.send(new DeleteCommand({ TableName: table.tableName, Key: { pk: note.pk, sk: note.sk } }));
    }

    // Act
    const result = await disposal.disposeExpired(oldImage);

    // Assess
    expect(result.eventWritten).toBe(true);
    expect((await partitionOf(id)).map((i) => i.type)).toEqual(['referral.disposed']);
  });

  it('deletes a partition larger than one batch write', async () => {
    // Prepare: 30 notes and their events, beyond BatchWriteItem's 25
    const { id } = await closedReferral({ notes: 30 });
    const before = await partitionOf(id);
    expect(before.length).toBeGreaterThan(60);
    const oldImage = await expireReferralItem(id);

    // Act
    const result = await disposal.disposeExpired(oldImage);

    // Assess
    expect(result.itemsDeleted).toBe(before.length);
    expect(await partitionOf(id)).toHaveLength(1);
  });

  it('leaves every other referral alone', async () => {
    // Prepare
    const disposed = await closedReferral();
    const kept = await closedReferral();
    const keptBefore = await partitionOf(kept.id);

    // Act
    await disposal.disposeExpired(await expireReferralItem(disposed.id));

    // Assess
    expect(await partitionOf(kept.id)).toEqual(keptBefore);
    expect(await pointerOf(kept.handoffId)).toMatchObject({ referralId: kept.id });
    expect(await repository.get(kept.id)).toMatchObject({ id: kept.id, status: 'completed' });
  });
});

describe('DynamoReferralDisposal.erase', () => {
  const cause = { kind: 'erasure', reasonCode: 'misfiled-record', requestReference: 'IG-2026-0042' } as const;

  it('deletes the referral item and everything it owns, leaving an event that records the erasure and who made it', async () => {
    // Prepare
    const { id, handoffId, nhsNumber } = await closedReferral();
    const before = await partitionOf(id);
    const referral = (await repository.get(id))!;

    // Act
    const result = await disposal.erase(referral, cause, IG_ACTOR);

    // Assess
    expect(result).toEqual({ itemsDeleted: before.length + 1, eventWritten: true });
    expect(await repository.get(id)).toBeUndefined();
    expect(await pointerOf(handoffId)).toBeUndefined();
    const left = await partitionOf(id);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({
      type: 'referral.disposed',
      seq: referral.seq + 1,
      actor: IG_ACTOR,
      data: { cause: 'erasure', reasonCode: 'misfiled-record', requestReference: 'IG-2026-0042', status: 'completed' },
    });
    expect(JSON.stringify(left)).not.toContain(nhsNumber);
    expect((await repository.findByPerson({ nhsNumber }, { kind: 'programme' }, { limit: 10 })).items).toEqual([]);
  });

  it('refuses (ConcurrentChangeError) when the referral moved since it was read, and deletes nothing', async () => {
    // Prepare: read, then a note lands
    const { id } = await closedReferral();
    const read = (await repository.get(id))!;
    await referrals.addNote(ecc, id, 'A late note');
    const before = await partitionOf(id);

    // Act
    const erased = disposal.erase(read, cause, IG_ACTOR);

    // Assess
    await expect(erased).rejects.toBeInstanceOf(ConcurrentChangeError);
    expect(await partitionOf(id)).toEqual(before);
  });

  it('refuses (ConcurrentChangeError) a referral already gone, and writes no second event', async () => {
    // Prepare
    const { id } = await closedReferral();
    const read = (await repository.get(id))!;
    await disposal.erase(read, cause, IG_ACTOR);
    const afterFirst = await partitionOf(id);

    // Act
    const again = disposal.erase(read, { ...cause, requestReference: 'IG-2026-0099' }, IG_ACTOR);

    // Assess
    await expect(again).rejects.toBeInstanceOf(ConcurrentChangeError);
    expect(await partitionOf(id)).toEqual(afterFirst);
  });
});

describe('DynamoReferralDisposal.erase stopped half-way', () => {
  const cause = { kind: 'erasure', reasonCode: 'erasure-request-upheld', requestReference: 'IG-2026-0050' } as const;

  it('leaves the referral gone from every read with its event written, and the disposer finishes after TTL', async () => {
    // Prepare: the deletion of the rest fails outright
    const { id, handoffId, nhsNumber } = await closedReferral();
    const client = createDocumentClient({ endpoint: table.endpoint });
    probe(client).failNext('BatchWriteItem', 1, () => serviceErrorOf('InternalServerError', 'Internal server error', 500));
    const failing = new DynamoReferralDisposal({ client, tableName: table.tableName }, () => DISPOSED_AT);
    const read = (await repository.get(id))!;

    // Act
    const erased = failing.erase(read, cause, IG_ACTOR);

    // Assess: nothing of it is readable, and the item TTL will remove is still there
    await expect(erased).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(await repository.get(id)).toBeUndefined();
    expect((await repository.findByPerson({ nhsNumber }, { kind: 'programme' }, { limit: 10 })).items).toEqual([]);
    expect(await repository.getHandoff(handoffId)).toBeUndefined();
    const tombstone = (await partitionOf(id)).find((i) => i.entity === 'referral');
    expect(Number(tombstone?.expiresAt)).toBeLessThanOrEqual(Math.floor(DISPOSED_AT.getTime() / 1000));
    expect((await partitionOf(id)).filter((i) => i.type === 'referral.disposed')).toHaveLength(1);

    // Act: TTL removes the item; the disposer gets its REMOVE record
    const finished = await disposal.disposeExpired(await expireReferralItem(id));

    // Assess: only the erasure's own event is left
    expect(finished.eventWritten).toBe(false);
    expect(await pointerOf(handoffId)).toBeUndefined();
    const left = await partitionOf(id);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({
      type: 'referral.disposed',
      actor: IG_ACTOR,
      data: { cause: 'erasure', reasonCode: 'erasure-request-upheld' },
    });
    client.destroy();
  });

  it('lets no change that read the referral before the erasure land after it', async () => {
    // Prepare: a note, from a read made before the erasure, is sent while the erasure deletes the rest
    const { id } = await closedReferral();
    const before = (await repository.get(id))!;
    const client = createDocumentClient({ endpoint: table.endpoint });
    let racingNote: PromiseSettledResult<unknown> | undefined;
    client.intercept('call', async (context, next) => {
      if (context.operation === 'BatchWriteItem' && !racingNote) {
        [racingNote] = await Promise.allSettled([
          repository.addNote(before, 'RACING-NOTE', { sub: 'eve', org: 'ecc', role: 'practitioner' }),
        ]);
      }
      return next();
    });
    const racing = new DynamoReferralDisposal({ client, tableName: table.tableName }, () => DISPOSED_AT);

    // Act
    await racing.erase(before, cause, IG_ACTOR);

    // Assess
    expect(racingNote).toMatchObject({ status: 'rejected', reason: expect.any(ConcurrentChangeError) });
    const left = await partitionOf(id);
    expect(left.map((i) => i.type)).toEqual(['referral.disposed']);
    expect(JSON.stringify(left)).not.toContain('RACING-NOTE');
    client.destroy();
  });
});

describe('SubjectRightsService over DynamoDB', () => {
  const service = () => new SubjectRightsService({ repository, eraser: disposal, now: () => new Date(), retryDelayMs: () => 0 });

  it('exports everything held about the person and records the export in each referral’s access log', async () => {
    // Prepare: two referrals of the person (one open) and one of someone else
    const mine = await closedReferral();
    const { id: openId } = await referrals.submit(provide, newReferral({ subject: { nhsNumber: mine.nhsNumber } }));
    const other = await closedReferral();

    // Act
    const bundle = await service().export(IG_LEAD, mine.nhsNumber);

    // Assess
    expect(bundle.referrals.map((r) => r.referral.id)).toEqual([mine.id, openId]);
    const closed = bundle.referrals[0]!;
    expect(closed.handoffs.map((h) => h.id)).toEqual([mine.handoffId]);
    expect(closed.events.map((e) => e.type)).toEqual([
      'referral.submitted',
      'note.added',
      'referral.accepted',
      'handoff.offered',
      'handoff.declined',
      'referral.completed',
    ]);
    expect(closed.notes.map((n) => n.text)).toEqual(['NOTE-TEXT 0: seen at home']);
    expect(closed.accessLog.map((a) => a.what)).toEqual(['detail']);
    expect(JSON.stringify(bundle)).not.toContain(other.id);
    const log = await repository.accessLog(mine.id, { limit: 10 });
    expect(log.items[0]).toMatchObject({ what: 'subject-export', actor: IG_ACTOR, at: bundle.generatedAt });
    expect((await repository.accessLog(other.id, { limit: 10 })).items.map((a) => a.what)).toEqual(['detail']);
  });

  it('erases the person’s referrals, then answers 404 and exports nothing', async () => {
    // Prepare
    const mine = await closedReferral();
    const { id: openId } = await referrals.submit(provide, newReferral({ subject: { nhsNumber: mine.nhsNumber } }));
    const other = await closedReferral();

    // Act
    const result = await service().erase(IG_LEAD, { nhsNumber: mine.nhsNumber, reasonCode: 'legal-order', requestReference: 'ICO/2026/7' });
    const [again] = await Promise.allSettled([
      service().erase(IG_LEAD, { nhsNumber: mine.nhsNumber, reasonCode: 'legal-order', requestReference: 'ICO/2026/7' }),
    ]);
    const exported = await service().export(IG_LEAD, mine.nhsNumber);

    // Assess
    expect(result.erased.map((e) => e.referralId).sort()).toEqual([mine.id, openId].sort());
    expect(again).toMatchObject({ status: 'rejected', reason: { code: 'not-found' } });
    expect(exported.referrals).toEqual([]);
    expect(await repository.get(other.id)).toMatchObject({ id: other.id });
    for (const id of [mine.id, openId]) {
      expect((await partitionOf(id)).map((i) => [i.type, (i.data as { reasonCode?: string }).reasonCode])).toEqual([
        ['referral.disposed', 'legal-order'],
      ]);
    }
  });
});
