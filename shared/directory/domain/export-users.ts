/**
 * The daily export of the user directory (issue 19, disaster recovery): read every user, every
 * group and each group's members, and store them as one document (user-export.ts). Nothing is
 * written when a read fails, so a stored export is always a whole directory.
 */
import { collect, type ExportWriter, type UserDirectoryReader } from './ports.ts';
import { buildUserExport, serializeUserExport, userExportKeyOf } from './user-export.ts';

/** What the export needs. */
export interface ExportUsersDependencies {
  readonly reader: UserDirectoryReader;
  readonly writer: ExportWriter;
  /** The stage whose pool is read (recorded in the document). */
  readonly stage: string;
  /** The pool read (recorded in the document: a restore names the pool it came from). */
  readonly userPoolId: string;
  /** @default the current time */
  readonly now?: () => Date;
}

/** What one export stored: where, and counts only (never who). */
export interface ExportUsersResult {
  readonly key: string;
  readonly users: number;
  readonly groups: number;
  /** Group memberships of the exported users. */
  readonly memberships: number;
  readonly disabledUsers: number;
}

/** Reads the whole directory and stores it as one export document. */
export const exportUsers = async (dependencies: ExportUsersDependencies): Promise<ExportUsersResult> => {
  const { reader, writer } = dependencies;
  const exportedAt = (dependencies.now ?? (() => new Date()))();
  const groups = await collect(reader.groups());
  const members = new Map<string, string[]>();
  for (const group of groups) members.set(group.name, await collect(reader.usernamesInGroup(group.name)));
  // Users last: a user created while the groups were read is exported (without that group
  // until the next export) rather than listed in a group with no user behind it.
  const users = await collect(reader.users());
  const document = buildUserExport({ stage: dependencies.stage, userPoolId: dependencies.userPoolId, exportedAt, users, groups, members });
  const key = userExportKeyOf(exportedAt);
  await writer.write(key, serializeUserExport(document));
  return {
    key,
    users: document.users.length,
    groups: document.groups.length,
    memberships: document.users.reduce((sum, user) => sum + user.groups.length, 0),
    disabledUsers: document.users.filter((user) => !user.enabled).length,
  };
};
