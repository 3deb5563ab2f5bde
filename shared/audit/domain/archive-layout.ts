/**
 * Where lines sit in the archive (docs/audit-archive.md "Layout"): one folder per kind, one
 * partition per UTC day (`day=YYYY-MM-DD`, the form Athena's partition projection reads), and
 * in it one object per stored batch, named by the first and last stream sequence numbers it
 * holds. The S3 adapter writes objects under these keys; the local file archive uses the same
 * folders and days, appending to one file per day.
 *
 * Pure.
 */
import { type ArchiveKind, type ArchiveLine, archiveDayOf } from './archive-line.ts';

/** The top-level folder of each kind of line. */
export const ARCHIVE_FOLDERS: Readonly<Record<ArchiveKind, string>> = { access: 'access-log', event: 'events' };

/** The folder CloudTrail delivers the table's data events under (its own `AWSLogs/…` layout follows). */
export const CLOUDTRAIL_PREFIX = 'cloudtrail';

/** The content type of every archive object: JSON Lines. */
export const ARCHIVE_CONTENT_TYPE = 'application/x-ndjson';

/** Lines of one kind and one day, in stream order: what one object holds. */
export interface ArchiveGroup {
  readonly kind: ArchiveKind;
  readonly day: string;
  readonly lines: readonly ArchiveLine[];
}

/** `lines` split by kind and day, each group in the order given (stream order), groups in order of first appearance. */
export const archiveGroupsOf = (lines: readonly ArchiveLine[]): ArchiveGroup[] => {
  const groups = new Map<string, { kind: ArchiveKind; day: string; lines: ArchiveLine[] }>();
  for (const line of lines) {
    const day = archiveDayOf(line);
    const id = `${line.kind}/${day}`;
    const group = groups.get(id) ?? { kind: line.kind, day, lines: [] };
    group.lines.push(line);
    groups.set(id, group);
  }
  return [...groups.values()];
};

/** The folder of a kind's lines of one day: `access-log/day=2026-11-28`. */
export const archivePartitionOf = (kind: ArchiveKind, day: string): string => `${ARCHIVE_FOLDERS[kind]}/day=${day}`;

/**
 * The object key of a group: `<folder>/day=<day>/<first sequence number>-<last sequence number>.jsonl`.
 * The same batch stored again (a retry) gets the same key, so S3 keeps it as a second version of
 * one object rather than a second object.
 */
export const archiveObjectKeyOf = (group: ArchiveGroup): string => {
  const first = group.lines[0]?.sequenceNumber;
  const last = group.lines.at(-1)?.sequenceNumber;
  if (first === undefined || last === undefined) throw new Error('An archive object holds at least one line.');
  return `${archivePartitionOf(group.kind, group.day)}/${first}-${last}.jsonl`;
};
