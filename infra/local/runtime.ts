/**
 * Starts the whole local runtime: DynamoDB Local (unless `DYNAMODB_ENDPOINT` is given),
 * the table from the shared definition, the event path (in-process bus and queues, the
 * stream poller feeding the publisher, the SLA sweep on a timer), the handler modules from
 * the route table, and the local gateway. `npm start` and the end-to-end tests both use this.
 *
 * For tests, benchmarks and `npm run resilience` it also counts what happens — injected
 * faults (`JOINTLY_SDK_FAULT_RATE` at the DynamoDB client), publishes, requests and the
 * DynamoDB writes each request had applied — and serves the counts at `GET /_local/stats`;
 * `POST /_local/drain` answers once the event path is idle. Local-only, like `/_local/token`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { ENV } from '../../shared/platform/config/runtime-config.ts';
import { instrumentLocalClients } from '../../shared/platform/dynamodb/dynamo-client.ts';
import { registerLocalEventAdapters } from '../../shared/platform/aws/adapters.ts';
import { QUEUES, type QueueName } from '../../shared/wiring/bus-rules.ts';
import { EVENT_ENV } from '../../shared/platform/config/event-config.ts';
import { LocalMailer } from '../../shared/subscriptions/data/mailers.ts';
import type { DeliveryJob } from '../../shared/core/messaging-ports.ts';
import { LocalSealer } from '../../shared/subscriptions/data/sealers.ts';
import { logger } from '../../shared/platform/http/logger.ts';
import { CLAIM_LEASE_MS } from '../../shared/subscriptions/data/delivery-repository.ts';
import { ATTEMPT_LEASE_MS } from '../../shared/subscriptions/domain/delivery.ts';
import { consumerOf, EVENT_FUNCTION_SETTINGS, VISIBILITY_TIMEOUT_FACTOR } from '../function-settings.ts';
import { EVENT_FUNCTIONS } from '../function-entries.ts';
import { functionIdOf } from '../../shared/platform/http/route-definition.ts';
import { DEFAULT_ROUTE, ROUTES } from '../../shared/wiring/routes.ts';
import type { OutgoingResponse } from './api-gateway-event.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { ensureTable } from './ensure-table.ts';
import { createLocalGateway, type LambdaHandler, type LocalRouteHandler } from './gateway.ts';
import { invokeLocally } from './lambda-context.ts';
import { localFunctionSettings, FUNCTION_TIMEOUTS_ENV } from './local-function-settings.ts';
import { LocalBus } from './local-bus.ts';
import { handlerFromEntry, LocalQueue, type DeadLetter, type SqsConsumer } from './local-queue.ts';
import { createLocalTokenIssuer } from './local-token-issuer.ts';
import { StreamPoller, type StreamHandler } from './stream-poller.ts';

/** The repository root, where route entries are resolved from. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Options for {@link startLocalRuntime}. */
export interface LocalRuntimeOptions {
  /** Port to serve on; 0 picks a free one. */
  readonly port: number;
  /** When the port is taken, fall back to a free one instead of failing. */
  readonly fallbackToFreePort?: boolean;
  readonly host?: string;
  /** Use this DynamoDB instead of starting DynamoDB Local. */
  readonly dynamodbEndpoint?: string | undefined;
  /** Persist DynamoDB Local's data in this folder (ignored with an endpoint). */
  readonly persistDir?: string | undefined;
  readonly tableName?: string;
  /** Extra environment for the handlers (e.g. shortened priority targets). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A running local runtime. */
export interface LocalRuntime {
  readonly url: string;
  readonly port: number;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  /** Whether the requested port was busy and another was used. */
  readonly usedFallbackPort: boolean;
  /** Where alert e-mails are written (`.eml` files). */
  readonly mailDir: string;
  /**
   * Resolves when every event committed before the call has been published and every local
   * queue is idle (delayed messages and redeliveries included): for tests and benchmarks.
   */
  drain(): Promise<void>;
  /** Runs the SLA sweep now (after any sweep in progress); the timer keeps its own pace. */
  sweepSla(): Promise<unknown>;
  /** Messages the local queues gave up on. */
  deadLetters(): DeadLetter[];
  /** Injected faults, publishes, requests and writes counted so far (also `GET /_local/stats`). */
  stats(): LocalStats;
  stop(): Promise<void>;
}

/** Seconds between SLA sweeps locally (`JOINTLY_SLA_SWEEP_SECONDS`); AWS runs it every minute. */
export const SLA_SWEEP_ENV = 'JOINTLY_SLA_SWEEP_SECONDS';
const DEFAULT_SLA_SWEEP_SECONDS = 15;

const sweepIntervalMs = (raw: string | undefined): number => {
  if (raw === undefined || raw === '') return DEFAULT_SLA_SWEEP_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`${SLA_SWEEP_ENV} must be a positive number of seconds, not "${raw}".`);
  return seconds * 1000;
};

/** The port is taken and no fallback was allowed. */
export class PortInUseError extends Error {}

/**
 * Tests, benchmarks and resilience runs only: the fraction (0–1) of DynamoDB attempts that
 * fail on purpose at the SDK client — throttling, transaction conflicts, timeouts, internal
 * errors, which DynamoDB Local never raises. Never set in a deployed stage (nothing reads it there).
 */
export const SDK_FAULT_RATE_ENV = 'JOINTLY_SDK_FAULT_RATE';

/** Every injected error's message ends with this, so a response that leaks one can be recognised. */
export const INJECTED_FAULT_MARKER = '(injected by JOINTLY_SDK_FAULT_RATE)';

/** What an injected SDK fault imitates. */
export type SdkFaultKind = 'throttling' | 'provisioned-throughput' | 'transaction-conflict' | 'timeout' | 'internal-error';

/** What the runtime has counted since it started: `GET /_local/stats`, and {@link LocalRuntime.stats}. */
export interface LocalStats {
  readonly sdkFaults: {
    readonly rate: number;
    readonly injected: number;
    readonly byKind: Record<string, number>;
    /** `api` (a route's handler), or the worker: `fanOut`, `deliveries`, `slaSweep`, … */
    readonly byScope: Record<string, number>;
    readonly byCommand: Record<string, number>;
  };
  readonly publisher: {
    readonly invocations: number;
    /** Invocations that reported failed records or threw (`JOINTLY_FAULT_RATE` draws them on purpose). */
    readonly failedInvocations: number;
    /** Events the bus accepted (a re-published event counts again). */
    readonly eventsPublished: number;
  };
  readonly queues: Record<string, { readonly deadLetters: number }>;
  readonly requests: {
    /** Requests that reached a handler (the gateway's own 401s and 413s do not). */
    readonly total: number;
    readonly byStatus: Record<string, number>;
    /** Requests that had at least one DynamoDB write applied (so the attribution is seen to work). */
    readonly withWrites: number;
    /** Requests during which at least one SDK fault was injected, by final status. */
    readonly faulted: {
      readonly total: number;
      readonly byStatus: Record<string, number>;
      /** `"<operationId> <status>"` of faulted requests answered ≥ 500: which operations do not absorb a fault. */
      readonly failedByOperation: Record<string, number>;
      readonly leakedFaultMessages: number;
    };
    /**
     * Requests answered ≥ 400 that had a DynamoDB write applied (a write command that
     * succeeded, attributed to the request by async context): there should be none.
     */
    readonly rejectedWithWrites: {
      readonly count: number;
      readonly samples: readonly { operationId: string; status: number; writes: readonly string[] }[];
    };
  };
}

/** Who a DynamoDB command runs for: an API request, or a worker of the event path. */
type Scope =
  | { readonly kind: 'api'; readonly operationId: string; readonly writes: string[]; faults: number; status?: number }
  | { readonly kind: 'worker'; readonly name: string };

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand', 'BatchWriteItemCommand']);

/**
 * Fault mixes. Transactions fail at twice the rate, mostly by conflicting (DynamoDB's
 * commonest transaction failure under contention); everything may be throttled or time out.
 */
const TRANSACTION_RATE_FACTOR = 2;
const TRANSACTION_FAULTS: readonly (readonly [SdkFaultKind, number])[] = [
  ['transaction-conflict', 60],
  ['throttling', 15],
  ['provisioned-throughput', 5],
  ['timeout', 10],
  ['internal-error', 10],
];
const OTHER_FAULTS: readonly (readonly [SdkFaultKind, number])[] = [
  ['throttling', 35],
  ['provisioned-throughput', 20],
  ['timeout', 25],
  ['internal-error', 20],
];

const pickKind = (mix: readonly (readonly [SdkFaultKind, number])[]): SdkFaultKind => {
  let draw = randomInt(mix.reduce((sum, [, weight]) => sum + weight, 0));
  for (const [kind, weight] of mix) {
    if (draw < weight) return kind;
    draw -= weight;
  }
  return mix[0]![0];
};

/** The error DynamoDB (or the SDK's HTTP handler, for a timeout) would raise. */
const faultError = (kind: SdkFaultKind, input: unknown): Error => {
  const message = (text: string) => `${text} ${INJECTED_FAULT_MARKER}`;
  switch (kind) {
    case 'throttling':
      return new ThrottlingException({ message: message('Throughput exceeds the current capacity for one or more global secondary indexes.'), $metadata: { httpStatusCode: 400 } });
    case 'provisioned-throughput':
      return new ProvisionedThroughputExceededException({ message: message('The level of configured provisioned throughput for the table was exceeded.'), $metadata: { httpStatusCode: 400 } });
    case 'transaction-conflict': {
      // One reason per item, as DynamoDB gives them: one item conflicted, the rest were not evaluated.
      const items = Math.max(1, ((input as { TransactItems?: unknown[] })?.TransactItems ?? []).length);
      const conflicted = randomInt(items);
      const reasons = Array.from({ length: items }, (_, i) => ({ Code: i === conflicted ? 'TransactionConflict' : 'None' }));
      return new TransactionCanceledException({
        message: message(`Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`),
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: reasons,
      });
    }
    case 'internal-error':
      return new InternalServerError({ message: message('Internal server error'), $metadata: { httpStatusCode: 500 } });
    case 'timeout':
      return Object.assign(new Error(message('Request timed out')), { name: 'TimeoutError' });
  }
};

/** Counts and fault injection for one runtime; see {@link LocalStats}. */
class LocalTelemetry {
  readonly scopes = new AsyncLocalStorage<Scope>();
  private readonly sdkFaultRate: number;
  private injected = 0;
  private readonly byKind: Record<string, number> = {};
  private readonly byScope: Record<string, number> = {};
  private readonly byCommand: Record<string, number> = {};
  private readonly publisher = { invocations: 0, failedInvocations: 0, eventsPublished: 0 };
  private requests = 0;
  private withWrites = 0;
  private readonly byStatus: Record<string, number> = {};
  private readonly faulted = { total: 0, byStatus: {} as Record<string, number>, failedByOperation: {} as Record<string, number>, leakedFaultMessages: 0 };
  private rejectedWithWrites = 0;
  private readonly rejectedSamples: { operationId: string; status: number; writes: string[] }[] = [];

  constructor(sdkFaultRate: number) {
    this.sdkFaultRate = sdkFaultRate;
  }

  /**
   * The SDK middleware: once per attempt (inside the SDK's retry loop, so throttling and
   * timeouts are retried by the SDK itself as in AWS), maybe throws an injected error
   * *before* the request is sent — an injected fault means "not applied", as with
   * DynamoDB — else sends it and attributes an applied write to the API request it serves.
   */
  readonly middleware =
    (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: { input: unknown }): Promise<unknown> => {
      const command = String(context.commandName);
      const scope = this.scopes.getStore();
      const transaction = command === 'TransactWriteItemsCommand';
      const rate = transaction ? Math.min(1, TRANSACTION_RATE_FACTOR * this.sdkFaultRate) : this.sdkFaultRate;
      if (rate > 0 && Math.random() < rate) {
        const kind = pickKind(transaction ? TRANSACTION_FAULTS : OTHER_FAULTS);
        const where = scope?.kind === 'worker' ? scope.name : 'api';
        this.injected += 1;
        this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
        this.byScope[where] = (this.byScope[where] ?? 0) + 1;
        this.byCommand[command] = (this.byCommand[command] ?? 0) + 1;
        if (scope?.kind === 'api') scope.faults += 1;
        // A timeout costs time first (shortened from the SDK's real request timeout, to keep runs quick).
        if (kind === 'timeout') await new Promise((r) => setTimeout(r, 20 + randomInt(80)));
        throw faultError(kind, args.input);
      }
      const result = await next(args);
      if (scope?.kind === 'api' && WRITE_COMMANDS.has(command)) {
        scope.writes.push(command);
        // A write after the request was answered with an error (fire-and-forget work) counts too.
        if (scope.status !== undefined && scope.status >= 400) this.noteRejectedWrite(scope, [command]);
      }
      return result;
    };

  /** Wraps a route's handler so its DynamoDB commands are attributed to the request. */
  scopedHandler(operationId: string, handler: LambdaHandler): LambdaHandler {
    return async (event, context) => {
      const scope: Scope = { kind: 'api', operationId, writes: [], faults: 0 };
      let result: APIGatewayProxyResultV2 | undefined;
      try {
        result = await this.scopes.run(scope, () => handler(event, context));
        return result;
      } finally {
        // A throw becomes API Gateway's 500 in the gateway.
        const status = result === undefined ? 500 : typeof result === 'string' ? 200 : (result.statusCode ?? 200);
        const body = typeof result === 'string' ? result : typeof result?.body === 'string' ? result.body : '';
        scope.status = status;
        this.requests += 1;
        this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
        if (scope.faults > 0) {
          this.faulted.total += 1;
          this.faulted.byStatus[status] = (this.faulted.byStatus[status] ?? 0) + 1;
          const key = `${operationId} ${status}`;
          if (status >= 500) this.faulted.failedByOperation[key] = (this.faulted.failedByOperation[key] ?? 0) + 1;
        }
        if (body.includes(INJECTED_FAULT_MARKER)) this.faulted.leakedFaultMessages += 1;
        if (scope.writes.length > 0) this.withWrites += 1;
        if (status >= 400 && scope.writes.length > 0) this.noteRejectedWrite(scope, scope.writes);
      }
    };
  }

  /** Runs `work` as the worker `name` (not as whatever request happened to queue it). */
  inWorker<T>(name: string, work: () => Promise<T>): Promise<T> {
    return this.scopes.run({ kind: 'worker', name }, work);
  }

  /** Wraps the publisher to count its invocations, failed ones included. */
  countingPublisher(publisher: StreamHandler): StreamHandler {
    return async (event, context) => {
      this.publisher.invocations += 1;
      try {
        const response = await publisher(event, context);
        if ((response?.batchItemFailures ?? []).length > 0) this.publisher.failedInvocations += 1;
        return response;
      } catch (error) {
        this.publisher.failedInvocations += 1;
        throw error;
      }
    };
  }

  /** Counts the events the bus accepted. */
  countingBus(bus: LocalBus): LocalBus {
    const counts = this.publisher;
    return Object.assign(Object.create(bus) as LocalBus, {
      publish: async (events: Parameters<LocalBus['publish']>[0]) => {
        const result = await bus.publish(events);
        counts.eventsPublished += events.length - result.failedIds.length;
        return result;
      },
    });
  }

  private noteRejectedWrite(scope: Extract<Scope, { kind: 'api' }>, writes: readonly string[]): void {
    this.rejectedWithWrites += 1;
    if (this.rejectedSamples.length < 20) this.rejectedSamples.push({ operationId: scope.operationId, status: scope.status ?? 0, writes: [...writes] });
  }

  snapshot(queues: ReadonlyMap<string, LocalQueue>): LocalStats {
    return {
      sdkFaults: { rate: this.sdkFaultRate, injected: this.injected, byKind: { ...this.byKind }, byScope: { ...this.byScope }, byCommand: { ...this.byCommand } },
      publisher: { ...this.publisher },
      queues: Object.fromEntries([...queues].map(([name, queue]) => [name, { deadLetters: queue.deadLetters().length }])),
      requests: {
        total: this.requests,
        byStatus: { ...this.byStatus },
        withWrites: this.withWrites,
        faulted: { ...this.faulted, byStatus: { ...this.faulted.byStatus }, failedByOperation: { ...this.faulted.failedByOperation } },
        rejectedWithWrites: { count: this.rejectedWithWrites, samples: this.rejectedSamples.map((s) => ({ ...s, writes: [...s.writes] })) },
      },
    };
  }
}

/**
 * The telemetry of the runtime started last in this process. Handlers make their clients
 * once per process (at import), so the SDK middleware is added once and asks this.
 */
let currentTelemetry: LocalTelemetry | undefined;
let clientsInstrumented = false;

const instrumentClients = (): void => {
  if (clientsInstrumented) return;
  clientsInstrumented = true;
  instrumentLocalClients((client: DynamoDBDocumentClient) => {
    client.middlewareStack.addRelativeTo(
      ((next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => {
        return (args: { input: unknown }) => (currentTelemetry ? currentTelemetry.middleware(next, context)(args) : next(args));
      }) as never,
      // Inside the retry loop (just after `retryMiddleware`, before signing): once per attempt.
      { relation: 'after', toMiddleware: 'retryMiddleware', name: 'jointlyLocalTelemetry', override: true },
    );
  });
};

const sdkFaultRateFrom = (raw: string | undefined): number => {
  if (raw === undefined || raw === '') return 0;
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new Error(`${SDK_FAULT_RATE_ENV} must be a number from 0 to 1, not "${raw}".`);
  return rate;
};

/**
 * The longest lease a worker that died mid-way can leave behind: a fan-out's delivery claim
 * and a delivery attempt (`shared/subscriptions/data/delivery-repository.ts`, `shared/subscriptions/domain/delivery.ts`;
 * each outlasts its function's timeout). In AWS a message is received again only after the queue's
 * visibility timeout (6 × the function timeout), long past any lease. Locally, retries are
 * quick, except the last receive before the dead-letter list, which waits the lease out:
 * a message replayed after a crash, finding the dead worker's lease, still gets its turn.
 */
const WORKER_LEASE_MS = Math.max(CLAIM_LEASE_MS, ATTEMPT_LEASE_MS);

const localRetryDelayMs =
  (maxReceiveCount: number) =>
  (receiveCount: number): number =>
    receiveCount >= maxReceiveCount - 1 ? WORKER_LEASE_MS + 1_000 : Math.min(5_000, 200 * 2 ** (receiveCount - 1));

const jsonResponse = (statusCode: number, body: unknown): OutgoingResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: Buffer.from(JSON.stringify(body)),
});

const listen = async (server: ReturnType<typeof createLocalGateway>, port: number, host: string): Promise<number> => {
  server.listen(port, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => {
      throw error;
    }),
  ]);
  return (server.address() as AddressInfo).port;
};

/**
 * The local runtime's HMAC keys (subject hashing, cursor signing): random per start, or
 * kept beside persisted data so a restarted runtime still finds people and honours cursors.
 */
const localSecrets = (persistDir: string | undefined): Record<string, string> => {
  const fresh = () => ({
    [ENV.subjectHashKey]: randomBytes(32).toString('hex'),
    [ENV.cursorKey]: randomBytes(32).toString('hex'),
    [EVENT_ENV.localSealKey]: randomBytes(32).toString('hex'),
  });
  if (!persistDir) return fresh();
  const file = resolve(persistDir, 'local-keys.json');
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  // Keys kept from earlier runs win; keys added since (the seal key) are made once and kept.
  const keys = { ...fresh(), ...kept };
  if (Object.keys(keys).some((name) => !(name in kept))) {
    mkdirSync(persistDir, { recursive: true });
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  }
  return keys;
};

/** Imports every handler module once, as Lambda would on a cold start. */
const loadHandlers = async (): Promise<Map<string, LambdaHandler>> => {
  const entries = [...ROUTES.map((r) => [r.operationId, r.entry] as const), [DEFAULT_ROUTE.operationId, DEFAULT_ROUTE.entry] as const];
  const handlers = new Map<string, LambdaHandler>();
  for (const [operationId, entry] of entries) {
    const module = (await import(pathToFileURL(resolve(REPO_ROOT, entry)).href)) as { handler?: LambdaHandler };
    if (typeof module.handler !== 'function') throw new Error(`${entry} does not export a handler.`);
    handlers.set(operationId, module.handler);
  }
  return handlers;
};

/** Imports a function module (not in the route table) and returns its handler. */
const importHandler = async <T>(entry: string): Promise<T> => {
  const module = (await import(pathToFileURL(resolve(REPO_ROOT, entry)).href)) as { handler?: T };
  if (typeof module.handler !== 'function') throw new Error(`${entry} does not export a handler.`);
  return module.handler;
};

/** Starts the local runtime; resolves once it serves requests. */
export const startLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  const tableName = options.tableName ?? 'jointly-local';
  let dynamo: DynamoDbLocal | undefined;
  const endpoint = options.dynamodbEndpoint ?? (dynamo = await startDynamoDbLocal({ persistDir: options.persistDir })).endpoint;
  // Positions and keys are kept only with data that is kept (persisted DynamoDB Local).
  const keptDir = options.dynamodbEndpoint ? undefined : options.persistDir;
  const queues = new Map<QueueName, LocalQueue>();
  let poller: StreamPoller | undefined;

  try {
    // Handlers read their configuration from the environment at import, as on Lambda.
    Object.assign(process.env, {
      [ENV.stage]: 'local',
      [ENV.tableName]: tableName,
      [ENV.dynamodbEndpoint]: endpoint,
      AWS_REGION: process.env.AWS_REGION ?? 'eu-west-2',
      POWERTOOLS_SERVICE_NAME: 'jointly',
      [EVENT_ENV.webhookPolicy]: 'allow-loopback',
      [EVENT_ENV.eventBusName]: 'local',
      [EVENT_ENV.localMailDir]: process.env[EVENT_ENV.localMailDir] || resolve(options.persistDir ?? '.local-data', 'mail'),
      ...localSecrets(keptDir),
      ...Object.fromEntries(
        [ENV.subjectHashKey, ENV.cursorKey, EVENT_ENV.localSealKey].filter((name) => process.env[name]).map((name) => [name, process.env[name]!]),
      ),
      ...options.env,
    });
    const sweepEveryMs = sweepIntervalMs(process.env[SLA_SWEEP_ENV]);
    // Every invocation runs with its function's deployed timeout and memory (dev stage).
    const settings = localFunctionSettings(process.env);
    const limitsOf = (functionId: string) => settings.get(functionId)!;
    const overridden = [...settings.values()].filter((s) => s.overridden).map((s) => `${s.id}=${s.timeoutMs / 1000}s`);
    if (overridden.length > 0) logger.warn(`${FUNCTION_TIMEOUTS_ENV}: running with local timeouts that differ from the deployed ones`, { overridden });
    // Before any handler is imported: their document clients get the counting/fault middleware.
    const telemetry = new LocalTelemetry(sdkFaultRateFrom(process.env[SDK_FAULT_RATE_ENV]));
    currentTelemetry = telemetry;
    instrumentClients();
    const mailDir = process.env[EVENT_ENV.localMailDir]!;
    const client = new DynamoDBClient({
      endpoint,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(client, tableName);
    client.destroy();

    // The event path, registered before any handler is imported: handlers find it through
    // `eventAdapters()`. Queue consumers are imported at their first message.
    for (const [name, queue] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
      const load = handlerFromEntry(EVENT_FUNCTIONS[consumerOf(name)].entry);
      const consumerSettings = limitsOf(consumerOf(name));
      const source = consumerSettings.eventSource;
      const concurrency = (source?.kind === 'sqs' ? source.maxConcurrency : undefined) ?? consumerSettings.reservedConcurrency;
      // Each message runs as its worker, even when an API request (a redrive) queued it.
      const consumer = async (): Promise<SqsConsumer> => {
        const handler = await load();
        return (event, context) => telemetry.inWorker(name, () => handler(event, context));
      };
      queues.set(
        name,
        new LocalQueue({
          name,
          consumer,
          maxReceiveCount: queue.maxReceiveCount,
          retryDelayMs: localRetryDelayMs(queue.maxReceiveCount),
          functionName: consumerSettings.id,
          limits: consumerSettings,
          visibilityTimeoutMs: VISIBILITY_TIMEOUT_FACTOR * consumerSettings.timeoutMs,
          ...(concurrency !== undefined ? { concurrency } : {}),
          // With persisted data the queues are durable too, as SQS is: a crash between the stream
          // position moving on and a message being handled must not lose the message.
          journalFile: keptDir ? resolve(keptDir, 'queues', `${name}.jsonl`) : undefined,
        }),
      );
    }
    const bus = telemetry.countingBus(new LocalBus({ targets: Object.fromEntries(queues) as Record<QueueName, LocalQueue> }));
    registerLocalEventAdapters({
      bus,
      deliveryQueue: queues.get('deliveries')! as LocalQueue<DeliveryJob>,
      sealer: new LocalSealer(process.env[EVENT_ENV.localSealKey]!),
      mailer: new LocalMailer({ dir: mailDir }),
    });

    const handlers = new Map([...(await loadHandlers())].map(([operationId, handler]) => [operationId, telemetry.scopedHandler(operationId, handler)]));
    const publisher = await importHandler<StreamHandler>(EVENT_FUNCTIONS.publisher.entry);
    const sweepHandler = await importHandler<(event: unknown, context: Context) => Promise<unknown>>(EVENT_FUNCTIONS.slaSweep.entry);
    const issuer = await createLocalTokenIssuer();
    // Local-only routes beside /_local/token (never in the route table, so never deployed).
    let drainRuntime: () => Promise<void> = async () => undefined;
    const localRoutes = new Map<string, LocalRouteHandler>([
      ['GET /_local/stats', async () => jsonResponse(200, telemetry.snapshot(queues))],
      [
        'POST /_local/drain',
        async () => {
          await drainRuntime();
          return jsonResponse(200, { drained: true });
        },
      ],
    ]);
    const functionIdByOperation = new Map([...ROUTES.map((r) => [r.operationId, functionIdOf(r)] as const), [DEFAULT_ROUTE.operationId, DEFAULT_ROUTE.operationId] as const]);
    const server = createLocalGateway({
      routes: ROUTES,
      handlers,
      issuer,
      localRoutes,
      limitsOf: (operationId) => ({ functionName: functionIdByOperation.get(operationId)!, ...limitsOf(functionIdByOperation.get(operationId)!) }),
    });
    const host = options.host ?? '127.0.0.1';
    let usedFallbackPort = false;
    let port: number;
    try {
      port = await listen(server, options.port, host);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      if (!options.fallbackToFreePort) {
        throw new PortInUseError(`Port ${options.port} is already in use: set PORT to another port, or PORT=0 for any free one.`);
      }
      port = await listen(server, 0, host);
      usedFallbackPort = true;
    }

    // The stream → publisher → bus path, and the SLA sweep on a timer.
    poller = new StreamPoller({
      endpoint,
      tableName,
      handler: telemetry.countingPublisher(publisher),
      batchSize: EVENT_FUNCTION_SETTINGS.publisher.eventSource.batchSize,
      limits: limitsOf('publisher'),
      positionFile: keptDir ? resolve(keptDir, 'stream-position.json') : undefined,
    });
    poller.start();
    let sweeping: Promise<unknown> | undefined;
    const sweepSla = async (): Promise<unknown> => {
      while (sweeping) await sweeping.catch(() => undefined);
      // With the sweep's deployed timeout: an overrun fails this run, and the next schedule runs it again.
      sweeping = telemetry.inWorker('slaSweep', () => invokeLocally('slaSweep', limitsOf('slaSweep'), (context) => sweepHandler({}, context)));
      try {
        return await sweeping;
      } finally {
        sweeping = undefined;
      }
    };
    let stopping = false;
    let sweepTimer: NodeJS.Timeout | undefined;
    const scheduleSweep = () => {
      sweepTimer = setTimeout(() => {
        sweepSla()
          .catch((error: unknown) => logger.error('SLA sweep failed', { error: (error as Error)?.name }))
          .finally(() => {
            if (!stopping) scheduleSweep();
          });
      }, sweepEveryMs);
      sweepTimer.unref();
    };
    scheduleSweep();

    const runningPoller = poller;
    drainRuntime = async () => {
      for (;;) {
        await runningPoller.caughtUp();
        const busy = [...queues.values()].some((q) => !q.isIdle());
        await Promise.all([...queues.values()].map((q) => q.whenIdle()));
        if (!busy) return;
      }
    };
    return {
      url: `http://${host}:${port}`,
      port,
      dynamodbEndpoint: endpoint,
      tableName,
      usedFallbackPort,
      mailDir,
      drain: () => drainRuntime(),
      sweepSla,
      deadLetters: () => [...queues.values()].flatMap((q) => q.deadLetters()),
      stats: () => telemetry.snapshot(queues),
      stop: async () => {
        stopping = true;
        if (currentTelemetry === telemetry) currentTelemetry = undefined;
        clearTimeout(sweepTimer);
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await runningPoller.stop();
        await sweeping?.catch(() => undefined);
        await Promise.all([...queues.values()].map((q) => q.stop()));
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await poller?.stop();
    await Promise.all([...queues.values()].map((q) => q.stop()));
    await dynamo?.stop();
    throw error;
  }
};
