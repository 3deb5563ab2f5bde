/**
 * Restoring users from an export (user-export.ts) into a pool, as `npm run import-users` does:
 * every exported user the pool lacks is created with the same e-mail, name and organisation and
 * put in the same groups; a user the pool already has (same e-mail, compared as Cognito does,
 * ignoring case) only gets the group memberships they lack; nothing else of theirs is changed,
 * and no user is ever deleted. A dry run reads the pool and plans; only `apply` writes. Running
 * it again finds the work done, so an import that stopped part-way is finished by running it again.
 *
 * Created users are told nothing (Cognito never exports passwords, so they have none they
 * know). With `invite`, the pool e-mails every user who has not signed in yet a temporary
 * password, and their first sign-in makes them choose their own.
 *
 * A new pool gives every user a new `sub`, and Jointly's records name people by `sub` (the
 * actor of every event, note and access-log entry; the owner of subscriptions and alerts). So
 * the import answers the old → new `sub` of every user it matched or created: the map that ties
 * the records to the restored users (docs/user-directory-export.md).
 */
import { collect, type DirectoryUser, type UserDirectoryReader, type UserDirectoryWriter } from './ports.ts';
import type { ExportedUser, UserExport } from './user-export.ts';

/** Why an exported user is not restored. */
export type ImportSkipReason = 'no-email' | 'external-provider' | 'duplicate-email';

/** An exported user the import leaves out, named by their old `sub` (no personal data). */
export interface ImportSkip {
  readonly sub: string;
  readonly reason: ImportSkipReason;
}

/** One user to create, and the groups to put them in. */
export interface UserToCreate {
  readonly user: ExportedUser & { readonly email: string };
  readonly groups: readonly string[];
}

/** A user the pool already has, and the groups they lack. */
export interface UserPresent {
  readonly user: ExportedUser;
  readonly target: DirectoryUser;
  readonly missingGroups: readonly string[];
  /** Enabled in the pool and never signed in (`FORCE_CHANGE_PASSWORD`): `invite` e-mails them. */
  readonly awaitingFirstSignIn: boolean;
}

/** What the import would do to the pool as it is now. */
export interface ImportPlan {
  readonly create: readonly UserToCreate[];
  readonly present: readonly UserPresent[];
  readonly skipped: readonly ImportSkip[];
  /** Groups the export names and the pool lacks: their memberships are not restored (a deploy creates the role groups). */
  readonly unknownGroups: readonly string[];
  /** Users of the pool the export does not have: left as they are. */
  readonly notInExport: number;
}

/** The pool as the import finds it. */
export interface ImportTarget {
  readonly users: readonly DirectoryUser[];
  readonly groups: readonly string[];
  /** The usernames in each group, by group name. */
  readonly members: ReadonlyMap<string, readonly string[]>;
}

/** How Cognito compares e-mail addresses in a pool that signs in case-insensitively. */
const emailKey = (email: string): string => email.toLowerCase();

/** Cognito's status of a user created by an administrator who has not signed in yet. */
export const AWAITING_FIRST_SIGN_IN = 'FORCE_CHANGE_PASSWORD';

/** The plan of importing `document` into `target`. Pure. */
export const planUserImport = (document: UserExport, target: ImportTarget): ImportPlan => {
  const byEmail = new Map<string, DirectoryUser>();
  for (const user of target.users) if (user.email !== undefined) byEmail.set(emailKey(user.email), user);
  const targetGroups = new Set(target.groups);
  const membersOf = new Map([...target.members].map(([group, usernames]) => [group, new Set(usernames)]));
  const create: UserToCreate[] = [];
  const present: UserPresent[] = [];
  const skipped: ImportSkip[] = [];
  const unknownGroups = new Set<string>();
  const matched = new Set<DirectoryUser>();
  const seenEmails = new Set<string>();
  for (const user of document.users) {
    for (const group of user.groups) if (!targetGroups.has(group)) unknownGroups.add(group);
    const groups = user.groups.filter((group) => targetGroups.has(group));
    if (user.status === 'EXTERNAL_PROVIDER') {
      // Signed in through another identity provider: Cognito makes such a user itself, on their next sign-in.
      skipped.push({ sub: user.sub, reason: 'external-provider' });
      continue;
    }
    if (user.email === undefined) {
      skipped.push({ sub: user.sub, reason: 'no-email' });
      continue;
    }
    if (seenEmails.has(emailKey(user.email))) {
      // A pool signing in by e-mail holds one user per address: the first one exported is restored.
      skipped.push({ sub: user.sub, reason: 'duplicate-email' });
      continue;
    }
    seenEmails.add(emailKey(user.email));
    const existing = byEmail.get(emailKey(user.email));
    if (existing) {
      const missingGroups = groups.filter((group) => !membersOf.get(group)?.has(existing.username));
      const awaitingFirstSignIn = existing.enabled && existing.status === AWAITING_FIRST_SIGN_IN;
      matched.add(existing);
      present.push({ user, target: existing, missingGroups, awaitingFirstSignIn });
    } else {
      create.push({ user: { ...user, email: user.email }, groups });
    }
  }
  return {
    create,
    present,
    skipped,
    unknownGroups: [...unknownGroups].sort(),
    notInExport: target.users.filter((user) => !matched.has(user)).length,
  };
};

/** Options of {@link importUsers}. */
export interface ImportUsersOptions {
  readonly document: UserExport;
  /** The pool to restore into, read… */
  readonly reader: UserDirectoryReader;
  /** …and written (only with `apply`). */
  readonly writer: UserDirectoryWriter;
  /** Write; otherwise only plan (the dry run). */
  readonly apply: boolean;
  /**
   * With `apply`, have the pool e-mail a temporary password to every user it holds who has not
   * signed in yet: the enabled users it creates, and those an earlier run created. Off by
   * default: a restore creates every account first, and invites once the stage is back. A
   * second run with `invite` e-mails again whoever has still not signed in.
   */
  readonly invite?: boolean;
}

/** What an import found and did: counts, the skipped users' old `sub`s, and the `sub` map. */
export interface ImportUsersReport {
  readonly plan: ImportPlan;
  readonly applied: boolean;
  readonly created: number;
  /** Created users disabled again, as they were when exported. */
  readonly disabled: number;
  readonly membershipsAdded: number;
  /** Users e-mailed a temporary password. */
  readonly invited: number;
  /**
   * Old `sub` → `sub` in the pool, for every user matched or created. In a dry run, only the
   * users the pool already has (the others have no `sub` until created).
   */
  readonly subs: Readonly<Record<string, string>>;
}

/** The memberships a plan adds. */
export const membershipsOf = (plan: ImportPlan): number =>
  plan.create.reduce((sum, item) => sum + item.groups.length, 0) + plan.present.reduce((sum, item) => sum + item.missingGroups.length, 0);

/** The users an import with `invite` would e-mail: the enabled users it creates, and those awaiting their first sign-in. */
export const invitationsOf = (plan: ImportPlan): number =>
  plan.create.filter((item) => item.user.enabled).length + plan.present.filter((item) => item.awaitingFirstSignIn).length;

/** Reads the pool, plans, and (with `apply`) creates the missing users and memberships. */
export const importUsers = async (options: ImportUsersOptions): Promise<ImportUsersReport> => {
  const { reader, writer } = options;
  const groups = (await collect(reader.groups())).map((group) => group.name);
  const members = new Map<string, string[]>();
  for (const group of groups) members.set(group, await collect(reader.usernamesInGroup(group)));
  const plan = planUserImport(options.document, { users: await collect(reader.users()), groups, members });
  const subs: Record<string, string> = {};
  for (const item of plan.present) subs[item.user.sub] = item.target.sub;
  if (!options.apply) return { plan, applied: false, created: 0, disabled: 0, membershipsAdded: 0, invited: 0, subs };

  const invite = options.invite ?? false;
  let created = 0;
  let disabled = 0;
  let membershipsAdded = 0;
  let invited = 0;
  for (const item of plan.present) {
    for (const group of item.missingGroups) {
      await writer.addToGroup(item.target.username, group);
      membershipsAdded += 1;
    }
    if (invite && item.awaitingFirstSignIn) {
      await writer.resendInvitation(item.target.username);
      invited += 1;
    }
  }
  for (const { user, groups: userGroups } of plan.create) {
    const made = await writer.createUser({ email: user.email, emailVerified: user.emailVerified, name: user.name, org: user.org });
    created += 1;
    subs[user.sub] = made.sub;
    if (!user.enabled) {
      // Before any group: a leaver's account comes back as it was, unable to sign in.
      await writer.disableUser(made.username);
      disabled += 1;
    }
    for (const group of userGroups) {
      await writer.addToGroup(made.username, group);
      membershipsAdded += 1;
    }
    // Last: an invitation is sent only to a user who is whole (organisation and roles in place).
    if (invite && user.enabled) {
      await writer.resendInvitation(made.username);
      invited += 1;
    }
  }
  return { plan, applied: true, created, disabled, membershipsAdded, invited, subs };
};

/** The `format` of the sub map file the import writes. */
export const SUB_MAP_FORMAT = 'jointly.user-directory-sub-map';

/** The sub map file: which pool each side is, and old `sub` → new `sub`. No personal data. */
export interface SubMapDocument {
  readonly format: typeof SUB_MAP_FORMAT;
  readonly version: 1;
  readonly fromUserPoolId: string;
  readonly toUserPoolId: string;
  /** When the export it was made from was taken. */
  readonly exportedAt: string;
  readonly importedAt: string;
  readonly subs: Readonly<Record<string, string>>;
}

/** The sub map of an applied import of `document` into `toUserPoolId`. */
export const subMapOf = (document: UserExport, toUserPoolId: string, report: ImportUsersReport, importedAt: Date): SubMapDocument => ({
  format: SUB_MAP_FORMAT,
  version: 1,
  fromUserPoolId: document.userPoolId,
  toUserPoolId,
  exportedAt: document.exportedAt,
  importedAt: importedAt.toISOString(),
  subs: Object.fromEntries(Object.entries(report.subs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
});
