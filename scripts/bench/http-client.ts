/**
 * A lean JSON client for the benchmark's timed requests: `node:http` on a keep-alive agent
 * (no per-request connection set-up, no fetch/undici layers), so what is timed is the
 * gateway and the handler, not the client.
 */
import { Agent, request as httpRequest } from 'node:http';

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

/** Creates a client for `baseUrl` (`http://127.0.0.1:port`). */
export const jsonClient = (baseUrl: string): JsonClient => {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const tokens = new Map<string, Promise<string>>();

  const send = (method: string, path: string, token: string | undefined, body?: string): Promise<HttpReply> =>
    new Promise((resolveReply, reject) => {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(body));
      }
      const req = httpRequest({ agent, host: url.hostname, port: url.port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolveReply({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
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
    close: () => agent.destroy(),
  };
};
