/**
 * The user-directory export: one JSON document holding every user of a stage's pool (the
 * attributes Jointly reads, their old `sub`, status and groups) and the pool's groups. It is
 * what `npm run import-users` reads to recreate the users in a new pool, and what maps a `sub`
 * in Jointly's records back to a person once the pool that issued it is gone.
 *
 * There are no passwords or MFA secrets in it: Cognito never hands them out.
 */
import * as z from '../../core/zod.ts';
import type { DirectoryGroup, DirectoryUser } from './ports.ts';

/** The `format` of every export. */
export const USER_EXPORT_FORMAT = 'jointly.user-directory-export';

/** The version of the document's shape; a reader refuses any other. */
export const USER_EXPORT_VERSION = 1;

/** Where exports are written in the export bucket: `user-directory/YYYY/MM/DD/users-<instant>.json`. */
export const USER_EXPORT_PREFIX = 'user-directory/';

const text = (max: number) => z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(max, `must be at most ${max} characters`));
const optionalText = (max: number) => z.optional(z.string().check(z.maxLength(max, `must be at most ${max} characters`)));

/** One user as exported. */
export const ExportedUserSchema = z.strictObject({
  /** The username in the exported pool (for an e-mail sign-in pool, the generated id). */
  username: text(128),
  /** The `sub` Jointly's records carry (actors of events and notes, owners of subscriptions). */
  sub: text(128),
  email: optionalText(2048),
  emailVerified: z.boolean(),
  name: optionalText(2048),
  /** `custom:org`: the organisation the user acts for. */
  org: optionalText(64),
  enabled: z.boolean(),
  /** Cognito's account status, as Cognito names it. */
  status: text(64),
  /** The groups (roles) the user is in, by name, sorted. */
  groups: z.array(text(128)),
  createdAt: z.iso.datetime(),
  modifiedAt: z.iso.datetime(),
});
/** One user as exported. */
export type ExportedUser = z.infer<typeof ExportedUserSchema>;

/** One group as exported. */
export const ExportedGroupSchema = z.strictObject({
  name: text(128),
  description: optionalText(2048),
  precedence: z.optional(z.int().check(z.nonnegative())),
});
/** One group as exported. */
export type ExportedGroup = z.infer<typeof ExportedGroupSchema>;

const duplicatesOf = (values: readonly string[]): string[] => [...new Set(values.filter((value, i) => values.indexOf(value) !== i))];

/** The whole export document. */
export const UserExportSchema = z
  .strictObject({
    format: z.literal(USER_EXPORT_FORMAT),
    version: z.literal(USER_EXPORT_VERSION),
    /** The stage whose pool this is (`dev`, `staging`, `prod`). */
    stage: text(32),
    userPoolId: text(55),
    exportedAt: z.iso.datetime(),
    groups: z.array(ExportedGroupSchema),
    users: z.array(ExportedUserSchema),
  })
  .check(
    z.refine((doc) => duplicatesOf(doc.users.map((u) => u.username)).length === 0, 'usernames must be unique'),
    z.refine((doc) => duplicatesOf(doc.users.map((u) => u.sub)).length === 0, 'subs must be unique'),
    z.refine((doc) => duplicatesOf(doc.groups.map((g) => g.name)).length === 0, 'group names must be unique'),
    z.refine((doc) => {
      const groups = new Set(doc.groups.map((g) => g.name));
      return doc.users.every((user) => user.groups.every((group) => groups.has(group)));
    }, 'every group a user is in must be listed in groups'),
  );
/** The whole export document. */
export type UserExport = z.infer<typeof UserExportSchema>;

/** What one export is made from: the directory as read, at `exportedAt`. */
export interface UserExportInput {
  readonly stage: string;
  readonly userPoolId: string;
  readonly exportedAt: Date;
  readonly users: readonly DirectoryUser[];
  readonly groups: readonly DirectoryGroup[];
  /** The usernames in each group, by group name. */
  readonly members: ReadonlyMap<string, readonly string[]>;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The export document of `input`: users and groups sorted by name (two exports of an unchanged
 * pool differ only in `exportedAt`), each user with their groups. A member of a group who is
 * not among the users (removed between the reads) is left out. Checked against
 * {@link UserExportSchema}, so what is written can always be read back.
 */
export const buildUserExport = (input: UserExportInput): UserExport => {
  const groupsOf = new Map<string, string[]>();
  for (const [group, usernames] of input.members) {
    for (const username of usernames) groupsOf.set(username, [...(groupsOf.get(username) ?? []), group]);
  }
  const document: UserExport = {
    format: USER_EXPORT_FORMAT,
    version: USER_EXPORT_VERSION,
    stage: input.stage,
    userPoolId: input.userPoolId,
    exportedAt: input.exportedAt.toISOString(),
    groups: [...input.groups]
      .sort((a, b) => byText(a.name, b.name))
      .map((group) => ({
        name: group.name,
        ...(group.description !== undefined ? { description: group.description } : {}),
        ...(group.precedence !== undefined ? { precedence: group.precedence } : {}),
      })),
    users: [...input.users]
      .sort((a, b) => byText(a.username, b.username))
      .map((user) => ({
        username: user.username,
        sub: user.sub,
        ...(user.email !== undefined ? { email: user.email } : {}),
        emailVerified: user.emailVerified,
        ...(user.name !== undefined ? { name: user.name } : {}),
        ...(user.org !== undefined ? { org: user.org } : {}),
        enabled: user.enabled,
        status: user.status,
        groups: [...new Set(groupsOf.get(user.username) ?? [])].sort(byText),
        createdAt: user.createdAt.toISOString(),
        modifiedAt: user.modifiedAt.toISOString(),
      })),
  };
  return UserExportSchema.parse(document);
};

/** `2026-12-03T02:15:07.123Z` → `20261203T021507Z`. */
const compactInstant = (at: Date): string => `${at.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;

/**
 * The object key of the export taken at `exportedAt`: one folder per UTC day, so a restore
 * picks a day, and a name that sorts by time within it.
 */
export const userExportKeyOf = (exportedAt: Date): string => {
  const day = exportedAt.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${USER_EXPORT_PREFIX}${day}/users-${compactInstant(exportedAt)}.json`;
};

/** The export as the bytes stored: indented JSON (a person restoring may read it), one final newline. */
export const serializeUserExport = (document: UserExport): string => `${JSON.stringify(document, null, 2)}\n`;
