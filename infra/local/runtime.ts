/**
 * Starts the whole local runtime: DynamoDB Local (unless `DYNAMODB_ENDPOINT` is given),
 * the table from the shared definition, the handler modules from the route table, and
 * the local gateway. `npm start` and the end-to-end tests both use this.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV } from '../../shared/config/runtime-config.ts';
import { DEFAULT_ROUTE, ROUTES } from '../routes.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { ensureTable } from './ensure-table.ts';
import { createLocalGateway, type LambdaHandler } from './gateway.ts';
import { createLocalTokenIssuer } from './local-token-issuer.ts';

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
  stop(): Promise<void>;
}

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
  });
  if (!persistDir) return fresh();
  const file = resolve(persistDir, 'local-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const keys = fresh();
  mkdirSync(persistDir, { recursive: true });
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
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

/** Starts the local runtime; resolves once it serves requests. */
export const startLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  const tableName = options.tableName ?? 'jointly-local';
  let dynamo: DynamoDbLocal | undefined;
  const endpoint = options.dynamodbEndpoint ?? (dynamo = await startDynamoDbLocal({ persistDir: options.persistDir })).endpoint;

  try {
    // Handlers read their configuration from the environment at import, as on Lambda.
    Object.assign(process.env, {
      [ENV.stage]: 'local',
      [ENV.tableName]: tableName,
      [ENV.dynamodbEndpoint]: endpoint,
      AWS_REGION: process.env.AWS_REGION ?? 'eu-west-2',
      POWERTOOLS_SERVICE_NAME: 'jointly',
      ...localSecrets(options.dynamodbEndpoint ? undefined : options.persistDir),
      ...Object.fromEntries(
        [ENV.subjectHashKey, ENV.cursorKey].filter((name) => process.env[name]).map((name) => [name, process.env[name]!]),
      ),
      ...options.env,
    });
    const client = new DynamoDBClient({
      endpoint,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(client, tableName);
    client.destroy();

    const handlers = await loadHandlers();
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
    return {
      url: `http://${host}:${port}`,
      port,
      dynamodbEndpoint: endpoint,
      tableName,
      usedFallbackPort,
      stop: async () => {
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
};
