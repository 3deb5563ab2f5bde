/**
 * The export document: what it holds of each user and group (and nothing else: no password or
 * MFA field exists to fill), in a stable order, checked against its schema so every stored
 * export can be read back; and where it is stored.
 */
import { describe, expect, it } from 'vitest';
import {
  USER_EXPORT_FORMAT,
  USER_EXPORT_PREFIX,
  USER_EXPORT_VERSION,
  UserExportSchema,
  buildUserExport,
  serializeUserExport,
  userExportKeyOf,
  type UserExportInput,
} from '#shared/directory/domain/user-export.ts';
import { directoryUser } from './fake-directory.ts';

const exportedAt = new Date('2026-12-03T02:15:07.123Z');

const input = (overrides: Partial<UserExportInput> = {}): UserExportInput => ({
  stage: 'prod',
  userPoolId: 'eu-west-2_Prod12345',
  exportedAt,
  users: [
    directoryUser({ username: 'b-user', sub: 'sub-b', email: 'Bea@Example.nhs.uk', name: 'Bea Example', org: 'ecc' }),
    directoryUser({ username: 'a-user', sub: 'sub-a', org: 'ageuk-essex', enabled: false, emailVerified: false }),
  ],
  groups: [{ name: 'practitioner', description: 'Acts for their own organisation', precedence: 2 }, { name: 'programme_manager' }],
  members: new Map([
    ['programme_manager', ['b-user']],
    ['practitioner', ['b-user', 'a-user', 'gone-user']],
  ]),
  ...overrides,
});

describe('buildUserExport', () => {
  it('holds each user’s username, sub, e-mail, name, organisation, state and groups, sorted, and the pool’s groups', () => {
    // Act
    const document = buildUserExport(input());

    // Assess
    expect(document).toEqual({
      format: USER_EXPORT_FORMAT,
      version: USER_EXPORT_VERSION,
      stage: 'prod',
      userPoolId: 'eu-west-2_Prod12345',
      exportedAt: '2026-12-03T02:15:07.123Z',
      groups: [{ name: 'practitioner', description: 'Acts for their own organisation', precedence: 2 }, { name: 'programme_manager' }],
      users: [
        {
          username: 'a-user',
          sub: 'sub-a',
          email: 'a-user@example.nhs.uk',
          emailVerified: false,
          org: 'ageuk-essex',
          enabled: false,
          status: 'CONFIRMED',
          groups: ['practitioner'],
          createdAt: '2026-11-01T09:00:00.000Z',
          modifiedAt: '2026-11-02T09:00:00.000Z',
        },
        {
          username: 'b-user',
          sub: 'sub-b',
          email: 'Bea@Example.nhs.uk',
          emailVerified: true,
          name: 'Bea Example',
          org: 'ecc',
          enabled: true,
          status: 'CONFIRMED',
          groups: ['practitioner', 'programme_manager'],
          createdAt: '2026-11-01T09:00:00.000Z',
          modifiedAt: '2026-11-02T09:00:00.000Z',
        },
      ],
    });
  });

  it('keeps no field beyond the attributes Jointly reads: no password, MFA or other attribute', () => {
    // Act
    const document = buildUserExport(input());

    // Assess
    const fields = new Set(document.users.flatMap((user) => Object.keys(user)));
    expect([...fields].sort()).toEqual(
      ['createdAt', 'email', 'emailVerified', 'enabled', 'groups', 'modifiedAt', 'name', 'org', 'status', 'sub', 'username'].sort(),
    );
    expect(serializeUserExport(document)).not.toMatch(/password|mfa|totp|secret/i);
  });

  it('leaves out a member who is not among the users (removed between the reads)', () => {
    // Act
    const document = buildUserExport(input());

    // Assess
    expect(JSON.stringify(document)).not.toContain('gone-user');
  });

  it('gives the same document for the same directory read in another order', () => {
    // Prepare
    const shuffled = input({ users: [...input().users].reverse(), groups: [...input().groups].reverse() });

    // Act / Assess
    expect(buildUserExport(shuffled)).toEqual(buildUserExport(input()));
  });

  it('refuses a directory it could not read back: two users with one sub', () => {
    // Prepare
    const users = [directoryUser({ username: 'one', sub: 'same' }), directoryUser({ username: 'two', sub: 'same' })];

    // Act / Assess
    expect(() => buildUserExport(input({ users, members: new Map() }))).toThrow(/subs must be unique/);
  });
});

describe('UserExportSchema', () => {
  it('reads back what serializeUserExport wrote', () => {
    // Prepare
    const document = buildUserExport(input());

    // Act
    const read = UserExportSchema.parse(JSON.parse(serializeUserExport(document)));

    // Assess
    expect(read).toEqual(document);
  });

  it.each([
    ['another format', { format: 'something-else' }],
    ['another version', { version: 2 }],
    ['a user in a group the export does not list', { groups: [] }],
    ['an unknown field', { passwords: [] }],
  ])('refuses %s', (_case, change) => {
    // Prepare
    const document = { ...buildUserExport(input()), ...change };

    // Act
    const result = UserExportSchema.safeParse(document);

    // Assess
    expect(result.success).toBe(false);
  });
});

describe('userExportKeyOf and serializeUserExport', () => {
  it('files each export under its UTC day, named by its instant', () => {
    // Act
    const key = userExportKeyOf(exportedAt);

    // Assess
    expect(key).toBe('user-directory/2026/12/03/users-20261203T021507Z.json');
    expect(key.startsWith(USER_EXPORT_PREFIX)).toBe(true);
  });

  it('writes indented JSON ending in one newline', () => {
    // Act
    const text = serializeUserExport(buildUserExport(input()));

    // Assess
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "format": "jointly.user-directory-export",');
  });
});
