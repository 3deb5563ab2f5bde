/**
 * The user pool behind the directory ports, over the AWS JSON protocol (Cognito's API is JSON
 * 1.1): the small client every function uses (decision record 49), so no SDK client is bundled.
 * Reads page through `ListUsers` (asking only for the attributes an export keeps), `ListGroups`
 * and `ListUsersInGroup`, 60 a page (Cognito's most); the restore creates with
 * `AdminCreateUser` (message suppressed), `AdminAddUserToGroup` and `AdminDisableUser`, and
 * invites with `AdminCreateUser` again (`RESEND`).
 */
import { AwsJsonClient, type AwsJsonClientOptions } from '../../platform/aws/aws-json-client.ts';
import type { DirectoryGroup, DirectoryUser, NewDirectoryUser, UserDirectoryReader, UserDirectoryWriter } from '../domain/ports.ts';

/** Cognito user pools' protocol constants for the JSON client. */
export const COGNITO_IDENTITY_PROVIDER = {
  service: 'cognito-idp',
  endpointId: 'COGNITO_IDENTITY_PROVIDER',
  targetPrefix: 'AWSCognitoIdentityProviderService',
  jsonVersion: '1.1',
} as const satisfies Pick<AwsJsonClientOptions, 'service' | 'endpointId' | 'targetPrefix' | 'jsonVersion'>;

/** A client of Cognito user pools, with any other option (region, endpoint, credentials, attempts). */
export const cognitoClient = (
  options: Omit<AwsJsonClientOptions, 'service' | 'endpointPrefix' | 'endpointId' | 'targetPrefix' | 'jsonVersion'> = {},
): AwsJsonClient => new AwsJsonClient({ ...COGNITO_IDENTITY_PROVIDER, ...options });

/** The largest page Cognito's list operations return. */
export const COGNITO_PAGE_SIZE = 60;

/** The organisation attribute, as Cognito names it in the API and in tokens. */
export const ORG_ATTRIBUTE_NAME = 'custom:org';

/** The attributes an export reads: what Jointly uses, and no more. */
export const EXPORTED_ATTRIBUTES = ['sub', 'email', 'email_verified', 'name', ORG_ATTRIBUTE_NAME] as const;

/** A user as Cognito's list and create operations answer them. */
export interface CognitoUser {
  readonly Username?: string;
  readonly Attributes?: readonly { readonly Name: string; readonly Value?: string }[];
  /** Epoch seconds (the JSON protocol's timestamps). */
  readonly UserCreateDate?: number;
  readonly UserLastModifiedDate?: number;
  readonly Enabled?: boolean;
  readonly UserStatus?: string;
}

interface CognitoGroup {
  readonly GroupName?: string;
  readonly Description?: string;
  readonly Precedence?: number;
}

/** A timestamp of the JSON protocol (epoch seconds), as a date. */
const dateOf = (value: number | undefined, field: string): Date => {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`Cognito answered a user without ${field}.`);
  return new Date(value * 1000);
};

/** The directory user of a Cognito user. */
export const directoryUserOf = (user: CognitoUser): DirectoryUser => {
  const attributes = new Map((user.Attributes ?? []).map((attribute) => [attribute.Name, attribute.Value]));
  const sub = attributes.get('sub');
  if (!user.Username || !sub) throw new Error('Cognito answered a user without a username or sub.');
  return {
    username: user.Username,
    sub,
    email: attributes.get('email'),
    emailVerified: attributes.get('email_verified') === 'true',
    name: attributes.get('name'),
    org: attributes.get(ORG_ATTRIBUTE_NAME),
    enabled: user.Enabled ?? true,
    status: user.UserStatus ?? 'UNKNOWN',
    createdAt: dateOf(user.UserCreateDate, 'UserCreateDate'),
    modifiedAt: dateOf(user.UserLastModifiedDate, 'UserLastModifiedDate'),
  };
};

/** Options of a {@link CognitoUserDirectory}. */
export interface CognitoUserDirectoryOptions {
  readonly client: AwsJsonClient;
  readonly userPoolId: string;
}

/** One user pool as a directory to read, and to restore into. */
export class CognitoUserDirectory implements UserDirectoryReader, UserDirectoryWriter {
  private readonly client: AwsJsonClient;
  private readonly userPoolId: string;

  constructor(options: CognitoUserDirectoryOptions) {
    this.client = options.client;
    this.userPoolId = options.userPoolId;
  }

  async *users(): AsyncIterable<DirectoryUser> {
    let token: string | undefined;
    do {
      const page = await this.client.call<{ Users?: CognitoUser[]; PaginationToken?: string }>('ListUsers', {
        UserPoolId: this.userPoolId,
        Limit: COGNITO_PAGE_SIZE,
        AttributesToGet: [...EXPORTED_ATTRIBUTES],
        ...(token ? { PaginationToken: token } : {}),
      });
      for (const user of page.Users ?? []) yield directoryUserOf(user);
      token = page.PaginationToken;
    } while (token);
  }

  async *groups(): AsyncIterable<DirectoryGroup> {
    let token: string | undefined;
    do {
      const page = await this.client.call<{ Groups?: CognitoGroup[]; NextToken?: string }>('ListGroups', {
        UserPoolId: this.userPoolId,
        Limit: COGNITO_PAGE_SIZE,
        ...(token ? { NextToken: token } : {}),
      });
      for (const group of page.Groups ?? []) {
        if (!group.GroupName) continue;
        yield {
          name: group.GroupName,
          ...(group.Description !== undefined ? { description: group.Description } : {}),
          ...(group.Precedence !== undefined ? { precedence: group.Precedence } : {}),
        };
      }
      token = page.NextToken;
    } while (token);
  }

  async *usernamesInGroup(group: string): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.client.call<{ Users?: CognitoUser[]; NextToken?: string }>('ListUsersInGroup', {
        UserPoolId: this.userPoolId,
        GroupName: group,
        Limit: COGNITO_PAGE_SIZE,
        ...(token ? { NextToken: token } : {}),
      });
      for (const user of page.Users ?? []) if (user.Username) yield user.Username;
      token = page.NextToken;
    } while (token);
  }

  async createUser(user: NewDirectoryUser): Promise<DirectoryUser> {
    const attributes = [
      { Name: 'email', Value: user.email },
      { Name: 'email_verified', Value: String(user.emailVerified) },
      ...(user.name !== undefined ? [{ Name: 'name', Value: user.name }] : []),
      ...(user.org !== undefined ? [{ Name: ORG_ATTRIBUTE_NAME, Value: user.org }] : []),
    ];
    const { User } = await this.client.call<{ User?: CognitoUser }>('AdminCreateUser', {
      UserPoolId: this.userPoolId,
      // The pool signs in by e-mail: Cognito files the user under a generated username (their new `sub`).
      Username: user.email,
      UserAttributes: attributes,
      // Nothing is sent now: a restore creates every account first, and invites when the stage is back.
      MessageAction: 'SUPPRESS',
    });
    if (!User) throw new Error('Cognito answered AdminCreateUser without the user.');
    return directoryUserOf(User);
  }

  async addToGroup(username: string, group: string): Promise<void> {
    await this.client.call('AdminAddUserToGroup', { UserPoolId: this.userPoolId, Username: username, GroupName: group });
  }

  async disableUser(username: string): Promise<void> {
    await this.client.call('AdminDisableUser', { UserPoolId: this.userPoolId, Username: username });
  }

  async resendInvitation(username: string): Promise<void> {
    // RESEND makes a new temporary password (valid for the pool's temporary-password days) and e-mails it.
    await this.client.call('AdminCreateUser', {
      UserPoolId: this.userPoolId,
      Username: username,
      MessageAction: 'RESEND',
      DesiredDeliveryMediums: ['EMAIL'],
    });
  }
}
