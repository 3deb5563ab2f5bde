/**
 * The backup account's own CDK app: the locked vault every copying stage copies its table
 * backups into (infra/stacks/backup-account-stack.ts). Deployed once by ops, with the backup
 * account's credentials, never by the pipeline (docs/disaster-recovery.md "The backup account"):
 *
 *   npx cdk deploy --app "node infra/backup-account-app.ts" Jointly-BackupAccount
 *
 * The copying stages and how long their copies are kept come from each stage's committed
 * `recovery.copy` (infra/config/stage-config.ts), so the vault and the stages cannot disagree.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, ServerlessChecks } from 'cdk-nag';
import { DATA_CLASS_OF, PROJECT_TAG } from './build-app.ts';
import { BACKUP_ACCOUNT } from './config/accounts.ts';
import { STAGES, loadStageConfig } from './config/stage-config.ts';
import { REPO_ROOT } from './constructs/jointly-function.ts';
import { BackupAccountStack, type CopyingStage } from './stacks/backup-account-stack.ts';

/** The backup account's stack name. */
export const BACKUP_ACCOUNT_STACK_NAME = 'Jointly-BackupAccount';

/** Options of `buildBackupAccountApp`. */
export interface BuildBackupAccountAppOptions {
  /** Register the cdk-nag packs (AwsSolutions, Serverless, HIPAA.Security). @default true */
  readonly nag?: boolean;
}

/** The app and its one stack. */
export interface BackupAccountApp {
  readonly app: App;
  readonly stack: BackupAccountStack;
  readonly copyingStages: readonly CopyingStage[];
}

/**
 * Every stage that copies into the backup account, from the committed stage configs. A copy
 * aimed at another account or region is refused: this app deploys one vault, in one place.
 */
export const copyingStagesOf = (): CopyingStage[] =>
  STAGES.flatMap((stage) => {
    const copy = loadStageConfig(stage).recovery.copy;
    if (copy === undefined) return [];
    if (copy.account !== BACKUP_ACCOUNT.account || copy.region !== BACKUP_ACCOUNT.region) {
      throw new Error(
        `Stage ${stage} copies its backups to ${copy.account} in ${copy.region}, not to the backup account ${BACKUP_ACCOUNT.account} in ${BACKUP_ACCOUNT.region}.`,
      );
    }
    return [{ stage, account: loadStageConfig(stage).account, retentionDays: copy.retentionDays }];
  });

/** cdk.json's context (its feature flags), as `infra/build-app.ts` reads it: tests synthesize what the CLI does. */
const cdkJsonContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
};

/** Builds the backup account's app. */
export const buildBackupAccountApp = (options: BuildBackupAccountAppOptions = {}): BackupAccountApp => {
  const app = new App({ context: cdkJsonContext() });
  const copyingStages = copyingStagesOf();
  const stack = new BackupAccountStack(app, BACKUP_ACCOUNT_STACK_NAME, {
    copyingStages,
    env: BACKUP_ACCOUNT,
    description: `Jointly backup account: the locked vault of the ${copyingStages.map((s) => s.stage).join(' and ')} table backup copies`,
    terminationProtection: true,
  });
  // The stages' cost-allocation tags; `Stage` names this account, not a stage it serves. The
  // copies are the data stacks' records.
  Tags.of(app).add('Project', PROJECT_TAG);
  Tags.of(app).add('Stage', 'backup');
  Tags.of(app).add('DataClass', DATA_CLASS_OF.data);

  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app), new HIPAASecurityChecks(app));
  }
  return { app, stack, copyingStages };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildBackupAccountApp().app.synth();
}
