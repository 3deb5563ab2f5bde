/**
 * Composition root of the audit archiver (shared/audit/api/audit-archiver.ts): the S3 archive
 * on the Object Lock bucket the events stack names. The Lambda entry takes it; the local
 * runtime passes its file archive (infra/local/adapters/local-audit-archive.ts), tests theirs.
 */
import { createAuditArchiverHandler } from '../audit/api/audit-archiver.ts';
import { loadAuditArchiveConfig } from '../audit/data/archive-environment.ts';
import { S3AuditArchive } from '../audit/data/s3-audit-archive.ts';
import type { AuditArchive } from '../audit/domain/ports.ts';

/** What the archiver can be given instead of its defaults. */
export interface AuditArchiverAdapters {
  readonly archive?: AuditArchive;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The archiver's handler on `adapters`. Configuration is read now (only when the S3 archive is used). */
export const auditArchiverHandler = (adapters: AuditArchiverAdapters = {}) =>
  createAuditArchiverHandler({
    archive: adapters.archive ?? new S3AuditArchive({ bucket: loadAuditArchiveConfig(adapters.env).bucketName }),
  });
