/**
 * The local runtime's audit archive (the {@link AuditArchive} port): lines appended to JSON
 * Lines files under `JOINTLY_LOCAL_AUDIT_DIR` (default `<data dir>/audit`) instead of objects
 * in the Object Lock bucket, in the same folders and day partitions
 * (shared/audit/domain/archive-layout.ts): `<dir>/access-log/day=2026-11-28.jsonl`,
 * `<dir>/events/day=2026-11-28.jsonl`.
 *
 * Append-only: files are opened for appending (`O_APPEND`) and never rewritten, and each group
 * of lines is one write, so lines of runtimes sharing the folder never interleave mid-line.
 * Nothing here can lock a file against its owner; the bucket's compliance mode is what does
 * that in AWS. A line stored twice (a retried batch) is dropped by its sequence number on reading.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { archiveGroupsOf, archivePartitionOf } from '../../../shared/audit/domain/archive-layout.ts';
import { type ArchiveLine, serializeArchiveLine } from '../../../shared/audit/domain/archive-line.ts';
import type { ArchiveResult, AuditArchive } from '../../../shared/audit/domain/ports.ts';

/** Options of {@link LocalAuditArchive}. */
export interface LocalAuditArchiveOptions {
  /** The folder the archive files are appended to (`JOINTLY_LOCAL_AUDIT_DIR`); created if missing. */
  readonly dir: string;
}

/** The file of one kind's lines of one day: `<dir>/<folder>/day=<day>.jsonl`. */
export const localArchiveFileOf = (dir: string, kind: ArchiveLine['kind'], day: string): string =>
  join(dir, `${archivePartitionOf(kind, day)}.jsonl`);

/** Appends archive lines to files; see the module comment. */
export class LocalAuditArchive implements AuditArchive {
  private readonly dir: string;

  constructor(options: LocalAuditArchiveOptions) {
    this.dir = options.dir;
  }

  async append(lines: readonly ArchiveLine[]): Promise<ArchiveResult> {
    const failed: string[] = [];
    for (const group of archiveGroupsOf(lines)) {
      const file = localArchiveFileOf(this.dir, group.kind, group.day);
      try {
        await mkdir(dirname(file), { recursive: true });
        await appendFile(file, group.lines.map(serializeArchiveLine).join(''), { encoding: 'utf8', flag: 'a', mode: 0o600 });
      } catch {
        // The archiver reports these lines as failed, and the poller retries them.
        failed.push(...group.lines.map((line) => line.sequenceNumber));
      }
    }
    return { failedSequenceNumbers: failed };
  }
}
