/**
 * `npm run resilience [-- --size small|full] [--only crash,faults,fuzz]`: the resilience
 * scenarios (scripts/resilience/), one after another, against the local runtime run as
 * `npm start` would run it. Prints `<scenario>: N passed, N failed` with what was exercised,
 * a line per check, and exits non-zero if any check failed. The e2e tests
 * (test/e2e/resilience-*.test.ts) run the same scenarios at the small size.
 *
 * The crash scenario starts its own persisted DynamoDB Local (it kills it with the
 * runtime); the others share one DynamoDB Local started here, or `DYNAMODB_ENDPOINT`.
 */
import { parseArgs } from 'node:util';
import { startDynamoDbLocal, type DynamoDbLocal } from '../infra/local/dynamodb-local.ts';
import { SIZES, type ScenarioOptions, type ScenarioResult, type Size } from './resilience/common.ts';
import { crashScenario } from './resilience/crash.ts';
import { faultsScenario } from './resilience/faults.ts';
import { fuzzScenario } from './resilience/fuzz.ts';

const SCENARIOS: Readonly<Record<string, (options: ScenarioOptions) => Promise<ScenarioResult>>> = {
  crash: crashScenario,
  faults: faultsScenario,
  fuzz: fuzzScenario,
};

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'full' },
    only: { type: 'string' },
    seed: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(`Usage: npm run resilience [-- --size small|full] [--only ${Object.keys(SCENARIOS).join(',')}] [--seed N] [--quiet]`);
  process.exit(0);
}
if (!SIZES.includes(values.size as Size)) {
  console.error(`--size must be one of ${SIZES.join(', ')}, not "${values.size}".`);
  process.exit(2);
}
const size = values.size as Size;
const seed = values.seed === undefined ? undefined : Number(values.seed);
if (seed !== undefined && !Number.isSafeInteger(seed)) {
  console.error(`--seed must be a whole number, not "${values.seed}".`);
  process.exit(2);
}
const names = values.only ? values.only.split(',').map((n) => n.trim()) : Object.keys(SCENARIOS);
const unknown = names.filter((n) => !SCENARIOS[n]);
if (unknown.length > 0) {
  console.error(`Unknown scenario ${unknown.join(', ')}: choose from ${Object.keys(SCENARIOS).join(', ')}.`);
  process.exit(2);
}

const log = values.quiet ? () => undefined : (line: string) => console.log(`  · ${line}`);
let dynamo: DynamoDbLocal | undefined;
const shared = async (): Promise<string> => {
  if (process.env.DYNAMODB_ENDPOINT) return process.env.DYNAMODB_ENDPOINT;
  dynamo ??= await startDynamoDbLocal();
  return dynamo.endpoint;
};

const results: ScenarioResult[] = [];
try {
  for (const name of names) {
    console.log(`${name} (${size})…`);
    let result: ScenarioResult;
    try {
      result = await SCENARIOS[name]!({ size, log, seed, ...(name === 'crash' ? {} : { dynamodbEndpoint: await shared() }) });
    } catch (error) {
      // A scenario that could not run is a failure, not a crash of the whole run.
      result = {
        name,
        passed: 0,
        failed: 1,
        details: [`FAILED  the scenario ran to the end — ${(error as Error)?.stack ?? error}`],
        checks: [],
        counts: {},
        durationMs: 0,
      };
    }
    results.push(result);
    const counts = Object.entries(result.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    console.log(
      `${result.name}: ${result.passed} passed, ${result.failed} failed (${(result.durationMs / 1000).toFixed(1)} s)${counts ? ` — ${counts}` : ''}`,
    );
    for (const line of result.details) console.log(`    ${line}`);
  }
} finally {
  await dynamo?.stop();
}

const failed = results.reduce((sum, r) => sum + r.failed, 0);
console.log(`\n${results.map((r) => `${r.name}: ${r.passed} passed, ${r.failed} failed`).join('\n')}`);
process.exit(failed > 0 ? 1 : 0);
