/**
 * The local gateway invokes each route's function with its deployed timeout and memory, and
 * answers as API Gateway's HTTP API does when the function overruns: the function's own
 * timeout (≤ 29 s) → 500 `{"message":"Internal Server Error"}`; the HTTP API's 30 s
 * integration timeout (only a function allowed longer can reach it) → 503
 * `{"message":"Service Unavailable"}`.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLocalGateway, type LambdaHandler, type LocalGatewayOptions } from '#infra/local/gateway.ts';
import { createLocalTokenIssuer } from '#infra/local/local-token-issuer.ts';
import type { RouteDefinition } from '#shared/platform/http/route-definition.ts';
import { logger } from '#shared/platform/http/logger.ts';

const route = {
  operationId: 'slowThing',
  method: 'GET',
  path: '/slow',
  auth: 'none',
  entry: 'unused.ts',
  summary: 'slow',
  tags: [],
  success: { status: 200, description: 'ok' },
} as unknown as RouteDefinition;

const servers: Server[] = [];

const serve = async (handler: LambdaHandler, options: Partial<LocalGatewayOptions>): Promise<string> => {
  const server = createLocalGateway({
    routes: [route],
    handlers: new Map([
      ['slowThing', handler],
      ['notFound', async () => ({ statusCode: 404, body: '' })],
    ]),
    issuer: await createLocalTokenIssuer(),
    ...options,
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => {
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
});
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
  vi.restoreAllMocks();
});

describe('local gateway and function timeouts', () => {
  it("hands the handler a context with its function's timeout and memory", async () => {
    // Prepare
    const url = await serve(
      async (_event, context) => ({
        statusCode: 200,
        body: JSON.stringify({
          remaining: context.getRemainingTimeInMillis(),
          memory: context.memoryLimitInMB,
          name: context.functionName,
        }),
      }),
      { limitsOf: () => ({ functionName: 'slowFunction', timeoutMs: 7_000, memoryMb: 768 }) },
    );

    // Act
    const body = (await (await fetch(`${url}/slow`)).json()) as { remaining: number; memory: string; name: string };

    // Assess
    expect(body.remaining).toBeGreaterThan(0);
    expect(body.remaining).toBeLessThanOrEqual(7_000);
    expect(body).toMatchObject({ memory: '768', name: 'slowFunction' });
  });

  it("answers API Gateway's 500 when the function overruns its own timeout", async () => {
    // Prepare
    const url = await serve(
      async () => {
        await sleep(1_500);
        return { statusCode: 200, body: 'too late' };
      },
      { limitsOf: () => ({ functionName: 'slowThing', timeoutMs: 100, memoryMb: 512 }) },
    );

    // Act
    const response = await fetch(`${url}/slow`);

    // Assess
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
  });

  it("answers the HTTP API's 503 when a function allowed longer is still running at the integration timeout", async () => {
    // Prepare
    const url = await serve(
      async () => {
        await sleep(1_500);
        return { statusCode: 200, body: 'too late' };
      },
      { limitsOf: () => ({ functionName: 'slowThing', timeoutMs: 60_000, memoryMb: 512 }), integrationTimeoutMs: 100 },
    );

    // Act
    const response = await fetch(`${url}/slow`);

    // Assess
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ message: 'Service Unavailable' });
  });
});

describe('local gateway invocation timing', () => {
  it('tells onInvocation how long the function itself took, per invocation and by function name', async () => {
    // Prepare: a function that takes ≈ 40 ms.
    const seen: { functionName: string; durationMs: number }[] = [];
    const base = await serve(
      async () => {
        await sleep(40);
        return { statusCode: 200, body: 'ok' };
      },
      {
        limitsOf: () => ({ functionName: 'thingsApi', timeoutMs: 5_000, memoryMb: 512 }),
        onInvocation: (functionName, durationMs) => seen.push({ functionName, durationMs }),
      },
    );

    // Act
    const started = performance.now();
    const response = await fetch(`${base}/slow`);
    const roundTripMs = performance.now() - started;

    // Assess
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.functionName).toBe('thingsApi');
    expect(seen[0]!.durationMs).toBeGreaterThanOrEqual(39);
    expect(seen[0]!.durationMs).toBeLessThanOrEqual(roundTripMs);
  });
});
