/**
 * Ports of the audit slice: where archive lines go. The deployed adapter writes objects to the
 * Object Lock bucket (shared/audit/data/s3-audit-archive.ts); the local runtime appends to
 * files (infra/local/adapters/local-audit-archive.ts); tests capture.
 */
import type { ArchiveLine } from './archive-line.ts';

/** What an archive answers: the lines it could not store, by stream sequence number (none: all stored). */
export interface ArchiveResult {
  readonly failedSequenceNumbers: readonly string[];
}

/** Write-once storage of archive lines. Storing a line twice is harmless: readers drop repeats by sequence number. */
export interface AuditArchive {
  append(lines: readonly ArchiveLine[]): Promise<ArchiveResult>;
}
