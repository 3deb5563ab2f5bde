/**
 * The pool behind the directory ports, on an in-process Cognito (the JSON client's attempt
 * interceptor answering): every list is followed page by page until Cognito stops handing back
 * a token, asking 60 at a time and only for the attributes an export keeps; users are created
 * with no message sent, and invited with RESEND.
 */
import { describe, expect, it } from 'vitest';
import {
  COGNITO_PAGE_SIZE,
  CognitoUserDirectory,
  type CognitoUser,
  EXPORTED_ATTRIBUTES,
  directoryUserOf,
} from '#shared/directory/data/cognito-user-directory.ts';
import { collect } from '#shared/directory/domain/ports.ts';
import { fakeAwsService } from '#test/support/aws-service-fake.ts';

const POOL = 'eu-west-2_Test12345';

const cognitoUser = (i: number, overrides: Partial<CognitoUser> = {}): CognitoUser => ({
  Username: `u-${i}`,
  Attributes: [
    { Name: 'sub', Value: `sub-${i}` },
    { Name: 'email', Value: `user${i}@example.nhs.uk` },
    { Name: 'email_verified', Value: 'true' },
    { Name: 'custom:org', Value: 'ecc' },
  ],
  UserCreateDate: 1_764_579_600,
  UserLastModifiedDate: 1_764_666_000.5,
  Enabled: true,
  UserStatus: 'CONFIRMED',
  ...overrides,
});

/** Splits `items` into pages of `size`, each page's token naming the next. */
const pages = <T>(items: readonly T[], size: number, token: string | undefined): { items: T[]; next?: string } => {
  const start = token === undefined ? 0 : Number(token.replace('page-', ''));
  const next = start + size < items.length ? `page-${start + size}` : undefined;
  return { items: items.slice(start, start + size), ...(next ? { next } : {}) };
};

describe('CognitoUserDirectory: reading', () => {
  it('follows ListUsers’ PaginationToken through every page, 60 a page, asking only for the exported attributes', async () => {
    // Prepare
    const all = Array.from({ length: 130 }, (_, i) => cognitoUser(i));
    const { client, requests } = fakeAwsService(({ input }) => {
      const page = pages(all, input.Limit as number, input.PaginationToken as string | undefined);
      return { Users: page.items, ...(page.next ? { PaginationToken: page.next } : {}) };
    });
    const directory = new CognitoUserDirectory({ client, userPoolId: POOL });

    // Act
    const users = await collect(directory.users());

    // Assess
    expect(users).toHaveLength(130);
    expect(users.map((u) => u.username)).toEqual(all.map((u) => u.Username));
    expect(requests.map((r) => r.operation)).toEqual(['ListUsers', 'ListUsers', 'ListUsers']);
    expect(requests.map((r) => r.input.PaginationToken)).toEqual([undefined, 'page-60', 'page-120']);
    for (const request of requests) {
      expect(request.input).toMatchObject({ UserPoolId: POOL, Limit: COGNITO_PAGE_SIZE, AttributesToGet: [...EXPORTED_ATTRIBUTES] });
    }
  });

  it('follows ListGroups’ and ListUsersInGroup’s NextToken through every page', async () => {
    // Prepare
    const groupNames = Array.from({ length: 61 }, (_, i) => `group-${i}`);
    const members = Array.from({ length: 75 }, (_, i) => cognitoUser(i));
    const { client, requests } = fakeAwsService(({ operation, input }) => {
      if (operation === 'ListGroups') {
        const page = pages(groupNames, input.Limit as number, input.NextToken as string | undefined);
        return { Groups: page.items.map((GroupName) => ({ GroupName, Precedence: 1 })), ...(page.next ? { NextToken: page.next } : {}) };
      }
      const page = pages(members, input.Limit as number, input.NextToken as string | undefined);
      return { Users: page.items, ...(page.next ? { NextToken: page.next } : {}) };
    });
    const directory = new CognitoUserDirectory({ client, userPoolId: POOL });

    // Act
    const groups = await collect(directory.groups());
    const usernames = await collect(directory.usernamesInGroup('practitioner'));

    // Assess
    expect(groups).toHaveLength(61);
    expect(groups[0]).toEqual({ name: 'group-0', precedence: 1 });
    expect(usernames).toEqual(members.map((u) => u.Username));
    expect(requests.map((r) => `${r.operation} ${r.input.NextToken ?? '-'}`)).toEqual([
      'ListGroups -',
      'ListGroups page-60',
      'ListUsersInGroup -',
      'ListUsersInGroup page-60',
    ]);
    expect(requests[2]!.input).toMatchObject({ UserPoolId: POOL, GroupName: 'practitioner', Limit: 60 });
  });

  it('fails the read when Cognito fails a page, so no partial directory is exported', async () => {
    // Prepare
    const { client } = fakeAwsService(({ input }) => {
      if (input.PaginationToken) throw new Error('InternalErrorException');
      return { Users: [cognitoUser(1)], PaginationToken: 'page-1' };
    });
    const directory = new CognitoUserDirectory({ client, userPoolId: POOL });

    // Act / Assess
    await expect(collect(directory.users())).rejects.toThrow('InternalErrorException');
  });
});

describe('directoryUserOf', () => {
  it('reads the attributes Jointly uses, the state and the dates (epoch seconds)', () => {
    // Act
    const user = directoryUserOf(
      cognitoUser(7, {
        Attributes: [
          { Name: 'sub', Value: 'sub-7' },
          { Name: 'email', Value: 'seven@example.nhs.uk' },
          { Name: 'email_verified', Value: 'false' },
          { Name: 'name', Value: 'Sev Example' },
          { Name: 'custom:org', Value: 'ageuk-essex' },
        ],
        Enabled: false,
        UserStatus: 'FORCE_CHANGE_PASSWORD',
      }),
    );

    // Assess
    expect(user).toEqual({
      username: 'u-7',
      sub: 'sub-7',
      email: 'seven@example.nhs.uk',
      emailVerified: false,
      name: 'Sev Example',
      org: 'ageuk-essex',
      enabled: false,
      status: 'FORCE_CHANGE_PASSWORD',
      createdAt: new Date('2025-12-01T09:00:00.000Z'),
      modifiedAt: new Date('2025-12-02T09:00:00.500Z'),
    });
  });

  it('refuses a user without a sub, rather than export one nobody can match', () => {
    // Act / Assess
    expect(() => directoryUserOf(cognitoUser(1, { Attributes: [{ Name: 'email', Value: 'x@example.nhs.uk' }] }))).toThrow(/sub/);
  });
});

describe('CognitoUserDirectory: writing (the restore)', () => {
  it('creates a user by e-mail with the same attributes and custom:org, sending nothing, and answers their new sub', async () => {
    // Prepare
    const { client, requests } = fakeAwsService(() => ({
      User: cognitoUser(9, { UserStatus: 'FORCE_CHANGE_PASSWORD', Attributes: [{ Name: 'sub', Value: 'new-sub-9' }] }),
    }));
    const directory = new CognitoUserDirectory({ client, userPoolId: POOL });

    // Act
    const made = await directory.createUser({ email: 'nine@example.nhs.uk', emailVerified: true, name: 'Nine', org: 'ecc' });

    // Assess
    expect(made).toMatchObject({ username: 'u-9', sub: 'new-sub-9', status: 'FORCE_CHANGE_PASSWORD' });
    expect(requests).toEqual([
      {
        operation: 'AdminCreateUser',
        input: {
          UserPoolId: POOL,
          Username: 'nine@example.nhs.uk',
          UserAttributes: [
            { Name: 'email', Value: 'nine@example.nhs.uk' },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'name', Value: 'Nine' },
            { Name: 'custom:org', Value: 'ecc' },
          ],
          MessageAction: 'SUPPRESS',
        },
      },
    ]);
  });

  it('adds to a group, disables, and invites with RESEND by e-mail', async () => {
    // Prepare
    const { client, requests } = fakeAwsService(() => ({}));
    const directory = new CognitoUserDirectory({ client, userPoolId: POOL });

    // Act
    await directory.addToGroup('u-1', 'practitioner');
    await directory.disableUser('u-2');
    await directory.resendInvitation('u-3');

    // Assess
    expect(requests).toEqual([
      { operation: 'AdminAddUserToGroup', input: { UserPoolId: POOL, Username: 'u-1', GroupName: 'practitioner' } },
      { operation: 'AdminDisableUser', input: { UserPoolId: POOL, Username: 'u-2' } },
      {
        operation: 'AdminCreateUser',
        input: { UserPoolId: POOL, Username: 'u-3', MessageAction: 'RESEND', DesiredDeliveryMediums: ['EMAIL'] },
      },
    ]);
  });
});
