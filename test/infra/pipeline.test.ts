/**
 * The delivery pipeline's shape (issue 19, docs/deployment-pipeline.md), from the synthesized
 * pipeline app: one synth, dev → staging → prod in their own accounts, prod's approval before
 * its deploy, a smoke test after each deploy, cross-account keys, cdk-nag clean. And the
 * bootstrap's execution policies: every resource type any stage or the pipeline declares must
 * be one the policy lets CloudFormation create, so the policy cannot fall behind the stacks.
 *
 * The pipeline cannot run here (no AWS): these assertions are what is verified instead.
 * Bundling is skipped (`aws:cdk:bundling-stacks: []`), as in the other infra tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, stackPrefixOf, titleCaseOf } from '#infra/build-app.ts';
import { buildBackupAccountApp } from '#infra/backup-account-app.ts';
import { BACKUP_ACCOUNT, PIPELINE_ACCOUNT } from '#infra/config/accounts.ts';
import { loadStageConfig, STAGES, type StageName } from '#infra/config/stage-config.ts';
import { buildPipelineApp, PIPELINE_STACK_NAME, type PipelineApp } from '#infra/pipeline-app.ts';
import {
  BACKUP_RESOURCE_TYPES,
  executionPolicyOf,
  MANAGED_POLICY_MAX_CHARS,
  PIPELINE_RESOURCE_TYPES,
  type PolicyDocument,
  type PolicyStatement,
  policySizeOf,
  RESOURCE_TYPES,
  STAGE_RESOURCE_TYPES,
} from '#infra/pipeline/execution-policy.ts';
import { CDK_ASSETS_VERSION, loadPipelineConfig, smokeSecretNameOf, SMOKE_SECRET_KEYS } from '#infra/pipeline/pipeline-config.ts';
import { cdkCliVersionOf, PROD_APPROVAL_ID, SYNTH_COMMANDS } from '#infra/pipeline/pipeline-stack.ts';
import { regionDenyScpOf } from '#infra/pipeline/region-scp.ts';
import { SMOKE_STEP_ID } from '#infra/pipeline/smoke-step.ts';
import type { JointlyStage } from '#infra/pipeline/jointly-stage.ts';

/** Skips function bundling (esbuild) for every stack. */
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

type Json = Record<string, unknown>;

/** The value at `keys` inside a template fragment; undefined where the path stops. */
const at = (value: unknown, ...keys: (string | number)[]): unknown =>
  keys.reduce<unknown>(
    (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
    value,
  );

interface Action {
  readonly Name: string;
  readonly RunOrder: number;
  readonly ActionTypeId: { readonly Category: string; readonly Provider: string };
  readonly Configuration?: Record<string, unknown>;
  readonly RoleArn?: unknown;
}

const PARTS = ['Data', 'Events', 'Api', 'Console'] as const;

let built: PipelineApp;
let template: Template;
let resources: Record<string, Json>;
let pipelineStages: { Name: string; Actions: Action[] }[];

beforeAll(() => {
  built = buildPipelineApp({ context: SKIP_BUNDLING });
  template = Template.fromStack(built.stack);
  resources = template.toJSON()['Resources'] as Record<string, Json>;
  const pipeline = Object.values(resources).find((resource) => resource['Type'] === 'AWS::CodePipeline::Pipeline');
  pipelineStages = (at(pipeline, 'Properties', 'Stages') ?? []) as typeof pipelineStages;
});

const stageNamed = (name: string) => {
  const stage = pipelineStages.find((candidate) => candidate.Name === name);
  if (stage === undefined) throw new Error(`no pipeline stage ${name}`);
  return stage;
};
const projectOf = (action: Action): Json => resources[at(action.Configuration, 'ProjectName', 'Ref') as string]!;
const buildSpecOf = (project: Json): Json => JSON.parse(at(project, 'Properties', 'Source', 'BuildSpec') as string) as Json;
/** The commands of one phase of a project's buildspec. */
const commandsOf = (project: Json, phase: string): unknown => at(buildSpecOf(project), 'phases', phase, 'commands');
const jointlyStageOf = (stage: StageName): JointlyStage => built.stack.stages.find((candidate) => candidate.stacks.config.stage === stage)!;

describe('the pipeline', () => {
  it('is one CodePipeline in the pipeline account, reading the branch through the connection', () => {
    // Prepare
    const config = loadPipelineConfig();

    // Act
    const source = stageNamed('Source').Actions;

    // Assess
    template.resourceCountIs('AWS::CodePipeline::Pipeline', 1);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { Name: 'jointly', PipelineType: 'V2' });
    expect(built.stack.stackName).toBe(PIPELINE_STACK_NAME);
    expect(built.stack.account).toBe(PIPELINE_ACCOUNT.account);
    expect(built.stack.region).toBe('eu-west-2');
    expect(source).toHaveLength(1);
    expect(source[0]!.ActionTypeId).toMatchObject({ Category: 'Source', Provider: 'CodeStarSourceConnection' });
    expect(source[0]!.Configuration).toMatchObject({
      ConnectionArn: config.connectionArn,
      FullRepositoryId: config.repository,
      BranchName: config.branch,
      DetectChanges: true,
    });
  });

  it('runs its stages in order: source, one synth, self-update, assets, then dev, staging, prod', () => {
    // Prepare
    const expected = ['Source', 'Build', 'UpdatePipeline', 'Assets', ...STAGES.map(titleCaseOf)];

    // Act
    const names = pipelineStages.map((stage) => stage.Name);

    // Assess
    expect(names).toEqual(expected);
  });

  it('synthesizes once: the Build stage is the only synth, running npm ci and cdk synth of the pipeline app', () => {
    // Prepare
    const synthProjects = Object.values(resources).filter(
      (resource) =>
        resource['Type'] === 'AWS::CodeBuild::Project' && JSON.stringify(at(resource, 'Properties', 'Source')).includes('cdk synth'),
    );

    // Act
    const build = stageNamed('Build').Actions;

    // Assess
    expect(build.map((action) => action.Name)).toEqual(['Synth']);
    expect(synthProjects).toHaveLength(1);
    expect(commandsOf(projectOf(build[0]!), 'build')).toEqual(SYNTH_COMMANDS);
    expect(SYNTH_COMMANDS).toEqual(['npm ci', 'npx cdk synth --app "node infra/pipeline-app.ts"']);
    expect(at(buildSpecOf(projectOf(build[0]!)), 'artifacts', 'base-directory')).toBe('cdk.out');
  });

  it('pins the CDK CLI of its self-update to package.json’s, and the asset publisher', () => {
    // Prepare
    const selfUpdate = stageNamed('UpdatePipeline').Actions[0]!;
    const assets = Object.values(resources).filter((resource) => resource['Type'] === 'AWS::CodeBuild::Project');

    // Act
    const install = commandsOf(projectOf(selfUpdate), 'install');

    // Assess
    expect(install).toEqual([`npm install -g aws-cdk@${cdkCliVersionOf()}`]);
    expect(JSON.stringify(assets)).not.toContain('cdk-assets@latest');
    expect(CDK_ASSETS_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('encrypts its artifacts with a rotated customer key that only the stage accounts’ deploy roles may also read (cross-account keys)', () => {
    // Prepare
    const deployRoles = STAGES.map((stage) => {
      const { account, region } = loadStageConfig(stage);
      return `:iam::${account}:role/cdk-hnb659fds-deploy-role-${account}-${region}`;
    });

    // Act
    const keys = template.findResources('AWS::KMS::Key');
    const statements = (at(Object.values(keys)[0], 'Properties', 'KeyPolicy', 'Statement') ?? []) as Json[];
    const crossAccount = statements.filter(
      (statement) => at(statement, 'Principal', 'AWS') !== `arn:aws:iam::${PIPELINE_ACCOUNT.account}:root`,
    );

    // Assess
    expect(Object.keys(keys)).toHaveLength(1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { ArtifactStore: { Type: 'S3', EncryptionKey: { Type: 'KMS' } } });
    expect(crossAccount).toHaveLength(1);
    expect(crossAccount[0]!['Action']).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    const principals = JSON.stringify(at(crossAccount[0], 'Principal', 'AWS'));
    for (const role of deployRoles) expect(principals).toContain(role);
  });

  it('versions the artifact bucket and logs access to it', () => {
    // Prepare / Act / Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { LogFilePrefix: 'artifacts/' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
    });
  });

  it('passes the cdk-nag packs, the stages’ stacks included, with every finding acknowledged', () => {
    // Prepare
    const assembly = built.app.synth();

    // Act
    const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };

    // Assess
    expect(report.pluginReports).toEqual([]);
  });
});

describe.each(STAGES)('pipeline stage %s', (stage: StageName) => {
  const config = loadStageConfig(stage);
  const deployActions = () => stageNamed(titleCaseOf(stage)).Actions.filter((action) => action.ActionTypeId.Category === 'Deploy');

  it('deploys the four stacks, in dependency order, into the stage’s account through its bootstrap roles', () => {
    // Prepare
    const expected = PARTS.flatMap((part) => [`${stackPrefixOf(stage)}-${part}.Prepare`, `${stackPrefixOf(stage)}-${part}.Deploy`]);

    // Act
    const actions = [...deployActions()].sort((a, b) => a.RunOrder - b.RunOrder);

    // Assess
    expect(actions.map((action) => action.Name)).toEqual(expected);
    for (const action of actions) {
      expect(JSON.stringify(action.RoleArn)).toContain(
        `:iam::${config.account}:role/cdk-hnb659fds-deploy-role-${config.account}-${config.region}`,
      );
      expect(action.Configuration?.['StackName']).toBe(action.Name.replace(/\.(Prepare|Deploy)$/, ''));
    }
    for (const action of actions.filter((candidate) => candidate.Name.endsWith('.Prepare'))) {
      expect(JSON.stringify(action.Configuration?.['RoleArn'])).toContain(
        `:role/cdk-hnb659fds-cfn-exec-role-${config.account}-${config.region}`,
      );
    }
  });

  it('deploys exactly the stacks npm run deploy does: same names, same templates, logical ids included', () => {
    // Prepare
    const fromCli = buildApp({ stage, context: SKIP_BUNDLING, nag: false });
    const inPipeline = jointlyStageOf(stage).stacks;
    // With bundling skipped, CDK keys each function's asset by a process-wide cache of
    // placeholders; bundled, the key is the bundle's content hash, the same in both apps.
    const comparable = (stack: Stack) =>
      JSON.parse(JSON.stringify(Template.fromStack(stack).toJSON()).replace(/[0-9a-f]{64}\.zip/g, '<asset>.zip')) as Json;

    // Act
    const pairs = (['data', 'events', 'api', 'console'] as const).map((part) => [inPipeline[part], fromCli[part]] as const);

    // Assess
    for (const [pipelineStack, cliStack] of pairs) {
      expect(pipelineStack.stackName).toBe(cliStack.stackName);
      expect(pipelineStack.account).toBe(config.account);
      expect(comparable(pipelineStack)).toEqual(comparable(cliStack));
    }
  });

  it(stage === 'prod' ? 'waits for a manual approval before its first deploy' : 'has no approval: it promotes on its own', () => {
    // Prepare
    const actions = stageNamed(titleCaseOf(stage)).Actions;

    // Act
    const approvals = actions.filter((action) => action.ActionTypeId.Category === 'Approval');

    // Assess
    if (stage !== 'prod') {
      expect(approvals).toEqual([]);
      return;
    }
    expect(approvals.map((action) => [action.Name, action.ActionTypeId.Provider])).toEqual([[PROD_APPROVAL_ID, 'Manual']]);
    const firstDeploy = Math.min(...deployActions().map((action) => action.RunOrder));
    expect(approvals[0]!.RunOrder).toBeLessThan(firstDeploy);
  });

  it('runs npm run smoke after the last deploy, against the stage’s own outputs and its own smoke secret', () => {
    // Prepare
    const actions = stageNamed(titleCaseOf(stage)).Actions;
    const lastDeploy = Math.max(...deployActions().map((action) => action.RunOrder));

    // Act
    const smoke = actions.find((action) => action.Name === SMOKE_STEP_ID)!;
    const project = projectOf(smoke);
    const variables = JSON.parse(smoke.Configuration?.['EnvironmentVariables'] as string) as { name: string; value: string }[];

    // Assess
    expect(smoke.RunOrder).toBeGreaterThan(lastDeploy);
    expect(commandsOf(project, 'build')).toContain(`npm run smoke -- --base "\${SMOKE_CONSOLE_URL%/console/}"`);
    expect(variables.map((variable) => [variable.name, variable.value])).toEqual(
      expect.arrayContaining([
        ['SMOKE_CONSOLE_URL', expect.stringMatching(/^#\{.+\.ConsoleUrl\}$/)],
        ['SMOKE_USER_POOL_ID', expect.stringMatching(/^#\{.+\.UserPoolId\}$/)],
        ['SMOKE_CLIENT_ID', expect.stringMatching(/^#\{.+\.UserPoolClientId\}$/)],
      ]),
    );
    // Each output is read from this stage's own API stack (its deploy action's variable namespace).
    for (const variable of variables) expect(variable.value).toContain(`${stackPrefixOf(stage).replace('-', '')}Api`);
    expect(at(project, 'Properties', 'Environment', 'EnvironmentVariables')).toEqual(
      Object.entries(SMOKE_SECRET_KEYS).map(([name, key]) => ({
        Name: name,
        Type: 'SECRETS_MANAGER',
        Value: `${smokeSecretNameOf(stage)}:${key}`,
      })),
    );
  });

  it('lets only the smoke project’s role read the stage’s smoke secret, and nothing else in Secrets Manager', () => {
    // Prepare
    const secretArn = `arn:aws:secretsmanager:${PIPELINE_ACCOUNT.region}:${PIPELINE_ACCOUNT.account}:secret:${smokeSecretNameOf(stage)}-??????`;

    // Act
    const readers = Object.entries(resources).flatMap(([id, resource]) =>
      resource['Type'] !== 'AWS::IAM::Policy'
        ? []
        : (at(resource, 'Properties', 'PolicyDocument', 'Statement') as Json[])
            .filter((statement) => JSON.stringify(statement['Action']).includes('secretsmanager'))
            .map((statement) => ({ id, statement })),
    );
    const mine = readers.filter(({ statement }) => statement['Resource'] === secretArn);

    // Assess
    expect(mine).toHaveLength(1);
    expect(mine[0]!.id).toMatch(new RegExp(`^Pipeline${titleCaseOf(stage)}SmokeRole`));
    expect(mine[0]!.statement['Action']).toBe('secretsmanager:GetSecretValue');
    expect(readers).toHaveLength(STAGES.length);
    for (const { statement } of readers) expect(statement['Action']).toBe('secretsmanager:GetSecretValue');
  });
});

/**
 * Whether `policy` allows `action` on `resource` for a request to `region`: an Allow matches and
 * no Deny does. Conditions: `aws:RequestedRegion` and `iam:PolicyARN` are evaluated from the
 * request; a statement with any other condition is taken not to apply.
 */
const allows = (policy: PolicyDocument, request: { action: string; resource: string; region: string; policyArn?: string }): boolean => {
  const glob = (pattern: string, value: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    ).test(value);
  const list = (value: string | readonly string[] | undefined): readonly string[] =>
    value === undefined ? [] : typeof value === 'string' ? [value] : value;
  const conditionHolds = (statement: PolicyStatement): boolean => {
    for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
      for (const [key, expected] of Object.entries(entries)) {
        const actual = key === 'aws:RequestedRegion' ? request.region : key === 'iam:PolicyARN' ? request.policyArn : undefined;
        if (actual === undefined) return false;
        const matched = list(expected).some((pattern) => glob(pattern, actual));
        if (operator === 'StringNotEquals' ? matched : !matched) return false;
      }
    }
    return true;
  };
  const applies = (statement: PolicyStatement): boolean => {
    const actionMatched =
      statement.Action !== undefined
        ? list(statement.Action).some((pattern) => glob(pattern, request.action))
        : !list(statement.NotAction).some((pattern) => glob(pattern, request.action));
    return actionMatched && list(statement.Resource).some((pattern) => glob(pattern, request.resource)) && conditionHolds(statement);
  };
  const matching = policy.Statement.filter(applies);
  return matching.some((statement) => statement.Effect === 'Allow') && !matching.some((statement) => statement.Effect === 'Deny');
};

/** Services AWS serves from us-east-1, whatever region a stack is in. */
const GLOBAL_SERVICES = new Set(['iam', 'cloudfront', 'budgets']);

/** A resource of `service` named as the stacks name theirs (CloudFormation names unnamed ones after the stack). */
const sampleArnOf = (service: string, account: string, region: string, stackName: string): string => {
  switch (service) {
    case 'iam':
      return `arn:aws:iam::${account}:role/${stackName}-SomeRoleABC123-XyZ`;
    case 's3':
      return `arn:aws:s3:::${stackName.toLowerCase()}-somebucketabc123-xyz`;
    case 'cloudfront':
      return `arn:aws:cloudfront::${account}:distribution/E1234567890`;
    case 'budgets':
      return `arn:aws:budgets::${account}:budget/jointly-dev-monthly`;
    default:
      return `arn:aws:${service}:${region}:${account}:some-resource`;
  }
};

/** The resource types of some templates. */
const typesOf = (templates: readonly Json[]): Set<string> =>
  new Set(
    templates.flatMap((json) => Object.values(json['Resources'] as Record<string, Json>).map((resource) => resource['Type'] as string)),
  );

describe('the CloudFormation execution policies', () => {
  it.each(STAGES)('allow creating every resource type the %s stage’s stacks declare, in London', (stage) => {
    // Prepare
    const { account, region } = loadStageConfig(stage);
    const stacks = jointlyStageOf(stage).stacks;
    const policy = executionPolicyOf({ account, region, resourceTypes: STAGE_RESOURCE_TYPES });

    // Act
    const types = typesOf([stacks.data, stacks.events, stacks.api, stacks.console].map((stack) => Template.fromStack(stack).toJSON()));

    // Assess
    expect(types.size).toBeGreaterThan(20);
    for (const type of types) {
      if (type === 'AWS::CDK::Metadata') continue;
      expect(STAGE_RESOURCE_TYPES, `${type}: add it to RESOURCE_TYPES in infra/pipeline/execution-policy.ts`).toContain(type);
      const { service, create } = RESOURCE_TYPES[type]!;
      const requestRegion = GLOBAL_SERVICES.has(service) ? 'us-east-1' : region;
      const resource = sampleArnOf(service, account, region, stacks.api.stackName);
      expect(allows(policy, { action: create, resource, region: requestRegion }), `${type}: ${create} on ${resource}`).toBe(true);
    }
  });

  it('allow creating every resource type of the pipeline stack, in the pipeline account', () => {
    // Prepare
    const policy = executionPolicyOf({ ...PIPELINE_ACCOUNT, resourceTypes: PIPELINE_RESOURCE_TYPES });

    // Act
    const types = typesOf([template.toJSON()]);

    // Assess
    for (const type of types) {
      expect(PIPELINE_RESOURCE_TYPES, `${type}: add it to PIPELINE_RESOURCE_TYPES in infra/pipeline/execution-policy.ts`).toContain(type);
      const { service, create } = RESOURCE_TYPES[type]!;
      const resource = sampleArnOf(service, PIPELINE_ACCOUNT.account, PIPELINE_ACCOUNT.region, PIPELINE_STACK_NAME);
      expect(
        allows(policy, { action: create, resource, region: GLOBAL_SERVICES.has(service) ? 'us-east-1' : PIPELINE_ACCOUNT.region }),
      ).toBe(true);
    }
    expect(
      allows(policy, { action: 'codestar-connections:PassConnection', resource: loadPipelineConfig().connectionArn, region: 'eu-west-2' }),
    ).toBe(true);
  });

  it('allow creating every resource type of the backup account’s stack, in the backup account', () => {
    // Prepare
    const policy = executionPolicyOf({ ...BACKUP_ACCOUNT, resourceTypes: BACKUP_RESOURCE_TYPES });
    const { stack } = buildBackupAccountApp({ nag: false });

    // Act
    const types = typesOf([Template.fromStack(stack).toJSON()]);

    // Assess
    for (const type of types) {
      expect(BACKUP_RESOURCE_TYPES, `${type}: add it to BACKUP_RESOURCE_TYPES in infra/pipeline/execution-policy.ts`).toContain(type);
      const { service, create } = RESOURCE_TYPES[type]!;
      const resource = sampleArnOf(service, BACKUP_ACCOUNT.account, BACKUP_ACCOUNT.region, stack.stackName);
      expect(allows(policy, { action: create, resource, region: BACKUP_ACCOUNT.region })).toBe(true);
    }
  });

  it('are not AdministratorAccess: other services, other regions, IAM users and keys, administrator policies and the bootstrap are denied', () => {
    // Prepare
    const { account, region } = loadStageConfig('prod');
    const policy = executionPolicyOf({ account, region, resourceTypes: STAGE_RESOURCE_TYPES });
    const jointlyRole = `arn:aws:iam::${account}:role/Jointly-Prod-Api-SomeRole`;

    // Act
    const verdicts = {
      otherService: allows(policy, { action: 'ec2:RunInstances', resource: `arn:aws:ec2:${region}:${account}:instance/i-1`, region }),
      otherRegion: allows(policy, {
        action: 'dynamodb:CreateTable',
        resource: `arn:aws:dynamodb:us-east-1:${account}:table/x`,
        region: 'us-east-1',
      }),
      iamUser: allows(policy, { action: 'iam:CreateUser', resource: `arn:aws:iam::${account}:user/Jointly-x`, region: 'us-east-1' }),
      accessKey: allows(policy, { action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${account}:user/Jointly-x`, region: 'us-east-1' }),
      otherRole: allows(policy, { action: 'iam:CreateRole', resource: `arn:aws:iam::${account}:role/Admin`, region: 'us-east-1' }),
      administrator: allows(policy, {
        action: 'iam:AttachRolePolicy',
        resource: jointlyRole,
        region: 'us-east-1',
        policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
      lambdaBasics: allows(policy, {
        action: 'iam:AttachRolePolicy',
        resource: jointlyRole,
        region: 'us-east-1',
        policyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      }),
      bootstrapRole: allows(policy, {
        action: 'iam:PutRolePolicy',
        resource: `arn:aws:iam::${account}:role/cdk-hnb659fds-cfn-exec-role-${account}-${region}`,
        region: 'us-east-1',
      }),
      otherBucket: allows(policy, { action: 's3:CreateBucket', resource: 'arn:aws:s3:::someone-elses-bucket', region }),
    };

    // Assess
    expect(verdicts).toEqual({
      otherService: false,
      otherRegion: false,
      iamUser: false,
      accessKey: false,
      otherRole: false,
      administrator: false,
      lambdaBasics: true,
      bootstrapRole: false,
      otherBucket: false,
    });
  });

  it('fit in an IAM managed policy', () => {
    // Prepare
    const policies = [
      ...STAGES.map((stage) => executionPolicyOf({ ...loadStageConfig(stage), resourceTypes: STAGE_RESOURCE_TYPES })),
      executionPolicyOf({ ...PIPELINE_ACCOUNT, resourceTypes: PIPELINE_RESOURCE_TYPES }),
      executionPolicyOf({ ...BACKUP_ACCOUNT, resourceTypes: BACKUP_RESOURCE_TYPES }),
    ];

    // Act
    const sizes = policies.map(policySizeOf);

    // Assess
    for (const size of sizes) expect(size).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
  });
});

describe('the region-deny SCP', () => {
  it('denies everything outside London but the global services', () => {
    // Prepare
    const scp = regionDenyScpOf();
    const allowAll: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' }, ...scp.Statement],
    };

    // Act
    const verdicts = {
      london: allows(allowAll, { action: 'dynamodb:CreateTable', resource: '*', region: 'eu-west-2' }),
      ireland: allows(allowAll, { action: 'dynamodb:CreateTable', resource: '*', region: 'eu-west-1' }),
      backupCopyAbroad: allows(allowAll, { action: 'backup:StartCopyJob', resource: '*', region: 'us-east-1' }),
      iam: allows(allowAll, { action: 'iam:CreateRole', resource: '*', region: 'us-east-1' }),
      cloudfront: allows(allowAll, { action: 'cloudfront:CreateDistribution', resource: '*', region: 'us-east-1' }),
      budgets: allows(allowAll, { action: 'budgets:ModifyBudget', resource: '*', region: 'us-east-1' }),
    };

    // Assess
    expect(verdicts).toEqual({ london: true, ireland: false, backupCopyAbroad: false, iam: true, cloudfront: true, budgets: true });
  });
});
