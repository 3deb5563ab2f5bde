/**
 * `npm run execution-policy -- …`: prints, as JSON, the policies the accounts are set up with
 * (docs/deployment-pipeline.md "Bootstrapping"), built from the committed configuration by
 * infra/pipeline/execution-policy.ts and infra/pipeline/region-scp.ts:
 *
 *   npm run execution-policy -- --stage dev        the dev account's CloudFormation execution policy
 *   npm run execution-policy -- --pipeline         the pipeline account's
 *   npm run execution-policy -- --backup           the backup account's
 *   npm run execution-policy -- --scp              the organisation's region-deny SCP
 *   npm run execution-policy -- --bootstrap        the commands that create each policy and bootstrap each account
 *
 * Reads nothing from AWS and needs no credentials.
 */
import { fileURLToPath } from 'node:url';
import { BACKUP_ACCOUNT, PIPELINE_ACCOUNT } from '../infra/config/accounts.ts';
import { STAGES, loadStageConfig, type StageName } from '../infra/config/stage-config.ts';
import {
  BACKUP_RESOURCE_TYPES,
  EXECUTION_POLICY_NAME,
  executionPolicyArnOf,
  executionPolicyOf,
  PIPELINE_RESOURCE_TYPES,
  type PolicyDocument,
  STAGE_RESOURCE_TYPES,
} from '../infra/pipeline/execution-policy.ts';
import { regionDenyScpOf } from '../infra/pipeline/region-scp.ts';

const USAGE = 'Usage: npm run execution-policy -- --stage <dev|staging|prod> | --pipeline | --backup | --scp | --bootstrap';

/** A mistake on the command line: the message is one sentence. */
export class ExecutionPolicyUsageError extends Error {
  override name = 'ExecutionPolicyUsageError';
}

/** A stage account's execution policy. */
export const stagePolicyOf = (stage: StageName): PolicyDocument => {
  const config = loadStageConfig(stage);
  return executionPolicyOf({ account: config.account, region: config.region, resourceTypes: STAGE_RESOURCE_TYPES });
};

/** The pipeline account's execution policy. */
export const pipelinePolicy = (): PolicyDocument => executionPolicyOf({ ...PIPELINE_ACCOUNT, resourceTypes: PIPELINE_RESOURCE_TYPES });

/** The backup account's execution policy. */
export const backupPolicy = (): PolicyDocument => executionPolicyOf({ ...BACKUP_ACCOUNT, resourceTypes: BACKUP_RESOURCE_TYPES });

/**
 * The commands, account by account, that create the execution policy and bootstrap the account:
 * the pipeline and backup accounts trust nobody; each stage account trusts the pipeline account.
 */
export const bootstrapCommands = (): string => {
  const lines = ['# Run each block with that account’s administrator credentials (AWS_PROFILE=…).', ''];
  const block = (name: string, account: string, region: string, policyFlag: string, trust: boolean) => {
    lines.push(
      `# ${name}: account ${account}, ${region}`,
      `npm run -s execution-policy -- ${policyFlag} > ${name}-execution-policy.json`,
      `aws iam create-policy --policy-name ${EXECUTION_POLICY_NAME} --policy-document file://${name}-execution-policy.json`,
      `npx cdk bootstrap aws://${account}/${region} \\`,
      ...(trust ? [`  --trust ${PIPELINE_ACCOUNT.account} \\`] : []),
      `  --cloudformation-execution-policies ${executionPolicyArnOf(account)}`,
      '',
    );
  };
  block('pipeline', PIPELINE_ACCOUNT.account, PIPELINE_ACCOUNT.region, '--pipeline', false);
  block('backup', BACKUP_ACCOUNT.account, BACKUP_ACCOUNT.region, '--backup', false);
  for (const stage of STAGES) {
    const config = loadStageConfig(stage);
    block(stage, config.account, config.region, `--stage ${stage}`, true);
  }
  return lines.join('\n');
};

/** What the command line asks for, as the text to print. */
export const outputOf = (argv: readonly string[]): string => {
  const [flag, value, ...rest] = argv;
  const json = (policy: PolicyDocument) => `${JSON.stringify(policy, null, 2)}\n`;
  if (flag === '--stage' && rest.length === 0) {
    if (!(STAGES as readonly string[]).includes(value ?? '')) {
      throw new ExecutionPolicyUsageError(`--stage must be one of ${STAGES.join(', ')}. ${USAGE}`);
    }
    return json(stagePolicyOf(value as StageName));
  }
  if (value === undefined && flag === '--pipeline') return json(pipelinePolicy());
  if (value === undefined && flag === '--backup') return json(backupPolicy());
  if (value === undefined && flag === '--scp') return json(regionDenyScpOf());
  if (value === undefined && flag === '--bootstrap') return bootstrapCommands();
  throw new ExecutionPolicyUsageError(USAGE);
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(outputOf(process.argv.slice(2)));
  } catch (error) {
    if (!(error instanceof ExecutionPolicyUsageError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
  }
}
