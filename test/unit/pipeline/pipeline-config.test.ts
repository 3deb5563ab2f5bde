/**
 * The pipeline's configuration (infra/pipeline/pipeline-config.ts) and the script that prints
 * the bootstrap's policies (scripts/execution-policy.ts).
 */
import { describe, expect, it } from 'vitest';
import { BACKUP_ACCOUNT, PIPELINE_ACCOUNT } from '#infra/config/accounts.ts';
import { loadStageConfig, STAGES } from '#infra/config/stage-config.ts';
import { EXECUTION_POLICY_NAME, executionPolicyArnOf } from '#infra/pipeline/execution-policy.ts';
import {
  loadPipelineConfig,
  PIPELINE_DEFAULTS,
  PIPELINE_STAGES,
  parsePipelineConfig,
  smokeSecretNameOf,
} from '#infra/pipeline/pipeline-config.ts';
import { bootstrapCommands, outputOf } from '#scripts/execution-policy.ts';

const CONNECTION = (account: string, region = 'eu-west-2', id = '7c2e4a1b-93d5-4f08-b6e2-5a9d13c8f047') =>
  `arn:aws:codeconnections:${region}:${account}:connection/${id}`;

describe('the pipeline configuration', () => {
  it('commits a valid configuration in the pipeline account, promoting dev, staging, prod in that order', () => {
    // Prepare / Act
    const config = loadPipelineConfig();

    // Assess
    expect(config.account).toBe(PIPELINE_ACCOUNT.account);
    expect(config.region).toBe('eu-west-2');
    expect(config.connectionArn).toContain(`:${PIPELINE_ACCOUNT.account}:connection/`);
    expect(PIPELINE_STAGES).toEqual(['dev', 'staging', 'prod']);
    expect(STAGES.map(smokeSecretNameOf)).toEqual([
      'jointly-pipeline/smoke-dev',
      'jointly-pipeline/smoke-staging',
      'jointly-pipeline/smoke-prod',
    ]);
  });

  it.each([
    [{ branch: 'a..b' }, 'Invalid pipeline configuration at branch: must be a branch name such as main (no spaces, no "..").'],
    [{ repository: 'owner/jointly' }, 'Invalid pipeline configuration at repository: is a placeholder: commit the real owner/name.'],
    [
      { account: '123456789012', connectionArn: CONNECTION('123456789012') },
      'Invalid pipeline configuration at account: is a placeholder account id: commit the pipeline account.',
    ],
    [
      { connectionArn: CONNECTION(PIPELINE_ACCOUNT.account, 'eu-west-2', '00000000-0000-0000-0000-000000000000') },
      'Invalid pipeline configuration at connectionArn: is a placeholder: create the connection (docs/deployment-pipeline.md) and commit its ARN.',
    ],
    [
      { connectionArn: CONNECTION(PIPELINE_ACCOUNT.account, 'eu-west-1') },
      `Invalid pipeline configuration at connectionArn: must be a connection of the pipeline account in its region (${PIPELINE_ACCOUNT.account}, eu-west-2): CodePipeline uses only its own.`,
    ],
  ])('refuses %o with one sentence', (change, message) => {
    // Prepare
    const raw = { ...PIPELINE_DEFAULTS, ...change };

    // Act
    const parsing = () => parsePipelineConfig(raw);

    // Assess
    expect(parsing).toThrow(message);
  });

  it('accepts a connection made before the service was renamed (codestar-connections)', () => {
    // Prepare
    const raw = {
      ...PIPELINE_DEFAULTS,
      connectionArn: CONNECTION(PIPELINE_ACCOUNT.account).replace('codeconnections', 'codestar-connections'),
    };

    // Act
    const config = parsePipelineConfig(raw);

    // Assess
    expect(config.connectionArn).toMatch(/^arn:aws:codestar-connections:/);
  });
});

describe('npm run execution-policy', () => {
  it('prints a stage account’s policy, scoped to that account, as JSON', () => {
    // Prepare
    const { account } = loadStageConfig('staging');

    // Act
    const policy = JSON.parse(outputOf(['--stage', 'staging'])) as { Statement: { Sid: string; Resource: unknown }[] };

    // Assess
    expect(policy.Statement.map((statement) => statement.Sid)).toEqual(
      expect.arrayContaining(['JointlyRolesAndPolicies', 'NoIamUsersKeysOrIdentityProviders', 'NoAdministratorPolicies', 'LondonOnly']),
    );
    expect(JSON.stringify(policy.Statement.find((statement) => statement.Sid === 'JointlyRolesAndPolicies')?.Resource)).toContain(
      `:iam::${account}:role/Jointly-*`,
    );
  });

  it('prints the region-deny SCP and the pipeline account’s policy', () => {
    // Prepare / Act
    const scp = JSON.parse(outputOf(['--scp'])) as { Statement: { Effect: string; Condition: unknown }[] };
    const pipeline = JSON.parse(outputOf(['--pipeline'])) as { Statement: { Action?: string | string[] }[] };

    // Assess
    expect(scp.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-2' } } }),
    ]);
    expect(JSON.stringify(pipeline.Statement)).toContain('codepipeline:*');
    expect(JSON.stringify(pipeline.Statement)).not.toContain('dynamodb:*');
  });

  it('prints the bootstrap commands: each stage account trusts the pipeline account with its own scoped policy', () => {
    // Prepare / Act
    const commands = bootstrapCommands();

    // Assess
    expect(commands).toContain(`aws iam create-policy --policy-name ${EXECUTION_POLICY_NAME}`);
    for (const stage of STAGES) {
      const { account, region } = loadStageConfig(stage);
      expect(commands).toContain(
        `npx cdk bootstrap aws://${account}/${region} \\\n  --trust ${PIPELINE_ACCOUNT.account} \\\n  --cloudformation-execution-policies ${executionPolicyArnOf(account)}`,
      );
    }
    expect(commands).not.toContain('AdministratorAccess');
    // The backup account trusts nobody: the pipeline never deploys there.
    expect(commands).toContain(
      `npx cdk bootstrap aws://${BACKUP_ACCOUNT.account}/${BACKUP_ACCOUNT.region} \\\n  --cloudformation-execution-policies`,
    );
  });

  it('refuses an unknown stage or option with the usage', () => {
    // Prepare / Act / Assess
    expect(() => outputOf(['--stage', 'qa'])).toThrow('--stage must be one of dev, staging, prod.');
    expect(() => outputOf([])).toThrow('Usage: npm run execution-policy --');
    expect(() => outputOf(['--scp', 'extra'])).toThrow('Usage: npm run execution-policy --');
  });
});
