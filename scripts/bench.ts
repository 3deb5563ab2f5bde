/**
 * `npm run bench`: measures Jointly's performance claims in one repeatable run and writes
 * them to `bench/results.json` (git-ignored), with a readable table of each figure against
 * its target (issue 7). Machines are shared and noisy and DynamoDB Local is SQLite-backed,
 * so the figures to judge are ratios measured side by side in this run, never absolute
 * latencies:
 *
 * - operations: create, get, list inbox, accept, offer handoff — through the local gateway
 *   vs the minimal DynamoDB calls issued raw, interleaved; p50/p99 and their ratios, and the
 *   DynamoDB commands the handler issued (counted at its client, not declared);
 * - events: a committed handoff → its alert readable in a programme manager's inbox;
 * - throughput: a create+get mix at concurrency 32 for 20 s through the gateway (autocannon
 *   in a child process) vs the same calls raw;
 * - cold: each API function's first request in a fresh `node` (its bundle imported, its
 *   secrets read from a Secrets Manager stand-in, a real request answered against DynamoDB
 *   Local) vs the same request warm and a bare Node start;
 * - bundles: each function's bundle size and cold import time vs a bare Node start.
 *
 *   npm run bench                   # the figures (a few minutes)
 *   npm run bench -- --quick        # smoke run
 *   npm run bench -- --only operations --iterations 200
 *
 * A missed target is reported, not fatal: the exit code is non-zero only when the
 * benchmark itself fails. The runtime's own log lines go to `bench/runtime.log`, so they
 * cost what they cost in the measured path without flooding the report.
 */
import { mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { ENV } from '../shared/platform/config/environment.ts';
import { createDocumentClient } from '../shared/platform/dynamodb/dynamo-client.ts';
import { REPO_ROOT, startLocalRuntime, type LocalRuntime } from '../infra/local/runtime.ts';
import { BenchArgumentError, parseBenchArgs, USAGE, type BenchSettings } from './bench/args.ts';
import { CallCounter } from './bench/call-counter.ts';
import { findProcess } from './bench/cpu.ts';
import { measureEventLatency } from './bench/event-latency.ts';
import { jsonClient, type JsonClient } from './bench/http-client.ts';
import { measureOperations } from './bench/operations.ts';
import { RawOperations } from './bench/raw-operations.ts';
import { renderReport } from './bench/report.ts';
import type { BenchResults, BundleResult, ColdStartsResult } from './bench/results.ts';
import { evaluateTargets } from './bench/targets.ts';
import { measureThroughput } from './bench/throughput.ts';

/** Where the figures are written, relative to the repository root. */
export const RESULTS_PATH = 'bench/results.json';
/** Where the runtime's log lines go during the run. */
export const RUNTIME_LOG_PATH = 'bench/runtime.log';

/** What `scripts/bundle-measure.ts` returns (its contract). */
interface BundleMeasurement {
  readonly nodeBaselineMs: number;
  readonly functions: readonly { readonly id: string; readonly kind: string; readonly bytes: number; readonly importMs: number }[];
}

// The report goes straight to the terminal; everything else written to stdout/stderr while
// the runtime runs in this process (its structured logs) goes to the log file.
const terminal = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
const print = (line = ''): void => void terminal.out(`${line}\n`);
const printError = (line: string): void => void terminal.err(`${line}\n`);

/**
 * Sends everything written to stdout/stderr from now on to `file`, synchronously: as writes
 * to a pipe (Lambda's stdout) or a terminal (`npm start`) are, so a log line costs what it
 * costs there and no more (an async file stream would add a thread-pool hop per line). It
 * stays so until the process exits, so even a late log line never lands in the report.
 */
const redirectLogs = (file: string): void => {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  const toLog = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
    writeSync(
      fd,
      typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : chunk,
    );
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = toLog;
  process.stderr.write = toLog;
};

const machineInfo = () => {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCount: cores.length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
};

const measureBundlesSection = async (
  settings: BenchSettings,
): Promise<{ bundles: Record<string, BundleResult>; nodeBaselineMs: number }> => {
  const module = (await import(new URL('./bundle-measure.ts', import.meta.url).href)) as {
    measureBundles: (options?: { importRuns?: number }) => Promise<BundleMeasurement>;
  };
  const measured = await module.measureBundles(settings.importRuns ? { importRuns: settings.importRuns } : {});
  const tenth = (ms: number) => Math.round(ms * 10) / 10;
  return {
    nodeBaselineMs: tenth(measured.nodeBaselineMs),
    bundles: Object.fromEntries(measured.functions.map((f) => [f.id, { bytes: f.bytes, importMs: tenth(f.importMs) }])),
  };
};

/** The cold-start section, on the running runtime (its module bundles with CDK's options, so it is loaded only when run). */
const measureColdStartsSection = async (settings: BenchSettings, runtime: LocalRuntime, api: JsonClient): Promise<ColdStartsResult> => {
  const { measureColdStarts } = await import('./bench/cold-starts.ts');
  const key = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`The runtime set no ${name}.`);
    return value;
  };
  const measured = await measureColdStarts({
    api,
    drain: runtime.drain,
    tableName: runtime.tableName,
    dynamodbEndpoint: runtime.dynamodbEndpoint,
    // The runtime's own keys (its handlers read them from the environment): the children read what it wrote.
    secretValues: { subjectHashKey: key(ENV.subjectHashKey), cursorKey: key(ENV.cursorKey) },
    runs: settings.coldRuns,
    functions: settings.coldFunctions,
    progress: print,
  });
  return measured.result;
};

const main = async (settings: BenchSettings): Promise<void> => {
  const startedAt = performance.now();
  const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(0)} s`;
  const results: { -readonly [K in keyof BenchResults]: BenchResults[K] } = {
    machine: machineInfo(),
    settings: {
      iterations: settings.iterations,
      warmup: settings.warmup,
      durationS: settings.durationS,
      connections: settings.connections,
      eventSamples: settings.eventSamples,
      ...(settings.importRuns ? { importRuns: settings.importRuns } : {}),
      coldRuns: settings.coldRuns,
      ...(settings.coldFunctions ? { coldFunctions: [...settings.coldFunctions] } : {}),
      sections: [...settings.sections],
      quick: settings.quick,
    },
  };
  const needsRuntime = ['operations', 'events', 'throughput', 'cold', 'console'].some((s) => settings.sections.has(s as never));

  if (needsRuntime) {
    // Counts the commands of every client the runtime's handlers use, by origin, and of the raw client.
    const counter = new CallCounter();
    // The duration of the last API function invocation: the function's own share of a request.
    let lastFunctionMs: number | undefined;
    redirectLogs(path.join(REPO_ROOT, RUNTIME_LOG_PATH));
    let runtime: LocalRuntime | undefined;
    try {
      print(`Starting the local runtime (DynamoDB Local, in memory)… runtime logs → ${RUNTIME_LOG_PATH}`);
      // No SLA sweep during the run: its calls are not the requests being measured.
      runtime = await startLocalRuntime({
        port: 0,
        tableName: 'jointly-bench',
        env: { JOINTLY_SLA_SWEEP_SECONDS: '3600' },
        instruments: {
          documentClient: (client, origin) => counter.instrumentAs(origin, client),
          invocation: (_functionName, durationMs) => {
            lastFunctionMs = durationMs;
          },
        },
      });
      const api = jsonClient(runtime.url);
      const rawClient = createDocumentClient({ endpoint: runtime.dynamodbEndpoint });
      counter.instrumentAs('bench', rawClient);
      const raw = new RawOperations(rawClient, runtime.tableName);
      const drain = runtime.drain;
      print(`Ready at ${runtime.url} (${elapsed()}).`);

      if (settings.sections.has('operations')) {
        print(
          `Operations: ${settings.iterations} measured iterations each (after ${settings.warmup} warm-up), gateway and raw interleaved…`,
        );
        const measured = await measureOperations({
          api,
          raw,
          counter,
          drain,
          takeFunctionMs: () => {
            const taken = lastFunctionMs;
            lastFunctionMs = undefined;
            return taken;
          },
          iterations: settings.iterations,
          warmup: settings.warmup,
          progress: print,
        });
        results.operations = measured.operations;
        results.calls = measured.calls;
      }
      if (settings.sections.has('events')) {
        print(`Event latency: ${settings.eventSamples} handoffs → programme manager's inbox… (${elapsed()})`);
        results.eventLatency = await measureEventLatency({ api, counter, drain, samples: settings.eventSamples, progress: print });
      }
      if (settings.sections.has('throughput')) {
        print(
          `Throughput: create+get at concurrency ${settings.connections}, ${settings.durationS} s gateway and ${settings.durationS} s raw… (${elapsed()})`,
        );
        const measured = await measureThroughput({
          url: runtime.url,
          api,
          raw,
          drain,
          durationS: settings.durationS,
          connections: settings.connections,
          dynamodbPid: findProcess(['DynamoDBLocal.jar', `-port ${new URL(runtime.dynamodbEndpoint).port}`]),
          progress: print,
        });
        results.throughput = measured.result;
        results.diagnostics = { ...results.diagnostics, throughputCpuMsPerRequest: measured.cpu };
      }
      if (settings.sections.has('cold')) {
        print(`Cold starts: ${settings.coldRuns} per API function, each a fresh node answering a real first request… (${elapsed()})`);
        results.coldStarts = await measureColdStartsSection(settings, runtime, api);
      }
      if (settings.sections.has('console')) {
        const runs = settings.quick ? 3 : 15;
        print(`Console: the first page's size and its time to first render in headless Chromium, ${runs} fresh loads… (${elapsed()})`);
        const { measureConsole } = await import('./bench/console.ts');
        results.console = await measureConsole({ url: runtime.url, runs });
      }
      api.close();
    } finally {
      await runtime?.stop();
    }
  }

  if (settings.sections.has('bundles')) {
    print(`Bundles: size and cold import time of every function… (${elapsed()})`);
    const measured = await measureBundlesSection(settings);
    results.bundles = measured.bundles;
    results.nodeBaselineMs = measured.nodeBaselineMs;
  }

  const checks = evaluateTargets(results);
  const file = path.join(REPO_ROOT, RESULTS_PATH);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  print();
  print(renderReport(results, checks));
  print();
  print(`Written to ${RESULTS_PATH} (${elapsed()} in all).`);
};

let settings: BenchSettings | 'help';
try {
  settings = parseBenchArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof BenchArgumentError)) throw error;
  printError(error.message);
  process.exit(2);
}
if (settings === 'help') {
  print(USAGE);
} else {
  try {
    await main(settings);
    // Lingering keep-alive sockets or SDK timers must not hold the report hostage.
    process.exit(0);
  } catch (error) {
    printError(`The benchmark failed: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  }
}
