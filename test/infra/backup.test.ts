/**
 * Disaster recovery (issue 19, point 3): every stage's table has a daily AWS Backup plan into
 * the stage's own vault under its own key; prod's vault is under Vault Lock in compliance mode;
 * staging and prod copy every backup into the backup account's vault, which is locked,
 * encrypted with a multi-region key, and admits copies from those stage accounts only. The
 * expectations come from the stage config (`recovery`), the templates from the real apps.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_ACCOUNT_STACK_NAME, buildBackupAccountApp, copyingStagesOf, type BackupAccountApp } from '#infra/backup-account-app.ts';
import { buildApp, type JointlyApp } from '#infra/build-app.ts';
import { BACKUP_ACCOUNT } from '#infra/config/accounts.ts';
import { STAGES, loadStageConfig, type StageConfig, type StageName } from '#infra/config/stage-config.ts';
import { REPO_ROOT } from '#infra/constructs/jointly-function.ts';
import {
  BACKUP_MANAGED_POLICIES,
  RECOVERY_POINT_DELETIONS,
  VAULT_POLICY_CHANGES,
  backupCopyVaultArnOf,
  backupCopyVaultName,
  backupPlanNameOf,
  backupVaultNameOf,
} from '#infra/constructs/table-backup.ts';
import { BackupAccountStack } from '#infra/stacks/backup-account-stack.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation read by property path in assertions.
type Json = Record<string, any>;

interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: { AWS?: unknown; Service?: unknown };
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Renders `Fn::Join` of literals and `Ref`s as one readable string (`{AWS::Partition}`). */
const flatten = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as Json;
  if (Array.isArray(v['Fn::Join'])) return (v['Fn::Join'][1] as unknown[]).map(flatten).join(v['Fn::Join'][0]);
  if (typeof v['Ref'] === 'string') return `{${v['Ref']}}`;
  return JSON.stringify(value);
};

const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

const onlyOf = (template: Template, type: string): [string, Json] => {
  const entries = Object.entries(template.findResources(type));
  expect(entries, type).toHaveLength(1);
  return entries[0]!;
};

const statementsOf = (policy: Json): Statement[] => policy['Statement'] as Statement[];
const bySid = (statements: Statement[], sid: string): Statement => {
  const found = statements.find((statement) => statement.Sid === sid);
  expect(found, sid).toBeDefined();
  return found!;
};

const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

describe.each(STAGES)('stage %s: the table backup', (stage: StageName) => {
  let config: StageConfig;
  let built: JointlyApp;
  let data: Template;
  let ids: { table: string; tableKey: string; vaultKey: string; vault: string; role: string };

  beforeAll(() => {
    config = loadStageConfig(stage);
    built = buildApp({ stage, context: SKIP_BUNDLING, nag: false });
    data = Template.fromStack(built.data);
    const { backup } = built.data;
    ids = {
      table: logicalIdOf(built.data, built.data.table),
      tableKey: logicalIdOf(built.data, built.data.key),
      vaultKey: logicalIdOf(built.data, backup.key),
      vault: logicalIdOf(built.data, backup.vault),
      role: logicalIdOf(built.data, backup.role),
    };
  });

  it('backs up once a day at 02:00 UTC into the stage’s vault, keeping each backup recovery.backupRetentionDays', () => {
    // Act
    const [, plan] = onlyOf(data, 'AWS::Backup::BackupPlan');
    const rules = plan['Properties']['BackupPlan']['BackupPlanRule'] as Json[];

    // Assess
    expect(plan['Properties']['BackupPlan']['BackupPlanName']).toBe(backupPlanNameOf(stage));
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      RuleName: 'daily',
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      StartWindowMinutes: 60,
      CompletionWindowMinutes: 360,
      Lifecycle: { DeleteAfterDays: config.recovery.backupRetentionDays },
      TargetBackupVault: { 'Fn::GetAtt': [ids.vault, 'BackupVaultName'] },
    });
    expect(rules[0]).not.toHaveProperty('EnableContinuousBackup');
  });

  it('selects the table and nothing else, for a role only AWS Backup can assume', () => {
    // Act
    const [, selection] = onlyOf(data, 'AWS::Backup::BackupSelection');
    const role = data.findResources('AWS::IAM::Role')[ids.role]!;

    // Assess
    expect(selection['Properties']['BackupSelection']).toEqual({
      SelectionName: 'table',
      IamRoleArn: { 'Fn::GetAtt': [ids.role, 'Arn'] },
      Resources: [{ 'Fn::GetAtt': [ids.table, 'Arn'] }],
    });
    expect(role['Properties']['AssumeRolePolicyDocument']['Statement']).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' } },
    ]);
    expect((role['Properties']['ManagedPolicyArns'] as unknown[]).map(flatten)).toEqual(
      BACKUP_MANAGED_POLICIES.map((name) => `arn:{AWS::Partition}:iam::aws:policy/${name}`),
    );
  });

  it('keeps the backups in the stage’s named vault, encrypted with its own rotating key that waits 30 days before deletion', () => {
    // Act
    const [vaultId, vault] = onlyOf(data, 'AWS::Backup::BackupVault');
    const key = data.findResources('AWS::KMS::Key')[ids.vaultKey]!;
    const expected = stage === 'dev' ? ['Delete', 'Delete'] : ['RetainExceptOnCreate', 'Retain'];

    // Assess
    expect(vaultId).toBe(ids.vault);
    expect(vault['Properties']).toMatchObject({
      BackupVaultName: backupVaultNameOf(stage),
      EncryptionKeyArn: { 'Fn::GetAtt': [ids.vaultKey, 'Arn'] },
    });
    expect(ids.vaultKey).not.toBe(ids.tableKey);
    expect(key['Properties']).toMatchObject({ EnableKeyRotation: true, PendingWindowInDays: 30 });
    expect([vault['DeletionPolicy'], vault['UpdateReplacePolicy']]).toEqual(expected);
    expect([key['DeletionPolicy'], key['UpdateReplacePolicy']]).toEqual(expected);
  });

  it('lets the backup role use the table key only through DynamoDB, and the vault key only through AWS Backup, in both key policies and its own', () => {
    // Prepare
    const keyPolicy = (id: string) => statementsOf(data.findResources('AWS::KMS::Key')[id]!['Properties']['KeyPolicy']);
    const roleArn = { 'Fn::GetAtt': [ids.role, 'Arn'] };
    const [, managed] = onlyOf(data, 'AWS::IAM::ManagedPolicy');
    const own = statementsOf(managed['Properties']['PolicyDocument']);

    // Act
    const table = bySid(keyPolicy(ids.tableKey), 'AllowAwsBackupThroughDynamoDb');
    const tableGrants = bySid(keyPolicy(ids.tableKey), 'AllowAwsBackupThroughDynamoDbGrants');
    const vault = bySid(keyPolicy(ids.vaultKey), 'AllowAwsBackupRole');

    // Assess
    expect(table.Condition).toEqual({
      ArnEquals: { 'aws:PrincipalArn': roleArn },
      StringEquals: { 'kms:ViaService': `dynamodb.${config.region}.amazonaws.com` },
    });
    expect(asList(table.Action)).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']));
    expect(tableGrants).toMatchObject({
      Action: 'kms:CreateGrant',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
    expect(vault.Condition).toEqual({
      ArnEquals: { 'aws:PrincipalArn': roleArn },
      StringEquals: { 'kms:ViaService': `backup.${config.region}.amazonaws.com` },
    });
    expect(managed['Properties']['Roles']).toEqual([{ Ref: ids.role }]);
    expect(bySid(own, 'TableKeyThroughDynamoDb').Resource).toEqual({ 'Fn::GetAtt': [ids.tableKey, 'Arn'] });
    expect(bySid(own, 'VaultKeyThroughBackup').Resource).toEqual({ 'Fn::GetAtt': [ids.vaultKey, 'Arn'] });
    for (const statement of [...own, table, vault]) for (const action of asList(statement.Action)) expect(action).not.toContain('*');
  });

  it('denies everyone deleting a backup or shortening its life, and changing that policy outside a CloudFormation deploy', () => {
    // Act
    const statements = statementsOf(data.findResources('AWS::Backup::BackupVault')[ids.vault]!['Properties']['AccessPolicy']);
    const deletes = bySid(statements, 'DenyDeletingBackups');
    const changes = bySid(statements, 'DenyPolicyChangesButByDeploy');

    // Assess
    expect(deletes).toEqual({
      Sid: 'DenyDeletingBackups',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: [...RECOVERY_POINT_DELETIONS],
      Resource: '*',
    });
    expect(changes).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: [...VAULT_POLICY_CHANGES], Resource: '*' });
    expect(flatten(changes.Condition!['ArnNotLike']!['aws:PrincipalArn'])).toBe(
      `arn:{AWS::Partition}:iam::${config.account}:role/cdk-*-cfn-exec-role-${config.account}-${config.region}`,
    );
  });

  if (stage === 'prod') {
    it('locks the vault in compliance mode: a grace of 3 days, then every backup kept at least its retention', () => {
      // Act
      const vault = data.findResources('AWS::Backup::BackupVault')[ids.vault]!;

      // Assess: ChangeableForDays is what makes the lock compliance mode (governance has none)
      expect(config.recovery.vaultLock).toBe(true);
      expect(vault['Properties']['LockConfiguration']).toEqual({
        ChangeableForDays: 3,
        MinRetentionDays: config.recovery.backupRetentionDays,
      });
    });
  } else {
    it('does not lock the vault (a locked vault outlives its stack)', () => {
      // Act
      const vault = data.findResources('AWS::Backup::BackupVault')[ids.vault]!;

      // Assess
      expect(config.recovery.vaultLock).toBe(false);
      expect(vault['Properties']).not.toHaveProperty('LockConfiguration');
    });
  }

  it('never locks backups for longer than the plan keeps them: the lock’s minimum is at most each rule’s retention', () => {
    // Act
    const vault = data.findResources('AWS::Backup::BackupVault')[ids.vault]!;
    const minimum = vault['Properties']['LockConfiguration']?.['MinRetentionDays'] as number | undefined;
    const [, plan] = onlyOf(data, 'AWS::Backup::BackupPlan');
    const retentions = (plan['Properties']['BackupPlan']['BackupPlanRule'] as Json[]).map((rule) => rule['Lifecycle']['DeleteAfterDays']);

    // Assess
    expect(retentions.length).toBeGreaterThan(0);
    if (stage === 'prod') expect(minimum).toBeGreaterThan(0);
    for (const retention of retentions) expect(minimum ?? 0).toBeLessThanOrEqual(retention);
  });

  if (stage === 'dev') {
    it('copies nothing anywhere and admits no other account (synthetic data)', () => {
      // Act
      const [, plan] = onlyOf(data, 'AWS::Backup::BackupPlan');
      const vault = data.findResources('AWS::Backup::BackupVault')[ids.vault]!;
      const vaultKey = data.findResources('AWS::KMS::Key')[ids.vaultKey]!;

      // Assess
      expect(config.recovery.copy).toBeUndefined();
      expect(plan['Properties']['BackupPlan']['BackupPlanRule'][0]).not.toHaveProperty('CopyActions');
      expect(statementsOf(vault['Properties']['AccessPolicy']).filter((s) => s.Effect === 'Allow')).toEqual([]);
      expect(JSON.stringify(vaultKey['Properties']['KeyPolicy'])).not.toContain(BACKUP_ACCOUNT.account);
    });
  } else {
    it('copies every backup into the backup account’s vault, keeping each copy recovery.copy.retentionDays', () => {
      // Prepare
      const copy = config.recovery.copy!;

      // Act
      const [, plan] = onlyOf(data, 'AWS::Backup::BackupPlan');

      // Assess
      expect(copy.account).toBe(BACKUP_ACCOUNT.account);
      expect(plan['Properties']['BackupPlan']['BackupPlanRule'][0]['CopyActions']).toEqual([
        {
          DestinationBackupVaultArn: `arn:aws:backup:${BACKUP_ACCOUNT.region}:${BACKUP_ACCOUNT.account}:backup-vault:${backupCopyVaultName}`,
          Lifecycle: { DeleteAfterDays: copy.retentionDays },
        },
      ]);
    });

    it('lets the backup account copy a backup back into the vault, through AWS Backup only', () => {
      // Prepare
      const root = `arn:aws:iam::${BACKUP_ACCOUNT.account}:root`;

      // Act
      const vault = data.findResources('AWS::Backup::BackupVault')[ids.vault]!;
      const allows = statementsOf(vault['Properties']['AccessPolicy']).filter((s) => s.Effect === 'Allow');
      const keyPolicy = statementsOf(data.findResources('AWS::KMS::Key')[ids.vaultKey]!['Properties']['KeyPolicy']);

      // Assess
      expect(allows).toEqual([
        {
          Sid: 'AllowCopiesBackFromBackupAccount',
          Effect: 'Allow',
          Principal: { AWS: root },
          Action: 'backup:CopyIntoBackupVault',
          Resource: '*',
        },
      ]);
      expect(bySid(keyPolicy, 'AllowBackupAccountCopiesBack')).toMatchObject({
        Principal: { AWS: root },
        Condition: { StringEquals: { 'kms:ViaService': `backup.${config.region}.amazonaws.com` } },
      });
    });
  }
});

describe('the backup account', () => {
  let built: BackupAccountApp;
  let template: Template;
  const copying = STAGES.filter((stage) => loadStageConfig(stage).recovery.copy !== undefined);
  const accounts = copying.map((stage) => loadStageConfig(stage).account).sort();
  const roots = accounts.map((account) => `arn:aws:iam::${account}:root`);

  beforeAll(() => {
    built = buildBackupAccountApp();
    template = Template.fromStack(built.stack);
  });

  it('is one stack in the backup account, fed by exactly the stages whose config copies there', () => {
    // Act
    const stages = copyingStagesOf();

    // Assess
    expect(copying).toEqual(['staging', 'prod']);
    expect(stages).toEqual(
      copying.map((stage) => ({
        stage,
        account: loadStageConfig(stage).account,
        retentionDays: loadStageConfig(stage).recovery.copy!.retentionDays,
      })),
    );
    expect(built.stack.stackName).toBe(BACKUP_ACCOUNT_STACK_NAME);
    expect([built.stack.account, built.stack.region]).toEqual([BACKUP_ACCOUNT.account, BACKUP_ACCOUNT.region]);
    expect(built.stack.terminationProtection).toBe(true);
  });

  it('names its vault where the stages copy to', () => {
    // Act
    const [, vault] = onlyOf(template, 'AWS::Backup::BackupVault');

    // Assess
    expect(vault['Properties']['BackupVaultName']).toBe(backupCopyVaultName);
    for (const stage of copying) {
      const copy = loadStageConfig(stage).recovery.copy!;
      expect(backupCopyVaultArnOf(copy.account, copy.region)).toBe(
        `arn:aws:backup:${built.stack.region}:${built.stack.account}:backup-vault:${backupCopyVaultName}`,
      );
    }
  });

  it('encrypts the copies with a multi-region, rotating key, kept on a replacement or delete', () => {
    // Act
    const [keyId, key] = onlyOf(template, 'AWS::KMS::Key');
    const [, vault] = onlyOf(template, 'AWS::Backup::BackupVault');

    // Assess
    expect(key['Properties']).toMatchObject({ MultiRegion: true, EnableKeyRotation: true, PendingWindowInDays: 30 });
    expect(vault['Properties']['EncryptionKeyArn']).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    for (const resource of [key, vault])
      expect([resource['DeletionPolicy'], resource['UpdateReplacePolicy']]).toEqual(['RetainExceptOnCreate', 'Retain']);
  });

  it('locks the vault in compliance mode, demanding no longer a keep than the shortest copy retention', () => {
    // Prepare
    const retentions = copying.map((stage) => loadStageConfig(stage).recovery.copy!.retentionDays);

    // Act
    const [, vault] = onlyOf(template, 'AWS::Backup::BackupVault');
    const lock = vault['Properties']['LockConfiguration'] as { ChangeableForDays: number; MinRetentionDays: number };

    // Assess
    expect(lock).toEqual({ ChangeableForDays: 3, MinRetentionDays: Math.min(...retentions) });
    for (const retention of retentions) expect(lock.MinRetentionDays).toBeLessThanOrEqual(retention);
  });

  it('admits copies from the copying stage accounts only, and denies everyone deleting one', () => {
    // Act
    const [, vault] = onlyOf(template, 'AWS::Backup::BackupVault');
    const statements = statementsOf(vault['Properties']['AccessPolicy']);
    const allows = statements.filter((statement) => statement.Effect === 'Allow');

    // Assess
    expect(allows).toEqual([
      {
        Sid: 'AllowCopiesFromStageAccounts',
        Effect: 'Allow',
        Principal: { AWS: roots },
        Action: 'backup:CopyIntoBackupVault',
        Resource: '*',
      },
    ]);
    expect(bySid(statements, 'DenyDeletingBackups')).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: [...RECOVERY_POINT_DELETIONS],
    });
    expect(bySid(statements, 'DenyPolicyChangesButByDeploy')).toMatchObject({ Effect: 'Deny', Action: [...VAULT_POLICY_CHANGES] });
    expect(roots).not.toContain(`arn:aws:iam::${BACKUP_ACCOUNT.account}:root`);
  });

  it('lets the copying accounts use the key only through AWS Backup', () => {
    // Act
    const [, key] = onlyOf(template, 'AWS::KMS::Key');
    const statements = statementsOf(key['Properties']['KeyPolicy']);
    const foreign = statements.filter(
      (statement) => JSON.stringify(statement.Principal) !== JSON.stringify({ AWS: `arn:aws:iam::${BACKUP_ACCOUNT.account}:root` }),
    );

    // Assess
    expect(foreign.map((statement) => statement.Sid)).toEqual([
      'AllowCopyingAccountsThroughBackup',
      'AllowCopyingAccountsThroughBackupGrants',
    ]);
    for (const statement of foreign) {
      expect(statement.Principal).toEqual({ AWS: roots });
      expect(statement.Condition?.['StringEquals']).toEqual({ 'kms:ViaService': `backup.${BACKUP_ACCOUNT.region}.amazonaws.com` });
    }
  });

  it('passes the cdk-nag packs with every finding acknowledged', () => {
    // Act
    const assembly = built.app.synth();
    const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };

    // Assess
    expect(report.pluginReports).toEqual([]);
  });

  it('refuses to build a vault no stage copies into', () => {
    // Act
    const build = () => new BackupAccountStack(new App(), 'Empty', { copyingStages: [], env: BACKUP_ACCOUNT });

    // Assess
    expect(build).toThrow(/at least one copying stage/);
  });
});

describe('docs/disaster-recovery.md', () => {
  it('states each stage’s RPO, RTO and retentions exactly as the stage config sets them', () => {
    // Prepare
    const doc = readFileSync(path.join(REPO_ROOT, 'docs', 'disaster-recovery.md'), 'utf8');

    // Act
    const rows = new Map(
      doc
        .split('\n')
        .filter((line) => /^\| `(dev|staging|prod)` \|/.test(line))
        .map((line) => {
          const cells = line
            .split('|')
            .slice(1, -1)
            .map((cell) => cell.trim());
          return [cells[0]!.replaceAll('`', ''), cells.slice(1)] as const;
        }),
    );

    // Assess
    expect([...rows.keys()]).toEqual([...STAGES]);
    for (const stage of STAGES) {
      const { recovery } = loadStageConfig(stage);
      const [rpo, disasterRpo, rto, kept, lock, copies] = rows.get(stage)!;
      expect(rpo, stage).toBe(`${recovery.rpoMinutes} minutes`);
      expect(disasterRpo, stage).toMatch(new RegExp(`^${recovery.disasterRpoHours} hours`));
      expect(rto, stage).toBe(`${recovery.rtoHours} hours`);
      expect(kept, stage).toBe(`${recovery.backupRetentionDays} days`);
      expect(lock, stage).toBe(recovery.vaultLock ? 'compliance' : 'none');
      expect(copies, stage).toBe(recovery.copy === undefined ? 'none' : `${recovery.copy.retentionDays} days`);
    }
  });
});
