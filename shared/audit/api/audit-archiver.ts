/**
 * The audit archiver: the table's stream (filtered to inserted access-log entries and event
 * items, `JOINTLY_TABLE.auditStreamFilter`) → one archive line per record → the audit archive.
 * In AWS a DynamoDB event source mapping with `ReportBatchItemFailures` invokes the handler this
 * builds (functions/events/audit-archiver, wired by shared/wiring/audit-archiver.ts); locally a
 * second stream poller invokes the same handler on a file archive.
 *
 * Failures: a record whose line the archive could not store, or whose item is not a valid
 * access-log entry or event (a bug), is reported in `batchItemFailures`; the mapping retries
 * from the lowest of them, so nothing is skipped, and lines stored before it may be stored again
 * (readers drop repeats by sequence number). Only counts are logged, never an item's content.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../platform/http/logger.ts';
import { type ArchiveLine, archiveKindOf, toArchiveLine, UnarchivableItemError } from '../domain/archive-line.ts';
import type { AuditArchive } from '../domain/ports.ts';

/** The archive did not store the record's line (it is retried). */
export class ArchiveWriteFailedError extends Error {
  override readonly name = 'ArchiveWriteFailedError';
}

/** What the archiver needs. */
export interface AuditArchiverDeps {
  /** Where lines go: the Object Lock bucket deployed, files locally. */
  readonly archive: AuditArchive;
}

const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';

/** The line of a record, `undefined` when it carries nothing to archive, or the reason it cannot be archived. */
const lineOf = (record: DynamoDBRecord): ArchiveLine | UnarchivableItemError | undefined => {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (!archiveKindOf(item)) return undefined;
  try {
    return toArchiveLine({
      sequenceNumber: sequenceOf(record),
      approximateCreationTime: record.dynamodb?.ApproximateCreationDateTime,
      item,
    });
  } catch (error) {
    if (error instanceof UnarchivableItemError) return error;
    throw error;
  }
};

/** The archiver's Lambda handler, storing lines in `deps.archive`. */
export const createAuditArchiverHandler =
  (deps: AuditArchiverDeps) =>
  async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    const failures = new Map<string, Error>();
    const lines: ArchiveLine[] = [];
    for (const record of event.Records) {
      const line = lineOf(record);
      if (line instanceof UnarchivableItemError) failures.set(sequenceOf(record), line);
      else if (line) lines.push(line);
    }
    let failedSequenceNumbers: readonly string[];
    try {
      failedSequenceNumbers = lines.length > 0 ? (await deps.archive.append(lines)).failedSequenceNumbers : [];
    } catch {
      failedSequenceNumbers = lines.map((line) => line.sequenceNumber);
    }
    for (const sequenceNumber of failedSequenceNumbers) {
      failures.set(sequenceNumber, new ArchiveWriteFailedError(`The line of stream record ${sequenceNumber} was not stored.`));
    }
    const counts = { records: event.Records.length, lines: lines.length, stored: lines.length - failedSequenceNumbers.length };
    if (failures.size > 0) {
      const byError: Record<string, number> = {};
      for (const error of failures.values()) byError[error.name] = (byError[error.name] ?? 0) + 1;
      logger.warn('Some audit lines were not archived; they will be retried', { ...counts, ...byError });
    } else {
      logger.info('Audit lines archived', counts);
    }
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    return processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        const error = failures.get(sequenceOf(record));
        if (error) throw error;
      },
      processor,
      { ...(context ? { context } : {}), throwOnFullBatchFailure: false, processInParallel: false },
    );
  };
