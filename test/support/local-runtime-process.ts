/**
 * Runs `npm start`'s entry point (infra/local/main.ts) as a child process, exactly as a
 * user would, on a free port, and waits for the "ready at <url>" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** A running `npm start`. */
export interface RuntimeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /**
   * SIGTERM, then wait for exit; resolves with the exit code. On a DynamoDB Local the caller
   * shares (`DYNAMODB_ENDPOINT` given), the runtime's table is then deleted.
   */
  stop(): Promise<number | null>;
}

/** Starts the runtime; rejects with its output if it exits before it is ready. */
export const startRuntimeProcess = (env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<RuntimeProcess> =>
  new Promise((resolveRuntime, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', JOINTLY_TABLE_NAME: `e2e-${ulid().toLowerCase()}`, ...env };
    const child = spawn(process.execPath, ['infra/local/main.ts'], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    // Chunks kept as they come and joined on demand: a busy runtime prints megabytes of log
    // lines, and re-reading the whole of it on every chunk made the test process the
    // bottleneck (the runtime then blocks writing to a full pipe).
    const chunks: string[] = [];
    const output = () => {
      if (chunks.length > 1) chunks.splice(0, chunks.length, chunks.join(''));
      return chunks[0] ?? '';
    };
    let ready = false;
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`runtime not ready within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk.toString());
      if (ready) return;
      const match = /ready at (http:\/\/\S+)/.exec(output());
      if (match?.[1]) {
        ready = true;
        clearTimeout(timer);
        resolveRuntime({
          url: match[1],
          child,
          output,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            const code = await exited;
            await dropTable(childEnv.DYNAMODB_ENDPOINT, childEnv.JOINTLY_TABLE_NAME);
            return code;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`runtime exited with ${code} before it was ready:\n${output()}`));
    });
  });

/**
 * Deletes a stopped runtime's table from the shared DynamoDB Local. DynamoDB Local slows
 * down as items and streams pile up across a run (the authorization matrices took 8× as
 * long after the 1,000-event file than before it), so every file cleans up after itself.
 * Best effort: the endpoint may be gone (a scenario that kills its own DynamoDB Local).
 */
const dropTable = async (endpoint: string | undefined, tableName: string | undefined): Promise<void> => {
  if (!endpoint || !tableName) return;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch {
    // Already gone, or DynamoDB Local stopped with the scenario that started it.
  } finally {
    client.destroy();
  }
};

/** Runs the entry point to completion (for start-up failures); resolves with code and output. */
export const runToExit = (env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> =>
  new Promise((done) => {
    const child = spawn(process.execPath, ['infra/local/main.ts'], {
      cwd: REPO_ROOT,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });

/** Mints a local token through the runtime's `POST /_local/token`. */
export const tokenFor = async (
  url: string,
  claims: { sub: string; org?: string; roles: string[]; expiresInSeconds?: number; tokenUse?: 'id' | 'access'; name?: string },
): Promise<string> => {
  const response = await fetch(`${url}/_local/token`, { method: 'POST', body: JSON.stringify(claims) });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
};
