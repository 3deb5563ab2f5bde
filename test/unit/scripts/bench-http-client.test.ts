import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonClient, parseReplyHead, requestHead, type JsonClient } from '#scripts/bench/http-client.ts';

/** What the test server saw of one request. */
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly socket: Socket;
}

let server: Server | undefined;
let client: JsonClient | undefined;

afterEach(async () => {
  client?.close();
  server?.closeAllConnections();
  if (server) await new Promise((done) => server!.close(done));
  server = undefined;
  client = undefined;
});

/** A real HTTP server on a free loopback port, answering with `answer`; records every request. */
const serve = async (answer: (seen: Seen, res: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> => {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        socket: req.socket,
      };
      seen.push(request);
      answer(request, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
};

const json = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

describe('requestHead', () => {
  it('sends what node:http sent: host, keep-alive, the bearer token, and a JSON body’s type and byte length', () => {
    // Act
    const head = requestHead('POST', '/referrals', '127.0.0.1:3000', 'abc', '{"name":"Zoë"}');

    // Assess
    expect(head).toBe(
      'POST /referrals HTTP/1.1\r\nhost: 127.0.0.1:3000\r\nconnection: keep-alive\r\nauthorization: Bearer abc\r\n' +
        'content-type: application/json\r\ncontent-length: 15\r\n\r\n',
    );
  });

  it('announces an empty body on a POST, and none on a GET', () => {
    // Act
    const post = requestHead('POST', '/referrals/x/accept', 'h', undefined, undefined);
    const get = requestHead('GET', '/referrals/x', 'h', 't', undefined);

    // Assess
    expect(post).toContain('content-length: 0\r\n');
    expect(get).not.toContain('content-length');
  });
});

describe('parseReplyHead', () => {
  it('waits for the whole head, then reads the status, the body length and where the body starts', () => {
    // Prepare
    const reply = Buffer.from('HTTP/1.1 201 Created\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}');

    // Act
    const partial = parseReplyHead(reply.subarray(0, 20), 'POST');
    const head = parseReplyHead(reply, 'POST');

    // Assess
    expect(partial).toBeUndefined();
    expect(head).toEqual({ status: 201, length: 2, close: false, bodyStart: reply.length - 2 });
  });

  it('reads a body without Content-Length up to the close, and none after a 204 or a HEAD', () => {
    // Act
    const untilClose = parseReplyHead(Buffer.from('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n'), 'GET');
    const noContent = parseReplyHead(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'), 'DELETE');
    const head = parseReplyHead(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n'), 'HEAD');

    // Assess
    expect(untilClose).toMatchObject({ status: 431, length: undefined, close: true });
    expect(noContent?.length).toBe(0);
    expect(head?.length).toBe(0);
  });

  it('refuses a chunked reply and anything that is not HTTP/1.x', () => {
    // Act
    const chunked = () => parseReplyHead(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), 'GET');
    const other = () => parseReplyHead(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'), 'GET');

    // Assess
    expect(chunked).toThrow(/Content-Length bodies only/);
    expect(other).toThrow(/Not an HTTP\/1\.x reply/);
  });
});

describe('jsonClient', () => {
  it('sends the method, path, headers and body, and returns the status and the body as text', async () => {
    // Prepare
    const { url, seen } = await serve((request, res) => json(res, 201, { echoed: JSON.parse(request.body) }));
    client = jsonClient(url);

    // Act
    const reply = await client.send('POST', '/referrals?x=1', 'token-1', JSON.stringify({ reason: 'Falls — twice, Zoë' }));

    // Assess
    expect(reply).toEqual({ status: 201, text: JSON.stringify({ echoed: { reason: 'Falls — twice, Zoë' } }) });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/referrals?x=1',
      headers: { authorization: 'Bearer token-1', 'content-type': 'application/json', connection: 'keep-alive' },
    });
  });

  it('reuses one connection for requests in turn and opens another for a request in flight at the same time', async () => {
    // Prepare
    const { url, seen } = await serve((request, res) => json(res, 200, { url: request.url }));
    client = jsonClient(url);

    // Act
    await client.send('GET', '/a', undefined);
    await client.send('GET', '/b', undefined);
    await Promise.all([client.send('GET', '/c', undefined), client.send('GET', '/d', undefined)]);

    // Assess
    expect(seen[1]!.socket).toBe(seen[0]!.socket);
    expect(new Set(seen.map((s) => s.socket)).size).toBe(2);
  });

  it('reads a body that arrives in several pieces', async () => {
    // Prepare
    const text = JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => `referral-${i}`) });
    const { url } = await serve((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.write(text.slice(0, 10));
      setImmediate(() => res.end(text.slice(10)));
    });
    client = jsonClient(url);

    // Act
    const reply = await client.send('GET', '/referrals', undefined);

    // Assess
    expect(reply.text).toBe(text);
  });

  it('after a reply that closes the connection, sends the next request on a new one', async () => {
    // Prepare
    const { url, seen } = await serve((request, res) => {
      if (request.url === '/bye') res.setHeader('connection', 'close');
      json(res, 200, {});
    });
    client = jsonClient(url);

    // Act
    await client.send('GET', '/bye', undefined);
    const next = await client.send('GET', '/again', undefined);

    // Assess
    expect(next.status).toBe(200);
    expect(seen[1]!.socket).not.toBe(seen[0]!.socket);
  });

  it('fails a request whose reply is chunked, and expect() fails on another status', async () => {
    // Prepare
    const { url } = await serve((request, res) => {
      if (request.url === '/chunked') {
        res.write('{"a":');
        res.end('1}');
        return;
      }
      json(res, 404, { title: 'Not found' });
    });
    client = jsonClient(url);

    // Act
    const chunked = client.send('GET', '/chunked', undefined);
    const missing = client.expect(200, 'GET', '/missing', undefined);

    // Assess
    await expect(chunked).rejects.toThrow(/Content-Length bodies only/);
    await expect(missing).rejects.toThrow('GET /missing → 404 (expected 200): {"title":"Not found"}');
  });

  it('mints a token once per caller and parses expect()’s JSON body', async () => {
    // Prepare
    const { url, seen } = await serve((request, res) => json(res, 200, { token: `t-${JSON.parse(request.body).sub}` }));
    client = jsonClient(url);
    const caller = { sub: 'nurse', org: 'provide', roles: ['practitioner'] };

    // Act
    const tokens = await Promise.all([client.tokenFor(caller), client.tokenFor(caller)]);

    // Assess
    expect(tokens).toEqual(['t-nurse', 't-nurse']);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /_local/token']);
  });
});
