/**
 * Restoring users from an export into a pool: the plan (who is created, who is already there
 * and which memberships they lack, who is left out and why), the dry run that writes nothing,
 * the apply that recreates each user with the same attributes, groups and disabled state and
 * sends nothing unless asked, a second run that finds the work done, and the old → new `sub` map.
 */
import { describe, expect, it } from 'vitest';
import {
  SUB_MAP_FORMAT,
  importUsers,
  invitationsOf,
  membershipsOf,
  planUserImport,
  subMapOf,
} from '#shared/directory/domain/import-users.ts';
import { buildUserExport, type UserExport } from '#shared/directory/domain/user-export.ts';
import { FakeDirectory, directoryUser } from './fake-directory.ts';

const ROLES = ['information_governance', 'practitioner', 'programme_manager'];

/** A prod export: Ann (practitioner, ecc), Bob (programme manager + IG, disabled: a leaver), Cat (no groups), Dan (never signed in). */
const exported = (): UserExport => {
  const users = [
    directoryUser({ username: 'old-ann', sub: 'old-sub-ann', email: 'Ann@Example.nhs.uk', name: 'Ann Example', org: 'ecc' }),
    directoryUser({ username: 'old-bob', sub: 'old-sub-bob', email: 'bob@example.nhs.uk', org: 'ageuk-essex', enabled: false }),
    directoryUser({ username: 'old-cat', sub: 'old-sub-cat', email: 'cat@example.nhs.uk', org: 'ecc', emailVerified: false }),
    directoryUser({ username: 'old-dan', sub: 'old-sub-dan', email: 'dan@example.nhs.uk', org: 'ecc', status: 'FORCE_CHANGE_PASSWORD' }),
  ];
  return buildUserExport({
    stage: 'prod',
    userPoolId: 'eu-west-2_Old12345',
    exportedAt: new Date('2026-12-03T02:15:07.000Z'),
    users,
    groups: ROLES.map((name) => ({ name })),
    members: new Map([
      ['practitioner', ['old-ann', 'old-dan']],
      ['programme_manager', ['old-bob']],
      ['information_governance', ['old-bob']],
    ]),
  });
};

/** A freshly deployed pool: the role groups, no users. */
const emptyPool = () => new FakeDirectory({ groups: ROLES });

describe('planUserImport', () => {
  it('creates every exported user an empty pool lacks, with their groups', () => {
    // Act
    const plan = planUserImport(exported(), { users: [], groups: ROLES, members: new Map() });

    // Assess
    expect(plan.create.map((item) => [item.user.sub, item.groups])).toEqual([
      ['old-sub-ann', ['practitioner']],
      ['old-sub-bob', ['information_governance', 'programme_manager']],
      ['old-sub-cat', []],
      ['old-sub-dan', ['practitioner']],
    ]);
    expect(plan.present).toEqual([]);
    expect(plan.skipped).toEqual([]);
    expect(plan.unknownGroups).toEqual([]);
    expect(membershipsOf(plan)).toBe(4);
    // Bob is disabled: nobody invites a leaver.
    expect(invitationsOf(plan)).toBe(3);
  });

  it('matches a user the pool has by e-mail ignoring case, and plans only the memberships they lack', () => {
    // Prepare
    const ann = directoryUser({ username: 'new-ann', sub: 'new-sub-ann', email: 'ann@example.nhs.uk', status: 'FORCE_CHANGE_PASSWORD' });
    const stranger = directoryUser({ username: 'new-eve', email: 'eve@example.nhs.uk' });

    // Act
    const plan = planUserImport(exported(), { users: [ann, stranger], groups: ROLES, members: new Map([['practitioner', []]]) });

    // Assess
    expect(plan.present).toEqual([
      { user: expect.objectContaining({ sub: 'old-sub-ann' }), target: ann, missingGroups: ['practitioner'], awaitingFirstSignIn: true },
    ]);
    expect(plan.create.map((item) => item.user.sub)).toEqual(['old-sub-bob', 'old-sub-cat', 'old-sub-dan']);
    expect(plan.notInExport).toBe(1);
  });

  it('does not restore memberships of groups the pool lacks, and names those groups', () => {
    // Act
    const plan = planUserImport(exported(), { users: [], groups: ['practitioner'], members: new Map() });

    // Assess
    expect(plan.unknownGroups).toEqual(['information_governance', 'programme_manager']);
    expect(plan.create.find((item) => item.user.sub === 'old-sub-bob')!.groups).toEqual([]);
  });

  it('leaves out users without an e-mail, federated users and a second user with the same e-mail, by old sub', () => {
    // Prepare
    const odd = buildUserExport({
      stage: 'prod',
      userPoolId: 'eu-west-2_Old12345',
      exportedAt: new Date('2026-12-03T02:15:07.000Z'),
      users: [
        directoryUser({ username: 'old-ann', sub: 'old-sub-ann', email: 'Ann@Example.nhs.uk' }),
        directoryUser({ username: 'old-bob', sub: 'old-sub-bob', email: undefined }),
        directoryUser({ username: 'old-cat', sub: 'old-sub-cat', status: 'EXTERNAL_PROVIDER' }),
        directoryUser({ username: 'old-dan', sub: 'old-sub-dan', email: 'ANN@example.nhs.uk' }),
      ],
      groups: [],
      members: new Map(),
    });

    // Act
    const plan = planUserImport(odd, { users: [], groups: ROLES, members: new Map() });

    // Assess
    expect(plan.create.map((item) => item.user.sub)).toEqual(['old-sub-ann']);
    expect(plan.skipped).toEqual([
      { sub: 'old-sub-bob', reason: 'no-email' },
      { sub: 'old-sub-cat', reason: 'external-provider' },
      { sub: 'old-sub-dan', reason: 'duplicate-email' },
    ]);
  });
});

describe('importUsers', () => {
  it('dry run: reads the pool and plans, writes nothing, and maps only users already there', async () => {
    // Prepare
    const pool = new FakeDirectory({
      users: [directoryUser({ username: 'new-ann', sub: 'new-sub-ann', email: 'ann@example.nhs.uk' })],
      groups: ROLES,
    });

    // Act
    const report = await importUsers({ document: exported(), reader: pool, writer: pool, apply: false, invite: true });

    // Assess
    expect(pool.writes).toEqual([]);
    expect(report).toMatchObject({ applied: false, created: 0, disabled: 0, membershipsAdded: 0, invited: 0 });
    expect(report.plan.create).toHaveLength(3);
    expect(report.subs).toEqual({ 'old-sub-ann': 'new-sub-ann' });
  });

  it('apply: recreates each user with the same e-mail, name, organisation, groups and disabled state, sending nothing', async () => {
    // Prepare
    const pool = emptyPool();

    // Act
    const report = await importUsers({ document: exported(), reader: pool, writer: pool, apply: true });

    // Assess
    expect(report).toMatchObject({ applied: true, created: 4, disabled: 1, membershipsAdded: 4, invited: 0 });
    expect(pool.writes.filter((w) => w.op === 'resendInvitation')).toEqual([]);
    const ann = pool.byEmail('ann@example.nhs.uk')!;
    expect(ann).toMatchObject({ email: 'Ann@Example.nhs.uk', emailVerified: true, name: 'Ann Example', org: 'ecc', enabled: true });
    expect(pool.groupsOf(ann.username)).toEqual(['practitioner']);
    const bob = pool.byEmail('bob@example.nhs.uk')!;
    expect(bob).toMatchObject({ org: 'ageuk-essex', enabled: false });
    expect(pool.groupsOf(bob.username)).toEqual(['information_governance', 'programme_manager']);
    expect(pool.byEmail('cat@example.nhs.uk')).toMatchObject({ emailVerified: false, org: 'ecc' });
    // A leaver is disabled before any role is given back.
    const bobWrites = pool.writes.filter((w) => 'username' in w && w.username === bob.username).map((w) => w.op);
    expect(bobWrites).toEqual(['disableUser', 'addToGroup', 'addToGroup']);
  });

  it('apply: answers every user’s old → new sub, and every new sub differs from the old one', async () => {
    // Prepare
    const pool = emptyPool();

    // Act
    const report = await importUsers({ document: exported(), reader: pool, writer: pool, apply: true });

    // Assess
    expect(Object.keys(report.subs).sort()).toEqual(['old-sub-ann', 'old-sub-bob', 'old-sub-cat', 'old-sub-dan']);
    for (const [old, fresh] of Object.entries(report.subs)) {
      expect(fresh).not.toBe(old);
      expect(pool.userList.find((u) => u.sub === fresh)).toBeDefined();
    }
  });

  it('a second run finds the work done: nothing created or added, and the same sub map', async () => {
    // Prepare
    const pool = emptyPool();
    const first = await importUsers({ document: exported(), reader: pool, writer: pool, apply: true });
    const writesBefore = pool.writes.length;

    // Act
    const second = await importUsers({ document: exported(), reader: pool, writer: pool, apply: true });

    // Assess
    expect(pool.writes).toHaveLength(writesBefore);
    expect(second).toMatchObject({ created: 0, disabled: 0, membershipsAdded: 0 });
    expect(second.plan.present).toHaveLength(4);
    expect(second.subs).toEqual(first.subs);
  });

  it('with invite, e-mails each enabled user who has not signed in, created now or by an earlier run, but never a disabled one', async () => {
    // Prepare: Ann was created by an earlier run and has not signed in; Cat was, and has.
    const pool = new FakeDirectory({
      users: [
        directoryUser({ username: 'new-ann', email: 'ann@example.nhs.uk', status: 'FORCE_CHANGE_PASSWORD' }),
        directoryUser({ username: 'new-cat', email: 'cat@example.nhs.uk', status: 'CONFIRMED' }),
      ],
      groups: ROLES,
      members: { practitioner: ['new-ann'] },
    });

    // Act
    const report = await importUsers({ document: exported(), reader: pool, writer: pool, apply: true, invite: true });

    // Assess
    const invited = pool.writes.filter((w) => w.op === 'resendInvitation').map((w) => (w as { username: string }).username);
    const dan = pool.byEmail('dan@example.nhs.uk')!;
    expect(invited).toEqual(['new-ann', dan.username]);
    expect(report.invited).toBe(2);
    // Dan is invited only once his organisation and role are in place.
    const danWrites = pool.writes.filter((w) => 'username' in w && w.username === dan.username).map((w) => w.op);
    expect(danWrites).toEqual(['addToGroup', 'resendInvitation']);
  });

  it('stops at the first failed write, and a run after it carries on from there', async () => {
    // Prepare
    const pool = emptyPool();
    const failing = Object.assign(Object.create(pool) as FakeDirectory, {
      createUser: async (user: Parameters<FakeDirectory['createUser']>[0]) => {
        if (user.email.startsWith('cat')) throw new Error('LimitExceededException');
        return pool.createUser(user);
      },
    });

    // Act
    const broken = importUsers({ document: exported(), reader: pool, writer: failing, apply: true });
    await expect(broken).rejects.toThrow('LimitExceededException');
    const resumed = await importUsers({ document: exported(), reader: pool, writer: pool, apply: true });

    // Assess
    expect(resumed.created).toBe(2);
    expect(resumed.plan.present.map((item) => item.user.sub)).toEqual(['old-sub-ann', 'old-sub-bob']);
    expect(pool.userList).toHaveLength(4);
    expect(Object.keys(resumed.subs)).toHaveLength(4);
  });
});

describe('subMapOf', () => {
  it('names both pools and maps old → new subs, sorted, with no personal data', async () => {
    // Prepare
    const pool = emptyPool();
    const document = exported();
    const report = await importUsers({ document, reader: pool, writer: pool, apply: true });

    // Act
    const map = subMapOf(document, 'eu-west-2_New12345', report, new Date('2026-12-04T10:00:00.000Z'));

    // Assess
    expect(map).toMatchObject({
      format: SUB_MAP_FORMAT,
      version: 1,
      fromUserPoolId: 'eu-west-2_Old12345',
      toUserPoolId: 'eu-west-2_New12345',
      exportedAt: '2026-12-03T02:15:07.000Z',
      importedAt: '2026-12-04T10:00:00.000Z',
    });
    expect(Object.keys(map.subs)).toEqual(['old-sub-ann', 'old-sub-bob', 'old-sub-cat', 'old-sub-dan']);
    expect(JSON.stringify(map)).not.toMatch(/@|Example|ecc/);
  });
});
