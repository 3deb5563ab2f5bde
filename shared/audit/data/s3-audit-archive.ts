/**
 * The audit archive on S3 (the {@link AuditArchive} port): each call stores its lines as one
 * JSON Lines object per kind and UTC day (shared/audit/domain/archive-layout.ts), through the
 * platform's S3 writer, which signs, retries throttling and transient errors, and sends the
 * checksums a bucket under Object Lock requires.
 *
 * The bucket does the rest: its default retention locks each object in compliance mode as it
 * lands, and its default encryption (SSE-KMS, the stage key) encrypts it. The request names
 * neither, so the archiver needs `s3:PutObject` and nothing more (no retention, no delete).
 *
 * An object that could not be stored fails exactly its own lines; the others stand.
 */
import { type ObjectWriter, S3ObjectWriter } from '../../platform/aws/s3-object-writer.ts';
import { ARCHIVE_CONTENT_TYPE, archiveGroupsOf, archiveObjectKeyOf } from '../domain/archive-layout.ts';
import { type ArchiveLine, serializeArchiveLine } from '../domain/archive-line.ts';
import type { ArchiveResult, AuditArchive } from '../domain/ports.ts';

/** Options of an {@link S3AuditArchive}. */
export interface S3AuditArchiveOptions {
  /** The audit archive bucket. */
  readonly bucket: string;
  /** What stores the objects. @default a {@link S3ObjectWriter} on the default region, endpoint and credentials */
  readonly objects?: ObjectWriter | undefined;
}

/** Stores archive lines as objects in one S3 bucket. */
export class S3AuditArchive implements AuditArchive {
  private readonly bucket: string;
  private readonly objects: ObjectWriter;

  constructor(options: S3AuditArchiveOptions) {
    this.bucket = options.bucket;
    this.objects = options.objects ?? new S3ObjectWriter();
  }

  async append(lines: readonly ArchiveLine[]): Promise<ArchiveResult> {
    const encoder = new TextEncoder();
    const groups = archiveGroupsOf(lines);
    // Each object on its own: one that fails fails its own lines only.
    const stored = await Promise.allSettled(
      groups.map((group) =>
        this.objects.putObject({
          bucket: this.bucket,
          key: archiveObjectKeyOf(group),
          body: encoder.encode(group.lines.map(serializeArchiveLine).join('')),
          contentType: ARCHIVE_CONTENT_TYPE,
        }),
      ),
    );
    const failedSequenceNumbers = groups.flatMap((group, index) =>
      stored[index]!.status === 'rejected' ? group.lines.map((line) => line.sequenceNumber) : [],
    );
    return { failedSequenceNumbers };
  }
}
