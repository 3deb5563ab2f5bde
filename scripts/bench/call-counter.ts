/**
 * Counts the DynamoDB commands of every document client, per origin: the API handlers'
 * clients, the event path's (publisher, fan-out, delivery, SLA sweep) and the benchmark's
 * own raw client. The local runtime hands over each client its handlers use with its origin
 * (its `instruments.documentClient` option); the benchmark adds its raw client itself. Also
 * tells listeners when the event path has written an inbox alert, so the event-latency run
 * reads the inbox when there is something to read instead of polling it hard.
 */
import type { DocumentClient } from '../../shared/platform/dynamodb/document-client.ts';

/** Who uses a client: the API handlers, the event path, or the benchmark's raw counterparts. */
export type ClientOrigin = 'api' | 'events' | 'bench';

/** A string attribute of an item, marshalled (`{S: "x"}`) or not. */
export const stringAttribute = (item: unknown, name: string): string | undefined => {
  const value = (item as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string') return value;
  const marshalled = (value as { S?: unknown } | undefined)?.S;
  return typeof marshalled === 'string' ? marshalled : undefined;
};

/** An inbox alert item the event path wrote. */
export interface AlertWritten {
  readonly handoffId?: string | undefined;
  readonly referralId?: string | undefined;
  readonly ownerPk?: string | undefined;
}

/** The counter; give {@link CallCounter.instrumentAs} every client to count. */
export class CallCounter {
  private readonly seen: Record<ClientOrigin, string[]> = { api: [], events: [], bench: [] };
  private readonly alertListeners = new Set<(alert: AlertWritten) => void>();

  /** Adds the counting middleware to a client of `origin`. */
  instrumentAs(origin: ClientOrigin, client: DocumentClient): void {
    // Once per call, before retries, so a retried call counts once (as the design counts it).
    client.intercept('call', async (context, next) => {
      const operation = context.operation;
      this.seen[origin].push(operation);
      const result = await next();
      if (origin === 'events' && operation === 'PutItem') {
        const item = (context.input as { Item?: unknown }).Item;
        if (stringAttribute(item, 'entity') === 'alert') {
          const alert = {
            handoffId: stringAttribute(item, 'handoffId'),
            referralId: stringAttribute(item, 'referralId'),
            ownerPk: stringAttribute(item, 'pk'),
          };
          for (const listener of this.alertListeners) listener(alert);
        }
      }
      return result;
    });
  }

  /** Forgets every command seen so far. */
  reset(): void {
    for (const list of Object.values(this.seen)) list.length = 0;
  }

  /** The operations seen from clients of this origin since the last reset, in order. */
  commands(origin: ClientOrigin): string[] {
    return [...this.seen[origin]];
  }

  /** Calls `listener` for every alert written from now on; returns the unsubscribe function. */
  onAlert(listener: (alert: AlertWritten) => void): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }
}
