/**
 * `npm start`: the local Jointly API on DynamoDB Local, no AWS account needed.
 *
 *   PORT=3000                      port to serve on (default 3000; 0 = any free port)
 *   DYNAMODB_ENDPOINT=http://…     use this DynamoDB instead of starting DynamoDB Local
 *   JOINTLY_LOCAL_DATA_DIR=.local-data   or `npm start -- --persist [dir]`: keep data between runs
 *   `npm start -- --seed demo`     once ready, fill it with a believable morning through the API (demo-seed.ts)
 *     and print the demo users to sign in as; with JOINTLY_PRIORITY_TARGET_MINUTES unset, urgent
 *     referrals get a one-minute target on this runtime, so the seeded urgent one turns overdue
 *   JOINTLY_PRIORITY_TARGET_MINUTES='{"urgent":1}'   shorter response targets, to see a breach
 *   JOINTLY_TABLE_NAME=jointly-local   table name (two runtimes on one DynamoDB can keep apart)
 *   JOINTLY_SLA_SWEEP_SECONDS=15   how often overdue referrals and handoff offers are looked for
 *   JOINTLY_RETENTION='{"closedReferral":"PT30S"}', JOINTLY_TTL_SWEEP_SECONDS=5   closed referrals disposed of
 *     30 s after their last activity, expired items deleted every 5 s (docs/records-retention.md)
 *   JOINTLY_LOCAL_MAIL_DIR=<data dir>/mail   where alert e-mails are written as .eml files
 *   JOINTLY_FAULT_RATE=0.2, JOINTLY_SDK_FAULT_RATE=0.05   tests, benchmarks and `npm run resilience` only:
 *     fail that fraction of publishes and delivery attempts / of DynamoDB attempts on purpose
 *
 * Local-only routes beside `POST /_local/token`: `GET /_local/stats` (injected faults, publishes,
 * requests, writes of rejected requests) and `POST /_local/drain` (answers once the event path is idle).
 */
import { parseArgs } from 'node:util';
import { DEMO_PRIORITY_TARGET_MINUTES, demoRuntimeEnv, demoUserLines, describeDemoSummary, seedDemo } from './demo-seed.ts';
import { JavaUnavailableError } from './dynamodb-local.ts';
import { PortInUseError, startLocalRuntime } from './runtime.ts';

const DEFAULT_PORT = 3000;
const DEFAULT_DATA_DIR = '.local-data';

const { values } = parseArgs({
  options: {
    persist: { type: 'string' },
    seed: { type: 'string' },
    'in-memory': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: false,
  strict: true,
  // `--persist` with no value means the default folder; `--seed` with none is refused below, not by parseArgs' stack trace.
  args: process.argv.slice(2).flatMap((arg, i, all) => {
    const bare = all[i + 1] === undefined || all[i + 1]!.startsWith('--');
    if (arg === '--persist' && bare) return [`--persist=${DEFAULT_DATA_DIR}`];
    if (arg === '--seed' && bare) return ['--seed='];
    return [arg];
  }),
});

if (values.help) {
  console.log(
    'Usage: npm start [-- --persist [dir] | --in-memory] [--seed demo]\nEnvironment: PORT, DYNAMODB_ENDPOINT, JOINTLY_LOCAL_DATA_DIR, JOINTLY_PRIORITY_TARGET_MINUTES, JOINTLY_RETENTION, JOINTLY_TTL_SWEEP_SECONDS, JOINTLY_FAULT_RATE, JOINTLY_SDK_FAULT_RATE',
  );
  process.exit(0);
}

if (values.seed !== undefined && values.seed !== 'demo') {
  console.error(`--seed takes one value, demo (a believable morning of referrals and handoffs), not "${values.seed}".`);
  process.exit(2);
}
// Only the demo shortens a target, and only when the user chose none: theirs always win.
const seedEnv = values.seed === 'demo' ? demoRuntimeEnv(process.env) : {};

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
    env: seedEnv,
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
  console.log(`Audit archive: access-log entries and events appended under ${runtime.auditDir}`);
  console.log(`Get a token: curl -s -X POST ${runtime.url}/_local/token -d '{"sub":"alice","org":"ecc","roles":["practitioner"]}'`);
  console.log(`Jointly local API ready at ${runtime.url}`);

  let stopping = false;
  const shutdown = (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping…`);
    runtime.stop().then(
      () => process.exit(code),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  if (values.seed === 'demo') {
    if (Object.keys(seedEnv).length > 0) {
      console.log(
        `--seed demo: JOINTLY_PRIORITY_TARGET_MINUTES is unset, so this runtime uses ${JSON.stringify(DEMO_PRIORITY_TARGET_MINUTES)}: ` +
          'an urgent referral is due a minute after it is made, so the urgent one the demo leaves awaiting triage turns overdue a minute after it is seeded ' +
          "(set JOINTLY_PRIORITY_TARGET_MINUTES='{}' for the usual targets).",
      );
    }
    console.log('Seeding the demo morning through the API…');
    try {
      const summary = await seedDemo(runtime.url, (line) => console.log(line));
      for (const line of demoUserLines(runtime.url)) console.log(line);
      console.log(`Seeded the demo morning: ${describeDemoSummary(summary)}`);
    } catch (error) {
      // A seed that fails half-way is a bug to see, not a runtime to keep serving half a morning.
      if (!stopping) {
        console.error('The demo seed failed:', error instanceof Error ? error.message : error);
        shutdown('seed failed', 1);
      }
    }
  }
} catch (error) {
  if (error instanceof JavaUnavailableError || error instanceof PortInUseError) {
    console.error(error.message);
  } else {
    console.error('The local runtime could not start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
}
