/**
 * The audit archiver's environment: the Object Lock bucket it writes to, set by the events
 * stack (infra/stacks/events-stack.ts) beside what every function gets.
 */

/** The variables the archiver reads. */
export const AUDIT_ARCHIVE_ENV = {
  /** The audit archive bucket (infra/constructs/audit-archive.ts). */
  bucketName: 'JOINTLY_AUDIT_ARCHIVE_BUCKET',
} as const;

/** What the archiver is configured with. */
export interface AuditArchiveConfig {
  readonly bucketName: string;
}

/** Reads the archiver's configuration from `env`; a missing variable fails with a sentence naming it. */
export const loadAuditArchiveConfig = (env: NodeJS.ProcessEnv = process.env): AuditArchiveConfig => {
  const bucketName = env[AUDIT_ARCHIVE_ENV.bucketName];
  if (!bucketName) {
    throw new Error(`${AUDIT_ARCHIVE_ENV.bucketName} is not set: the audit archiver needs it (infra/stacks/events-stack.ts sets it).`);
  }
  return { bucketName };
};
