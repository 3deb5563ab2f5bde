/**
 * A lean JSON client for the benchmark's timed requests: HTTP/1.1 written straight onto
 * keep-alive sockets (one per request in flight, reused) and each reply read by its
 * `Content-Length`. What is timed is then the gateway and the handler, not the client: a
 * caller's own HTTP stack runs on the caller's machine, never in API Gateway or Lambda, yet
 * `node:http`'s client (request object, agent, parser, response stream) cost ≈ 0.2 ms a
 * request on the build machine, about what the whole local gateway adds. It speaks what the
 * local gateway answers — a status, headers and a `Content-Length` body, or a body up to the
 * close as in Node's own bare error replies — and refuses a chunked reply rather than guess.
 */
import { connect, type Socket } from 'node:net';

/** A response: status and the raw body text. */
export interface HttpReply {
  readonly status: number;
  readonly text: string;
}

/** Who calls: the claims `POST /_local/token` takes. */
export interface BenchCaller {
  readonly sub: string;
  readonly org: string;
  readonly roles: readonly string[];
}

/** A client for one base URL. */
export interface JsonClient {
  /** Sends a request; `body` is sent as given (already JSON). */
  send(method: string, path: string, token: string | undefined, body?: string): Promise<HttpReply>;
  /** Like {@link send}, but fails unless the status is `expected`; returns the parsed body. */
  expect(status: number, method: string, path: string, token: string | undefined, body?: string): Promise<any>;
  /** A token for `caller` from the local issuer (minted once per caller, then reused). */
  tokenFor(caller: BenchCaller): Promise<string>;
  close(): void;
}

/** The request's head: what `node:http` sent for the same call (host, keep-alive, bearer token, JSON type and length). */
export const requestHead = (method: string, path: string, host: string, token: string | undefined, body: string | undefined): string => {
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n`;
  if (token) head += `authorization: Bearer ${token}\r\n`;
  if (body !== undefined) head += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
  // An empty POST says so, as `node:http` does; a GET or HEAD has no body to announce.
  else if (method !== 'GET' && method !== 'HEAD') head += 'content-length: 0\r\n';
  return `${head}\r\n`;
};

/** What a reply's head says about the body after it. */
export interface ReplyHead {
  readonly status: number;
  /** Body bytes to read; `undefined` = up to the close (no `Content-Length`). */
  readonly length: number | undefined;
  /** The server closes the connection after this reply. */
  readonly close: boolean;
  /** Where the body starts in the bytes read so far. */
  readonly bodyStart: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Reads a reply's status line and headers from the bytes received so far; `undefined` while
 * the head is incomplete. Throws on anything but HTTP/1.x, and on a chunked body.
 */
export const parseReplyHead = (received: Buffer, method: string): ReplyHead | undefined => {
  const end = received.indexOf(HEAD_END);
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = received.toString('latin1', 0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})\b/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`Not an HTTP/1.x reply: ${JSON.stringify(statusLine.slice(0, 80))}`);
  let length: number | undefined;
  let close = false;
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') length = Number(value);
    else if (name === 'connection') close = value.toLowerCase() === 'close';
    else if (name === 'transfer-encoding') throw new Error(`A ${value} reply: this client reads Content-Length bodies only.`);
  }
  // These never have a body, whatever the headers say (RFC 9112, 6.3).
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) length = 0;
  if (length !== undefined && !(Number.isSafeInteger(length) && length >= 0)) throw new Error('A reply with an invalid Content-Length.');
  return { status, length, close, bodyStart: end + HEAD_END.length };
};

/** Creates a client for `baseUrl` (`http://127.0.0.1:port`). */
export const jsonClient = (baseUrl: string): JsonClient => {
  const url = new URL(baseUrl);
  const port = Number(url.port || 80);
  const host = url.host;
  const idle: Socket[] = [];
  const open = new Set<Socket>();
  const tokens = new Map<string, Promise<string>>();

  const forget = (socket: Socket) => {
    open.delete(socket);
    const at = idle.indexOf(socket);
    if (at >= 0) idle.splice(at, 1);
  };

  /** An idle connection the server has not closed, or a new one. */
  const take = (): Socket => {
    for (let socket = idle.pop(); socket; socket = idle.pop()) {
      if (socket.readyState === 'open') return socket;
      socket.destroy();
    }
    const socket = connect({ host: url.hostname, port, noDelay: true });
    open.add(socket);
    socket.on('close', () => forget(socket));
    // An error on an idle connection only closes it; a request in flight has its own listener.
    socket.on('error', () => undefined);
    // The server closed an idle connection (its keep-alive timeout): never reuse it.
    socket.on('end', () => {
      if (idle.includes(socket)) socket.destroy();
    });
    return socket;
  };

  const send = (method: string, path: string, token: string | undefined, body?: string): Promise<HttpReply> =>
    new Promise((resolveReply, reject) => {
      const socket = take();
      let received: Buffer = Buffer.alloc(0);
      let head: ReplyHead | undefined;
      const finish = (outcome: Error | HttpReply) => {
        socket.off('data', onData);
        socket.off('end', onEnd);
        socket.off('error', onError);
        if (outcome instanceof Error) {
          socket.destroy();
          reject(outcome);
          return;
        }
        if (head?.close || head?.length === undefined) socket.destroy();
        else idle.push(socket);
        resolveReply(outcome);
      };
      const reply = (bodyEnd: number): HttpReply => ({
        status: head!.status,
        text: received.toString('utf8', head!.bodyStart, bodyEnd),
      });
      const onData = (chunk: Buffer) => {
        received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
        try {
          head ??= parseReplyHead(received, method);
        } catch (error) {
          finish(error as Error);
          return;
        }
        if (head?.length !== undefined && received.length >= head.bodyStart + head.length) finish(reply(head.bodyStart + head.length));
      };
      const onEnd = () => {
        if (head && head.length === undefined) finish(reply(received.length));
        else finish(new Error(`The connection closed before the reply to ${method} ${path} was complete.`));
      };
      const onError = (error: Error) => finish(error);
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('error', onError);
      socket.write(body === undefined ? requestHead(method, path, host, token, body) : requestHead(method, path, host, token, body) + body);
    });

  const expectStatus = async (status: number, method: string, path: string, token: string | undefined, body?: string): Promise<any> => {
    const reply = await send(method, path, token, body);
    if (reply.status !== status) throw new Error(`${method} ${path} → ${reply.status} (expected ${status}): ${reply.text.slice(0, 500)}`);
    return reply.text.length > 0 ? JSON.parse(reply.text) : undefined;
  };

  return {
    send,
    expect: expectStatus,
    tokenFor: (caller) => {
      const key = JSON.stringify(caller);
      let token = tokens.get(key);
      if (!token) {
        token = expectStatus(200, 'POST', '/_local/token', undefined, JSON.stringify(caller)).then((b: { token: string }) => b.token);
        tokens.set(key, token);
      }
      return token;
    },
    close: () => {
      for (const socket of open) socket.destroy();
    },
  };
};
