/**
 * The daily export: reads the whole directory through the ports (every page of every list),
 * writes one document under the day's key, answers counts only, and writes nothing when a
 * read fails. Also its scheduled handler and composition root, on fakes of both ports.
 */
import { describe, expect, it } from 'vitest';
import { exportUsers } from '#shared/directory/domain/export-users.ts';
import type { ExportWriter, UserDirectoryReader } from '#shared/directory/domain/ports.ts';
import { UserExportSchema } from '#shared/directory/domain/user-export.ts';
import { DIRECTORY_EXPORT_ENV } from '#shared/directory/data/export-environment.ts';
import { exportUsersHandler } from '#shared/wiring/export-users.ts';
import { FakeDirectory, directoryUser } from './fake-directory.ts';

/** Keeps what it is given. */
class MemoryWriter implements ExportWriter {
  readonly objects = new Map<string, string>();
  async write(key: string, body: string): Promise<void> {
    this.objects.set(key, body);
  }
}

const now = () => new Date('2026-12-03T02:15:07.000Z');

/** 130 users (three Cognito pages' worth), every third disabled, the first 70 practitioners and every tenth a programme manager. */
const largeDirectory = (): FakeDirectory => {
  const users = Array.from({ length: 130 }, (_, i) =>
    directoryUser({ username: `user-${String(i).padStart(3, '0')}`, org: 'ecc', enabled: i % 3 !== 0 }),
  );
  return new FakeDirectory({
    users,
    groups: ['practitioner', 'programme_manager', 'information_governance'],
    members: {
      practitioner: users.slice(0, 70).map((u) => u.username),
      programme_manager: users.filter((_, i) => i % 10 === 0).map((u) => u.username),
    },
  });
};

describe('exportUsers', () => {
  it('stores every user and group as one document under the day’s key, and answers counts only', async () => {
    // Prepare
    const reader = largeDirectory();
    const writer = new MemoryWriter();

    // Act
    const result = await exportUsers({ reader, writer, stage: 'prod', userPoolId: 'eu-west-2_Prod12345', now });

    // Assess
    expect(result).toEqual({
      key: 'user-directory/2026/12/03/users-20261203T021507Z.json',
      users: 130,
      groups: 3,
      memberships: 70 + 13,
      disabledUsers: 44,
    });
    expect([...writer.objects.keys()]).toEqual([result.key]);
    const document = UserExportSchema.parse(JSON.parse(writer.objects.get(result.key)!));
    expect(document.users).toHaveLength(130);
    expect(document.users.find((u) => u.username === 'user-000')!.groups).toEqual(['practitioner', 'programme_manager']);
    expect(document.users.find((u) => u.username === 'user-129')!.groups).toEqual([]);
    expect(document).toMatchObject({ stage: 'prod', userPoolId: 'eu-west-2_Prod12345', exportedAt: '2026-12-03T02:15:07.000Z' });
  });

  it('writes nothing when a read fails part-way, so a stored export is always a whole directory', async () => {
    // Prepare
    const directory = largeDirectory();
    const reader: UserDirectoryReader = {
      groups: () => directory.groups(),
      usernamesInGroup: (group) => directory.usernamesInGroup(group),
      async *users() {
        yield directoryUser({ username: 'first' });
        throw new Error('TooManyRequestsException');
      },
    };
    const writer = new MemoryWriter();

    // Act
    const run = exportUsers({ reader, writer, stage: 'prod', userPoolId: 'eu-west-2_Prod12345', now });

    // Assess
    await expect(run).rejects.toThrow('TooManyRequestsException');
    expect(writer.objects.size).toBe(0);
  });

  it('exports an empty pool as a document with no users', async () => {
    // Prepare
    const writer = new MemoryWriter();

    // Act
    const result = await exportUsers({ reader: new FakeDirectory(), writer, stage: 'dev', userPoolId: 'eu-west-2_Dev12345', now });

    // Assess
    expect(result).toMatchObject({ users: 0, groups: 0, memberships: 0, disabledUsers: 0 });
    expect(JSON.parse(writer.objects.get(result.key)!)).toMatchObject({ users: [], groups: [] });
  });
});

describe('exportUsersHandler (composition root and scheduled handler)', () => {
  const env = {
    JOINTLY_STAGE: 'staging',
    [DIRECTORY_EXPORT_ENV.userPoolId]: 'eu-west-2_Stag12345',
    [DIRECTORY_EXPORT_ENV.bucketName]: 'jointly-staging-user-export',
  };

  it('exports the configured pool on a schedule tick, whatever the event holds', async () => {
    // Prepare
    const writer = new MemoryWriter();
    const handler = exportUsersHandler({ reader: largeDirectory(), writer, now, env });

    // Act
    const result = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });

    // Assess
    expect(result.users).toBe(130);
    expect(JSON.parse(writer.objects.get(result.key)!)).toMatchObject({ stage: 'staging', userPoolId: 'eu-west-2_Stag12345' });
  });

  it.each([DIRECTORY_EXPORT_ENV.userPoolId, DIRECTORY_EXPORT_ENV.bucketName, 'JOINTLY_STAGE'])(
    'fails at cold start, naming %s, when it is not set',
    (name) => {
      // Prepare
      const partial = { ...env, [name]: '' };

      // Act / Assess
      expect(() => exportUsersHandler({ reader: new FakeDirectory(), writer: new MemoryWriter(), env: partial })).toThrow(name);
    },
  );
});
