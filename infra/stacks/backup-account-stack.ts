/**
 * `BackupAccountStack`: the one vault in the backup account (infra/config/accounts.ts) that the
 * stages copy their table backups into (infra/constructs/table-backup.ts), deployed once by ops
 * with the backup account's credentials (infra/backup-account-app.ts, docs/disaster-recovery.md).
 *
 * The vault is under Vault Lock in compliance mode, encrypted with a multi-region key, and its
 * access policy lets in copies from the copying stages' accounts only and lets nobody delete one.
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { VAULT_LOCK_CHANGEABLE_DAYS, backupCopyVaultName, keyPolicyThroughServiceOf, vaultDenialsOf } from '../constructs/table-backup.ts';
import { KEY_PENDING_WINDOW_DAYS } from '../stateful-resources.ts';

/** A stage that copies its backups into the backup account's vault. */
export interface CopyingStage {
  /** The stage's name (`staging`, `prod`). */
  readonly stage: string;
  /** The stage's own account: the one its copies come from. */
  readonly account: string;
  /** Days the stage's copies are kept in the vault (`recovery.copy.retentionDays`). */
  readonly retentionDays: number;
}

/** Properties of the backup account's stack. */
export interface BackupAccountStackProps extends StackProps {
  /** Every stage whose `recovery.copy` names this account; at least one. */
  readonly copyingStages: readonly CopyingStage[];
}

/** The alias of the backup account's vault key. */
export const backupCopyKeyAlias = `alias/${backupCopyVaultName}`;

/** The vault of the copies and its key. */
export class BackupAccountStack extends Stack {
  /**
   * Encrypts every copy. Multi-region, which can only be chosen when a key is created: a
   * replica of it in a second region shares its key material, so the copies can later be
   * replicated into a vault there without decrypting and re-encrypting them under a new key, and
   * whatever it encrypted stays readable if London is lost.
   */
  readonly key: kms.Key;
  /** The vault the stages copy into. */
  readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: BackupAccountStackProps) {
    super(scope, id, props);
    const { copyingStages } = props;
    if (copyingStages.length === 0) {
      throw new Error('The backup account’s vault needs at least one copying stage (a stage config with recovery.copy).');
    }
    const sourceAccounts = [...new Set(copyingStages.map((stage) => stage.account))].sort();
    const sources = sourceAccounts.map((account) => new iam.AccountPrincipal(account));
    // Copies of every stage are kept; the lock may demand no more than the shortest keep.
    const minRetentionDays = Math.min(...copyingStages.map((stage) => stage.retentionDays));
    // The copies are the last copy: kept on a replacement or delete of the stack, whatever happens.
    const removalPolicy = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

    this.key = new kms.Key(this, 'Key', {
      alias: backupCopyKeyAlias,
      description: `Jointly backup account: encrypts the copies of ${copyingStages.map((stage) => stage.stage).join(' and ')} table backups`,
      multiRegion: true,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(KEY_PENDING_WINDOW_DAYS),
    });
    // The copying accounts' AWS Backup encrypts what it copies in with this key, only through AWS Backup.
    for (const statement of keyPolicyThroughServiceOf('AllowCopyingAccountsThroughBackup', sources, 'backup', this.region)) {
      this.key.addToResourcePolicy(statement);
    }

    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: backupCopyVaultName,
      encryptionKey: this.key,
      removalPolicy,
      accessPolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'AllowCopiesFromStageAccounts',
            principals: sources,
            actions: ['backup:CopyIntoBackupVault'],
            resources: ['*'],
          }),
          ...vaultDenialsOf(this),
        ],
      }),
      lockConfiguration: {
        minRetention: Duration.days(minRetentionDays),
        changeableFor: Duration.days(VAULT_LOCK_CHANGEABLE_DAYS),
      },
    });
  }
}
