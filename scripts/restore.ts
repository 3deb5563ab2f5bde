/**
 * `npm run restore -- --from <source> --to <table>`: brings a damaged table back from a copy.
 * A dry run by default: it says how many items the target lacks, holds changed, or holds that
 * the copy never had. `--apply` writes the missing and changed items; `--delete-extra` (with
 * `--apply`) also removes the extra ones. Safe to run again: a second run finds nothing to do.
 *
 *   npm run restore -- --from pitr:2026-12-03T09:15:00Z --to jointly-prod --region eu-west-2
 *   npm run restore -- --from backup:arn:aws:dynamodb:eu-west-2:…:table/jointly-prod/backup/… --to jointly-prod
 *   npm run restore -- --from table:jointly-prod-restored-0915 --to jointly-prod --apply
 *   npm run restore -- --from table:jointly-copy --to jointly-local --endpoint http://127.0.0.1:8000
 *
 * `pitr:` and `backup:` first restore into a new table, `<to>-restored-<yyyymmddhhmm>`
 * (DynamoDB restores only into a new table), wait for it, then compare; that table is left for
 * you to delete once the target is right (docs/operations.md "Restoring the table").
 * DynamoDB Local has neither point-in-time recovery nor backups: locally use `table:`.
 * Credentials: the SDK's default chain.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import {
  DynamoDBClient,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../shared/platform/dynamodb/dynamo-client.ts';
import { restoreItems, type RestorePlan } from './restore/copy-items.ts';

/** Where the copy comes from. */
export type RestoreSource =
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'pitr'; readonly at: Date }
  | { readonly kind: 'backup'; readonly arn: string };

/** A wrong argument: one sentence saying which and what is expected. */
export class RestoreUsageError extends Error {}

/** Reads `--from`: `table:<name>`, `pitr:<ISO instant>` or `backup:<backup ARN>`. */
export const parseSource = (raw: string | undefined, now = new Date()): RestoreSource => {
  const [kind, ...rest] = (raw ?? '').split(':');
  const value = rest.join(':');
  if (kind === 'table' && /^[A-Za-z0-9_.-]{3,255}$/.test(value)) return { kind, table: value };
  if (kind === 'pitr') {
    const at = new Date(value);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(at.getTime())) {
      throw new RestoreUsageError(`--from pitr: takes an ISO instant with its offset, e.g. pitr:2026-12-03T09:15:00Z (got "${value}").`);
    }
    if (at > now) throw new RestoreUsageError(`--from pitr:${value} is in the future.`);
    return { kind, at };
  }
  if (kind === 'backup' && value.startsWith('arn:aws:dynamodb:') && value.includes('/backup/')) return { kind, arn: value };
  throw new RestoreUsageError(`--from takes table:<name>, pitr:<ISO instant> or backup:<backup ARN> (got "${raw ?? ''}").`);
};

/** The one line a plan prints. */
export const describePlan = (plan: RestorePlan, apply: boolean): string =>
  `${plan.sourceItems} items in the copy: ${plan.missing} missing from the target, ${plan.changed} changed, ${plan.extra} not in the copy` +
  (apply ? `; wrote ${plan.written}, deleted ${plan.deleted}.` : '. Dry run: nothing written (add --apply).');

const stamp = (date: Date): string => date.toISOString().replace(/[-:T]/g, '').slice(0, 12);

/** Restores `pitr:`/`backup:` into a new table and answers its name; `table:` as it is. */
const sourceTable = async (client: DynamoDBClient, source: RestoreSource, target: string): Promise<string> => {
  if (source.kind === 'table') return source.table;
  const name = `${target}-restored-${stamp(new Date())}`;
  console.log(`Restoring ${source.kind === 'pitr' ? `${target} as it was at ${source.at.toISOString()}` : source.arn} into ${name}…`);
  if (source.kind === 'pitr') {
    await client.send(new RestoreTableToPointInTimeCommand({ SourceTableName: target, TargetTableName: name, RestoreDateTime: source.at }));
  } else {
    await client.send(new RestoreTableFromBackupCommand({ BackupArn: source.arn, TargetTableName: name }));
  }
  await waitUntilTableExists({ client, maxWaitTime: 4 * 3600 }, { TableName: name });
  return name;
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      apply: { type: 'boolean', default: false },
      'delete-extra': { type: 'boolean', default: false },
      region: { type: 'string' },
      endpoint: { type: 'string' },
    },
  });
  const source = parseSource(values.from);
  if (!values.to) throw new RestoreUsageError('--to is required: the table to bring back, e.g. jointly-prod.');
  if (values['delete-extra'] && !values.apply) throw new RestoreUsageError('--delete-extra goes with --apply.');
  if (values.endpoint && source.kind !== 'table')
    throw new RestoreUsageError('DynamoDB Local has no backups or point-in-time recovery: use --from table:<name>.');
  const client = new DynamoDBClient({
    ...(values.region ? { region: values.region } : {}),
    ...(values.endpoint
      ? { endpoint: values.endpoint, region: values.region ?? 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  const from = await sourceTable(client, source, values.to);
  if (from === values.to) throw new RestoreUsageError('--from and --to name the same table.');
  console.log(`Comparing ${from} (the copy) with ${values.to}${values.apply ? ', and writing' : ' (dry run)'}…`);
  const plan = await restoreItems({
    client: createDocumentClient({ endpoint: values.endpoint, region: values.region }),
    source: from,
    target: values.to,
    apply: values.apply,
    deleteExtra: values['delete-extra'],
  });
  console.log(describePlan(plan, values.apply));
  client.destroy();
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof RestoreUsageError ? error.message : `Restore failed: ${(error as Error)?.stack ?? String(error)}`);
    process.exitCode = error instanceof RestoreUsageError ? 2 : 1;
  });
}
