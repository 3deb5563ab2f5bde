/**
 * Ports of the metrics slice: what its use cases need from the outside world. The DynamoDB
 * adapter (`shared/metrics/data/metrics-repository.ts`) stores and reads the counter cells;
 * the EMF adapter (`shared/metrics/data/emf.ts`) publishes the business metrics.
 */
import type { CellDelta, CellRow } from './counters.ts';
import type { EmfMetric } from './event-metrics.ts';

/** Reads counter cells back for a summary. */
export interface MetricsReader {
  /** Every cell of these service areas whose day is from `from` to `to` (inclusive). */
  readCells(query: { readonly serviceAreas: readonly string[]; readonly from: string; readonly to: string }): Promise<CellRow[]>;
}

/** One event to count: its id, its referral (the shard) and its deltas. */
export interface EventDeltas {
  readonly eventId: string;
  readonly referralId: string;
  readonly cells: readonly CellDelta[];
}

/** What recording a batch did. */
export interface RecordResult {
  /** Events counted now. */
  readonly counted: string[];
  /** Events counted before (their marker exists), or twice in this batch. */
  readonly duplicates: string[];
}

/** Records events' deltas exactly once per event. */
export interface MetricsRecorder {
  /** Adds the deltas of every event not counted before, in one transaction; says which were counted now. */
  record(events: readonly EventDeltas[], now?: Date): Promise<RecordResult>;
}

/** Where business metrics go. */
export interface BusinessMetricsSink {
  /** Publishes each event's metrics (already counted in the table) under its service area. */
  publish(events: readonly { readonly serviceArea: string; readonly metrics: readonly EmfMetric[] }[]): void;
}
