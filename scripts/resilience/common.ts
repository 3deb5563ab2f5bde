/**
 * What the resilience scenarios share: sizes, the result shape, a check list, a bounded
 * pool, the runtime's local-only routes (`/_local/stats`, `/_local/drain`), a checker's
 * table scan, and a webhook sink that can be slow or hang. Scenario code runs both from
 * `npm run resilience` (full size) and from the e2e tests (small size).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScanCommand } from '../../shared/platform/dynamodb/document-client.ts';
import { createDocumentClient } from '../../shared/platform/dynamodb/dynamo-client.ts';
import type { LocalStats } from '../../infra/local/runtime.ts';
import type { RuntimeProcess } from '../../test/support/local-runtime-process.ts';

/** How big a run is: `full` for `npm run resilience`, `small` for CI. */
export type Size = 'small' | 'full';

export const SIZES: readonly Size[] = ['small', 'full'];

/** Options every scenario takes. */
export interface ScenarioOptions {
  readonly size: Size;
  /** A DynamoDB to use (e.g. the e2e project's); the runtime starts its own DynamoDB Local otherwise. */
  readonly dynamodbEndpoint?: string | undefined;
  /** Progress lines (the CLI prints them; tests may ignore them). */
  readonly log?: (line: string) => void;
  /** The fuzz scenario's fast-check seed, to replay a run (it prints the one it used). */
  readonly seed?: number | undefined;
}

/** One invariant checked, and what was found when it failed. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** What a scenario reports. */
export interface ScenarioResult {
  readonly name: string;
  readonly passed: number;
  readonly failed: number;
  /** One line per check: `ok …` or `FAILED … — detail`. */
  readonly details: string[];
  readonly checks: CheckResult[];
  /** The sizes of what was exercised (requests, events, injected faults…). */
  readonly counts: Record<string, number>;
  readonly durationMs: number;
}

/** Collects checks; {@link Checks.result} turns them into a {@link ScenarioResult}. */
export class Checks {
  readonly list: CheckResult[] = [];
  private readonly started = Date.now();

  /** Records a check; `detail` explains a failure (kept short). */
  check(name: string, ok: boolean, detail?: string): boolean {
    this.list.push({ name, ok, ...(ok || detail === undefined ? {} : { detail: detail.slice(0, 2_000) }) });
    return ok;
  }

  /** A check that `found` is empty; the first few items are the detail. */
  none(name: string, found: readonly unknown[]): boolean {
    return this.check(name, found.length === 0, `${found.length}: ${JSON.stringify(found.slice(0, 5))}`);
  }

  result(name: string, counts: Record<string, number>): ScenarioResult {
    const failed = this.list.filter((c) => !c.ok).length;
    return {
      name,
      passed: this.list.length - failed,
      failed,
      checks: [...this.list],
      details: this.list.map((c) => (c.ok ? `ok      ${c.name}` : `FAILED  ${c.name} — ${c.detail ?? ''}`)),
      counts,
      durationMs: Date.now() - this.started,
    };
  }
}

/** Runs `work` over `items` with at most `limit` at once; results in input order. */
export const inPool = async <T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `GET /_local/stats` of a running runtime. */
export const runtimeStats = async (url: string): Promise<LocalStats> => {
  const response = await fetch(`${url}/_local/stats`);
  if (response.status !== 200) throw new Error(`GET /_local/stats → ${response.status}`);
  return (await response.json()) as LocalStats;
};

/**
 * `POST /_local/drain`: resolves when every event committed so far is published and every
 * local queue is idle (retries and delayed messages included).
 */
export const drainRuntime = async (url: string, timeoutMs = 180_000): Promise<void> => {
  const response = await fetch(`${url}/_local/drain`, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
  if (response.status !== 200) throw new Error(`POST /_local/drain → ${response.status}`);
};

/** The DynamoDB endpoint a runtime process printed at start. */
export const dynamodbEndpointOf = (runtime: RuntimeProcess): string => {
  const match = /DynamoDB: (http:\/\/\S+)/.exec(runtime.output());
  if (!match?.[1]) throw new Error('The runtime did not print its DynamoDB endpoint.');
  return match[1];
};

/** Every item of the table (a checker may Scan; request paths never do). */
export const scanTable = async (endpoint: string, tableName: string): Promise<Record<string, any>[]> => {
  const client = createDocumentClient({ endpoint });
  try {
    const items: Record<string, any>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  } finally {
    client.destroy();
  }
};

/** Whether `type` matches a subscription's event type pattern (`*`, `prefix.*` or exact). */
export const matchesEventType = (pattern: string, type: string): boolean =>
  pattern === '*' || (pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type);

/** Counts of each value. */
export const tally = <T>(values: Iterable<T>): Map<T, number> => {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
};

/** One request as the sink saw it. */
export interface SinkRequest {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  readonly status: number;
  readonly index: number;
  readonly receivedAt: number;
  /** When the answer was sent (for a hung request: when the connection closed). */
  readonly answeredAt: number;
  /** Whether the sender stopped waiting before the answer (a timeout). */
  readonly abandoned: boolean;
}

/** How the sink answers one request: a status, after an optional delay. */
export type SinkResponder = (request: { readonly rawBody: string; readonly eventId: string; readonly index: number }) => {
  status: number;
  delayMs?: number;
};

/** A webhook receiver for the scenarios: like `test/support/webhook-receiver.ts`, but it can be slow or hang. */
export interface WebhookSink {
  readonly url: string;
  readonly requests: SinkRequest[];
  close(): Promise<void>;
}

/** Starts a sink on 127.0.0.1; by default every request is answered 200 at once. */
export const startWebhookSink = async (respond: SinkResponder = () => ({ status: 200 })): Promise<WebhookSink> => {
  const requests: SinkRequest[] = [];
  let arrivals = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const receivedAt = Date.now();
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const index = arrivals++;
      const eventId = String(req.headers['jointly-event-id'] ?? '');
      const { status, delayMs = 0 } = respond({ rawBody, eventId, index });
      const answer = () => {
        // The sender gave up (its timeout): what it saw was no answer at all.
        const abandoned = res.destroyed || req.socket.destroyed;
        requests.push({ headers: req.headers, rawBody, status, index, receivedAt, answeredAt: Date.now(), abandoned });
        if (abandoned) return;
        res.writeHead(status, { 'Content-Type': 'text/plain' });
        res.end(status < 300 ? 'ok' : 'try again');
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
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

/** A header's single value. */
export const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};
