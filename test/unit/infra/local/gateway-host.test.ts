/**
 * DNS-rebinding defence of the local gateway: it answers only requests whose `Host` is
 * loopback on its own port; anything else is 421 problem+json before any route runs.
 */
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalGateway, isLoopbackHost, type LambdaHandler } from '#infra/local/gateway.ts';
import { createLocalTokenIssuer } from '#infra/local/local-token-issuer.ts';
import { DEFAULT_ROUTE, ROUTES } from '#shared/wiring/routes.ts';

let server: Server;
let port: number;
let invocations = 0;

const ok: LambdaHandler = async () => {
  invocations += 1;
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"ok"}' };
};

/** A raw request with a chosen Host header (fetch would not let a test set it). */
const send = (host: string, method = 'GET', path = '/health', body?: string): Promise<{ status: number; type: string; body: string }> =>
  new Promise((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { host } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });

beforeAll(async () => {
  const health = ROUTES.find((route) => route.path === '/health')!;
  server = createLocalGateway({
    routes: [health],
    handlers: new Map([
      [health.operationId, ok],
      [DEFAULT_ROUTE.operationId, ok],
    ]),
    issuer: await createLocalTokenIssuer(),
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((closed) => server.close(closed));
});

describe('local gateway Host check', () => {
  it('answers requests addressed to 127.0.0.1, localhost or [::1] on its port', async () => {
    // Prepare
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`];

    // Act
    const replies = await Promise.all(hosts.map((host) => send(host)));

    // Assess
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('refuses another host name, another port or no port with 421 problem+json, running no route', async () => {
    // Prepare
    const before = invocations;
    const hosts = [`evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `127.0.0.2:${port}`, `localhost.evil.example:${port}`];

    // Act
    const replies = [];
    for (const host of hosts) replies.push(await send(host));

    // Assess
    expect(replies.map((r) => r.status)).toEqual(hosts.map(() => 421));
    expect(replies.map((r) => r.type)).toEqual(hosts.map(() => 'application/problem+json'));
    expect(JSON.parse(replies[0]!.body).type).toBe('https://jointly.dev/problems/misdirected-request');
    expect(invocations).toBe(before);
  });

  it('refuses to mint a token for a rebound host', async () => {
    // Act
    const reply = await send(
      `evil.example:${port}`,
      'POST',
      '/_local/token',
      JSON.stringify({ sub: 'u', org: 'ecc', roles: ['practitioner'] }),
    );

    // Assess
    expect(reply.status).toBe(421);
    expect(reply.body).not.toContain('token');
  });

  it('isLoopbackHost reads the port as 80 when the header has none', () => {
    // Act
    const verdicts = [isLoopbackHost('localhost', 80), isLoopbackHost('localhost', 3000), isLoopbackHost(undefined, 80)];

    // Assess
    expect(verdicts).toEqual([true, false, false]);
  });
});

describe('local gateway keep-alive', () => {
  it('keeps an idle connection about a minute, so a client’s own idle timeout always ends it first', async () => {
    // Prepare
    const headers = new Promise<Record<string, unknown>>((done, fail) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/health', headers: { host: `127.0.0.1:${port}`, connection: 'keep-alive' } },
        (res) => {
          res.resume();
          res.on('end', () => done(res.headers));
        },
      );
      req.on('error', fail);
      req.end();
    });

    // Act
    const keepAlive = String((await headers)['keep-alive']);

    // Assess
    expect(server.keepAliveTimeout).toBeGreaterThanOrEqual(60_000);
    expect(keepAlive).toBe(`timeout=${server.keepAliveTimeout / 1000}`);
  });
});
