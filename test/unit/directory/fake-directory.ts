/**
 * An in-memory user directory for the directory slice's tests: readable and writable as the
 * ports say, behaving as a pool that signs in by e-mail does (a generated username equal to
 * the new `sub`, one user per e-mail address ignoring case, new users awaiting their first
 * sign-in), and recording every write in order.
 */
import type {
  DirectoryGroup,
  DirectoryUser,
  NewDirectoryUser,
  UserDirectoryReader,
  UserDirectoryWriter,
} from '#shared/directory/domain/ports.ts';

/** A directory user with defaults: enabled, confirmed, e-mail verified, created 2026-11-01. */
export const directoryUser = (overrides: Partial<DirectoryUser> & { readonly username: string }): DirectoryUser => ({
  sub: overrides.username,
  email: `${overrides.username}@example.nhs.uk`,
  emailVerified: true,
  enabled: true,
  status: 'CONFIRMED',
  createdAt: new Date('2026-11-01T09:00:00.000Z'),
  modifiedAt: new Date('2026-11-02T09:00:00.000Z'),
  ...overrides,
});

/** A call the fake received. */
export type DirectoryWrite =
  | { readonly op: 'createUser'; readonly user: NewDirectoryUser }
  | { readonly op: 'addToGroup'; readonly username: string; readonly group: string }
  | { readonly op: 'disableUser'; readonly username: string }
  | { readonly op: 'resendInvitation'; readonly username: string };

/** The in-memory directory. */
export class FakeDirectory implements UserDirectoryReader, UserDirectoryWriter {
  readonly userList: DirectoryUser[];
  readonly groupList: DirectoryGroup[];
  readonly members: Map<string, string[]>;
  readonly writes: DirectoryWrite[] = [];
  private created = 0;

  constructor(state: { users?: DirectoryUser[]; groups?: string[]; members?: Record<string, string[]> } = {}) {
    this.userList = [...(state.users ?? [])];
    this.groupList = (state.groups ?? []).map((name) => ({ name }));
    this.members = new Map((state.groups ?? []).map((group) => [group, [...(state.members?.[group] ?? [])]]));
  }

  async *users(): AsyncIterable<DirectoryUser> {
    yield* this.userList;
  }

  async *groups(): AsyncIterable<DirectoryGroup> {
    yield* this.groupList;
  }

  async *usernamesInGroup(group: string): AsyncIterable<string> {
    yield* this.members.get(group) ?? [];
  }

  async createUser(user: NewDirectoryUser): Promise<DirectoryUser> {
    this.writes.push({ op: 'createUser', user });
    if (this.userList.some((u) => u.email?.toLowerCase() === user.email.toLowerCase())) throw new Error('UsernameExistsException');
    this.created += 1;
    const id = `new-sub-${this.created}`;
    const made = directoryUser({ username: id, ...user, status: 'FORCE_CHANGE_PASSWORD' });
    this.userList.push(made);
    return made;
  }

  async addToGroup(username: string, group: string): Promise<void> {
    this.writes.push({ op: 'addToGroup', username, group });
    const members = this.members.get(group);
    if (!members) throw new Error(`ResourceNotFoundException: group ${group}`);
    if (!members.includes(username)) members.push(username);
  }

  async disableUser(username: string): Promise<void> {
    this.writes.push({ op: 'disableUser', username });
    const index = this.userList.findIndex((u) => u.username === username);
    this.userList[index] = { ...this.userList[index]!, enabled: false };
  }

  async resendInvitation(username: string): Promise<void> {
    this.writes.push({ op: 'resendInvitation', username });
  }

  /** The user holding `email`, as the pool has them now. */
  byEmail(email: string): DirectoryUser | undefined {
    return this.userList.find((u) => u.email?.toLowerCase() === email.toLowerCase());
  }

  /** The groups `username` is in, sorted. */
  groupsOf(username: string): string[] {
    return [...this.members]
      .filter(([, usernames]) => usernames.includes(username))
      .map(([group]) => group)
      .sort();
  }
}
