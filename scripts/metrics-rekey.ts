/**
 * `npm run metrics:rekey -- --table jointly-<stage>`: moves the metrics counter cells a stage
 * counted before 2026-12-03 (one partition per service area × month × shard) into the
 * current layout (one partition per shard), once, after deploying the version that writes
 * it (docs/operations.md "Metrics counters: moving the first layout"). Safe to stop and run
 * again; `--dry-run` only counts.
 *
 *   npm run metrics:rekey -- --table jointly-prod --region eu-west-2 --dry-run
 *   npm run metrics:rekey -- --table jointly-prod --region eu-west-2 --since 2026-01
 *   npm run metrics:rekey -- --table jointly-local --endpoint http://127.0.0.1:8000
 *
 * `--since` (default: 36 months back) is the earliest month to look at: a cell counts on its
 * referral's submission day, so referrals made before metrics existed may have cells in
 * earlier months. `--until` defaults to this month. Credentials: the SDK's default chain.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { SERVICE_AREAS } from '../shared/core/reference-data.ts';
import { createDocumentClient } from '../shared/platform/dynamodb/dynamo-client.ts';
import { rekeyLegacyCells } from '../shared/metrics/data/legacy-cells.ts';
import { monthsBetween } from '../shared/metrics/domain/summary.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** `YYYY-MM` of `date`, `back` months earlier. */
const monthOf = (date: Date, back = 0): string => {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - back, 1));
  return d.toISOString().slice(0, 7);
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      table: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const now = new Date();
  const since = values.since ?? monthOf(now, 36);
  const until = values.until ?? monthOf(now);
  if (!values.table) throw new Error('--table is required (the stage table, e.g. jointly-prod).');
  for (const [flag, value] of [
    ['--since', since],
    ['--until', until],
  ] as const) {
    if (!MONTH.test(value)) throw new Error(`${flag} must be a month, YYYY-MM (got ${value}).`);
  }
  const client = createDocumentClient({ endpoint: values.endpoint, region: values.region });
  const months = monthsBetween(`${since}-01`, `${until}-01`);
  console.log(`${values['dry-run'] ? 'Counting' : 'Moving'} legacy metrics cells of ${values.table}, ${until} back to ${since}…`);
  const result = await rekeyLegacyCells({
    client,
    tableName: values.table,
    months,
    serviceAreas: SERVICE_AREAS,
    dryRun: values['dry-run'],
    progress: (line) => console.log(`  ${line}`),
  });
  console.log(
    `${result.partitions} legacy partitions read: ${result.found} cells found, ${result.moved} moved` +
      (result.movedElsewhere > 0 ? `, ${result.movedElsewhere} moved by another run` : '') +
      '.',
  );
  client.destroy();
};

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
