/**
 * Runs `npm start`'s entry point (infra/local/main.ts) as a child process, exactly as a
 * user would, on a free port, and waits for the "ready at <url>" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { ulid } from 'ulid';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** A running `npm start`. */
export interface RuntimeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the runtime; rejects with its output if it exits before it is ready. */
export const startRuntimeProcess = (env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<RuntimeProcess> =>
  new Promise((resolveRuntime, reject) => {
    const child = spawn(process.execPath, ['infra/local/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', JOINTLY_TABLE_NAME: `e2e-${ulid().toLowerCase()}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`runtime not ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveRuntime({
          url: match[1],
          child,
          output: () => output,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`runtime exited with ${code} before it was ready:\n${output}`));
    });
  });

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
  claims: { sub: string; org?: string; roles: string[]; expiresInSeconds?: number; tokenUse?: 'id' | 'access' },
): Promise<string> => {
  const response = await fetch(`${url}/_local/token`, { method: 'POST', body: JSON.stringify(claims) });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
};
