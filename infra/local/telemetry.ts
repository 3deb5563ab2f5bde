/**
 * What the local runtime counts for tests, benchmarks and `npm run resilience` (served at
 * `GET /_local/stats`), and the DynamoDB client middleware that counts and injects SDK
 * faults (`JOINTLY_SDK_FAULT_RATE`). Every DynamoDB command is attributed, by async
 * context, to the API request or the event-path worker it runs for.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DocumentClient } from '../../shared/platform/dynamodb/document-client.ts';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import type { EventBus } from '../../shared/core/messaging-ports.ts';
import type { LambdaHandler } from './gateway.ts';
import type { LocalQueue } from './local-queue.ts';
import { drawSdkFault, INJECTED_FAULT_MARKER, sdkFaultError, timeoutDelay } from './sdk-faults.ts';
import type { StreamHandler } from './stream-poller.ts';

/** What the runtime has counted since it started: `GET /_local/stats`, and `LocalRuntime.stats()`. */
export interface LocalStats {
  readonly sdkFaults: {
    readonly rate: number;
    readonly injected: number;
    readonly byKind: Record<string, number>;
    /** `api` (a route's handler), or the worker: `fanOut`, `deliveries`, `slaSweep`, … */
    readonly byScope: Record<string, number>;
    readonly byCommand: Record<string, number>;
  };
  readonly publisher: {
    readonly invocations: number;
    /** Invocations that reported failed records or threw (`JOINTLY_FAULT_RATE` draws them on purpose). */
    readonly failedInvocations: number;
    /** Events the bus accepted (a re-published event counts again). */
    readonly eventsPublished: number;
  };
  /** Per queue: messages it gave up on, and the names of their last errors (never a message or body). */
  readonly queues: Record<string, { readonly deadLetters: number; readonly lastErrors: Readonly<Record<string, number>> }>;
  readonly requests: {
    /** Requests that reached a handler (the gateway's own 401s and 413s do not). */
    readonly total: number;
    readonly byStatus: Record<string, number>;
    /** Requests that had at least one DynamoDB write applied (so the attribution is seen to work). */
    readonly withWrites: number;
    /** Requests during which at least one SDK fault was injected, by final status. */
    readonly faulted: {
      readonly total: number;
      readonly byStatus: Record<string, number>;
      /** `"<operationId> <status>"` of faulted requests answered ≥ 500: which operations do not absorb a fault. */
      readonly failedByOperation: Record<string, number>;
      readonly leakedFaultMessages: number;
    };
    /**
     * Requests answered ≥ 400 that had a DynamoDB write applied (a write command that
     * succeeded, attributed to the request by async context): there should be none.
     */
    readonly rejectedWithWrites: {
      readonly count: number;
      readonly samples: readonly { operationId: string; status: number; writes: readonly string[] }[];
    };
  };
}

/** Who a DynamoDB command runs for: an API request, or a worker of the event path. */
type Scope =
  | { readonly kind: 'api'; readonly operationId: string; readonly writes: string[]; faults: number; status?: number }
  | { readonly kind: 'worker'; readonly name: string };

const WRITE_COMMANDS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

/** The runtime that instruments each client: a later runtime's replaces an earlier one's (one interceptor per client). */
const instrumentedBy = new WeakMap<DocumentClient, LocalTelemetry>();

type Next = () => Promise<Record<string, unknown>>;

/** Counts and SDK fault injection for one runtime; see {@link LocalStats}. */
export class LocalTelemetry {
  private readonly scopes = new AsyncLocalStorage<Scope>();
  private readonly sdkFaultRate: number;
  private stopped = false;
  private injected = 0;
  private readonly byKind: Record<string, number> = {};
  private readonly byScope: Record<string, number> = {};
  private readonly byCommand: Record<string, number> = {};
  private readonly publisher = { invocations: 0, failedInvocations: 0, eventsPublished: 0 };
  private requests = 0;
  private withWrites = 0;
  private readonly byStatus: Record<string, number> = {};
  private readonly faulted = {
    total: 0,
    byStatus: {} as Record<string, number>,
    failedByOperation: {} as Record<string, number>,
    leakedFaultMessages: 0,
  };
  private rejectedWithWrites = 0;
  private readonly rejectedSamples: { operationId: string; status: number; writes: string[] }[] = [];

  constructor(sdkFaultRate: number) {
    this.sdkFaultRate = sdkFaultRate;
  }

  /**
   * Adds the runtime's interceptor to `client`: once per attempt (inside the client's retry
   * loop, before signing, so throttling and timeouts are retried by the client itself as in
   * AWS), it maybe throws an injected error *before* the request is sent — an injected fault
   * means "not applied", as with DynamoDB — else sends it and attributes an applied write to
   * the API request it serves. After {@link stop} it lets everything through (an API
   * composition root's client outlives a runtime).
   */
  instrument(client: DocumentClient): void {
    if (!instrumentedBy.has(client)) {
      client.intercept('attempt', (context, next) => {
        const telemetry = instrumentedBy.get(client);
        return !telemetry || telemetry.stopped ? next() : telemetry.attempt(next, context.operation, context);
      });
    }
    instrumentedBy.set(client, this);
  }

  private async attempt(next: Next, command: string, args: { input: unknown }): Promise<Record<string, unknown>> {
    const scope = this.scopes.getStore();
    const kind = drawSdkFault(command, this.sdkFaultRate);
    if (kind) {
      const where = scope?.kind === 'worker' ? scope.name : 'api';
      this.injected += 1;
      this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
      this.byScope[where] = (this.byScope[where] ?? 0) + 1;
      this.byCommand[command] = (this.byCommand[command] ?? 0) + 1;
      if (scope?.kind === 'api') scope.faults += 1;
      if (kind === 'timeout') await timeoutDelay();
      throw sdkFaultError(kind, args.input);
    }
    const result = await next();
    if (scope?.kind === 'api' && WRITE_COMMANDS.has(command)) {
      scope.writes.push(command);
      // A write after the request was answered with an error (fire-and-forget work) counts too.
      if (scope.status !== undefined && scope.status >= 400) this.noteRejectedWrite(scope, [command]);
    }
    return result;
  }

  /** Wraps a route's handler so its DynamoDB commands are attributed to the request. */
  scopedHandler(operationId: string, handler: LambdaHandler): LambdaHandler {
    return async (event, context) => {
      const scope: Scope = { kind: 'api', operationId, writes: [], faults: 0 };
      let result: APIGatewayProxyResultV2 | undefined;
      try {
        result = await this.scopes.run(scope, () => handler(event, context));
        return result;
      } finally {
        // A throw becomes API Gateway's 500 in the gateway.
        const status = result === undefined ? 500 : typeof result === 'string' ? 200 : (result.statusCode ?? 200);
        const body = typeof result === 'string' ? result : typeof result?.body === 'string' ? result.body : '';
        scope.status = status;
        this.requests += 1;
        this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
        if (scope.faults > 0) {
          this.faulted.total += 1;
          this.faulted.byStatus[status] = (this.faulted.byStatus[status] ?? 0) + 1;
          const key = `${operationId} ${status}`;
          if (status >= 500) this.faulted.failedByOperation[key] = (this.faulted.failedByOperation[key] ?? 0) + 1;
        }
        if (body.includes(INJECTED_FAULT_MARKER)) this.faulted.leakedFaultMessages += 1;
        if (scope.writes.length > 0) this.withWrites += 1;
        if (status >= 400 && scope.writes.length > 0) this.noteRejectedWrite(scope, scope.writes);
      }
    };
  }

  /** Runs `work` as the worker `name` (not as whatever request happened to queue it). */
  inWorker<T>(name: string, work: () => Promise<T>): Promise<T> {
    return this.scopes.run({ kind: 'worker', name }, work);
  }

  /** Wraps the publisher to count its invocations, failed ones included. */
  countingPublisher(publisher: StreamHandler): StreamHandler {
    return async (event, context) => {
      this.publisher.invocations += 1;
      try {
        const response = await publisher(event, context);
        if ((response?.batchItemFailures ?? []).length > 0) this.publisher.failedInvocations += 1;
        return response;
      } catch (error) {
        this.publisher.failedInvocations += 1;
        throw error;
      }
    };
  }

  /** Counts the events `bus` accepted. */
  countingBus(bus: EventBus): EventBus {
    return {
      publish: async (events) => {
        const result = await bus.publish(events);
        this.publisher.eventsPublished += events.length - result.failedIds.length;
        return result;
      },
    };
  }

  /** Stops injecting and counting (the runtime stopped). */
  stop(): void {
    this.stopped = true;
  }

  private noteRejectedWrite(scope: Extract<Scope, { kind: 'api' }>, writes: readonly string[]): void {
    this.rejectedWithWrites += 1;
    if (this.rejectedSamples.length < 20)
      this.rejectedSamples.push({ operationId: scope.operationId, status: scope.status ?? 0, writes: [...writes] });
  }

  snapshot(queues: ReadonlyMap<string, LocalQueue>): LocalStats {
    return {
      sdkFaults: {
        rate: this.sdkFaultRate,
        injected: this.injected,
        byKind: { ...this.byKind },
        byScope: { ...this.byScope },
        byCommand: { ...this.byCommand },
      },
      publisher: { ...this.publisher },
      queues: Object.fromEntries(
        [...queues].map(([name, queue]) => {
          const letters = queue.deadLetters();
          const lastErrors: Record<string, number> = {};
          for (const letter of letters) lastErrors[letter.error] = (lastErrors[letter.error] ?? 0) + 1;
          return [name, { deadLetters: letters.length, lastErrors }];
        }),
      ),
      requests: {
        total: this.requests,
        byStatus: { ...this.byStatus },
        withWrites: this.withWrites,
        faulted: { ...this.faulted, byStatus: { ...this.faulted.byStatus }, failedByOperation: { ...this.faulted.failedByOperation } },
        rejectedWithWrites: { count: this.rejectedWithWrites, samples: this.rejectedSamples.map((s) => ({ ...s, writes: [...s.writes] })) },
      },
    };
  }
}
