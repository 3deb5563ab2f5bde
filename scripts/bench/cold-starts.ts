/**
 * The cold-start section of `npm run bench`: for each API function, what its first request
 * costs in a fresh execution environment, against a bare `node` and against the same
 * request answered warm. Importing a bundle alone (the `bundles` section) is not a cold
 * start: this section runs what Lambda runs.
 *
 * Each sample is a fresh `node` (a child) that imports the function's bundle, built once per
 * run exactly as CDK builds it, runs its module's top level — including reading its HMAC
 * keys from Secrets Manager, here a local stand-in (secrets-stand-in.ts) the SDK is pointed
 * at by `AWS_ENDPOINT_URL_SECRETS_MANAGER` — and answers a real first request: an API
 * Gateway payload 2.0 event built by the local gateway's adapter, with the JWT authorizer's
 * claims, against DynamoDB Local (the runtime's, through `AWS_ENDPOINT_URL_DYNAMODB`, so the
 * SDK resolves credentials and endpoint as a deployed function does). The child writes one
 * line when the handler's promise resolves; the parent timestamps it. Then the child answers
 * fresh equivalent requests warm. Bare `node` runs of an empty module are timed the same
 * way, and every round runs the baseline and each function once, starting one further along
 * each time, so a burst of machine load is spread over all of them.
 *
 * The state each request needs is made beforehand through the runtime's own API
 * (cold-requests.ts), and the runtime is drained before each child, so its event path is
 * idle when the clock starts.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENV, POWERTOOLS_ENV, SECRET_ARN_ENV, type ApiSecretName } from '../../shared/platform/config/environment.ts';
import { functionIdOf, type RouteDefinition } from '../../shared/platform/http/route-definition.ts';
import { DEFAULT_ROUTE, ROUTES } from '../../shared/wiring/routes.ts';
import { loadStageConfig } from '../../infra/config/stage-config.ts';
import { FUNCTION_ENTRIES } from '../../infra/function-entries.ts';
import { stageFunctionSettings } from '../../infra/function-settings.ts';
import { bundleFunctions, importEnvironment } from '../bundle-measure.ts';
import { coldEvent, type ColdRoute } from './cold-event.ts';
import { ColdFixtures, coldRequestPlanOf } from './cold-requests.ts';
import { sampleOf, summarizeColdStarts, type ChildReport, type FunctionSamples } from './cold-summary.ts';
import type { JsonClient } from './http-client.ts';
import type { ColdStartsResult } from './results.ts';
import { startSecretsStandIn, type StandInSecret } from './secrets-stand-in.ts';

/** Cold starts per function by default (`--cold-runs`). */
export const DEFAULT_COLD_RUNS = 5;
/** Warm requests each child answers after its first. */
export const WARM_REQUESTS = 5;
/** The stage whose function settings (memory, timeout, log level) the children run with. */
export const COLD_STAGE = 'prod';
/** A child that has not finished by then is killed and its function reported failed. */
export const CHILD_TIMEOUT_MS = 60_000;
/** Every endpoint not named here goes to this closed port: nothing a child does can reach AWS. */
export const CLOSED_ENDPOINT = 'http://127.0.0.1:9';

/** The prefix of the child's own lines on its stdout (the function's log lines go there too). */
export const CHILD_LINE_MARK = '@@jointly-cold ';

/** Where the stand-in's secrets live: names and ARNs shaped like a deployed stage's. */
export const STAND_IN_SECRET_IDS: Readonly<Record<ApiSecretName, { readonly name: string; readonly arn: string }>> = {
  subjectHashKey: {
    name: 'jointly-prod/subject-hash-key',
    arn: 'arn:aws:secretsmanager:eu-west-2:000000000000:secret:jointly-prod/subject-hash-key-Qx7Lm2',
  },
  cursorKey: {
    name: 'jointly-prod/cursor-key',
    arn: 'arn:aws:secretsmanager:eu-west-2:000000000000:secret:jointly-prod/cursor-key-Vb3Np8',
  },
};

/**
 * The child's program: what Lambda's Node.js runtime does in a new execution environment,
 * timed on the child's clock. It notes every outgoing HTTP request (the SDK's) through
 * Node's diagnostics channels, reads its plan (the events, read before the clock of the
 * import starts, by the baseline too), imports the bundle (Lambda's `await import()` of the
 * handler module), then invokes the handler with each event of the plan, one after the
 * other, with a Lambda-like context; one line when the first has answered, one with every
 * timing at the end. With no event (the baseline) it only imports.
 */
export const COLD_PROBE = `import { subscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
const bootMs = performance.now();
const http = [];
subscribe('http.client.request.start', ({ request }) => {
  request.coldCall = http.push({ target: String(request.getHeader('x-amz-target') ?? request.method), startMs: performance.now() }) - 1;
});
subscribe('http.client.response.finish', ({ request }) => {
  if (http[request.coldCall]) http[request.coldCall].endMs = performance.now();
});
const say = (line) => process.stdout.write('\\n${CHILD_LINE_MARK}' + JSON.stringify(line) + '\\n');
const plan = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const importStartMs = performance.now();
const { handler } = await import(process.argv[2]);
const importEndMs = performance.now();
const invoke = async (event) => {
  const deadline = Date.now() + plan.timeoutMs;
  const context = {
    callbackWaitsForEmptyEventLoop: true, functionName: plan.functionName, functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:' + plan.functionName,
    memoryLimitInMB: String(plan.memoryMb), awsRequestId: crypto.randomUUID(),
    logGroupName: '/aws/lambda/' + plan.functionName, logStreamName: 'cold',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()), done() {}, fail() {}, succeed() {},
  };
  const startMs = performance.now();
  try {
    const result = await handler(event, context);
    return { startMs, ms: performance.now() - startMs, status: result?.statusCode ?? 200 };
  } catch (error) {
    return { startMs, ms: performance.now() - startMs, status: 500, error: String(error?.name ?? error) };
  }
};
if (plan.events.length === 0) {
  say({ phase: 'first' });
  say({ phase: 'done', bootMs, importStartMs, importEndMs, warm: [], http });
  process.exit(0);
}
const first = await invoke(plan.events[0]);
say({ phase: 'first', status: first.status });
const warm = [];
for (const event of plan.events.slice(1)) warm.push(await invoke(event));
say({ phase: 'done', bootMs, importStartMs, importEndMs, first, warm, http });
process.exit(0);
`;

/** The secrets the routes of `functionId` declare: what CDK grants it and its cold start reads. */
export const secretsOfFunction = (functionId: string, routes: readonly RouteDefinition[] = ROUTES): ApiSecretName[] =>
  [...new Set(routes.filter((r) => functionIdOf(r) === functionId).flatMap((r) => r.secrets ?? []))].sort();

/** Where a child runs: the resources its environment names. */
export interface ColdPlace {
  readonly tableName: string;
  readonly dynamodbEndpoint: string;
  /** The Secrets Manager stand-in. */
  readonly secretsEndpoint: string;
  /** A folder holding no AWS config or credential file. */
  readonly emptyDir: string;
}

/** What a function runs with in {@link COLD_STAGE}: its memory, and the stage's log level. */
export interface ColdFunctionSettings {
  readonly memoryMb: number;
  readonly logLevel: string;
}

/**
 * A child's environment: Lambda's (`importEnvironment`: region, function name, role
 * credentials, nothing inherited but `PATH`) with the deployed shape of what differs from
 * the bundle measurement: no HMAC key and no `DYNAMODB_ENDPOINT` (a local-only setting that
 * gives the clients fixed credentials), but the ARN variables of the secrets the function
 * declares, the SDK's own endpoint variables for DynamoDB and Secrets Manager, every other
 * service sent to a closed port, no shared AWS config files, and the stage's memory and
 * log level.
 */
export const coldEnvironment = (
  functionId: string,
  secrets: readonly ApiSecretName[],
  settings: ColdFunctionSettings,
  place: ColdPlace,
): Record<string, string> => {
  const {
    [ENV.dynamodbEndpoint]: _localEndpoint,
    [ENV.subjectHashKey]: _subjectHashKey,
    [ENV.cursorKey]: _cursorKey,
    ...lambda
  } = importEnvironment(functionId);
  return {
    ...lambda,
    AWS_LAMBDA_FUNCTION_NAME: `jointly-${COLD_STAGE}-${functionId}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memoryMb),
    AWS_LAMBDA_LOG_FORMAT: 'JSON',
    AWS_LAMBDA_LOG_LEVEL: settings.logLevel,
    POWERTOOLS_LOG_LEVEL: settings.logLevel,
    [POWERTOOLS_ENV.serviceName]: 'jointly',
    [ENV.stage]: COLD_STAGE,
    [ENV.tableName]: place.tableName,
    ...Object.fromEntries(secrets.map((name) => [SECRET_ARN_ENV[name], STAND_IN_SECRET_IDS[name].arn])),
    AWS_ENDPOINT_URL: CLOSED_ENDPOINT,
    AWS_ENDPOINT_URL_DYNAMODB: place.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: place.secretsEndpoint,
    AWS_CONFIG_FILE: path.join(place.emptyDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(place.emptyDir, 'no-aws-credentials'),
  };
};

/** What one child did, as the parent saw it. */
interface ChildRun {
  /** Spawn → the child's "first" line read. */
  readonly firstMs: number | undefined;
  readonly report: ChildReport | undefined;
  readonly exit: string;
  readonly stderr: string;
}

/** Spawns one child and follows it to its end; never rejects for what the child does. */
const runChild = (nodePath: string, args: readonly string[], env: Record<string, string>, cwd: string): Promise<ChildRun> =>
  new Promise((resolve, reject) => {
    let firstMs: number | undefined;
    let report: ChildReport | undefined;
    let pending = '';
    let stderr = '';
    const spawnedAt = performance.now();
    const child = spawn(nodePath, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const at = performance.now();
      pending += chunk;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        if (!line.startsWith(CHILD_LINE_MARK)) continue;
        const message = JSON.parse(line.slice(CHILD_LINE_MARK.length)) as { phase: string } & ChildReport;
        if (message.phase === 'first') firstMs ??= at - spawnedAt;
        else if (message.phase === 'done') report = message;
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 8000) stderr += chunk;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ firstMs, report, exit: signal ? `signal ${signal}` : `exit ${code}`, stderr });
    });
  });

/** Options of {@link measureColdStarts}. */
export interface ColdStartsOptions {
  /** A client of the running local runtime, to prepare state with. */
  readonly api: JsonClient;
  /** Resolves when the runtime's event path is idle. */
  readonly drain: () => Promise<void>;
  readonly tableName: string;
  readonly dynamodbEndpoint: string;
  /** The HMAC keys the stand-in serves: the runtime's, so the children read what it wrote. */
  readonly secretValues: Readonly<Record<ApiSecretName, string>>;
  /** Cold starts per function. @default DEFAULT_COLD_RUNS */
  readonly runs?: number;
  /** @default WARM_REQUESTS */
  readonly warmRequests?: number;
  /** Function ids to measure. @default every API function */
  readonly functions?: readonly string[];
  /** @default process.execPath */
  readonly nodePath?: string;
  readonly progress?: (line: string) => void;
}

/** What {@link measureColdStarts} returns. */
export interface ColdStartsMeasurement {
  readonly result: ColdStartsResult;
  readonly bareNodeSamplesMs: readonly number[];
  readonly functions: readonly FunctionSamples[];
}

const routeOf = (operationId: string): ColdRoute => {
  if (operationId === DEFAULT_ROUTE.operationId) return '$default';
  const route = ROUTES.find((r) => r.operationId === operationId);
  if (!route) throw new Error(`No route ${operationId}.`);
  return route;
};

/** The first lines of a failed child's stderr that say what went wrong. */
const failureOf = (run: ChildRun): string => {
  const lines = run.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('at '));
  return `${run.exit}${run.firstMs === undefined ? ', no first response' : ', no report'}${lines.length > 0 ? `: ${lines.slice(0, 3).join(' | ')}` : ''}`;
};

/** Runs the section (see the module comment). A child that fails marks its function failed; the others go on. */
export const measureColdStarts = async (options: ColdStartsOptions): Promise<ColdStartsMeasurement> => {
  const runs = options.runs ?? DEFAULT_COLD_RUNS;
  const warmRequests = options.warmRequests ?? WARM_REQUESTS;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('runs must be a whole number ≥ 1.');
  const nodePath = options.nodePath ?? process.execPath;
  const progress = options.progress ?? (() => undefined);
  const api = FUNCTION_ENTRIES.filter((f) => f.kind === 'api');
  const unknown = (options.functions ?? []).filter((id) => !api.some((f) => f.id === id));
  if (unknown.length > 0) throw new Error(`Not API functions: ${unknown.join(', ')} (known: ${api.map((f) => f.id).join(', ')}).`);
  const entries = options.functions ? api.filter((f) => options.functions!.includes(f.id)) : api;
  const stage = loadStageConfig(COLD_STAGE, { env: {} });
  const stageSettings = stageFunctionSettings(stage);

  const workDir = mkdtempSync(path.join(tmpdir(), 'jointly-cold-'));
  const standIn = await startSecretsStandIn(
    (Object.keys(STAND_IN_SECRET_IDS) as ApiSecretName[]).map(
      (name): StandInSecret => ({ ...STAND_IN_SECRET_IDS[name], value: options.secretValues[name] }),
    ),
  );
  const nameOfArn = new Map(Object.entries(STAND_IN_SECRET_IDS).map(([name, id]) => [id.arn, name]));
  try {
    const started = performance.now();
    const bundles = await bundleFunctions(entries, path.join(workDir, 'bundles'));
    progress(`  ${bundles.length} functions bundled as CDK bundles them (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    const probe = path.join(workDir, 'probe.mjs');
    const empty = path.join(workDir, 'empty.mjs');
    writeFileSync(probe, COLD_PROBE);
    writeFileSync(empty, '');
    const emptyPlan = path.join(workDir, 'empty-plan.json');
    writeFileSync(emptyPlan, JSON.stringify({ events: [] }));
    mkdirSync(path.join(workDir, 'empty'));
    const place: ColdPlace = {
      tableName: options.tableName,
      dynamodbEndpoint: options.dynamodbEndpoint,
      secretsEndpoint: standIn.endpoint,
      emptyDir: path.join(workDir, 'empty'),
    };
    const fixtures = new ColdFixtures({ api: options.api, drain: options.drain });

    const measured = bundles.map((bundle) => {
      const plan = coldRequestPlanOf(bundle.id);
      const settings = stageSettings.get(bundle.id);
      if (!settings) throw new Error(`No ${COLD_STAGE} settings for ${bundle.id}.`);
      const secrets = secretsOfFunction(bundle.id);
      return {
        bundle,
        plan,
        route: routeOf(plan.operationId),
        secrets,
        settings,
        env: coldEnvironment(bundle.id, secrets, { memoryMb: settings.memoryMb, logLevel: stage.logLevel }, place),
        samples: [] as ReturnType<typeof sampleOf>[],
        error: undefined as string | undefined,
      };
    });
    const baselineEnv = coldEnvironment('bareNode', [], { memoryMb: stage.lambda.memoryMb, logLevel: stage.logLevel }, place);
    const bareNodeSamplesMs: number[] = [];

    for (let round = 0; round < runs; round++) {
      const roundStarted = performance.now();
      // This round's events, made before any child of the round runs (untimed).
      const planFiles = new Map<string, string>();
      for (const fn of measured) {
        if (fn.error) continue;
        const requests = await fn.plan.prepare(fixtures, 1 + warmRequests);
        const file = path.join(workDir, `${fn.bundle.id}-${round}.json`);
        writeFileSync(
          file,
          JSON.stringify({
            functionName: fn.env.AWS_LAMBDA_FUNCTION_NAME,
            memoryMb: fn.settings.memoryMb,
            timeoutMs: fn.settings.timeoutSeconds * 1000,
            events: requests.map((request) => coldEvent(request, fn.route)),
          }),
        );
        planFiles.set(fn.bundle.id, file);
      }
      const subjects = [undefined, ...measured];
      for (let k = 0; k < subjects.length; k++) {
        const fn = subjects[(k + round) % subjects.length];
        if (fn?.error) continue;
        await options.drain();
        const run = fn
          ? await runChild(
              nodePath,
              [probe, pathToFileURL(fn.bundle.file).href, planFiles.get(fn.bundle.id)!],
              fn.env,
              path.dirname(fn.bundle.file),
            )
          : await runChild(nodePath, [probe, pathToFileURL(empty).href, emptyPlan], baselineEnv, workDir);
        const reads = standIn.takeReads();
        const refused = standIn.takeRefusals();
        if (refused.length > 0)
          throw new Error(`The Secrets Manager stand-in refused ${fn?.bundle.id ?? 'the baseline'}: ${refused.join('; ')}`);
        if (run.firstMs === undefined || !run.report) {
          if (!fn) throw new Error(`The bare node baseline failed: ${failureOf(run)}`);
          fn.error = failureOf(run);
          progress(`  ${fn.bundle.id}: FAILED (${fn.error})`);
          continue;
        }
        if (!fn) {
          bareNodeSamplesMs.push(run.firstMs);
          continue;
        }
        const secretReads: Record<string, number> = {};
        for (const arn of reads) secretReads[nameOfArn.get(arn) ?? arn] = (secretReads[nameOfArn.get(arn) ?? arn] ?? 0) + 1;
        const sample = sampleOf(run.report, run.firstMs, secretReads);
        if (sample.status !== fn.plan.expectedStatus) {
          progress(`  ${fn.bundle.id}: first request answered ${sample.status} (expected ${fn.plan.expectedStatus})`);
        }
        fn.samples.push(sample);
      }
      progress(
        `  round ${round + 1}/${runs}: ${subjects.length} cold starts (${((performance.now() - roundStarted) / 1000).toFixed(1)} s)`,
      );
    }

    const functions: FunctionSamples[] = measured.map((fn) => ({
      functionId: fn.bundle.id,
      operationId: fn.plan.operationId,
      secrets: fn.secrets,
      samples: fn.samples,
      error: fn.error,
    }));
    return { result: summarizeColdStarts(bareNodeSamplesMs, functions), bareNodeSamplesMs, functions };
  } finally {
    await standIn.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
};
