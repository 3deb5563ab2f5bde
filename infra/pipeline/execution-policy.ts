/**
 * The CloudFormation execution policy each account is bootstrapped with, instead of
 * AdministratorAccess (docs/deployment-pipeline.md "Bootstrapping"): the permissions
 * CloudFormation holds while it deploys Jointly's stacks there.
 *
 *   npm run execution-policy -- --stage dev > dev-execution-policy.json
 *
 * How it is scoped:
 * - services: only those behind the resource types the stacks declare (`RESOURCE_TYPES`; the
 *   infra test fails when a stack gains a type the map lacks, so the policy cannot fall behind);
 * - region: nothing outside London, but for the global services the stacks use (CloudFront,
 *   Budgets, IAM), which AWS serves from us-east-1;
 * - IAM: only roles and policies named like Jointly's (`Jointly-…`, CloudFormation's names for
 *   unnamed ones, and `jointly-…`), and service-linked roles; S3: only `jointly-…` buckets, and
 *   reading the bootstrap bucket's assets. Regional services are allowed on any resource: each
 *   account holds one stage and nothing else, and their create calls (a key, a user pool, an
 *   event source mapping) accept no narrower resource;
 * - denials no allowance can override: IAM users, access keys, passwords and identity
 *   providers; attaching an administrator policy; touching the CDK bootstrap's own roles,
 *   bucket and this policy.
 *
 * Pure data: no CDK imports, so the script and the tests read it without synthesizing.
 */
import { REGION_DENY_EXEMPT_ACTIONS } from './region-scp.ts';

/** The name each account's execution policy is created under (docs: `aws iam create-policy`). */
export const EXECUTION_POLICY_NAME = 'JointlyCloudFormationExecution';

/** The CDK bootstrap qualifier (the default): names the bootstrap's roles and bucket. */
export const BOOTSTRAP_QUALIFIER = 'hnb659fds';

/** What CloudFormation needs for one resource type: its service, and the call that creates one. */
export interface ResourceTypePermission {
  /** The IAM service prefix (`dynamodb`). */
  readonly service: string;
  /** The action creating such a resource, which the policy must allow (`dynamodb:CreateTable`). */
  readonly create: string;
}

/**
 * Every CloudFormation resource type Jointly's stacks declare (the stages' and the pipeline's),
 * with its service. `test/infra/pipeline.test.ts` synthesizes every stage and the pipeline and
 * fails on a type that is missing here, or whose create call the policy does not allow.
 */
export const RESOURCE_TYPES: Readonly<Record<string, ResourceTypePermission>> = {
  'AWS::ApiGatewayV2::Api': { service: 'apigateway', create: 'apigateway:POST' },
  'AWS::ApiGatewayV2::Authorizer': { service: 'apigateway', create: 'apigateway:POST' },
  'AWS::ApiGatewayV2::Integration': { service: 'apigateway', create: 'apigateway:POST' },
  'AWS::ApiGatewayV2::Route': { service: 'apigateway', create: 'apigateway:POST' },
  'AWS::ApiGatewayV2::Stage': { service: 'apigateway', create: 'apigateway:POST' },
  'AWS::Backup::BackupPlan': { service: 'backup', create: 'backup:CreateBackupPlan' },
  'AWS::Backup::BackupSelection': { service: 'backup', create: 'backup:CreateBackupSelection' },
  'AWS::Backup::BackupVault': { service: 'backup', create: 'backup:CreateBackupVault' },
  'AWS::Budgets::Budget': { service: 'budgets', create: 'budgets:ModifyBudget' },
  'AWS::CloudFront::CachePolicy': { service: 'cloudfront', create: 'cloudfront:CreateCachePolicy' },
  'AWS::CloudFront::Distribution': { service: 'cloudfront', create: 'cloudfront:CreateDistribution' },
  'AWS::CloudFront::Function': { service: 'cloudfront', create: 'cloudfront:CreateFunction' },
  'AWS::CloudFront::OriginAccessControl': { service: 'cloudfront', create: 'cloudfront:CreateOriginAccessControl' },
  'AWS::CloudFront::ResponseHeadersPolicy': { service: 'cloudfront', create: 'cloudfront:CreateResponseHeadersPolicy' },
  'AWS::CloudTrail::Trail': { service: 'cloudtrail', create: 'cloudtrail:CreateTrail' },
  'AWS::CloudWatch::Alarm': { service: 'cloudwatch', create: 'cloudwatch:PutMetricAlarm' },
  'AWS::CloudWatch::Dashboard': { service: 'cloudwatch', create: 'cloudwatch:PutDashboard' },
  'AWS::CodeBuild::Project': { service: 'codebuild', create: 'codebuild:CreateProject' },
  'AWS::CodePipeline::Pipeline': { service: 'codepipeline', create: 'codepipeline:CreatePipeline' },
  'AWS::Cognito::ManagedLoginBranding': { service: 'cognito-idp', create: 'cognito-idp:CreateManagedLoginBranding' },
  'AWS::Cognito::UserPool': { service: 'cognito-idp', create: 'cognito-idp:CreateUserPool' },
  'AWS::Cognito::UserPoolClient': { service: 'cognito-idp', create: 'cognito-idp:CreateUserPoolClient' },
  'AWS::Cognito::UserPoolDomain': { service: 'cognito-idp', create: 'cognito-idp:CreateUserPoolDomain' },
  'AWS::Cognito::UserPoolGroup': { service: 'cognito-idp', create: 'cognito-idp:CreateGroup' },
  'AWS::DynamoDB::GlobalTable': { service: 'dynamodb', create: 'dynamodb:CreateTable' },
  'AWS::Events::EventBus': { service: 'events', create: 'events:CreateEventBus' },
  'AWS::Events::Rule': { service: 'events', create: 'events:PutRule' },
  'AWS::IAM::ManagedPolicy': { service: 'iam', create: 'iam:CreatePolicy' },
  'AWS::IAM::Policy': { service: 'iam', create: 'iam:PutRolePolicy' },
  'AWS::IAM::Role': { service: 'iam', create: 'iam:CreateRole' },
  'AWS::KMS::Alias': { service: 'kms', create: 'kms:CreateAlias' },
  'AWS::KMS::Key': { service: 'kms', create: 'kms:CreateKey' },
  'AWS::Lambda::EventInvokeConfig': { service: 'lambda', create: 'lambda:PutFunctionEventInvokeConfig' },
  'AWS::Lambda::EventSourceMapping': { service: 'lambda', create: 'lambda:CreateEventSourceMapping' },
  'AWS::Lambda::Function': { service: 'lambda', create: 'lambda:CreateFunction' },
  'AWS::Lambda::LayerVersion': { service: 'lambda', create: 'lambda:PublishLayerVersion' },
  'AWS::Lambda::Permission': { service: 'lambda', create: 'lambda:AddPermission' },
  'AWS::Logs::LogGroup': { service: 'logs', create: 'logs:CreateLogGroup' },
  'AWS::Logs::MetricFilter': { service: 'logs', create: 'logs:PutMetricFilter' },
  'AWS::S3::Bucket': { service: 's3', create: 's3:CreateBucket' },
  'AWS::S3::BucketPolicy': { service: 's3', create: 's3:PutBucketPolicy' },
  'AWS::SES::EmailIdentity': { service: 'ses', create: 'ses:CreateEmailIdentity' },
  'AWS::SNS::Subscription': { service: 'sns', create: 'sns:Subscribe' },
  'AWS::SNS::Topic': { service: 'sns', create: 'sns:CreateTopic' },
  'AWS::SNS::TopicPolicy': { service: 'sns', create: 'sns:SetTopicAttributes' },
  'AWS::SQS::Queue': { service: 'sqs', create: 'sqs:CreateQueue' },
  'AWS::SQS::QueuePolicy': { service: 'sqs', create: 'sqs:SetQueueAttributes' },
  'AWS::SecretsManager::Secret': { service: 'secretsmanager', create: 'secretsmanager:CreateSecret' },
  // CloudFormation invokes a custom resource's function with the execution role.
  'Custom::CDKBucketDeployment': { service: 'lambda', create: 'lambda:InvokeFunction' },
};

/**
 * Services some resource type needs besides its own: AWS Backup's vaults live in
 * `backup-storage`; CloudFormation resolves the bootstrap version's SSM parameter; a pipeline
 * names its CodeConnections connection (`PassConnection`, under both the service's new and old
 * prefixes, which IAM still accepts).
 */
const COMPANION_SERVICES: Readonly<Record<string, readonly string[]>> = {
  backup: ['backup-storage'],
  codepipeline: ['codeconnections', 'codestar-connections'],
};

/** Services whose resources have global names or no region: each gets a statement of its own. */
const SPECIALLY_SCOPED = new Set(['iam', 's3', 'cloudfront', 'budgets']);

/** AWS-managed policies no Jointly role may be given (they would make it an administrator). */
export const FORBIDDEN_MANAGED_POLICIES = ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'] as const;

/** IAM calls that make people, not workloads, able to sign in or hold long-lived keys. */
export const DENIED_IAM_ACTIONS = [
  'iam:CreateUser',
  'iam:CreateAccessKey',
  'iam:UpdateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:AttachUserPolicy',
  'iam:PutUserPolicy',
  'iam:AddUserToGroup',
  'iam:CreateGroup',
  'iam:AttachGroupPolicy',
  'iam:PutGroupPolicy',
  'iam:CreateServiceSpecificCredential',
  'iam:UploadSSHPublicKey',
  'iam:UploadSigningCertificate',
  'iam:CreateSAMLProvider',
  'iam:CreateOpenIDConnectProvider',
  'iam:UpdateAccountPasswordPolicy',
] as const;

/** The IAM role and policy management CloudFormation performs for the stacks' roles. */
const IAM_ROLE_ACTIONS = [
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:GetRole',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
  'iam:UpdateAssumeRolePolicy',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:PutRolePolicy',
  'iam:GetRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PassRole',
  'iam:CreatePolicy',
  'iam:DeletePolicy',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:CreatePolicyVersion',
  'iam:DeletePolicyVersion',
  'iam:ListPolicyVersions',
  'iam:TagPolicy',
  'iam:UntagPolicy',
  'iam:List*',
] as const;

/** One statement of an IAM policy document. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** Where a policy is for, and what it deploys there. */
export interface ExecutionPolicyTarget {
  /** The account's 12-digit id. */
  readonly account: string;
  /** The one region its stacks live in. */
  readonly region: string;
  /** The resource types of the stacks deployed there (keys of `RESOURCE_TYPES`). */
  readonly resourceTypes: readonly string[];
}

/** The services behind some resource types, companions included, sorted. */
export const servicesOf = (resourceTypes: readonly string[]): string[] => {
  const services = new Set<string>();
  for (const type of resourceTypes) {
    const permission = RESOURCE_TYPES[type];
    if (permission === undefined) throw new Error(`Resource type ${type} is not in RESOURCE_TYPES (infra/pipeline/execution-policy.ts).`);
    services.add(permission.service);
    for (const companion of COMPANION_SERVICES[permission.service] ?? []) services.add(companion);
  }
  return [...services].sort();
};

/** The execution policy of one account. */
export const executionPolicyOf = ({ account, region, resourceTypes }: ExecutionPolicyTarget): PolicyDocument => {
  const services = servicesOf(resourceTypes);
  const has = (service: string) => services.includes(service);
  const regional = services.filter((service) => !SPECIALLY_SCOPED.has(service));
  const jointlyNames = (kind: 'role' | 'policy') => [
    `arn:aws:iam::${account}:${kind}/Jointly-*`,
    `arn:aws:iam::${account}:${kind}/jointly-*`,
  ];
  const bootstrapAssets = `arn:aws:s3:::cdk-${BOOTSTRAP_QUALIFIER}-assets-${account}-${region}`;

  const statements: PolicyStatement[] = [
    {
      Sid: 'RegionalServicesOfTheStacks',
      Effect: 'Allow',
      Action: [...regional.map((service) => `${service}:*`), 'ssm:GetParameters'],
      Resource: '*',
    },
    {
      Sid: 'JointlyRolesAndPolicies',
      Effect: 'Allow',
      Action: [...IAM_ROLE_ACTIONS],
      Resource: [...jointlyNames('role'), ...jointlyNames('policy')],
    },
    {
      Sid: 'ServiceLinkedRoles',
      Effect: 'Allow',
      Action: ['iam:CreateServiceLinkedRole', 'iam:GetRole'],
      Resource: `arn:aws:iam::${account}:role/aws-service-role/*`,
    },
    {
      Sid: 'JointlyBuckets',
      Effect: 'Allow',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::jointly-*', 'arn:aws:s3:::jointly-*/*'],
    },
    // Lambda and layer code is read from the bootstrap bucket with the caller's rights.
    { Sid: 'ReadBootstrapAssets', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: `${bootstrapAssets}/*` },
  ];
  if (has('cloudfront')) {
    statements.push({
      Sid: 'CloudFrontOfThisAccount',
      Effect: 'Allow',
      Action: 'cloudfront:*',
      Resource: `arn:aws:cloudfront::${account}:*`,
    });
  }
  if (has('budgets')) {
    statements.push({
      Sid: 'BudgetsOfThisAccount',
      Effect: 'Allow',
      Action: 'budgets:*',
      Resource: `arn:aws:budgets::${account}:budget/*`,
    });
  }
  statements.push(
    { Sid: 'NoIamUsersKeysOrIdentityProviders', Effect: 'Deny', Action: [...DENIED_IAM_ACTIONS], Resource: '*' },
    {
      Sid: 'NoAdministratorPolicies',
      Effect: 'Deny',
      Action: ['iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary'],
      Resource: '*',
      Condition: { ArnLike: { 'iam:PolicyARN': FORBIDDEN_MANAGED_POLICIES.map((name) => `arn:aws:iam::aws:policy/${name}`) } },
    },
    {
      Sid: 'LeaveTheBootstrapAlone',
      Effect: 'Deny',
      Action: ['iam:*', 's3:DeleteBucket', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutEncryptionConfiguration'],
      Resource: [
        `arn:aws:iam::${account}:role/cdk-${BOOTSTRAP_QUALIFIER}-*`,
        `arn:aws:iam::${account}:policy/${EXECUTION_POLICY_NAME}`,
        bootstrapAssets,
      ],
    },
    {
      Sid: 'LondonOnly',
      Effect: 'Deny',
      NotAction: [...REGION_DENY_EXEMPT_ACTIONS],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': region } },
    },
  );
  return { Version: '2012-10-17', Statement: statements };
};

/** IAM's limit on a managed policy document, counted without whitespace. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/** A policy's size as IAM counts it against `MANAGED_POLICY_MAX_CHARS`. */
export const policySizeOf = (policy: PolicyDocument): number => JSON.stringify(policy).replace(/\s/g, '').length;

/** The ARN each account's execution policy has once created (`--cloudformation-execution-policies`). */
export const executionPolicyArnOf = (account: string): string => `arn:aws:iam::${account}:policy/${EXECUTION_POLICY_NAME}`;

/** The resource types of one stage's stacks (data, events, API, console), as committed. */
export const STAGE_RESOURCE_TYPES: readonly string[] = Object.keys(RESOURCE_TYPES).filter(
  (type) => !['AWS::CodeBuild::Project', 'AWS::CodePipeline::Pipeline'].includes(type),
);

/** The resource types of the pipeline stack, as committed. */
export const PIPELINE_RESOURCE_TYPES: readonly string[] = [
  'AWS::CodeBuild::Project',
  'AWS::CodePipeline::Pipeline',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::KMS::Alias',
  'AWS::KMS::Key',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
];

/** The resource types of the backup account's stack (infra/backup-account-app.ts), as committed. */
export const BACKUP_RESOURCE_TYPES: readonly string[] = ['AWS::Backup::BackupVault', 'AWS::KMS::Alias', 'AWS::KMS::Key'];
