/**
 * `npm run restore` against DynamoDB Local: a table damaged three ways (items deleted, an item
 * overwritten, an item planted) is compared with a copy taken before the damage. The dry run
 * counts and writes nothing; `--apply` brings every lost and changed item back; with
 * `--delete-extra` the planted one goes too; a second run finds nothing to do. Also the
 * arguments it refuses.
 */
import { spawn } from 'node:child_process';
import { BatchWriteCommand, DeleteCommand, PutCommand, ScanCommand } from '#shared/platform/dynamodb/document-client.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#infra/local/runtime.ts';
import { parseSource, RestoreUsageError } from '#scripts/restore.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let live: TestTable;
let copy: TestTable;

/** A referral-shaped item set: records, history events, a set-valued attribute and a number. */
const ITEMS = Array.from({ length: 140 }, (_, i) => ({
  pk: `REF#${String(i).padStart(4, '0')}`,
  sk: i % 2 === 0 ? 'A' : `EVT#${String(i).padStart(6, '0')}`,
  status: i % 3 === 0 ? 'accepted' : 'submitted',
  version: i,
  parties: new Set(['provide', 'ecc']),
  note: { text: `note ${i}`, author: { org: 'ecc' } },
}));

const run = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((done) => {
    const child = spawn(process.execPath, ['scripts/restore.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });

const everything = async (table: TestTable) =>
  ((await table.documentClient.send(new ScanCommand({ TableName: table.tableName, ConsistentRead: true }))).Items ?? []).sort((a, b) =>
    `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`),
  );

const putAll = async (table: TestTable) => {
  for (let i = 0; i < ITEMS.length; i += 25) {
    await table.documentClient.send(
      new BatchWriteCommand({ RequestItems: { [table.tableName]: ITEMS.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }),
    );
  }
};

beforeAll(async () => {
  [live, copy] = await Promise.all([createTestTable('restore-live'), createTestTable('restore-copy')]);
  await Promise.all([putAll(live), putAll(copy)]);
  // The damage: 30 items deleted, one overwritten, one planted.
  for (const item of ITEMS.slice(50, 80))
    await live.documentClient.send(new DeleteCommand({ TableName: live.tableName, Key: { pk: item.pk, sk: item.sk } }));
  await live.documentClient.send(new PutCommand({ TableName: live.tableName, Item: { ...ITEMS[3], status: 'cancelled', version: 999 } }));
  await live.documentClient.send(new PutCommand({ TableName: live.tableName, Item: { pk: 'REF#PLANTED', sk: 'A', status: 'submitted' } }));
}, 60_000);

afterAll(async () => {
  await Promise.all([live?.drop(), copy?.drop()]);
});

const args = (...more: string[]) => ['--from', `table:${copy.tableName}`, '--to', live.tableName, '--endpoint', live.endpoint, ...more];

describe('npm run restore against DynamoDB Local', () => {
  it('a dry run counts what was lost, changed and planted, and writes nothing', async () => {
    // Prepare
    const before = await everything(live);

    // Act
    const result = await run(args());

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      '140 items in the copy: 30 missing from the target, 1 changed, 1 not in the copy. Dry run: nothing written',
    );
    expect(await everything(live)).toEqual(before);
  });

  it('--apply brings back every lost and changed item and leaves the planted one; --delete-extra removes it; a second run finds nothing', async () => {
    // Act
    const applied = await run(args('--apply'));
    const afterApply = await everything(live);
    const cleaned = await run(args('--apply', '--delete-extra'));
    const again = await run(args());

    // Assess
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('30 missing from the target, 1 changed, 1 not in the copy; wrote 31, deleted 0.');
    expect(afterApply).toHaveLength(141);
    expect(afterApply.find((item) => item.pk === 'REF#0003')).toMatchObject({ status: 'accepted', version: 3 });
    expect(cleaned.stdout).toContain('0 missing from the target, 0 changed, 1 not in the copy; wrote 0, deleted 1.');
    expect(again.stdout).toContain('0 missing from the target, 0 changed, 0 not in the copy.');
    expect(await everything(live)).toEqual(await everything(copy));
  });

  it('refuses what it cannot do, in one sentence, writing nothing', async () => {
    // Act
    const noTarget = await run(['--from', `table:${copy.tableName}`, '--endpoint', live.endpoint]);
    const deleteAlone = await run(args('--delete-extra'));
    const pitrLocally = await run(['--from', 'pitr:2026-12-03T09:15:00Z', '--to', live.tableName, '--endpoint', live.endpoint]);

    // Assess
    expect([noTarget.code, deleteAlone.code, pitrLocally.code]).toEqual([2, 2, 2]);
    expect(noTarget.stderr.trim()).toBe('--to is required: the table to bring back, e.g. jointly-prod.');
    expect(deleteAlone.stderr.trim()).toBe('--delete-extra goes with --apply.');
    expect(pitrLocally.stderr).toContain('DynamoDB Local has no backups or point-in-time recovery');
  });

  it('reads --from as a table, an instant with its offset, or a backup ARN', () => {
    // Act / Assess
    const now = new Date('2026-12-03T12:00:00Z');
    expect(parseSource('table:jointly-prod-restored', now)).toEqual({ kind: 'table', table: 'jointly-prod-restored' });
    expect(parseSource('pitr:2026-12-03T09:15:00Z', now)).toEqual({ kind: 'pitr', at: new Date('2026-12-03T09:15:00Z') });
    expect(parseSource('backup:arn:aws:dynamodb:eu-west-2:111122223333:table/jointly-prod/backup/01733-abc', now)).toMatchObject({
      kind: 'backup',
    });
    expect(() => parseSource('pitr:2026-12-03 09:15', now)).toThrow(RestoreUsageError);
    expect(() => parseSource('pitr:2026-12-04T09:15:00Z', now)).toThrow(/in the future/);
    expect(() => parseSource('s3:somewhere', now)).toThrow(/--from takes table:/);
  });
});
