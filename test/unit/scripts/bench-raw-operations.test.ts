/**
 * The raw counterparts must issue exactly the calls the repository issues for the same
 * operation — same commands, keys, indexes, conditions and item shapes — or the ratios
 * would compare the gateway with something else. Both are run against a client that
 * records commands instead of sending them.
 */
import type { DocumentClient } from '#shared/platform/dynamodb/document-client.ts';
import { ulid } from 'ulid';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ECC, HANDOFF_REASON, HANDOFF_TARGET, newReferralInput, PROVIDE } from '#scripts/bench/operations.ts';
import { LIST_LIMIT, RawOperations } from '#scripts/bench/raw-operations.ts';
import { DynamoReferralRepository } from '#shared/referrals/data/referral-repository.ts';
import { offerHandoff } from '#shared/referrals/domain/handoff.ts';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '#shared/core/reference-data.ts';
import { actorOf } from '#shared/referrals/domain/referral-policy.ts';
import { applyAction, createReferral } from '#shared/referrals/domain/referral-transitions.ts';
import type { Referral } from '#shared/referrals/domain/referral.ts';

const TABLE = 'bench-table';

interface Sent {
  readonly command: string;
  readonly input: Record<string, any>;
}

/** A client that records each command and answers with `reply(command)`. */
const recordingClient = (reply: (sent: Sent) => Record<string, unknown> = () => ({})) => {
  const sent: Sent[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, any> }) => {
      const entry = { command: command.constructor.name, input: command.input };
      sent.push(entry);
      return reply(entry);
    },
  } as unknown as DocumentClient;
  return { client, sent };
};

const context = () => ({ now: new Date(), priorityTargetMinutes: DEFAULT_PRIORITY_TARGET_MINUTES, isKnownOrg: () => true });
const repositoryOn = (client: DocumentClient) => new DynamoReferralRepository({ client, tableName: TABLE, subjectHashKey: 'k'.repeat(32) });
const submitted = (): Referral => createReferral(ulid(), newReferralInput(), PROVIDE, context()).referral;
const accepted = (): Referral => ({ ...applyAction(submitted(), { action: 'accept', body: {} }, ECC, context()).referral, seq: 2 });

/** What must match between the two: everything but the values that differ per referral/time. */
const shapeOfTransact = (input: Record<string, any>) =>
  (input.TransactItems as { Put: Record<string, any> }[]).map(({ Put }) => ({
    TableName: Put.TableName,
    ConditionExpression: Put.ConditionExpression,
    ExpressionAttributeNames: Put.ExpressionAttributeNames,
    ExpressionAttributeValues: Put.ExpressionAttributeValues,
    attributes: Object.keys(Put.Item).sort(),
    entity: Put.Item.entity,
    sk: String(Put.Item.sk).replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '<ulid>'),
  }));

const withoutUndefined = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

describe('raw counterparts issue what the repository issues', () => {
  it('create: one TransactWriteItems, referral + event, both attribute_not_exists(pk)', async () => {
    // Prepare
    const ours = recordingClient();
    const raw = recordingClient();
    const { referral, event } = createReferral(ulid(), newReferralInput(), PROVIDE, context());

    // Act
    await repositoryOn(ours.client).create(referral, event, actorOf(PROVIDE));
    await new RawOperations(raw.client, TABLE).prepareCreate(PROVIDE, newReferralInput()).run();

    // Assess
    expect(raw.sent.map((s) => s.command)).toEqual(['TransactWriteCommand']);
    expect(ours.sent.map((s) => s.command)).toEqual(['TransactWriteCommand']);
    expect(shapeOfTransact(raw.sent[0]!.input)).toEqual(shapeOfTransact(ours.sent[0]!.input));
    expect(shapeOfTransact(raw.sent[0]!.input).map((p) => p.ConditionExpression)).toEqual([
      'attribute_not_exists(pk)',
      'attribute_not_exists(pk)',
    ]);
  });

  it('get: the same consistent Query of the referral partition, then the access-log PutItem', async () => {
    // Prepare
    const id = ulid();
    const ours = recordingClient(() => ({ Items: [{ pk: `REFERRAL#${id}`, sk: 'REFERRAL', entity: 'referral', id }] }));
    const raw = recordingClient();
    const repository = repositoryOn(ours.client);

    // Act
    await repository.getWithHandoffs(id);
    await repository.recordAccess([id], { at: new Date().toISOString(), actor: actorOf(ECC), what: 'detail' });
    await new RawOperations(raw.client, TABLE).prepareGet(id, ECC).run();

    // Assess
    expect(raw.sent.map((s) => s.command)).toEqual(['QueryCommand', 'PutCommand']);
    expect(ours.sent.map((s) => s.command)).toEqual(['QueryCommand', 'PutCommand']);
    expect(raw.sent[0]!.input).toEqual(ours.sent[0]!.input);
    const [rawItem, ourItem] = [raw.sent[1]!.input.Item, ours.sent[1]!.input.Item];
    expect(Object.keys(rawItem).sort()).toEqual(Object.keys(ourItem).sort());
    expect(rawItem).toMatchObject({ pk: `REFERRAL#${id}`, entity: 'access', referralId: id, what: 'detail', actor: actorOf(ECC) });
    expect(rawItem.sk).toMatch(/^ACCESS#/);
  });

  it('list inbox (one status, newest first): the same index Query, then one BatchWriteItem of a page of access items', async () => {
    // Prepare
    const page = Array.from({ length: LIST_LIMIT + 1 }, (_, i) => ({
      id: `R${i}`,
      createdSk: `2026-01-01T00:00:${String(59 - i).padStart(2, '0')}Z#R${i}`,
    }));
    const answer = (sent: Sent) => (sent.command === 'QueryCommand' ? { Items: page, LastEvaluatedKey: { pk: 'x' } } : {});
    const ours = recordingClient(answer);
    const raw = recordingClient(answer);
    const repository = repositoryOn(ours.client);
    // One instant for both, so their retention filters compare with the same `:now`.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-04T10:00:00.500Z') });
    onTestFinished(() => {
      vi.useRealTimers();
    });

    // Act
    const listed = await repository.list({
      scope: { kind: 'org', org: ECC.org },
      box: 'inbox',
      orgs: [ECC.org],
      statuses: ['submitted'],
      sort: 'newest',
      limit: LIST_LIMIT,
    });
    await repository.recordAccess(
      listed.items.map((r) => r.id),
      { at: new Date().toISOString(), actor: actorOf(ECC), what: 'list' },
    );
    await new RawOperations(raw.client, TABLE).prepareListInbox(ECC, 'submitted').run();

    // Assess
    expect(raw.sent.map((s) => s.command)).toEqual(['QueryCommand', 'BatchWriteCommand']);
    expect(ours.sent.map((s) => s.command)).toEqual(['QueryCommand', 'BatchWriteCommand']);
    expect(withoutUndefined(raw.sent[0]!.input)).toEqual(withoutUndefined(ours.sent[0]!.input));
    const puts = (sent: Sent) => sent.input.RequestItems[TABLE] as { PutRequest: { Item: Record<string, unknown> } }[];
    expect(puts(raw.sent[1]!)).toHaveLength(LIST_LIMIT);
    expect(puts(raw.sent[1]!).map((p) => p.PutRequest.Item.referralId)).toEqual(
      puts(ours.sent[1]!).map((p) => p.PutRequest.Item.referralId),
    );
    expect(Object.keys(puts(raw.sent[1]!)[0]!.PutRequest.Item).sort()).toEqual(Object.keys(puts(ours.sent[1]!)[0]!.PutRequest.Item).sort());
  });

  it('accept: the same consistent GetItem, then one TransactWriteItems conditioned on version and seq', async () => {
    // Prepare
    const previous = submitted();
    const ours = recordingClient(() => ({ Item: { ...repositoryOn(recordingClient().client).toItem(previous) } }));
    const raw = recordingClient();
    const repository = repositoryOn(ours.client);
    const { referral: next, event } = applyAction(previous, { action: 'accept', body: {} }, ECC, context());

    // Act
    await repository.get(previous.id);
    await repository.commitChange(previous, next, event, actorOf(ECC));
    await new RawOperations(raw.client, TABLE).prepareAccept(previous, ECC).run();

    // Assess
    expect(raw.sent.map((s) => s.command)).toEqual(['GetCommand', 'TransactWriteCommand']);
    expect(ours.sent.map((s) => s.command)).toEqual(['GetCommand', 'TransactWriteCommand']);
    expect(raw.sent[0]!.input).toEqual(ours.sent[0]!.input);
    expect(shapeOfTransact(raw.sent[1]!.input)).toEqual(shapeOfTransact(ours.sent[1]!.input));
    expect(raw.sent[1]!.input.TransactItems[0].Put.Item).toMatchObject({ status: 'accepted', ownerOrg: 'ecc', version: 2, seq: 2 });
  });

  it('offer a handoff: the same GetItem, then one TransactWriteItems of referral, handoff, pointer and event', async () => {
    // Prepare
    const previous = accepted();
    const ours = recordingClient();
    const raw = recordingClient();
    const repository = repositoryOn(ours.client);
    const offer = offerHandoff(previous, ulid(), { toOrg: HANDOFF_TARGET, reason: HANDOFF_REASON }, ECC, actorOf(ECC), context());

    // Act
    await repository.get(previous.id);
    await repository.offerHandoff(previous, offer.referral, offer.handoff, offer.event, actorOf(ECC));
    await new RawOperations(raw.client, TABLE).prepareOffer(previous, ECC, HANDOFF_TARGET, HANDOFF_REASON).run();

    // Assess
    expect(raw.sent.map((s) => s.command)).toEqual(['GetCommand', 'TransactWriteCommand']);
    expect(ours.sent.map((s) => s.command)).toEqual(['GetCommand', 'TransactWriteCommand']);
    expect(raw.sent[0]!.input).toEqual(ours.sent[0]!.input);
    const shape = shapeOfTransact(raw.sent[1]!.input);
    expect(shape).toEqual(shapeOfTransact(ours.sent[1]!.input));
    expect(shape.map((p) => p.entity)).toEqual(['referral', 'handoff', 'handoff-pointer', 'event']);
    expect(shape[0]!.ConditionExpression).toBe('#version = :version AND #seq = :seq AND attribute_not_exists(openHandoffId)');
  });
});
