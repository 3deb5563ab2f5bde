/**
 * What CDK Pipelines leaves to its user: the artifact bucket's versioning, access logs and
 * expiry, and the cdk-nag findings on the roles and projects it generates, each acknowledged
 * with what that grant is and why nothing narrower exists.
 *
 * Acknowledgements are made on the `CodePipeline` construct, whose subtree holds the generated
 * roles, projects and bucket only: the deployment stages are siblings of it, so nothing said
 * here silences a finding in a stage's stacks.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { CodePipeline } from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';

/** How long the artifact bucket's access logs are kept. */
export const ARTIFACT_ACCESS_LOG_DAYS = 365;

/**
 * How long a pipeline artifact (a checkout, an assembly) is kept. An execution waits at most
 * seven days for prod's approval; older artifacts serve no run, and a rollback is a revert commit.
 */
export const ARTIFACT_EXPIRY_DAYS = 90;

/** The access-log prefix of the artifact bucket. */
const ARTIFACT_LOG_PREFIX = 'artifacts/';

/**
 * Versions the artifact bucket, expires old artifacts, and logs every access to it in a bucket
 * of its own (server access logs go only to an SSE-S3 bucket, never to a KMS-encrypted one).
 * Call after `buildPipeline()`: the bucket exists from then on.
 */
export const hardenArtifactBucket = (scope: Construct, pipeline: CodePipeline): s3.Bucket => {
  const artifactBucket = pipeline.pipeline.artifactBucket;
  if (!(artifactBucket instanceof s3.Bucket)) throw new Error('The pipeline was expected to create its own artifact bucket.');

  const accessLogs = new s3.Bucket(scope, 'ArtifactAccessLogs', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(ARTIFACT_ACCESS_LOG_DAYS) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  accessLogs.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'S3ServerAccessLogsOfTheArtifactBucket',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [accessLogs.arnForObjects(`${ARTIFACT_LOG_PREFIX}*`)],
      conditions: {
        ArnLike: { 'aws:SourceArn': artifactBucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': Stack.of(scope).account },
      },
    }),
  );
  Validations.of(accessLogs).acknowledge(
    {
      id: 'AwsSolutions-S1',
      reason: 'This bucket is itself the destination of the artifact bucket’s server access logs; logging it would log the logs.',
    },
    {
      id: 'HIPAA.Security-S3BucketLoggingEnabled',
      reason: 'This bucket is itself the destination of the artifact bucket’s server access logs; logging it would log the logs.',
    },
    {
      id: 'HIPAA.Security-S3DefaultEncryptionKMS',
      reason: 'S3 delivers server access logs only to buckets encrypted with S3-managed keys (SSE-S3), not SSE-KMS.',
    },
    {
      id: 'HIPAA.Security-S3BucketVersioningEnabled',
      reason: 'Log objects are written once by S3 and never changed; their lifecycle expires them after a year.',
    },
    {
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'Access logs of the pipeline’s build artifacts, which hold no personal data; a replica in another region has no recovery use.',
    },
  );

  const cfnArtifactBucket = artifactBucket.node.defaultChild as s3.CfnBucket;
  cfnArtifactBucket.versioningConfiguration = { status: 'Enabled' };
  cfnArtifactBucket.loggingConfiguration = { destinationBucketName: accessLogs.bucketName, logFilePrefix: ARTIFACT_LOG_PREFIX };
  artifactBucket.addLifecycleRule({
    id: 'expire-old-artifacts',
    expiration: Duration.days(ARTIFACT_EXPIRY_DAYS),
    noncurrentVersionExpiration: Duration.days(7),
    abortIncompleteMultipartUploadAfter: Duration.days(1),
  });
  Validations.of(artifactBucket).acknowledge({
    id: 'HIPAA.Security-S3BucketReplicationEnabled',
    reason:
      'The artifacts are checkouts and synthesized templates, rebuilt from the repository by any pipeline run, with no personal data; a replica has no recovery use.',
  });
  return artifactBucket;
};

/** The generated roles' grants on the artifact bucket and its key, as CDK's bucket and key grants write them. */
const ARTIFACT_GRANT_FINDINGS = [
  'Action::s3:Abort*',
  'Action::s3:DeleteObject*',
  'Action::s3:GetBucket*',
  'Action::s3:GetObject*',
  'Action::s3:List*',
  'Action::kms:GenerateDataKey*',
  'Action::kms:ReEncrypt*',
];

/**
 * Acknowledges the findings on what CDK Pipelines generates. Call after `buildPipeline()` and
 * `hardenArtifactBucket`: the findings name the generated projects' logical ids.
 */
export const acknowledgePipelineFindings = (pipeline: CodePipeline): void => {
  const stack = Stack.of(pipeline);
  const validations = Validations.of(pipeline);
  const artifactBucket = pipeline.pipeline.artifactBucket.node.defaultChild as s3.CfnBucket;
  const artifactBucketId = stack.getLogicalId(artifactBucket);

  for (const finding of ARTIFACT_GRANT_FINDINGS) {
    validations.acknowledge({
      id: `AwsSolutions-IAM5[${finding}]`,
      reason: `CDK Pipelines' grant on the pipeline's own artifact bucket and its key only (${finding.replace('Action::', '')} is how CDK's bucket and key grants spell read, write or both), which each action needs to pass the checkout and the assembly along.`,
    });
  }
  validations.acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${artifactBucketId}.Arn>/*]`,
    reason:
      'The objects of the pipeline’s own artifact bucket: each execution writes artifacts under keys CodePipeline generates, so no fixed object ARN can name them.',
  });

  const projects = pipeline.node
    .findAll()
    .filter((construct): construct is codebuild.CfnProject => construct instanceof codebuild.CfnProject);
  for (const project of projects) {
    const projectId = stack.getLogicalId(project);
    validations.acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:aws:logs:${stack.region}:${stack.account}:log-group:/aws/codebuild/<${projectId}>:*]`,
        reason:
          'The log streams of this CodeBuild project’s own log group: CodeBuild names a stream per build, so no fixed ARN can name it.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:aws:codebuild:${stack.region}:${stack.account}:report-group/<${projectId}>-*]`,
        reason: 'The report groups CodeBuild creates for this project alone, named after it.',
      },
    );
  }
  const assetRole = Validations.of(generatedRole(pipeline, 'Assets/FileRole'));
  assetRole.acknowledge(
    {
      id: `AwsSolutions-IAM5[Resource::arn:aws:logs:${stack.region}:${stack.account}:log-group:/aws/codebuild/*]`,
      reason:
        'The asset publishing role is made before its projects, whose names CodeBuild generates: CDK Pipelines scopes it to CodeBuild’s log groups of this account and region.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::arn:aws:codebuild:${stack.region}:${stack.account}:report-group/*]`,
      reason:
        'The asset publishing role is made before its projects, whose names CodeBuild generates: CDK Pipelines scopes it to this account and region’s report groups.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'codebuild:StartBuild and BatchGetBuilds of the asset publishing projects, whose names CodeBuild generates after this role exists: start and read builds only.',
    },
  );
  const selfUpdateRole = Validations.of(generatedRole(pipeline, 'UpdatePipeline/SelfMutation/Role'));
  selfUpdateRole.acknowledge(
    {
      id: `AwsSolutions-IAM5[Resource::arn:*:iam::${stack.account}:role/*]`,
      reason:
        'The self-update may assume only roles tagged aws-cdk:bootstrap-role deploy, file-publishing or image-publishing (a condition on the statement): the pipeline account’s own bootstrap roles.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudformation:DescribeStacks and s3:ListBucket, with which the self-update finds its own stack and the bootstrap bucket: read only, and neither names its resource before the lookup.',
    },
  );
  validations.acknowledge(
    {
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        'Each generated role’s inline policy is what CDK Pipelines grants that one action (its project’s logs, the artifact bucket, one secret); shared managed policies would widen access.',
    },
    {
      id: 'HIPAA.Security-CodeBuildProjectSourceRepoUrl',
      reason:
        'Every project’s source is the pipeline’s artifact (type CODEPIPELINE): the repository is reached only through the CodeConnections connection, and no project stores a repository URL or credential.',
    },
  );
};

/** A role CDK Pipelines generated, by its path under the pipeline construct; a missing one stops synth, so no acknowledgement drifts onto nothing. */
const generatedRole = (pipeline: CodePipeline, pathUnderPipeline: string): iam.Role => {
  const path = `${pipeline.node.path}/${pathUnderPipeline}`;
  const role = pipeline.node.findAll().find((construct) => construct.node.path === path);
  if (!(role instanceof iam.Role)) throw new Error(`CDK Pipelines generated no role at ${path}.`);
  return role;
};

/** Hardens the artifact bucket and acknowledges the generated resources' findings. */
export const hardenPipeline = (scope: Construct, pipeline: CodePipeline): void => {
  hardenArtifactBucket(scope, pipeline);
  acknowledgePipelineFindings(pipeline);
};
