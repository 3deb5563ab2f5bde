/**
 * `npm run import-users`: the arguments it takes and refuses, the export files it refuses
 * before touching a pool, the dry run it defaults to, and what `--apply` writes (the users, and
 * the sub map beside the export). The pool and files are fakes: nothing leaves the process.
 */
import { describe, expect, it } from 'vitest';
import { ImportUsersUsageError, defaultSubMapPath, parseUserExport, regionOfUserPool, runImportUsers } from '#scripts/import-users.ts';
import { SUB_MAP_FORMAT, type SubMapDocument } from '#shared/directory/domain/import-users.ts';
import { buildUserExport, serializeUserExport } from '#shared/directory/domain/user-export.ts';
import { FakeDirectory, directoryUser } from './fake-directory.ts';

const ROLES = ['information_governance', 'practitioner', 'programme_manager'];

const exportText = (): string =>
  serializeUserExport(
    buildUserExport({
      stage: 'prod',
      userPoolId: 'eu-west-2_Old12345',
      exportedAt: new Date('2026-12-03T02:15:07.000Z'),
      users: [
        directoryUser({ username: 'old-ann', sub: 'old-sub-ann', email: 'ann@example.nhs.uk', org: 'ecc' }),
        directoryUser({ username: 'old-bob', sub: 'old-sub-bob', email: 'bob@example.nhs.uk', org: 'ecc', enabled: false }),
      ],
      groups: ROLES.map((name) => ({ name })),
      members: new Map([['practitioner', ['old-ann', 'old-bob']]]),
    }),
  );

/** The command on a fake pool and fake files; answers what it logged and wrote, and the pool. */
const run = async (args: string[], files: Record<string, string> = { 'export.json': exportText() }) => {
  const pool = new FakeDirectory({ groups: ROLES });
  const lines: string[] = [];
  const written = new Map<string, string>();
  const opened: { userPoolId: string; region: string; endpoint?: string | undefined }[] = [];
  let closed = 0;
  const report = await runImportUsers(args, {
    directoryOf: (target) => {
      opened.push(target);
      return { directory: pool, close: () => (closed += 1) };
    },
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error('ENOENT: no such file');
      return text;
    },
    writeFile: (path, text) => written.set(path, text),
    log: (line) => lines.push(line),
    now: () => new Date('2026-12-04T10:00:00.000Z'),
  });
  return { report, pool, lines, written, opened, closed: () => closed };
};

describe('regionOfUserPool and defaultSubMapPath', () => {
  it('reads the region from a pool id', () => {
    // Act / Assess
    expect(regionOfUserPool('eu-west-2_AbCdEf123')).toBe('eu-west-2');
    expect(regionOfUserPool('us-gov-west-1_Xy9')).toBe('us-gov-west-1');
  });

  it.each(['AbCdEf123', 'eu-west-2', 'eu-west-2_', 'arn:aws:cognito-idp:eu-west-2:1:userpool/eu-west-2_A'])(
    'refuses %s as a pool id',
    (id) => {
      // Act / Assess
      expect(() => regionOfUserPool(id)).toThrow(ImportUsersUsageError);
    },
  );

  it('puts the sub map beside the export, named after the pool it went into', () => {
    // Act / Assess
    expect(defaultSubMapPath('exports/users-20261203T021507Z.json', 'eu-west-2_New1')).toBe(
      'exports/users-20261203T021507Z.sub-map.eu-west-2_New1.json',
    );
  });
});

describe('parseUserExport', () => {
  it('reads an export as the daily export wrote it', () => {
    // Act
    const document = parseUserExport(exportText(), 'export.json');

    // Assess
    expect(document.users.map((u) => u.sub)).toEqual(['old-sub-ann', 'old-sub-bob']);
  });

  it.each([
    ['not JSON', 'users,emails\n', /export\.json is not JSON/],
    ['another document', '{"format":"jointly.sub-map"}', /export\.json is not a user-directory export at format/],
    ['a broken user', exportText().replace('"old-sub-ann"', '""'), /at users\.0\.sub: must not be empty/],
  ])('refuses %s, naming the problem', (_case, text, message) => {
    // Act / Assess
    expect(() => parseUserExport(text, 'export.json')).toThrow(message);
  });
});

describe('runImportUsers', () => {
  it('is a dry run by default: it reads the pool in the pool’s region, writes nothing and says how to apply', async () => {
    // Act
    const { report, pool, lines, written, opened, closed } = await run(['--from', 'export.json', '--to', 'eu-west-2_New12345']);

    // Assess
    expect(report.applied).toBe(false);
    expect(pool.writes).toEqual([]);
    expect(written.size).toBe(0);
    expect(opened).toEqual([{ userPoolId: 'eu-west-2_New12345', region: 'eu-west-2', endpoint: undefined }]);
    expect(closed()).toBe(1);
    expect(lines.join('\n')).toContain('2 to create (1 of them disabled, as exported)');
    expect(lines.at(-1)).toBe('Dry run: nothing written (add --apply; with --invite, 1 users would be e-mailed a temporary password).');
  });

  it('with --apply creates the users, invites nobody, and writes the sub map beside the export', async () => {
    // Act
    const { report, pool, lines, written } = await run(['--from', 'export.json', '--to', 'eu-west-2_New12345', '--apply']);

    // Assess
    expect(report).toMatchObject({ applied: true, created: 2, disabled: 1, membershipsAdded: 2, invited: 0 });
    expect(pool.writes.some((w) => w.op === 'resendInvitation')).toBe(false);
    const map = JSON.parse(written.get('export.sub-map.eu-west-2_New12345.json')!) as SubMapDocument;
    expect(map).toMatchObject({ format: SUB_MAP_FORMAT, fromUserPoolId: 'eu-west-2_Old12345', toUserPoolId: 'eu-west-2_New12345' });
    expect(map.subs).toEqual({
      'old-sub-ann': pool.byEmail('ann@example.nhs.uk')!.sub,
      'old-sub-bob': pool.byEmail('bob@example.nhs.uk')!.sub,
    });
    expect(lines.join('\n')).not.toContain('ann@example.nhs.uk');
  });

  it('with --apply --invite e-mails the enabled users a temporary password; --sub-map says where the map goes', async () => {
    // Act
    const { report, written } = await run([
      '--from',
      'export.json',
      '--to',
      'eu-west-2_New12345',
      '--apply',
      '--invite',
      '--sub-map',
      'incident/sub-map.json',
    ]);

    // Assess
    expect(report.invited).toBe(1);
    expect([...written.keys()]).toEqual(['incident/sub-map.json']);
  });

  it.each([
    [['--to', 'eu-west-2_New1'], /--from is required/],
    [['--from', 'export.json'], /--to is required/],
    [['--from', 'export.json', '--to', 'eu-west-2_New1', '--invite'], /--invite goes with --apply/],
    [['--from', 'missing.json', '--to', 'eu-west-2_New1'], /Cannot read missing\.json/],
    [['--from', 'export.json', '--to', 'New1'], /--to takes a user pool id/],
  ])('refuses %j before touching a pool', async (args, message) => {
    // Act
    const attempt = run(args);

    // Assess
    await expect(attempt).rejects.toThrow(ImportUsersUsageError);
    await expect(attempt).rejects.toThrow(message);
  });
});
