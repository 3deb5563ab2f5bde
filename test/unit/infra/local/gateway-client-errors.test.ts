/**
 * A request Node's HTTP parser refuses before any route runs (a request line and headers over
 * 16 KiB) is answered 431, and the body the client is still sending is read and dropped: the
 * client gets the answer and a clean close, never a reset.
 */
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalGateway } from '#infra/local/gateway.ts';
import { createLocalTokenIssuer } from '#infra/local/local-token-issuer.ts';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createLocalGateway({ routes: [], handlers: new Map(), issuer: await createLocalTokenIssuer() });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((closed) => server.close(closed));
});

/** Sends a request whose path is `pathBytes` long with a `bodyBytes` body, in 64 KiB writes; what came back. */
const sendOversized = (pathBytes: number, bodyBytes: number): Promise<{ answer: string; error: string | undefined }> =>
  new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let error: string | undefined;
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => done({ answer, error }));
    socket.on('connect', async () => {
      socket.write(`POST /${'x'.repeat(pathBytes)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${bodyBytes}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      for (let sent = 0; sent < bodyBytes && !socket.destroyed; sent += chunk.length) {
        if (!socket.write(chunk.subarray(0, Math.min(chunk.length, bodyBytes - sent)))) {
          await new Promise((drained) => socket.once('drain', drained));
        }
      }
      if (!socket.destroyed) socket.end();
    });
  });

describe('local gateway: requests the HTTP parser refuses', () => {
  it('a 40 KiB request line with a 4 MiB body: 431, then a clean close after the body, no reset', async () => {
    // Act
    const { answer, error } = await sendOversized(40 * 1024, 4 * 1024 * 1024);

    // Assess
    expect(answer.startsWith('HTTP/1.1 431 ')).toBe(true);
    expect(answer).toContain('Connection: close');
    expect(error).toBeUndefined();
  });
});
