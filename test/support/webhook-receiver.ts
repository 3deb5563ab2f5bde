/**
 * A local webhook receiver for the e2e tests (node:http on 127.0.0.1, a free port): it
 * records every request's raw body and headers exactly as they arrived and answers with
 * the status the test chooses. Also a small polling helper for asynchronous outcomes.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  /** Header names lower-cased, as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** The status the receiver answered with. */
  readonly status: number;
  /** 0-based arrival order. */
  readonly index: number;
  /** When it arrived (epoch ms): verify signatures as of then, not as of the assertion. */
  readonly receivedAt: number;
}

/** Chooses the status of a response from the request (and its arrival order). */
export type Responder = (request: Omit<ReceivedRequest, 'status'>) => number;

/** A running receiver. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook` */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts a receiver; by default it answers every request 200. */
export const startWebhookReceiver = async (respond: Responder = () => 200): Promise<WebhookReceiver> => {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
        index: requests.length,
        receivedAt: Date.now(),
      };
      const status = respond(seen);
      requests.push({ ...seen, status });
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'try again');
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((closed) => server.close(() => closed()));
    },
  };
};

/** The Unix time (seconds) a request arrived, for `verifyWebhook`'s `nowSeconds`. */
export const arrivalSeconds = (request: ReceivedRequest): number => Math.floor(request.receivedAt / 1000);

/** The value of a single-valued header (node:http lower-cases names). */
export const headerOf = (request: ReceivedRequest, name: string): string | undefined => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Calls `probe` every `intervalMs` until `done(value)` holds or `timeoutMs` has passed,
 * and returns the last value either way: the test's assertions then say what was wrong.
 */
export const pollUntil = async <T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() >= deadline) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
};

/** Waits `ms` (for "nothing more happens" checks, never for timing assertions). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
