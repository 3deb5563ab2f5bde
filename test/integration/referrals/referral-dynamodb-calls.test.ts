/**
 * DynamoDB calls per operation, counted at the client (not declared): the maxima the
 * README's access-pattern table promises. Any extra round trip fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTable, type TestTable } from '#test/support/table.ts';
import { caller, newReferral, referralServiceOn } from '#test/support/referral-fixtures.ts';

let table: TestTable;
let fixture: ReturnType<typeof referralServiceOn>;
const provide = caller('pat', 'provide');
const ecc = caller('eve', 'ecc');
const manager = caller('pam', 'ecc', 'programme_manager');
let id: string;

beforeAll(async () => {
  table = await createTestTable('calls');
  fixture = referralServiceOn(table);
  id = (await fixture.service.submit(provide, newReferral())).id;
  await fixture.service.submit(provide, newReferral({ priority: 'routine' }));
});

afterAll(async () => {
  await table?.drop();
});

const callsOf = async (operation: () => Promise<unknown>): Promise<string[]> => {
  fixture.probe.reset();
  await operation();
  return [...fixture.probe.calls];
};

describe('DynamoDB calls per referral operation', () => {
  it('create: one transaction (referral + event)', async () => {
    expect(await callsOf(() => fixture.service.submit(provide, newReferral()))).toEqual(['TransactWriteItems']);
  });

  it('get: one Query (referral + handoffs) and the audit write', async () => {
    expect(await callsOf(() => fixture.service.get(ecc, id))).toEqual(['Query', 'PutItem']);
  });

  it('transition: one GetItem and one transaction', async () => {
    expect(await callsOf(() => fixture.service.act(ecc, id, { action: 'request-info', body: { comment: 'Carer?' } }))).toEqual([
      'GetItem',
      'TransactWriteItems',
    ]);
  });

  it('list one status: one Query and one audit write for the page', async () => {
    const calls = await callsOf(() => fixture.service.list(ecc, { box: 'inbox', status: 'submitted', sort: 'due', limit: 25 }));
    expect(calls).toEqual(['Query', 'BatchWriteItem']);
  });

  it('list all statuses: one Query per status partition (6), in parallel, and one audit write', async () => {
    const calls = await callsOf(() => fixture.service.list(ecc, { box: 'inbox', sort: 'newest', limit: 25 }));
    expect(calls.filter((c) => c === 'Query')).toHaveLength(6);
    expect(calls.filter((c) => c !== 'Query')).toEqual(['BatchWriteItem']);
  });

  it('search: one Query and the audit write', async () => {
    const calls = await callsOf(() => fixture.service.search(provide, { nhsNumber: '9434765919' }, { limit: 25 }));
    expect(calls).toEqual(['Query', 'BatchWriteItem']);
  });

  it('history: GetItem (visibility), one Query, the audit write', async () => {
    expect(await callsOf(() => fixture.service.history(manager, id, { limit: 25 }))).toEqual(['GetItem', 'Query', 'PutItem']);
  });

  it('add note: GetItem and one transaction (note + event + seq)', async () => {
    expect(await callsOf(() => fixture.service.addNote(ecc, id, 'Visited'))).toEqual(['GetItem', 'TransactWriteItems']);
  });

  it('access log: GetItem (visibility) and one Query; reading it is not itself logged', async () => {
    expect(await callsOf(() => fixture.service.accessLog(provide, id, { limit: 25 }))).toEqual(['GetItem', 'Query']);
  });

  it('handoff offer: GetItem and one transaction (referral + handoff + pointer + event)', async () => {
    const owned = (await fixture.service.submit(provide, newReferral())).id;
    await fixture.service.act(ecc, owned, { action: 'accept', body: {} });
    expect(await callsOf(() => fixture.handoffs.offer(ecc, owned, { toOrg: 'provide', reason: 'Medical' }))).toEqual([
      'GetItem',
      'TransactWriteItems',
    ]);
  });

  it('handoff get: pointer GetItem, one BatchGetItem (referral + handoff), the audit write', async () => {
    const owned = (await fixture.service.submit(provide, newReferral())).id;
    await fixture.service.act(ecc, owned, { action: 'accept', body: {} });
    const offer = await fixture.handoffs.offer(ecc, owned, { toOrg: 'provide', reason: 'Medical' });
    expect(await callsOf(() => fixture.handoffs.get(provide, offer.id))).toEqual(['GetItem', 'BatchGetItem', 'PutItem']);
  });

  it('handoff answer: pointer GetItem, one BatchGetItem, one transaction', async () => {
    const owned = (await fixture.service.submit(provide, newReferral())).id;
    await fixture.service.act(ecc, owned, { action: 'accept', body: {} });
    const offer = await fixture.handoffs.offer(ecc, owned, { toOrg: 'provide', reason: 'Medical' });
    expect(await callsOf(() => fixture.handoffs.answer(provide, offer.id, { action: 'accept', body: {} }))).toEqual([
      'GetItem',
      'BatchGetItem',
      'TransactWriteItems',
    ]);
  });

  it('handoff list, offered: one Query and the audit write', async () => {
    const calls = await callsOf(() => fixture.handoffs.list(provide, { box: 'inbox', status: 'offered', limit: 25 }));
    expect(calls[0]).toBe('Query');
    expect(calls.filter((c) => c === 'Query')).toHaveLength(1);
    expect(calls).not.toContain('BatchGetItem');
    expect(calls.length).toBeLessThanOrEqual(2);
  });

  it('handoff list, answered: one Query, one BatchGetItem of their referrals (retention), the audit write', async () => {
    const calls = await callsOf(() => fixture.handoffs.list(provide, { box: 'inbox', status: 'accepted', limit: 25 }));
    expect(calls[0]).toBe('Query');
    expect(calls.filter((c) => c === 'Query')).toHaveLength(1);
    expect(calls.filter((c) => c === 'BatchGetItem').length).toBeLessThanOrEqual(1);
    expect(calls.length).toBeLessThanOrEqual(3);
  });

  it('no operation ever scans', async () => {
    expect(fixture.probe.calls).not.toContain('Scan');
  });
});
