/**
 * Person search on DynamoDB Local: a local id belongs to the organisation that issued it
 * (the referral's sender), so provide's person 12345 and ecc's person 12345 are different
 * people; and subject hashes are versioned, so a rotated key still finds older referrals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { UnprocessableEntityError } from '#shared/core/errors.ts';
import { DynamoReferralRepository } from '#shared/referrals/data/referral-repository.ts';
import { caller, newReferral, referralServiceOn } from '#test/support/referral-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable('personscope');
});

afterAll(async () => {
  await table?.drop();
});

const PAGE = { limit: 25 };

describe('search by localId is scoped to the issuing organisation', () => {
  it('keeps provide’s 12345 and ecc’s 12345 apart, for practitioners and programme managers', async () => {
    // Prepare: both organisations refer "their" 12345 to meht (unique per run)
    const { service } = referralServiceOn(table);
    const localId = `12345-${ulid()}`;
    const fromProvide = await service.submit(caller('pat', 'provide'), newReferral({ toOrg: 'meht', subject: { localId } }));
    const fromEcc = await service.submit(caller('eve', 'ecc'), newReferral({ toOrg: 'meht', subject: { localId } }));
    const pm = caller('max', 'meht', 'programme_manager');

    // Act
    const byProvide = await service.search(caller('pat', 'provide'), { localId }, PAGE);
    const byEcc = await service.search(caller('eve', 'ecc'), { localId }, PAGE);
    const pmProvide = await service.search(pm, { localId, issuer: 'provide' }, PAGE);
    const pmEcc = await service.search(pm, { localId, issuer: 'ecc' }, PAGE);
    const receiverAsksForProvides = await service.search(caller('mo', 'meht'), { localId, issuer: 'provide' }, PAGE);
    const receiverOwnIds = await service.search(caller('mo', 'meht'), { localId }, PAGE);

    // Assess
    expect(byProvide.items.map((r) => r.id)).toEqual([fromProvide.id]);
    expect(byEcc.items.map((r) => r.id)).toEqual([fromEcc.id]);
    expect(pmProvide.items.map((r) => r.id)).toEqual([fromProvide.id]);
    expect(pmEcc.items.map((r) => r.id)).toEqual([fromEcc.id]);
    expect(receiverAsksForProvides.items.map((r) => r.id)).toEqual([fromProvide.id]);
    expect(receiverOwnIds.items).toEqual([]);
  });

  it('asks a programme manager to name the issuer (422 on issuer), and refuses an unknown issuer', async () => {
    // Prepare
    const { service } = referralServiceOn(table);
    const pm = caller('max', 'meht', 'programme_manager');

    // Act
    const withoutIssuer = service.search(pm, { localId: '12345' }, PAGE);
    const unknownIssuer = service.search(caller('pat', 'provide'), { localId: '12345', issuer: 'nowhere-trust' }, PAGE);

    // Assess
    await expect(withoutIssuer).rejects.toBeInstanceOf(UnprocessableEntityError);
    await expect(withoutIssuer).rejects.toMatchObject({ errors: [{ path: 'issuer' }] });
    await expect(unknownIssuer).rejects.toMatchObject({ errors: [{ path: 'issuer' }] });
  });
});

describe('subject hashes carry their key version', () => {
  it('stores v1:<hex> index keys, and after a rotation finds both the old and the new referrals', async () => {
    // Prepare: a referral written under v1, then the key set rotated to v2 (v1 still live)
    const { client, service } = referralServiceOn(table);
    const v1 = 'k'.repeat(32);
    const nhsNumber = '9434765919';
    const before = await service.submit(caller('pat', 'provide'), newReferral({ toOrg: 'ecc', subject: { nhsNumber } }));
    const rotated = new DynamoReferralRepository({
      client,
      tableName: table.tableName,
      subjectHashKey: { current: 'v2', keys: { v1, v2: 'n'.repeat(32) } },
    });
    const after = { ...before, id: ulid(), createdAt: new Date(Date.parse(before.createdAt) + 1000).toISOString() };

    // Act
    const beforeItem = new DynamoReferralRepository({ client, tableName: table.tableName, subjectHashKey: v1 }).toItem(before as never);
    const afterItem = rotated.toItem(after as never);
    await rotated.create(after as never, { type: 'referral.submitted', data: {} } as never, {
      sub: 'pat',
      org: 'provide',
      role: 'practitioner',
    });
    const found = await rotated.findByPerson({ nhsNumber }, { kind: 'programme' }, { limit: 100 });

    // Assess
    expect(beforeItem.nhsNumberHash).toMatch(/^PERSON#NHS#v1:[0-9a-f]{64}$/);
    expect(afterItem.nhsNumberHash).toMatch(/^PERSON#NHS#v2:[0-9a-f]{64}$/);
    const ids = found.items.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([before.id, after.id]));
    expect(ids.indexOf(after.id)).toBeLessThan(ids.indexOf(before.id));
  });
});
