/**
 * `npm start`: the local Jointly API on DynamoDB Local, no AWS account needed.
 *
 *   PORT=3000                      port to serve on (default 3000; 0 = any free port)
 *   DYNAMODB_ENDPOINT=http://…     use this DynamoDB instead of starting DynamoDB Local
 *   JOINTLY_LOCAL_DATA_DIR=.local-data   or `npm start -- --persist [dir]`: keep data between runs
 *   JOINTLY_PRIORITY_TARGET_MINUTES='{"urgent":1}'   shorter response targets, to see a breach
 *   JOINTLY_TABLE_NAME=jointly-local   table name (two runtimes on one DynamoDB can keep apart)
 *   JOINTLY_SLA_SWEEP_SECONDS=15   how often overdue referrals and handoff offers are looked for
 *   JOINTLY_LOCAL_MAIL_DIR=<data dir>/mail   where alert e-mails are written as .eml files
 *   JOINTLY_FAULT_RATE=0.2, JOINTLY_SDK_FAULT_RATE=0.05   tests, benchmarks and `npm run resilience` only:
 *     fail that fraction of publishes and delivery attempts / of DynamoDB attempts on purpose
 *
 * Local-only routes beside `POST /_local/token`: `GET /_local/stats` (injected faults, publishes,
 * requests, writes of rejected requests) and `POST /_local/drain` (answers once the event path is idle).
 */
import { parseArgs } from 'node:util';
import { JavaUnavailableError } from './dynamodb-local.ts';
import { PortInUseError, startLocalRuntime } from './runtime.ts';

const DEFAULT_PORT = 3000;
const DEFAULT_DATA_DIR = '.local-data';

const { values } = parseArgs({
  options: {
    persist: { type: 'string' },
    'in-memory': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: false,
  strict: true,
  // `--persist` with no value means the default folder.
  args: process.argv
    .slice(2)
    .flatMap((arg, i, all) =>
      arg === '--persist' && (all[i + 1] === undefined || all[i + 1]!.startsWith('--')) ? [`--persist=${DEFAULT_DATA_DIR}`] : [arg],
    ),
});

if (values.help) {
  console.log(
    'Usage: npm start [-- --persist [dir] | --in-memory]\nEnvironment: PORT, DYNAMODB_ENDPOINT, JOINTLY_LOCAL_DATA_DIR, JOINTLY_PRIORITY_TARGET_MINUTES, JOINTLY_FAULT_RATE, JOINTLY_SDK_FAULT_RATE',
  );
  process.exit(0);
}

const portSetting = process.env.PORT;
const port = portSetting === undefined || portSetting === '' ? DEFAULT_PORT : Number(portSetting);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a whole number from 0 to 65535, not "${portSetting}".`);
  process.exit(1);
}
const externalEndpoint = process.env.DYNAMODB_ENDPOINT || undefined;
const persistDir = values['in-memory'] ? undefined : (values.persist ?? (process.env.JOINTLY_LOCAL_DATA_DIR || undefined));

try {
  const runtime = await startLocalRuntime({
    port,
    // Only the default port falls back: an explicit PORT that is busy is an error.
    fallbackToFreePort: portSetting === undefined || portSetting === '',
    dynamodbEndpoint: externalEndpoint,
    persistDir,
    ...(process.env.JOINTLY_TABLE_NAME ? { tableName: process.env.JOINTLY_TABLE_NAME } : {}),
  });
  if (runtime.usedFallbackPort) console.log(`Port ${DEFAULT_PORT} is busy (another runtime?), so a free port was chosen.`);
  console.log(
    `DynamoDB: ${runtime.dynamodbEndpoint} (table ${runtime.tableName}, ${
      externalEndpoint ? 'external' : persistDir ? `persisted in ${persistDir}` : 'in memory'
    })`,
  );
  console.log(
    `Events: published from the table's stream; SLA sweep every ${process.env.JOINTLY_SLA_SWEEP_SECONDS || 15} s; alert e-mails written to ${runtime.mailDir}`,
  );
  console.log(`Get a token: curl -s -X POST ${runtime.url}/_local/token -d '{"sub":"alice","org":"ecc","roles":["practitioner"]}'`);
  console.log(`Jointly local API ready at ${runtime.url}`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping…`);
    runtime.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  if (error instanceof JavaUnavailableError || error instanceof PortInUseError) {
    console.error(error.message);
  } else {
    console.error('The local runtime could not start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
}
