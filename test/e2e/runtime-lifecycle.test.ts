/**
 * `npm start` as a process: it starts its own DynamoDB Local, two can run at once, it
 * stops cleanly on SIGTERM leaving no Java behind, and start-up failures say what to do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { runToExit, startRuntimeProcess } from '#test/support/local-runtime-process.ts';

/** PIDs of DynamoDB Local JVMs listening on `port` (by their command line). */
const dynamoProcessesOnPort = (port: string): string[] =>
  execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(`-port ${port}`))
    .map((line) => line.trim().split(/\s+/)[0] ?? '');

const waitFor = async (condition: () => boolean, timeoutMs = 15_000): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
};

describe('npm start as a process', () => {
  it('starts its own DynamoDB Local, serves, and on SIGTERM exits 0 leaving no Java process', async () => {
    // Prepare
    const runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: undefined });
    const dynamoPort = /DynamoDB: http:\/\/127\.0\.0\.1:(\d+)/.exec(runtime.output())?.[1] ?? '';
    const health = await fetch(`${runtime.url}/health`);
    const javaWhileRunning = dynamoProcessesOnPort(dynamoPort);

    // Act
    const exitCode = await runtime.stop();

    // Assess
    expect(health.status).toBe(200);
    expect(runtime.output()).toContain('in memory');
    expect(javaWhileRunning).toHaveLength(1);
    expect(exitCode).toBe(0);
    expect(await waitFor(() => dynamoProcessesOnPort(dynamoPort).length === 0)).toBe(true);
  });

  it('if killed outright (SIGKILL), its DynamoDB Local does not outlive it', async () => {
    // Prepare
    const runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: undefined });
    const dynamoPort = /DynamoDB: http:\/\/127\.0\.0\.1:(\d+)/.exec(runtime.output())?.[1] ?? '';

    // Act
    runtime.child.kill('SIGKILL');

    // Assess
    expect(await waitFor(() => dynamoProcessesOnPort(dynamoPort).length === 0)).toBe(true);
  });

  it('with JOINTLY_LOCAL_DATA_DIR persists DynamoDB Local to that folder', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'jointly-data-'));

    // Act
    const runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: undefined, JOINTLY_LOCAL_DATA_DIR: dataDir });
    await runtime.stop();

    // Assess
    expect(runtime.output()).toContain(`persisted in ${dataDir}`);
    expect(readdirSync(dataDir)).toContain('shared-local-instance.db');
  });

  it('runs two runtimes at once on different ports without colliding', async () => {
    // Prepare
    const endpoint = inject('dynamodbEndpoint');

    // Act
    const [first, second] = await Promise.all([
      startRuntimeProcess({ DYNAMODB_ENDPOINT: endpoint }),
      startRuntimeProcess({ DYNAMODB_ENDPOINT: endpoint }),
    ]);
    const statuses = await Promise.all([fetch(`${first.url}/health`), fetch(`${second.url}/health`)]).then((r) => r.map((x) => x.status));
    await Promise.all([first.stop(), second.stop()]);

    // Assess
    expect(first.url).not.toBe(second.url);
    expect(statuses).toEqual([200, 200]);
  });

  it('an explicit PORT that is taken fails with one clear sentence', async () => {
    // Prepare
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = String((blocker.address() as { port: number }).port);

    // Act
    const result = await runToExit({ ...process.env, PORT: port, DYNAMODB_ENDPOINT: inject('dynamodbEndpoint') });
    blocker.close();

    // Assess
    expect(result.code).toBe(1);
    expect(result.output).toContain(`Port ${port} is already in use`);
  });

  it('without Java it exits saying what to install', async () => {
    // Prepare: a PATH with no java on it (node is started by absolute path).
    const env = { ...process.env, PATH: '/nonexistent', PORT: '0', DYNAMODB_ENDPOINT: undefined };

    // Act
    const result = await runToExit(env);

    // Assess
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/DynamoDB Local needs Java 17 or newer: install/);
  });
});
