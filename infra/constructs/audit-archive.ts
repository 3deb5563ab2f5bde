/**
 * `AuditArchive`: the audit log nobody can edit (issue 19, docs/audit-archive.md). An S3
 * bucket under Object Lock in compliance mode, into which the audit archiver writes every
 * access-log entry and every event, one JSON Lines object per batch, and, in a stage with
 * `audit.tableDataEvents`, CloudTrail delivers the table's data events (every item-level read
 * and write and who made it) under `cloudtrail/`.
 *
 * What stops an edit, strongest first:
 * - compliance mode: each object version is locked for `audit.lockDays` from the moment it
 *   lands; until then no principal of any account, the root user included, can delete or
 *   overwrite it or shorten its lock;
 * - the bucket policy denies every principal the actions that delete objects or change their
 *   locks, the bucket's lock, versioning or lifecycle (belt and braces, and what stops someone
 *   shortening the default lock for objects still to come);
 * - no role of this app is granted any of them (test/infra/audit-archive.test.ts walks them all);
 *   the archiver may only put objects.
 *
 * The bucket is kept when its stack goes or it is replaced, in every stage: a bucket holding
 * locked objects cannot be emptied, so CloudFormation could not delete it anyway.
 */
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ARCHIVE_FOLDERS, CLOUDTRAIL_PREFIX } from '../../shared/audit/domain/archive-layout.ts';
import type { StageConfig } from '../config/stage-config.ts';
import { KEY_PENDING_WINDOW_DAYS } from '../stateful-resources.ts';

/**
 * What the bucket policy denies every principal, on the bucket and its objects: deleting an
 * object or a version (or their tags), changing or bypassing an object's lock, and changing
 * the bucket's default lock, versioning or lifecycle.
 */
export const AUDIT_DENIED_ACTIONS = [
  's3:DeleteObject*',
  's3:PutObjectRetention',
  's3:BypassGovernanceRetention',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
] as const;

/** The name of a stage's trail of table data events. */
export const tableTrailNameOf = (stage: string): string => `jointly-${stage}-table-data-events`;

/** The alias of the key that encrypts a stage's CloudTrail log files. */
export const auditTrailKeyAliasOf = (stage: string): string => `alias/jointly-${stage}-audit-trail`;

/** The prefix of the archive bucket's server access logs in its access-log bucket. */
export const AUDIT_ARCHIVE_ACCESS_LOG_PREFIX = 'audit-archive/';

/** Properties of an {@link AuditArchive}. */
export interface AuditArchiveProps {
  /** The validated stage configuration: `audit.lockDays`, `audit.tableDataEvents`, the log retention. */
  readonly stageConfig: StageConfig;
  /** The stage key (imported by ARN): the archive's default encryption. */
  readonly key: kms.IKey;
  /** The stage table's ARN: the trail records its data events. */
  readonly tableArn: string;
}

/** The stage's audit archive; see the module comment. */
export class AuditArchive extends Construct {
  /** The Object Lock bucket: `access-log/`, `events/`, and `cloudtrail/` when the trail is on. */
  readonly bucket: s3.Bucket;
  /** Receives the archive bucket's server access logs: who read or listed what, and when. */
  readonly accessLogBucket: s3.Bucket;
  /** The trail of the table's data events (stages with `audit.tableDataEvents` only). */
  readonly trail: cloudtrail.CfnTrail | undefined;
  /** Encrypts the trail's log files (with the trail only): CloudTrail writes under its own principal, which the stage key does not admit. */
  readonly trailKey: kms.Key | undefined;
  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: AuditArchiveProps) {
    super(scope, id);
    const { stageConfig } = props;
    const stage = stageConfig.stage;
    const stack = Stack.of(this);
    const lock = Duration.days(stageConfig.audit.lockDays);
    this.key = props.key;

    // Server access logs cannot go to a bucket under Object Lock, nor to one encrypted with a
    // customer key: a bucket of their own, SSE-S3, kept like every log.
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(stageConfig.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogBucket).acknowledge(
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason: 'S3 delivers server access logs only to buckets encrypted with S3-managed keys (SSE-S3), not SSE-KMS.',
      },
      {
        id: 'HIPAA.Security-S3BucketVersioningEnabled',
        reason: 'Log objects are written once by S3 and never changed; their lifecycle expires them after the stage log retention.',
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason: 'Access logs of the archive, kept for the stage log retention; a replica in another region has no recovery use.',
      },
    );

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      // One data key per bucket for a while, not one KMS call per object.
      bucketKeyEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(lock),
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: AUDIT_ARCHIVE_ACCESS_LOG_PREFIX,
      lifecycleRules: [
        // Kept for the lock period, then removed by S3 itself: the expiry only marks the current
        // version deleted (allowed under a lock), and the version goes a day after its lock ends.
        { id: 'expire-after-lock', expiration: lock, noncurrentVersionExpiration: Duration.days(1) },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyEditingTheAuditArchive',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...AUDIT_DENIED_ACTIONS],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
      }),
    );
    Validations.of(this.bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'The archive is a second, locked copy of what the table and its backups hold (which are copied to the backup account); a replica would need a locked bucket, key and role in another account that no stack of this app owns.',
    });

    const trailed = stageConfig.audit.tableDataEvents ? this.addTableTrail(stage, props.tableArn) : undefined;
    this.trail = trailed?.trail;
    this.trailKey = trailed?.key;

    // What an auditor needs to find it (docs/audit-archive.md "Reading it").
    new CfnOutput(stack, 'AuditArchiveBucketName', {
      value: this.bucket.bucketName,
      description: 'The audit archive (Object Lock, compliance mode): access-log/, events/ and, in prod, cloudtrail/',
    });
  }

  /**
   * Lets `grantee` write archive objects (`access-log/…`, `events/…`) and have S3 encrypt them
   * with the stage key, and nothing else: no read, no delete, no retention.
   */
  grantAppend(grantee: iam.IGrantable): void {
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: Object.values(ARCHIVE_FOLDERS).map((folder) => this.bucket.arnForObjects(`${folder}/*`)),
      }),
    );
    // S3 asks KMS for the data key with the caller's rights: only through S3.
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
      }),
    );
  }

  /**
   * The trail of the table's data events into `cloudtrail/`: data events only (every item-level
   * call on the table, by whom), one region, log file validation on, encrypted with a key of its
   * own. The bucket policy admits CloudTrail for this trail alone.
   */
  private addTableTrail(stage: string, tableArn: string): { trail: cloudtrail.CfnTrail; key: kms.Key } {
    const stack = Stack.of(this);
    const trailName = tableTrailNameOf(stage);
    const trailArn = `arn:${Aws.PARTITION}:cloudtrail:${stack.region}:${stack.account}:trail/${trailName}`;
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    const thisTrail = { StringEquals: { 'aws:SourceArn': trailArn } };

    const key = new kms.Key(this, 'TrailKey', {
      alias: auditTrailKeyAliasOf(stage),
      description: `Jointly ${stage}: encrypts the CloudTrail log files of the table's data events in the audit archive`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(KEY_PENDING_WINDOW_DAYS),
      // The log files are unreadable without it, and they are kept for years.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisTrailToEncryptLogFiles',
        principals: [cloudTrail],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          ...thisTrail,
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${Aws.PARTITION}:cloudtrail:*:${stack.account}:trail/*` },
        },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisTrailToDescribeTheKey',
        principals: [cloudTrail],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: thisTrail,
      }),
    );

    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisTrailToCheckTheBucketAcl',
        principals: [cloudTrail],
        actions: ['s3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
        conditions: thisTrail,
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisTrailToDeliverLogFiles',
        principals: [cloudTrail],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${CLOUDTRAIL_PREFIX}/AWSLogs/${stack.account}/*`)],
        conditions: { StringEquals: { ...thisTrail.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );

    const trail = new cloudtrail.CfnTrail(this, 'TableDataEvents', {
      trailName,
      isLogging: true,
      s3BucketName: this.bucket.bucketName,
      s3KeyPrefix: CLOUDTRAIL_PREFIX,
      kmsKeyId: key.keyArn,
      enableLogFileValidation: true,
      // The table is in one region; management events are CloudTrail's own (event history, an organisation trail).
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      advancedEventSelectors: [
        {
          name: 'Item-level reads and writes of the stage table',
          fieldSelectors: [
            { field: 'eventCategory', equalTo: ['Data'] },
            { field: 'resources.type', equalTo: ['AWS::DynamoDB::Table'] },
            { field: 'resources.ARN', equalTo: [tableArn] },
          ],
        },
      ],
    });
    // CloudTrail checks at creation that the bucket policy admits it.
    const policy = this.bucket.policy?.node.defaultChild;
    if (policy instanceof s3.CfnBucketPolicy) trail.addResourceDependency(policy);
    Validations.of(trail).acknowledge({
      id: 'HIPAA.Security-CloudTrailCloudWatchLogsEnabled',
      reason:
        'The trail records every item-level call on the table, for audit: its files are kept in the Object Lock archive, where nobody can edit them. A copy in CloudWatch Logs could be deleted, and would cost per GB for what no alarm reads.',
    });
    new CfnOutput(stack, 'AuditTrailName', { value: trailName, description: 'The CloudTrail trail of the table data events' });
    return { trail, key };
  }
}
