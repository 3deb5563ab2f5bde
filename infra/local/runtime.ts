/**
 * Starts the whole local runtime: DynamoDB Local (unless `DYNAMODB_ENDPOINT` is given),
 * the table from the shared definition, the event path (in-process bus and queues, the
 * stream poller feeding the publisher, the SLA sweep on a timer), the handler modules from
 * the route table, and the local gateway. `npm start` and the end-to-end tests both use this.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV } from '../../shared/config/runtime-config.ts';
import { registerLocalEventAdapters } from '../../shared/events/adapters.ts';
import { QUEUES, type QueueName } from '../../shared/events/bus-rules.ts';
import { EVENT_ENV } from '../../shared/events/event-config.ts';
import { LocalMailer } from '../../shared/events/mailers.ts';
import type { DeliveryJob } from '../../shared/events/ports.ts';
import { LocalSealer } from '../../shared/events/sealers.ts';
import { logger } from '../../shared/http/logger.ts';
import { DEFAULT_ROUTE, ROUTES } from '../routes.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { ensureTable } from './ensure-table.ts';
import { createLocalGateway, type LambdaHandler } from './gateway.ts';
import { localLambdaContext } from './lambda-context.ts';
import { LocalBus } from './local-bus.ts';
import { handlerFromEntry, LocalQueue, type DeadLetter } from './local-queue.ts';
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

const PUBLISHER_ENTRY = 'functions/events/publisher/handler.ts';
const SLA_SWEEP_ENTRY = 'functions/scheduled/sla-sweep/handler.ts';

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
      queues.set(name, new LocalQueue({ name, consumer: handlerFromEntry(queue.entry), maxReceiveCount: queue.maxReceiveCount }));
    }
    const bus = new LocalBus({ targets: { fanOut: queues.get('fanOut')!, deliveries: queues.get('deliveries')! } });
    registerLocalEventAdapters({
      bus,
      deliveryQueue: queues.get('deliveries')! as LocalQueue<DeliveryJob>,
      sealer: new LocalSealer(process.env[EVENT_ENV.localSealKey]!),
      mailer: new LocalMailer({ dir: mailDir }),
    });

    const handlers = await loadHandlers();
    const publisher = await importHandler<StreamHandler>(PUBLISHER_ENTRY);
    const sweepHandler = await importHandler<(event: unknown, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>>(SLA_SWEEP_ENTRY);
    const issuer = await createLocalTokenIssuer();
    const server = createLocalGateway({ routes: ROUTES, handlers, issuer });
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
      handler: publisher,
      positionFile: keptDir ? resolve(keptDir, 'stream-position.json') : undefined,
    });
    poller.start();
    let sweeping: Promise<unknown> | undefined;
    const sweepSla = async (): Promise<unknown> => {
      while (sweeping) await sweeping.catch(() => undefined);
      sweeping = sweepHandler({}, localLambdaContext('slaSweep', 60_000));
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
    return {
      url: `http://${host}:${port}`,
      port,
      dynamodbEndpoint: endpoint,
      tableName,
      usedFallbackPort,
      mailDir,
      drain: async () => {
        for (;;) {
          await runningPoller.caughtUp();
          const busy = [...queues.values()].some((q) => !q.isIdle());
          await Promise.all([...queues.values()].map((q) => q.whenIdle()));
          if (!busy) return;
        }
      },
      sweepSla,
      deadLetters: () => [...queues.values()].flatMap((q) => q.deadLetters()),
      stop: async () => {
        stopping = true;
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
