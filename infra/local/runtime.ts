/**
 * Starts the whole local runtime: DynamoDB Local (unless `DYNAMODB_ENDPOINT` is given),
 * the table from the shared definition, the event path (in-process bus and queues, the
 * stream poller feeding the publisher, the SLA sweep on a timer), the handler modules from
 * the route table, and the local gateway. `npm start` and the end-to-end tests both use this.
 *
 * This is the local composition root: every function is its deployed handler, built by its
 * composition root (shared/wiring) on local adapters — the bus and queues, the `.eml`
 * mailer, the AES sealer (infra/local/adapters), DynamoDB clients carrying the runtime's
 * middleware — instead of AWS ones. For tests, benchmarks and `npm run resilience` it also
 * counts what happens and injects faults (telemetry.ts, sdk-faults.ts, event-faults.ts),
 * serving the counts at `GET /_local/stats`; `POST /_local/drain` answers once the event
 * path is idle. Local-only, like `/_local/token`.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DocumentClient } from '../../shared/platform/dynamodb/document-client.ts';
import type { EventBus } from '../../shared/core/messaging-ports.ts';
import { createDocumentClient } from '../../shared/platform/dynamodb/dynamo-client.ts';
import { logger } from '../../shared/platform/http/logger.ts';
import { slaSweepHandler } from '../../shared/wiring/sla-sweep.ts';
import { functionIdOf } from '../../shared/platform/http/route-definition.ts';
import { DEFAULT_ROUTE, ROUTES } from '../../shared/wiring/routes.ts';
import { LocalMailer } from './adapters/local-mailer.ts';
import { LocalAuditArchive } from './adapters/local-audit-archive.ts';
import { LocalSealer } from './adapters/local-sealer.ts';
import type { OutgoingResponse } from './api-gateway-event.ts';
import { apiCompositionClients, loadApiHandlers } from './api-handlers.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { ensureTable } from './ensure-table.ts';
import { createEventPath, type EventPath } from './event-path.ts';
import { createLocalGateway, type LocalRouteHandler } from './gateway.ts';
import { buildConsole } from '../console/build-console.ts';
import { CONSOLE_BASE_PATH, CONSOLE_HEADERS, consoleCspWithLogin } from '../console/console-site.ts';
import { consoleSite } from './console-assets.ts';
import { consoleLoginFrom, LOCAL_ENV } from './local-env.ts';
import { DEMO_USERS } from './demo-users.ts';
import type { DeadLetter } from './local-queue.ts';
import { localFunctionSettings, FUNCTION_TIMEOUTS_ENV } from './local-function-settings.ts';
import { createLocalTokenIssuer } from './local-token-issuer.ts';
import { applyRuntimeEnvironment } from './runtime-environment.ts';
import { scheduleSlaSweep, type SlaSchedule } from './sla-schedule.ts';
import { LocalTelemetry, type LocalStats } from './telemetry.ts';

export { SLA_SWEEP_ENV } from './runtime-environment.ts';
export { INJECTED_FAULT_MARKER, SDK_FAULT_RATE_ENV, type SdkFaultKind } from './sdk-faults.ts';
export type { LocalStats } from './telemetry.ts';

/** The repository root, where route entries are resolved from. */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** Who a DynamoDB client works for: the API handlers, or the event path (publisher, workers, SLA sweep). */
export type ClientOrigin = 'api' | 'events';

/** What tests and benchmarks add to the runtime, to observe it. */
export interface RuntimeInstruments {
  /** Called with every DynamoDB client the handlers use (to add counting middleware, say). */
  readonly documentClient?: (client: DocumentClient, origin: ClientOrigin) => void;
  /** Wraps the bus the publisher publishes to (what it is handed is what was published). */
  readonly bus?: (bus: EventBus) => EventBus;
  /** Told the duration of every API function invocation (the handler alone: see the gateway's `onInvocation`). */
  readonly invocation?: (functionName: string, durationMs: number) => void;
}

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
  /** Observers from tests and benchmarks. */
  readonly instruments?: RuntimeInstruments;
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
  /** Where the audit archive's files are appended (docs/audit-archive.md). */
  readonly auditDir: string;
  /**
   * Resolves when every event committed before the call has been published and every local
   * queue is idle (delayed messages and redeliveries included): for tests and benchmarks.
   */
  drain(): Promise<void>;
  /** Runs the SLA sweep now (after any sweep in progress); the timer keeps its own pace. */
  sweepSla(): Promise<unknown>;
  /** Runs the local TTL reaper now (it also runs every `JOINTLY_TTL_SWEEP_SECONDS`); resolves with the items deleted. */
  reapExpired(): Promise<number>;
  /** Messages the local queues gave up on. */
  deadLetters(): DeadLetter[];
  /** Injected faults, publishes, requests and writes counted so far (also `GET /_local/stats`). */
  stats(): LocalStats;
  stop(): Promise<void>;
}

/** The port is taken and no fallback was allowed. */
export class PortInUseError extends Error {}

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

/** Listens on `options.port`, or on a free port if it is taken and a fallback is allowed. */
const listenWithFallback = async (server: ReturnType<typeof createLocalGateway>, options: LocalRuntimeOptions, host: string) => {
  try {
    return { port: await listen(server, options.port, host), usedFallbackPort: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (!options.fallbackToFreePort) {
      throw new PortInUseError(`Port ${options.port} is already in use: set PORT to another port, or PORT=0 for any free one.`);
    }
    return { port: await listen(server, 0, host), usedFallbackPort: true };
  }
};

/** Starts the local runtime; resolves once it serves requests. */
export const startLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  const tableName = options.tableName ?? 'jointly-local';
  let dynamo: DynamoDbLocal | undefined;
  if (!options.dynamodbEndpoint) dynamo = await startDynamoDbLocal({ persistDir: options.persistDir });
  const endpoint = options.dynamodbEndpoint ?? dynamo!.endpoint;
  // Positions, journals and keys are kept only with data that is kept (persisted DynamoDB Local).
  const keptDir = options.dynamodbEndpoint ? undefined : options.persistDir;
  let eventPath: EventPath | undefined;
  let telemetry: LocalTelemetry | undefined;
  let siteDir: string | undefined;

  try {
    // Handlers read their configuration from the environment at import, as on Lambda.
    const settings = applyRuntimeEnvironment({ tableName, endpoint, persistDir: options.persistDir, keptDir, env: options.env });
    // Every invocation runs with its function's deployed timeout and memory (dev stage).
    const functionSettings = localFunctionSettings(process.env);
    const limitsOf = (functionId: string) => functionSettings.get(functionId)!;
    const overridden = [...functionSettings.values()].filter((s) => s.overridden).map((s) => `${s.id}=${s.timeoutMs / 1000}s`);
    if (overridden.length > 0)
      logger.warn(`${FUNCTION_TIMEOUTS_ENV}: running with local timeouts that differ from the deployed ones`, { overridden });
    const client = new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await ensureTable(client, tableName);
    client.destroy();

    const counting = new LocalTelemetry(settings.sdkFaultRate);
    telemetry = counting;
    const instrument = (documentClient: DocumentClient, origin: ClientOrigin): DocumentClient => {
      counting.instrument(documentClient);
      options.instruments?.documentClient?.(documentClient, origin);
      return documentClient;
    };
    const localClient = (origin: ClientOrigin) => () => instrument(createDocumentClient({ endpoint }), origin);
    const sealer = new LocalSealer(settings.sealKey);
    const path = createEventPath({
      endpoint,
      tableName,
      keptDir,
      documentClient: localClient('events'),
      sealer,
      mailer: new LocalMailer({ dir: settings.mailDir }),
      faultRate: settings.faultRate,
      telemetry: counting,
      limitsOf,
      observeBus: options.instruments?.bus,
      ttlEveryMs: settings.ttlEveryMs,
      machineryClient: () => createDocumentClient({ endpoint }),
      auditArchive: new LocalAuditArchive({ dir: settings.auditDir }),
    });
    eventPath = path;

    const loaded = await loadApiHandlers({ sealer, deliveryQueue: path.deliveryQueue, documentClient: localClient('api') });
    for (const apiClient of await apiCompositionClients()) instrument(apiClient, 'api');
    const handlers = new Map([...loaded].map(([operationId, handler]) => [operationId, counting.scopedHandler(operationId, handler)]));
    const issuer = await createLocalTokenIssuer();
    // The console, built for this runtime (its own folder: runtimes started at once never share one).
    siteDir = await mkdtemp(join(tmpdir(), 'jointly-console-'));
    const login = consoleLoginFrom(process.env[LOCAL_ENV.consoleLogin]);
    await buildConsole(
      siteDir,
      login ? { auth: { kind: 'cognito', ...login, redirectPath: CONSOLE_BASE_PATH } } : { auth: { kind: 'local' } },
    );
    // Local-only routes beside /_local/token (never in the route table, so never deployed).
    const localRoutes = new Map<string, LocalRouteHandler>([
      ['GET /_local/stats', async () => jsonResponse(200, counting.snapshot(path.queues))],
      // Who the console's local "sign in as" form offers.
      ['GET /_local/users', async () => jsonResponse(200, { users: DEMO_USERS })],
      [
        'POST /_local/drain',
        async () => {
          await path.drain();
          return jsonResponse(200, { drained: true });
        },
      ],
    ]);
    const functionIdByOperation = new Map([
      ...ROUTES.map((r) => [r.operationId, functionIdOf(r)] as const),
      [DEFAULT_ROUTE.operationId, functionIdOf(DEFAULT_ROUTE)] as const,
    ]);
    const server = createLocalGateway({
      routes: ROUTES,
      handlers,
      issuer,
      localRoutes,
      site: consoleSite(
        siteDir,
        login ? { ...CONSOLE_HEADERS, 'content-security-policy': consoleCspWithLogin(login.domain) } : CONSOLE_HEADERS,
      ),
      limitsOf: (operationId) => ({
        functionName: functionIdByOperation.get(operationId)!,
        ...limitsOf(functionIdByOperation.get(operationId)!),
      }),
      ...(options.instruments?.invocation ? { onInvocation: options.instruments.invocation } : {}),
    });
    const host = options.host ?? '127.0.0.1';
    const { port, usedFallbackPort } = await listenWithFallback(server, options, host);

    // The stream → publisher → bus path, and the SLA sweep on a timer.
    path.startPublishing();
    const schedule: SlaSchedule = scheduleSlaSweep({
      handler: slaSweepHandler({ documentClient: localClient('events')(), deliveryQueue: path.deliveryQueue }),
      limits: limitsOf('slaSweep'),
      everyMs: settings.sweepEveryMs,
      asWorker: (work) => counting.inWorker('slaSweep', work),
    });
    return {
      url: `http://${host}:${port}`,
      port,
      dynamodbEndpoint: endpoint,
      tableName,
      usedFallbackPort,
      mailDir: settings.mailDir,
      auditDir: settings.auditDir,
      drain: () => path.drain(),
      sweepSla: () => schedule.sweepNow(),
      reapExpired: () => path.reapExpired(),
      deadLetters: () => path.deadLetters(),
      stats: () => counting.snapshot(path.queues),
      stop: async () => {
        await schedule.stop();
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await path.stop();
        counting.stop();
        await dynamo?.stop();
        if (siteDir) await rm(siteDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (siteDir) await rm(siteDir, { recursive: true, force: true });
    telemetry?.stop();
    await eventPath?.stop();
    await dynamo?.stop();
    throw error;
  }
};
