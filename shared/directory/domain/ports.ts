/**
 * What the user-directory slice needs from the outside: a directory it can read (the stage's
 * user pool, or the pool a restore fills), one it can write users into (the restore), and a
 * place to keep an export. The Cognito and S3 shapes stay in data/.
 */

/** A user of the directory, with the attributes Jointly reads (DESIGN §2: `custom:org`, the e-mail). */
export interface DirectoryUser {
  /** The pool's username: for a pool signing in by e-mail, a generated id equal to `sub`. */
  readonly username: string;
  /** The id every token carries and Jointly's records name the user by; a new pool gives a new one. */
  readonly sub: string;
  readonly email?: string | undefined;
  readonly emailVerified: boolean;
  /** The display name (`name`), when the user has one. */
  readonly name?: string | undefined;
  /** The organisation (`custom:org`): what every read is scoped by. */
  readonly org?: string | undefined;
  readonly enabled: boolean;
  /** Cognito's account status (`CONFIRMED`, `FORCE_CHANGE_PASSWORD`, …), kept as Cognito names it. */
  readonly status: string;
  readonly createdAt: Date;
  readonly modifiedAt: Date;
}

/** A group of the directory: in Jointly, a role. */
export interface DirectoryGroup {
  readonly name: string;
  readonly description?: string | undefined;
  readonly precedence?: number | undefined;
}

/** Reads a whole directory, a page at a time behind the iterables. */
export interface UserDirectoryReader {
  users(): AsyncIterable<DirectoryUser>;
  groups(): AsyncIterable<DirectoryGroup>;
  /** The usernames of the members of `group`. */
  usernamesInGroup(group: string): AsyncIterable<string>;
}

/** Where exports are kept. */
export interface ExportWriter {
  /** Stores `body` (a JSON document) under `key`. */
  write(key: string, body: string): Promise<void>;
}

/** A user to create: what an export keeps of them. */
export interface NewDirectoryUser {
  readonly email: string;
  readonly emailVerified: boolean;
  readonly name?: string | undefined;
  readonly org?: string | undefined;
}

/** Writes users into a directory (the restore). */
export interface UserDirectoryWriter {
  /**
   * Creates `user` without telling them (no message is sent) and answers them as created: their
   * new username and `sub`. They can sign in only once invited ({@link resendInvitation}).
   */
  createUser(user: NewDirectoryUser): Promise<DirectoryUser>;
  addToGroup(username: string, group: string): Promise<void>;
  /** Stops `username` signing in (a user who was disabled when exported stays so). */
  disableUser(username: string): Promise<void>;
  /**
   * Has the directory e-mail `username` (a user who has never signed in) a new temporary
   * password; their first sign-in with it asks them to choose their own.
   */
  resendInvitation(username: string): Promise<void>;
}

/** Every item of `items`, in order. */
export const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};
