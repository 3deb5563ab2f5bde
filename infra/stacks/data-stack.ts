/**
 * `DataStack`: the stage's customer-managed KMS key and the single Jointly table, built
 * only from `JOINTLY_TABLE` (shared/platform/dynamodb/table-definition.ts), the same definition the
 * local runtime creates DynamoDB Local tables from; and the table's AWS Backup plan and vault
 * (infra/constructs/table-backup.ts, docs/disaster-recovery.md).
 */
import { Aws, CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { JOINTLY_TABLE, type TableDefinition } from '../../shared/platform/dynamodb/table-definition.ts';
import { SEAL_PURPOSE } from '../../shared/subscriptions/data/sealers.ts';
import type { StageConfig } from '../config/stage-config.ts';
import { TableBackup } from '../constructs/table-backup.ts';
import { ENCRYPTED_RESOURCES, SERVICE_WRITERS, encryptedResourceNameOf, keyPolicySidOf } from '../encrypted-resources.ts';
import { KEY_PENDING_WINDOW_DAYS, statefulRemovalPolicyOf } from '../stateful-resources.ts';

/** Properties of the data stack. */
export interface DataStackProps extends StackProps {
  /** The validated stage configuration. */
  readonly stageConfig: StageConfig;
  /** The table to build; tests may pass another. @default JOINTLY_TABLE */
  readonly tableDefinition?: TableDefinition;
}

const PROJECTION: Record<TableDefinition['indexes'][number]['projection'], dynamodb.ProjectionType> = {
  ALL: dynamodb.ProjectionType.ALL,
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
};

const STREAM: Record<TableDefinition['streamViewType'], dynamodb.StreamViewType> = {
  NEW_AND_OLD_IMAGES: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
};

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

/** The stage's table name. */
export const tableNameOf = (stage: string): string => `jointly-${stage}`;

/** The name of the stage's subject-hash key secret. */
export const subjectHashKeySecretNameOf = (stage: string): string => `jointly-${stage}/data/subject-hash-key`;

/** The stage's KMS key alias. */
export const keyAliasOf = (stage: string): string => `alias/jointly-${stage}`;

/** The alias of the stage's webhook-secret key. */
export const webhookSecretKeyAliasOf = (stage: string): string => `alias/jointly-${stage}-webhook-secrets`;

/**
 * Names of the only two roles that may use the webhook-secret key: the function that seals
 * (POST /subscriptions) and the one that opens (the delivery worker). Fixed names, so the
 * key policy can name them without a cross-stack reference (the roles live in later stacks,
 * which depend on this one). IAM names are account-wide, so they carry stage and region.
 */
export const webhookSecretRoleNamesOf = (stage: string, region: string) => ({
  sealer: `jointly-${stage}-${region}-webhook-sealer`,
  opener: `jointly-${stage}-${region}-webhook-deliverer`,
});

/** The purpose every webhook-secret encryption context carries (the sealer's own constant). */
export const WEBHOOK_SECRET_PURPOSE = SEAL_PURPOSE;

/** The key and the table of one stage. */
export class DataStack extends Stack {
  /** Customer-managed key for the table, its stream, and the stage's logs (later: queues and topics). */
  readonly key: kms.Key;
  /** The single Jointly table. */
  readonly table: dynamodb.TableV2;
  /**
   * Seals webhook secrets only: usable by the sealing and the delivering function roles and
   * nobody else. Kept here, with the table whose items hold the sealed secrets, and with the
   * same removal policy: one without the other is useless.
   */
  readonly webhookSecretKey: kms.Key;
  /**
   * The HMAC key(s) of the person indexes (NHS number and local-id hashes). Here, beside the
   * table and with its removal policy: the hashes in the table are useless without it, and a
   * regenerated key would make every person unfindable. Its value may be one key (version
   * `v1`) or a versioned set during a rotation (docs/webhooks-and-secrets.md).
   */
  readonly subjectHashKey: secretsmanager.Secret;
  /**
   * The table's daily AWS Backup plan, its vault and the vault's key. Here, beside the table
   * and with its removal policy: the backups are of this table and read under this stack's keys.
   */
  readonly backup: TableBackup;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { stageConfig } = props;
    const definition = props.tableDefinition ?? JOINTLY_TABLE;
    // Stateful: a replacement or delete keeps the old table, keys and secret (dev: destroyed).
    const removalPolicy = statefulRemovalPolicyOf(stageConfig);
    // Every stage: a key scheduled for deletion can be cancelled for as long as KMS allows.
    const pendingWindow = Duration.days(KEY_PENDING_WINDOW_DAYS);

    this.key = new kms.Key(this, 'Key', {
      alias: keyAliasOf(stageConfig.stage),
      description: `Jointly ${stageConfig.stage}: encrypts the table, its stream and logs`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow,
    });
    // CloudWatch Logs encrypts this account's log groups in this region with the key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );

    this.admitServiceWriters(stageConfig.stage);

    this.webhookSecretKey = new kms.Key(this, 'WebhookSecretKey', {
      alias: webhookSecretKeyAliasOf(stageConfig.stage),
      description: `Jointly ${stageConfig.stage}: seals webhook secrets (create-subscription encrypts, the delivery worker decrypts)`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow,
    });
    restrictToWebhookRoles(this.webhookSecretKey, webhookSecretRoleNamesOf(stageConfig.stage, stageConfig.region));

    this.subjectHashKey = new secretsmanager.Secret(this, 'SubjectHashKey', {
      secretName: subjectHashKeySecretNameOf(stageConfig.stage),
      description:
        'HMAC key(s) of the person indexes (NHS number / local id hashes). Every hash carries its key version: rotate by adding a version (docs/webhooks-and-secrets.md), never by replacing the value.',
      encryptionKey: this.key,
      removalPolicy,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.subjectHashKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'An HMAC key, not a credential: automatic rotation would replace the value and orphan every person-index hash. It is rotated by adding a key version and re-indexing (docs/webhooks-and-secrets.md).',
    });
    Validations.of(this.subjectHashKey).acknowledge({
      id: 'HIPAA.Security-SecretsManagerRotationEnabled',
      reason: 'An HMAC key, not a credential: see the AwsSolutions-SMG4 acknowledgement on this secret.',
    });

    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: tableNameOf(stageConfig.stage),
      partitionKey: stringKey(definition.partitionKey),
      sortKey: stringKey(definition.sortKey),
      globalSecondaryIndexes: definition.indexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: PROJECTION[index.projection],
      })),
      dynamoStream: STREAM[definition.streamViewType],
      timeToLiveAttribute: definition.timeToLiveAttribute,
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: stageConfig.pitr },
      deletionProtection: stageConfig.deletionProtection,
      removalPolicy,
    });

    this.backup = new TableBackup(this, 'TableBackup', { stageConfig, table: this.table, tableKey: this.key });
    // What a restore from a backup needs (docs/disaster-recovery.md "Restoring from a backup").
    new CfnOutput(this, 'BackupVaultName', { value: this.backup.vault.backupVaultName, description: 'The table’s AWS Backup vault' });
    new CfnOutput(this, 'BackupRoleArn', {
      value: this.backup.role.roleArn,
      description: 'The role to pass to aws backup start-restore-job (--iam-role-arn)',
    });
  }

  /**
   * One statement per encrypted queue/topic that an AWS service writes into under its own
   * principal (infra/encrypted-resources.ts): EventBridge rules into their target queues and
   * DLQs, CloudWatch alarms into the alarm topic. Scoped to this account and to the stage's
   * rule/alarm ARN patterns, so no other account's or stage's rule or alarm can use the key.
   * Here, where the key is defined: the events stack imports it by ARN, and CDK drops any
   * grant to a service principal on an imported key without a word.
   */
  private admitServiceWriters(stage: string): void {
    for (const resource of ENCRYPTED_RESOURCES) {
      if (resource.serviceWriters.length === 0) continue;
      const writers = resource.serviceWriters.map((name) => SERVICE_WRITERS[name]);
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: keyPolicySidOf(encryptedResourceNameOf(stage, resource)),
          principals: writers.map((writer) => new iam.ServicePrincipal(writer.principal)),
          actions: [...new Set(writers.flatMap((writer) => writer.actions))],
          resources: ['*'],
          conditions: {
            StringEquals: { 'aws:SourceAccount': this.account },
            ArnLike: {
              'aws:SourceArn': writers.flatMap((writer) =>
                writer
                  .sourceResources(stage)
                  .map((resourcePart) => `arn:${Aws.PARTITION}:${writer.arnService}:${this.region}:${this.account}:${resourcePart}`),
              ),
            },
          },
        }),
      );
    }
  }
}

/**
 * The webhook-secret key's policy beyond CDK's administrative statement (the account root
 * with `kms:*`, which CDK always adds and which lets IAM administer the key): an explicit
 * allow for the two roles, each for its one operation and only under the webhook-secret
 * purpose, and denies that override the root statement for every other principal, so no
 * IAM policy elsewhere in the account can make another role encrypt or decrypt with it.
 * Roles are matched by `aws:PrincipalArn` (KMS rejects a principal that does not exist yet,
 * and these roles are created by later stacks).
 */
const restrictToWebhookRoles = (key: kms.Key, names: ReturnType<typeof webhookSecretRoleNamesOf>): void => {
  const roleArn = (name: string) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${name}`;
  const account = new iam.AccountRootPrincipal();
  for (const [sid, action, name] of [
    ['AllowSealingByCreateSubscription', 'kms:Encrypt', names.sealer],
    ['AllowOpeningByDeliveryWorker', 'kms:Decrypt', names.opener],
  ] as const) {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [account],
        actions: [action],
        resources: ['*'],
        conditions: {
          ArnEquals: { 'aws:PrincipalArn': roleArn(name) },
          StringEquals: { 'kms:EncryptionContext:purpose': WEBHOOK_SECRET_PURPOSE },
        },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `Deny${action.slice(4)}ToOthers`,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [action],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': roleArn(name) } },
      }),
    );
  }
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyOtherCryptography',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: [
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
        'kms:GenerateMac',
        'kms:VerifyMac',
        'kms:Sign',
        'kms:Verify',
        'kms:DeriveSharedSecret',
      ],
      resources: ['*'],
    }),
  );
};
