/**
 * `TableBackup`: the AWS Backup plan of a stage's table (issue 19, "Disaster recovery you have
 * tried"; docs/disaster-recovery.md). One daily backup into the stage's own vault, kept
 * `recovery.backupRetentionDays`; with `recovery.copy`, each backup is also copied into the
 * backup account's vault (infra/stacks/backup-account-stack.ts); with `recovery.vaultLock`,
 * the stage's vault is under Vault Lock in compliance mode.
 *
 * Point-in-time recovery (on in every stage) remains the way back from damage inside the
 * account; these backups are for losing the table's history beyond 35 days, the account or
 * the region.
 */
import { Aws, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config.ts';
import { KEY_PENDING_WINDOW_DAYS, statefulRemovalPolicyOf } from '../stateful-resources.ts';

/** The name of a stage's backup vault (unique per account and region). */
export const backupVaultNameOf = (stage: string): string => `jointly-${stage}`;

/** The name of a stage's backup plan. */
export const backupPlanNameOf = (stage: string): string => `jointly-${stage}-table`;

/** The alias of the key that encrypts a stage's vault. */
export const backupKeyAliasOf = (stage: string): string => `alias/jointly-${stage}-backup`;

/** The name of the vault in the backup account that every copying stage copies into. */
export const backupCopyVaultName = 'jointly-backup-copies';

/** The ARN of the backup account's vault in `account` and `region`. */
export const backupCopyVaultArnOf = (account: string, region: string): string =>
  `arn:aws:backup:${region}:${account}:backup-vault:${backupCopyVaultName}`;

/**
 * The daily backup starts at 02:00 UTC, in the quietest hours of a UK service (02:00 or 03:00
 * local time), and DynamoDB backups do not consume the table's capacity anyway.
 */
export const DAILY_BACKUP_UTC = { hour: 2, minute: 0 } as const;

/** A job that has not started within an hour of 02:00 is cancelled (and shows as failed): the next one is a day away. */
export const BACKUP_START_WINDOW_HOURS = 1;

/** A started job must finish within six hours, well before the working day starts. */
export const BACKUP_COMPLETION_WINDOW_HOURS = 6;

/**
 * Days after which a mistaken Vault Lock can no longer be changed or removed (CloudFormation's
 * minimum, and AWS Backup's 72-hour cooling-off period): a lock set by mistake can be lifted in
 * its first three days, after that never.
 */
export const VAULT_LOCK_CHANGEABLE_DAYS = 3;

/** The AWS managed policies of the backup role: AWS keeps them in step with the services' backup APIs. */
export const BACKUP_MANAGED_POLICIES = [
  'service-role/AWSBackupServiceRolePolicyForBackup',
  'service-role/AWSBackupServiceRolePolicyForRestores',
] as const;

/** Cryptographic operations a service performs with a key on the backup role's behalf; no wildcards. */
const KEY_USE = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
] as const;

/**
 * The vault access policy's actions that would let someone remove a backup before it expires
 * (delete it, or shorten its lifecycle so it expires now). Lifecycle expiry is performed by
 * AWS Backup itself and is not subject to the policy, so backups still expire on time.
 */
export const RECOVERY_POINT_DELETIONS = ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'] as const;

/** The vault access policy's actions that would lift the denial above. */
export const VAULT_POLICY_CHANGES = ['backup:PutBackupVaultAccessPolicy', 'backup:DeleteBackupVaultAccessPolicy'] as const;

/**
 * The ARN pattern of the CDK bootstrap's CloudFormation execution role in this account and
 * region: the one principal allowed to change a vault's access policy, so the policy changes only
 * by a reviewed deploy. Any qualifier: a re-bootstrap with another qualifier must still be able
 * to deploy, since no other principal can change the policy afterwards.
 */
export const cloudFormationExecutionRolePatternOf = (stack: Stack): string =>
  `arn:${Aws.PARTITION}:iam::${stack.account}:role/cdk-*-cfn-exec-role-${stack.account}-${stack.region}`;

/**
 * The two denials every Jointly vault carries: nobody may delete a backup or shorten its life,
 * and nobody but a CloudFormation deploy may change the access policy that says so.
 */
export const vaultDenialsOf = (stack: Stack): iam.PolicyStatement[] => [
  new iam.PolicyStatement({
    sid: 'DenyDeletingBackups',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: [...RECOVERY_POINT_DELETIONS],
    resources: ['*'],
  }),
  new iam.PolicyStatement({
    sid: 'DenyPolicyChangesButByDeploy',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: [...VAULT_POLICY_CHANGES],
    resources: ['*'],
    conditions: { ArnNotLike: { 'aws:PrincipalArn': cloudFormationExecutionRolePatternOf(stack) } },
  }),
];

/** What a key's user may do through one AWS service: encrypt and decrypt, and grant only to that service's resources. */
const keyUseThroughService = (
  service: 'backup' | 'dynamodb',
  region: string,
  extra: Record<string, Record<string, unknown>> = {},
): { suffix: string; actions: string[]; conditions: Record<string, Record<string, unknown>> }[] => {
  const conditions = { ...extra, StringEquals: { ...extra['StringEquals'], 'kms:ViaService': `${service}.${region}.amazonaws.com` } };
  return [
    { suffix: '', actions: [...KEY_USE], conditions },
    { suffix: 'Grants', actions: ['kms:CreateGrant'], conditions: { ...conditions, Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
  ];
};

/**
 * Key-policy statements letting `principals` use a key only through one AWS service
 * (`kms:ViaService`) and create grants only for that service's resources: what the service
 * needs to encrypt and decrypt on their behalf, and nothing they could use directly.
 * `<sid>` and `<sid>Grants`.
 */
export const keyPolicyThroughServiceOf = (
  sid: string,
  principals: iam.IPrincipal[],
  service: 'backup' | 'dynamodb',
  region: string,
  extra: Record<string, Record<string, unknown>> = {},
): iam.PolicyStatement[] =>
  keyUseThroughService(service, region, extra).map(
    ({ suffix, actions, conditions }) =>
      new iam.PolicyStatement({ sid: `${sid}${suffix}`, principals, actions, resources: ['*'], conditions }),
  );

/** The identity-policy side of `keyPolicyThroughServiceOf`, on the keys `resources`. */
const identityThroughServiceOf = (
  sid: string,
  resources: string[],
  service: 'backup' | 'dynamodb',
  region: string,
): iam.PolicyStatement[] =>
  keyUseThroughService(service, region).map(
    ({ suffix, actions, conditions }) => new iam.PolicyStatement({ sid: `${sid}${suffix}`, actions, resources, conditions }),
  );

/** Properties of `TableBackup`. */
export interface TableBackupProps {
  /** The validated stage configuration (`recovery`, `statefulRemovalPolicy`). */
  readonly stageConfig: StageConfig;
  /** The table to back up (the only resource selected). */
  readonly table: dynamodb.TableV2;
  /** The key that encrypts the table: AWS Backup reads the table, and restores into a table, under it. */
  readonly tableKey: kms.Key;
}

/** The vault, its key, the plan and its selection of the table. */
export class TableBackup extends Construct {
  /** Encrypts the stage's vault (every backup, with advanced DynamoDB backup turned on). */
  readonly key: kms.Key;
  /** The stage's vault. */
  readonly vault: backup.BackupVault;
  /** The daily plan. */
  readonly plan: backup.BackupPlan;
  /** The role AWS Backup assumes to back up and restore the table. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TableBackupProps) {
    super(scope, id);
    const { stageConfig, table, tableKey } = props;
    const { stage, recovery } = stageConfig;
    const stack = Stack.of(this);
    const removalPolicy = statefulRemovalPolicyOf(stageConfig);

    this.role = new iam.Role(this, 'Role', {
      description: `Jointly ${stage}: assumed by AWS Backup to back up the table and to restore it into a new table`,
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: BACKUP_MANAGED_POLICIES.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
    });
    for (const name of BACKUP_MANAGED_POLICIES) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        reason:
          'The AWS Backup service role policies: AWS keeps them in step with the DynamoDB backup and restore APIs (StartAwsBackupJob, RestoreTableFromAwsBackup…); the role is assumable by AWS Backup only and selects the one table.',
      });
    }

    this.key = new kms.Key(this, 'Key', {
      alias: backupKeyAliasOf(stage),
      description: `Jointly ${stage}: encrypts the table's backups in the stage's vault`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(KEY_PENDING_WINDOW_DAYS),
    });

    this.grantKeys(tableKey, stageConfig);

    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: backupVaultNameOf(stage),
      encryptionKey: this.key,
      removalPolicy,
      accessPolicy: new iam.PolicyDocument({
        statements: [
          ...vaultDenialsOf(stack),
          // In a disaster the backup account copies a backup back into the rebuilt stage's vault.
          ...(recovery.copy === undefined
            ? []
            : [
                new iam.PolicyStatement({
                  sid: 'AllowCopiesBackFromBackupAccount',
                  principals: [new iam.AccountPrincipal(recovery.copy.account)],
                  actions: ['backup:CopyIntoBackupVault'],
                  resources: ['*'],
                }),
              ]),
        ],
      }),
      lockConfiguration: recovery.vaultLock
        ? {
            // Every backup is kept this long at least: equal to the plan's retention, so no
            // job of the plan is refused and no backup can be made to expire sooner.
            minRetention: Duration.days(recovery.backupRetentionDays),
            changeableFor: Duration.days(VAULT_LOCK_CHANGEABLE_DAYS),
          }
        : undefined,
    });

    this.plan = new backup.BackupPlan(this, 'Plan', { backupPlanName: backupPlanNameOf(stage), backupVault: this.vault });
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'daily',
        scheduleExpression: events.Schedule.cron({ hour: String(DAILY_BACKUP_UTC.hour), minute: String(DAILY_BACKUP_UTC.minute) }),
        scheduleExpressionTimezone: TimeZone.ETC_UTC,
        startWindow: Duration.hours(BACKUP_START_WINDOW_HOURS),
        completionWindow: Duration.hours(BACKUP_COMPLETION_WINDOW_HOURS),
        deleteAfter: Duration.days(recovery.backupRetentionDays),
        copyActions:
          recovery.copy === undefined
            ? undefined
            : [
                {
                  destinationBackupVault: backup.BackupVault.fromBackupVaultArn(
                    this,
                    'CopyVault',
                    backupCopyVaultArnOf(recovery.copy.account, recovery.copy.region),
                  ),
                  deleteAfter: Duration.days(recovery.copy.retentionDays),
                },
              ],
      }),
    );
    this.plan.addSelection('Table', {
      backupSelectionName: 'table',
      resources: [backup.BackupResource.fromArn(table.tableArn)],
      role: this.role,
      // The managed policies are attached above, where they are acknowledged.
      disableDefaultBackupPolicy: true,
    });
  }

  /**
   * The key policies and the role's own policy, which must agree (KMS checks both). The table
   * key: without advanced DynamoDB backup, DynamoDB makes the backup itself under the table key
   * and the role needs it only to restore into a table under that key; with advanced backup
   * (needed for the copy), DynamoDB also reads the table for AWS Backup as the role. The vault
   * key: AWS Backup encrypts advanced backups with it, and decrypts them to copy or restore.
   * Both only through the service concerned. The key statements name the role by
   * `aws:PrincipalArn` under the account: KMS refuses a principal it cannot see yet, which a
   * role created in the same deploy may be, but never checks a condition's value.
   */
  private grantKeys(tableKey: kms.Key, stageConfig: StageConfig): void {
    const stack = Stack.of(this);
    const asRole = { ArnEquals: { 'aws:PrincipalArn': this.role.roleArn } };
    const account = [new iam.AccountRootPrincipal()];
    for (const statement of keyPolicyThroughServiceOf('AllowAwsBackupThroughDynamoDb', account, 'dynamodb', stack.region, asRole)) {
      tableKey.addToResourcePolicy(statement);
    }
    for (const statement of keyPolicyThroughServiceOf('AllowAwsBackupRole', account, 'backup', stack.region, asRole)) {
      this.key.addToResourcePolicy(statement);
    }
    const copy = stageConfig.recovery.copy;
    if (copy !== undefined) {
      // Copying a backup back from the backup account re-encrypts it with this vault's key there.
      for (const statement of keyPolicyThroughServiceOf(
        'AllowBackupAccountCopiesBack',
        [new iam.AccountPrincipal(copy.account)],
        'backup',
        stack.region,
      )) {
        this.key.addToResourcePolicy(statement);
      }
    }

    const policy = new iam.ManagedPolicy(this, 'KeyUse', {
      description: `Jointly ${stageConfig.stage}: the backup role's use of the table key (through DynamoDB) and of the vault keys (through AWS Backup)`,
      roles: [this.role],
      statements: [
        ...identityThroughServiceOf('TableKeyThroughDynamoDb', [tableKey.keyArn], 'dynamodb', stack.region),
        ...identityThroughServiceOf('VaultKeyThroughBackup', [this.key.keyArn], 'backup', stack.region),
        ...(copy === undefined
          ? []
          : identityThroughServiceOf(
              'CopyVaultKeyThroughBackup',
              [`arn:${Aws.PARTITION}:kms:${copy.region}:${copy.account}:key/*`],
              'backup',
              copy.region,
            )),
      ],
    });
    if (copy !== undefined) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${copy.region}:${copy.account}:key/*]`,
        reason:
          'The backup account’s vault key is created there and its id is unknown here; the statement is limited to that account’s keys and to use through AWS Backup (kms:ViaService), which copies into its vault.',
      });
    }
  }
}
