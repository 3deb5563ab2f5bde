/**
 * The throughput section: requests per second of a 50/50 mix of `POST /referrals` and
 * `GET /referrals/{id}` (of referrals made beforehand) at fixed concurrency through the
 * gateway — autocannon in a child process, so it never shares the server's event loop —
 * against the same calls issued raw at the same concurrency (create: one
 * TransactWriteItems; get: the Query and the audit PutItem). Gateway and raw alternate in
 * short segments in a balanced order ({@link throughputPlan}), each on a drained runtime, so
 * a machine or a table that speeds up or slows down over the run hits both alike; a short
 * unmeasured warm-up of both comes first.
 */
import { fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { processCpuMs } from './cpu.ts';
import { throughputPlan } from './schedule.ts';
import type { JsonClient } from './http-client.ts';
import type { LoadJob, LoadOutcome } from './load-worker.ts';
import { newReferralInput, PROVIDE, randomNhsNumber } from './operations.ts';
import type { RawOperations } from './raw-operations.ts';
import type { ThroughputResult } from './results.ts';
import { ratio, round } from './stats.ts';

/** Referrals made before the run for the GETs to read. */
const READABLE_REFERRALS = 100;

/** What the section needs from the running system. */
export interface ThroughputContext {
  readonly url: string;
  readonly api: JsonClient;
  readonly raw: RawOperations;
  readonly drain: () => Promise<void>;
  readonly durationS: number;
  readonly connections: number;
  /** DynamoDB Local's process, when known: its CPU per request is reported. */
  readonly dynamodbPid?: number | undefined;
  readonly progress: (line: string) => void;
}

interface SegmentOutcome {
  readonly responses: number;
  readonly errors: number;
  readonly durationS: number;
  /** CPU ms of the load generator (gateway runs only; raw calls are issued by this process). */
  readonly generatorCpuMs?: number;
}

/** CPU ms per request of each process in one side's runs: where the machine's time went. */
export interface CpuPerRequest {
  /** This process: the gateway and handlers (gateway side) or the raw SDK calls (raw side), plus the event path. */
  readonly benchProcessMs: number;
  readonly dynamodbMs?: number | undefined;
  readonly loadGeneratorMs?: number | undefined;
}

/** What the section returns: the figures, and the CPU accounting behind them. */
export interface ThroughputMeasurement {
  readonly result: ThroughputResult;
  readonly cpu: { readonly gateway: CpuPerRequest; readonly raw: CpuPerRequest };
}

/** Runs autocannon in a child process and waits for its outcome. */
const gatewayLoad = (job: LoadJob): Promise<LoadOutcome> =>
  new Promise((resolveLoad, reject) => {
    const child = fork(fileURLToPath(new URL('./load-worker.ts', import.meta.url)), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    let settled = false;
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('message', (message: { outcome?: LoadOutcome; error?: string }) => {
      settled = true;
      if (message.outcome) resolveLoad(message.outcome);
      else reject(new Error(`load generator failed: ${message.error}`));
    });
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with ${code} before reporting: ${stderr.slice(-2000)}`));
    });
    child.send(job);
  });

/** `connections` callers, each alternating a raw create and a raw get, for `seconds`. */
const rawLoad = async (raw: RawOperations, ids: readonly string[], connections: number, seconds: number): Promise<SegmentOutcome> => {
  const body = newReferralInput(randomNhsNumber());
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let responses = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      // Each caller starts with a create, as each autocannon connection does.
      for (let k = 0; performance.now() < deadline; k++) {
        const prepared =
          k % 2 === 0 ? raw.prepareCreate(PROVIDE, body) : raw.prepareGet(ids[Math.floor(Math.random() * ids.length)]!, PROVIDE);
        try {
          await prepared.run();
          responses += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { responses, errors, durationS: (performance.now() - started) / 1000 };
};

/** Runs the section. */
export const measureThroughput = async (context: ThroughputContext): Promise<ThroughputMeasurement> => {
  const { api } = context;
  const token = await api.tokenFor(PROVIDE);
  // The same person every time: a static body, as a load generator sends (several referrals per person are allowed).
  const createInput = newReferralInput(randomNhsNumber());
  const ids: string[] = [];
  for (let made = 0; made < READABLE_REFERRALS; made += 10) {
    const batch = await Promise.all(
      Array.from(
        { length: 10 },
        async () => (await api.expect(201, 'POST', '/referrals', token, JSON.stringify(newReferralInput()))).id as string,
      ),
    );
    ids.push(...batch);
  }

  // Unmeasured warm-up of both sides at full concurrency first: DynamoDB Local's JIT and the
  // connection pools warm up on whichever side runs first, which would otherwise be penalised.
  const warmupS = Math.max(1, Math.round(context.durationS / 5));
  await gatewayLoad({
    url: context.url,
    connections: context.connections,
    durationS: warmupS,
    token,
    createBody: JSON.stringify(createInput),
    readableIds: ids,
  });
  await rawLoad(context.raw, ids, context.connections, warmupS);
  context.progress(`  warmed up: ${warmupS} s gateway + ${warmupS} s raw (not counted)`);

  const plan = throughputPlan(context.durationS);
  const totals = {
    gateway: { responses: 0, errors: 0, durationS: 0, ownCpuMs: 0, dynamodbCpuMs: 0, generatorCpuMs: 0 },
    raw: { responses: 0, errors: 0, durationS: 0, ownCpuMs: 0, dynamodbCpuMs: 0, generatorCpuMs: 0 },
  };
  const dynamodbCpu = () => (context.dynamodbPid === undefined ? undefined : processCpuMs(context.dynamodbPid));
  for (const { side, seconds } of plan) {
    if (seconds <= 0) continue;
    await context.drain();
    const ownBefore = process.cpuUsage();
    const dynamodbBefore = dynamodbCpu();
    let segment: SegmentOutcome;
    if (side === 'gateway') {
      const outcome = await gatewayLoad({
        url: context.url,
        connections: context.connections,
        durationS: seconds,
        token,
        createBody: JSON.stringify(createInput),
        readableIds: ids,
      });
      segment = {
        responses: outcome.responses,
        errors: outcome.non2xx + outcome.errors,
        durationS: outcome.durationS,
        generatorCpuMs: outcome.cpuMs,
      };
      if (segment.errors > 0)
        context.progress(`  gateway status codes: ${JSON.stringify(outcome.statusCodes)}, socket errors ${outcome.errors}`);
    } else {
      segment = await rawLoad(context.raw, ids, context.connections, seconds);
    }
    const own = process.cpuUsage(ownBefore);
    const dynamodbAfter = dynamodbCpu();
    const total = totals[side];
    total.responses += segment.responses;
    total.errors += segment.errors;
    total.durationS += segment.durationS;
    total.ownCpuMs += (own.user + own.system) / 1000;
    total.dynamodbCpuMs += dynamodbBefore !== undefined && dynamodbAfter !== undefined ? dynamodbAfter - dynamodbBefore : Number.NaN;
    total.generatorCpuMs += segment.generatorCpuMs ?? 0;
    const perRequest = (ms: number) => round(ms / Math.max(1, segment.responses), 2);
    context.progress(
      `  ${side} ${seconds} s: ${round(segment.responses / segment.durationS, 1)} rps, ${segment.errors} errors; CPU ms/request: ` +
        `this process ${perRequest((own.user + own.system) / 1000)}` +
        (dynamodbBefore !== undefined && dynamodbAfter !== undefined
          ? `, DynamoDB Local ${perRequest(dynamodbAfter - dynamodbBefore)}`
          : '') +
        (segment.generatorCpuMs !== undefined ? `, autocannon ${perRequest(segment.generatorCpuMs)}` : ''),
    );
  }
  // Requests autocannon left in flight when it stopped still run on the server: let them end
  // (and their events be published) before the runtime is stopped under them.
  await sleep(1000);
  await context.drain();
  const cpuOf = (t: (typeof totals)['gateway'], withGenerator: boolean): CpuPerRequest => {
    const per = (ms: number) => (Number.isFinite(ms) ? round(ms / Math.max(1, t.responses), 3) : undefined);
    return {
      benchProcessMs: per(t.ownCpuMs)!,
      dynamodbMs: per(t.dynamodbCpuMs),
      ...(withGenerator ? { loadGeneratorMs: per(t.generatorCpuMs) } : {}),
    };
  };
  const rps = totals.gateway.responses / totals.gateway.durationS;
  const rawRps = totals.raw.responses / totals.raw.durationS;
  return {
    result: { rps: round(rps, 1), rawRps: round(rawRps, 1), ratio: ratio(rps, rawRps), errors: totals.gateway.errors + totals.raw.errors },
    cpu: { gateway: cpuOf(totals.gateway, true), raw: cpuOf(totals.raw, false) },
  };
};
