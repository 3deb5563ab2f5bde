/**
 * DynamoDB adapter of the metrics: counter cells written incrementally and idempotently,
 * and read back by Query for a summary. No Scan, no re-reading of history.
 *
 * Write: ONE TransactWriteItems per batch of events — a conditional put of each event's
 * consumed-marker (`attribute_not_exists`, keyed consumer × event id, TTL'd) and one
 * `UpdateItem … ADD` per touched cell with the batch's deltas merged. A redelivered event's
 * marker fails its condition: the transaction is cancelled, that event is set aside as a
 * duplicate (the cancellation reasons say which) and the rest is written again. So an
 * event is counted exactly once however often it arrives, and — every update being an
 * ADD — in whatever order.
 *
 * Read: one Query per shard, over the `sk` range of the days asked for (every service area
 * and month of a shard shares its partition, day first). A range that does not fit in one
 * page is split where the page ended, so its remaining days are read in parallel rather
 * than page after page.
 */
import { QueryCommand, TransactWriteCommand, isTransactionCanceled, type DocumentClient } from '../../platform/dynamodb/document-client.ts';
import type { EventDeltas, MetricsReader, MetricsRecorder, RecordResult } from '../domain/ports.ts';
import { mergeDeltas, type CellDelta, type CellRow } from '../domain/counters.ts';
import { idempotencyKeys, metricsKeys, METRICS_SHARDS } from '../../platform/dynamodb/keys.ts';

/** The consumer name in consumed-marker keys. */
export const METRICS_CONSUMER = 'metrics';

/**
 * How long a consumed-marker is kept: longer than a message can live (SQS keeps one at
 * most 14 days from its first enqueue, dead-letter queue included), so no redelivery can
 * outlive the marker that makes it a duplicate.
 */
export const CONSUMED_MARKER_TTL_SECONDS = 15 * 24 * 3600;

/** Events per transaction: each is a marker plus at most two cells, well inside 100 items. */
const EVENTS_PER_TRANSACTION = 25;

/** Attempts of one transaction that keeps meeting concurrent writers of its cells. */
const MAX_CONFLICT_ATTEMPTS = 6;

/** Options of {@link DynamoMetricsRepository}. */
export interface DynamoMetricsRepositoryOptions {
  readonly client: DocumentClient;
  readonly tableName: string;
  /** Pause before retrying after a transaction conflict (tests make it 0). */
  readonly conflictDelayMs?: (attempt: number) => number;
  /** Queries of one summary in flight at once. */
  readonly readConcurrency?: number;
  /** Items per Query page (`Limit`); unset, DynamoDB's 1 MB page. Tests make it small to exercise paging. */
  readonly pageSize?: number;
}

const NOT_COUNTERS = new Set(['pk', 'sk']);

/** The counters of a stored cell item: every number but the keys. */
export const countersOf = (item: Record<string, unknown>): Record<string, number> =>
  Object.fromEntries(Object.entries(item).filter(([name, value]) => !NOT_COUNTERS.has(name) && typeof value === 'number')) as Record<
    string,
    number
  >;

/** DynamoDB implementation of the metrics store. */
export class DynamoMetricsRepository implements MetricsReader, MetricsRecorder {
  private readonly client: DocumentClient;
  private readonly tableName: string;
  private readonly conflictDelayMs: (attempt: number) => number;
  private readonly readConcurrency: number;
  private readonly pageSize: number | undefined;

  constructor(options: DynamoMetricsRepositoryOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.conflictDelayMs = options.conflictDelayMs ?? ((attempt) => Math.random() * 20 * 2 ** attempt);
    this.readConcurrency = options.readConcurrency ?? 16;
    this.pageSize = options.pageSize;
  }

  /**
   * Counts each event of `events` exactly once: events already counted (or repeated in the
   * batch) are reported as duplicates and change nothing.
   */
  async record(events: readonly EventDeltas[], now: Date = new Date()): Promise<RecordResult> {
    const seen = new Set<string>();
    const unique: EventDeltas[] = [];
    const duplicates: string[] = [];
    for (const event of events) {
      if (seen.has(event.eventId)) duplicates.push(event.eventId);
      else {
        seen.add(event.eventId);
        unique.push(event);
      }
    }
    const counted: string[] = [];
    for (let i = 0; i < unique.length; i += EVENTS_PER_TRANSACTION) {
      const result = await this.recordChunk(unique.slice(i, i + EVENTS_PER_TRANSACTION), now);
      counted.push(...result.counted);
      duplicates.push(...result.duplicates);
    }
    return { counted, duplicates };
  }

  private async recordChunk(events: readonly EventDeltas[], now: Date): Promise<RecordResult> {
    let pending = [...events];
    const duplicates: string[] = [];
    const expiresAt = Math.floor(now.getTime() / 1000) + CONSUMED_MARKER_TTL_SECONDS;
    for (let conflicts = 0; pending.length > 0; ) {
      const markers = pending.map((event) => ({
        Put: {
          TableName: this.tableName,
          Item: { ...idempotencyKeys.consumed(METRICS_CONSUMER, event.eventId), entity: 'consumed', expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }));
      const updates = this.cellUpdates(pending);
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: [...markers, ...updates] }));
        return { counted: pending.map((e) => e.eventId), duplicates };
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const counted = pending.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
        if (counted.length > 0) {
          // Those events were counted before: set them aside and write the rest.
          duplicates.push(...counted.map((e) => e.eventId));
          pending = pending.filter((_, i) => reasons[i]?.Code !== 'ConditionalCheckFailed');
          continue;
        }
        if (reasons.some((r) => r.Code === 'TransactionConflict') && ++conflicts < MAX_CONFLICT_ATTEMPTS) {
          // Another writer held one of the cells: nothing was written; try again shortly.
          const ms = this.conflictDelayMs(conflicts);
          if (ms > 0) await new Promise((r) => setTimeout(r, ms));
          continue;
        }
        throw error;
      }
    }
    return { counted: [], duplicates };
  }

  /** One `ADD` update per cell touched by `events` (deltas merged per cell and shard). */
  private cellUpdates(events: readonly EventDeltas[]) {
    const byShard = new Map<number, CellDelta[]>();
    for (const event of events) {
      const shard = metricsKeys.shardOf(event.referralId);
      byShard.set(shard, [...(byShard.get(shard) ?? []), ...event.cells]);
    }
    return [...byShard].flatMap(([shard, deltas]) =>
      mergeDeltas(deltas).map(({ cell, counters }) => {
        const entries = Object.entries(counters);
        return {
          Update: {
            TableName: this.tableName,
            Key: metricsKeys.counter(cell, shard),
            UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
            ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:c${i}`, value])),
          },
        };
      }),
    );
  }

  /**
   * Every cell of these service areas on the days `from`–`to`: one Query per shard over the
   * days' sort-key range (other service areas' cells in the range are read and dropped: a
   * filter expression may not name a key attribute, and one Query beats one per area).
   */
  async readCells(query: { readonly serviceAreas: readonly string[]; readonly from: string; readonly to: string }): Promise<CellRow[]> {
    const serviceAreas = new Set(query.serviceAreas);
    const rows: CellRow[] = [];
    const send = limitConcurrency(this.readConcurrency);
    const readDays = async (shard: number, from: string, to: string, startKey?: Record<string, unknown>): Promise<void> => {
      const range = metricsKeys.dayRange(from, to);
      const page = await send(() =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
            ExpressionAttributeValues: { ':pk': metricsKeys.partition(shard), ':lower': range.lower, ':upper': range.upper },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            ...(this.pageSize ? { Limit: this.pageSize } : {}),
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const cell = metricsKeys.cellOf(String(item.sk));
        if (serviceAreas.has(cell.serviceArea)) rows.push({ cell, counters: countersOf(item) });
      }
      const next = page.LastEvaluatedKey;
      if (!next) return;
      // More to read: the days after the page's last one are split off and read alongside.
      const lastDay = metricsKeys.cellOf(String(next.sk)).day;
      if (lastDay >= to) return readDays(shard, from, to, next);
      const middle = middleDay(lastDay, to);
      await Promise.all([readDays(shard, from, middle, next), readDays(shard, dayAfter(middle), to)]);
    };
    await Promise.all(Array.from({ length: METRICS_SHARDS }, (_, shard) => readDays(shard, query.from, query.to)));
    return rows;
  }
}

const DAY_MS = 86_400_000;
const timeOfDay = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const dayAt = (time: number): string => new Date(time).toISOString().slice(0, 10);
const dayAfter = (day: string): string => dayAt(timeOfDay(day) + DAY_MS);
/** The day halfway from `first` to `last` (`first` ≤ it < `last` when `first` < `last`). */
const middleDay = (first: string, last: string): string =>
  dayAt(timeOfDay(first) + Math.floor((timeOfDay(last) - timeOfDay(first)) / DAY_MS / 2) * DAY_MS);

/** Runs at most `limit` of the tasks given to it at once; the others wait their turn. */
const limitConcurrency = (limit: number) => {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
};
