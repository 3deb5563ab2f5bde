/**
 * `npm run import-users -- --from <export.json> --to <user pool id>`: recreates the users of a
 * user-directory export (docs/user-directory-export.md) in a pool, with their e-mail, name,
 * organisation (`custom:org`), groups and disabled state. A dry run by default: it reads the
 * pool and says what it would do. `--apply` creates the missing users (Cognito sends them
 * nothing) and adds the missing group memberships; `--invite` (with `--apply`) then has the pool
 * e-mail every user who has not signed in yet a temporary password. Safe to run again: a second
 * run finds the users it created and only does what is left.
 *
 *   aws s3 cp s3://<UserExportBucketName>/user-directory/2026/12/03/users-20261203T021507Z.json export.json
 *   npm run import-users -- --from export.json --to eu-west-2_AbCdEf123
 *   npm run import-users -- --from export.json --to eu-west-2_AbCdEf123 --apply
 *   npm run import-users -- --from export.json --to eu-west-2_AbCdEf123 --apply --invite
 *
 * Every user gets a new `sub` in the new pool. `--apply` writes the old → new `sub` of every user
 * it created or found to `--sub-map` (default: beside the export, `<export>.sub-map.<pool id>.json`):
 * the records keep naming people by their old `sub`, and this file is what ties them together.
 * Credentials: the default chain; the pool's region is read from its id unless `--region` says.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CognitoUserDirectory, cognitoClient } from '../shared/directory/data/cognito-user-directory.ts';
import {
  type ImportSkipReason,
  type ImportUsersReport,
  importUsers,
  invitationsOf,
  membershipsOf,
  subMapOf,
} from '../shared/directory/domain/import-users.ts';
import type { UserDirectoryReader, UserDirectoryWriter } from '../shared/directory/domain/ports.ts';
import { type UserExport, UserExportSchema } from '../shared/directory/domain/user-export.ts';

/** A wrong argument or input file: one sentence saying which and what is expected. */
export class ImportUsersUsageError extends Error {}

/** A user pool id: `<region>_<id>`, e.g. `eu-west-2_AbCdEf123`. */
const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$/;

/** The region of a user pool, read from its id. */
export const regionOfUserPool = (userPoolId: string): string => {
  const match = USER_POOL_ID.exec(userPoolId);
  if (!match) throw new ImportUsersUsageError(`--to takes a user pool id such as eu-west-2_AbCdEf123 (got "${userPoolId}").`);
  return match[1]!;
};

/** Reads and checks an export document: a wrong file fails with the first problem found. */
export const parseUserExport = (text: string, source: string): UserExport => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ImportUsersUsageError(`${source} is not JSON: --from takes an export as the daily export wrote it.`);
  }
  const parsed = UserExportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new ImportUsersUsageError(`${source} is not a user-directory export${where}: ${issue?.message ?? 'unreadable'}.`);
  }
  return parsed.data;
};

/** Where the sub map goes when `--sub-map` does not say: beside the export, named after the pool. */
export const defaultSubMapPath = (from: string, toUserPoolId: string): string =>
  `${from.replace(/\.json$/i, '')}.sub-map.${toUserPoolId}.json`;

const SKIP_WORDS: Record<ImportSkipReason, string> = {
  'no-email': 'without an e-mail address',
  'external-provider': 'signed in through another identity provider (they come back on their next sign-in)',
  'duplicate-email': 'sharing an e-mail address with an earlier user of the export',
};

/** What one run found and did, in lines: counts and group names only, never a person. */
export const describeImport = (document: UserExport, report: ImportUsersReport, invite: boolean): string[] => {
  const { plan } = report;
  const lines = [
    `${document.users.length} users in the export of ${document.userPoolId} (${document.stage}, taken ${document.exportedAt}):`,
    `  ${plan.create.length} to create (${plan.create.filter((item) => !item.user.enabled).length} of them disabled, as exported),`,
    `  ${plan.present.length} already in the pool, ${membershipsOf(plan)} group memberships to add in all,`,
    `  ${plan.notInExport} users of the pool not in the export, left as they are.`,
  ];
  for (const reason of Object.keys(SKIP_WORDS) as ImportSkipReason[]) {
    const count = plan.skipped.filter((skip) => skip.reason === reason).length;
    if (count > 0) lines.push(`  ${count} left out, ${SKIP_WORDS[reason]}.`);
  }
  if (plan.unknownGroups.length > 0) {
    lines.push(`  Groups the pool lacks (their memberships are not restored; deploy the stage first): ${plan.unknownGroups.join(', ')}.`);
  }
  if (!report.applied) {
    lines.push(
      `Dry run: nothing written (add --apply; with --invite, ${invitationsOf(plan)} users would be e-mailed a temporary password).`,
    );
    return lines;
  }
  lines.push(
    `Created ${report.created} (disabled ${report.disabled} again), added ${report.membershipsAdded} group memberships, ` +
      (invite
        ? `e-mailed ${report.invited} users a temporary password.`
        : 'invited nobody (run again with --apply --invite when the stage is back).'),
  );
  return lines;
};

/** A pool to read and write: the Cognito adapter, or a fake in tests. */
export type ImportDirectory = UserDirectoryReader & UserDirectoryWriter;

/** What {@link runImportUsers} reaches the world through; the defaults are the real ones. */
export interface ImportUsersIo {
  /** The pool `userPoolId` in `region` (at `endpoint`), and how to let go of it. */
  readonly directoryOf?: (target: { userPoolId: string; region: string; endpoint?: string | undefined }) => {
    readonly directory: ImportDirectory;
    readonly close: () => void;
  };
  readonly readFile?: (path: string) => string;
  readonly writeFile?: (path: string, text: string) => void;
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
}

const cognitoDirectoryOf: NonNullable<ImportUsersIo['directoryOf']> = ({ userPoolId, region, endpoint }) => {
  const client = cognitoClient({ region, ...(endpoint ? { endpoint } : {}) });
  return { directory: new CognitoUserDirectory({ client, userPoolId }), close: () => client.destroy() };
};

/** The command, on `args` (what follows `npm run import-users --`). */
export const runImportUsers = async (args: readonly string[], io: ImportUsersIo = {}): Promise<ImportUsersReport> => {
  const log = io.log ?? console.log;
  const { values } = parseArgs({
    args: [...args],
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      apply: { type: 'boolean', default: false },
      invite: { type: 'boolean', default: false },
      'sub-map': { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
    },
  });
  if (!values.from) throw new ImportUsersUsageError('--from is required: the export file (download it from the export bucket first).');
  if (!values.to) throw new ImportUsersUsageError('--to is required: the id of the user pool to import into, e.g. eu-west-2_AbCdEf123.');
  if (values.invite && !values.apply) throw new ImportUsersUsageError('--invite goes with --apply.');
  const region = values.region ?? regionOfUserPool(values.to);
  let text: string;
  try {
    text = (io.readFile ?? ((path) => readFileSync(path, 'utf8')))(values.from);
  } catch (error) {
    throw new ImportUsersUsageError(`Cannot read ${values.from}: ${(error as Error).message}`);
  }
  const document = parseUserExport(text, values.from);
  const { directory, close } = (io.directoryOf ?? cognitoDirectoryOf)({ userPoolId: values.to, region, endpoint: values.endpoint });
  log(`Reading ${values.to}${values.apply ? ', and writing' : ' (dry run)'}…`);
  try {
    const report = await importUsers({ document, reader: directory, writer: directory, apply: values.apply, invite: values.invite });
    for (const line of describeImport(document, report, values.invite)) log(line);
    if (report.applied) {
      const path = values['sub-map'] ?? defaultSubMapPath(values.from, values.to);
      const map = subMapOf(document, values.to, report, (io.now ?? (() => new Date()))());
      // Owner-only: the map ties the records' subs to accounts.
      (io.writeFile ?? ((file, body) => writeFileSync(file, body, { mode: 0o600 })))(path, `${JSON.stringify(map, null, 2)}\n`);
      log(`Wrote the old → new sub of ${Object.keys(report.subs).length} users to ${path}: keep it with the incident record.`);
    }
    return report;
  } finally {
    close();
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runImportUsers(process.argv.slice(2)).catch((error: unknown) => {
    console.error(
      error instanceof ImportUsersUsageError
        ? error.message
        : `Import failed (run it again: it carries on from where it stopped): ${(error as Error)?.stack ?? String(error)}`,
    );
    process.exitCode = error instanceof ImportUsersUsageError ? 2 : 1;
  });
}
