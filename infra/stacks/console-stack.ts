/**
 * `ConsoleStack`: the console's files, uploaded to the API stack's site bucket after that
 * stack is deployed. The build (infra/constructs/console-bundling.ts: `console/…`, and
 * `docs/…` when the build writes the API reference) goes up in two steps, because S3 keeps
 * one `Cache-Control` per upload:
 *
 * 1. `Files`: every file but the pages, `public, max-age=31536000, immutable` (the assets'
 *    names carry their content's hash). Not pruned: a page loaded before a deploy keeps
 *    finding the assets it names.
 * 2. `Pages`, after the files: each folder's `index.html` and the console's `config.json`
 *    (the stage's managed login domain and console client), `no-store`, so a deploy is seen
 *    on the next load and never names an asset not yet uploaded.
 *
 * A separate stack because the upload runs a Lambda (CDK's BucketDeployment) whose role the
 * API stack's least-privilege rules do not describe, and because the console can then be
 * redeployed alone: `npm run deploy -- --stage dev` deploys it last, after the API stack.
 */
import { AssetHashType, DefaultStackSynthesizer, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config.ts';
import {
  API_REFERENCE_BASE_PATH,
  CONSOLE_BASE_PATH,
  CONSOLE_CACHE,
  CONSOLE_CONFIG_PATH,
  type ConsoleConfig,
} from '../console/console-site.ts';
import { consoleBundlingOptions } from '../constructs/console-bundling.ts';
import { REPO_ROOT } from '../constructs/jointly-function.ts';

/** Object keys of the pages (no leading slash): uploaded `no-store`, the rest immutable. */
export const PAGE_KEYS = [
  `${CONSOLE_BASE_PATH.slice(1)}index.html`,
  CONSOLE_CONFIG_PATH.slice(1),
  `${API_REFERENCE_BASE_PATH.slice(1)}index.html`,
];

/** Properties of the console stack. */
export interface ConsoleStackProps extends StackProps {
  readonly stageConfig: StageConfig;
  /**
   * The name of the API stack's export of the site bucket's ARN. The bucket is imported by
   * it rather than handed over as a construct: BucketDeployment tags its destination, which
   * would otherwise change the API stack's bucket from this stack.
   */
  readonly siteBucketExport: string;
  /** What the console's `config.json` says: Cognito's managed login and the console client. */
  readonly consoleConfig: ConsoleConfig;
  /** The stage key: encrypts the upload function's logs. */
  readonly key: kms.IKey;
}

/** The console's files in the site bucket. */
export class ConsoleStack extends Stack {
  /** The hashed assets and images (immutable). */
  readonly files: s3deploy.BucketDeployment;
  /** `index.html` of each folder and `config.json` (never stored). */
  readonly pages: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    const { stageConfig } = props;
    const bucket = s3.Bucket.fromBucketArn(this, 'SiteBucket', Fn.importValue(props.siteBucketExport));
    // Skipped like every bundle when the stack is outside `aws:cdk:bundling-stacks` (tests).
    // Hashed by the build it produced, so an unchanged console is not uploaded again.
    const build = s3deploy.Source.asset(REPO_ROOT, {
      assetHashType: AssetHashType.OUTPUT,
      bundling: consoleBundlingOptions(lambda.Runtime.NODEJS_24_X.bundlingImage),
    });
    const logGroup = new logs.LogGroup(this, 'UploadLogs', {
      retention: stageConfig.logRetentionDays as logs.RetentionDays,
      encryptionKey: props.key,
      removalPolicy: stageConfig.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // The files stay when an upload is deleted: an upload whose construct id changes is
    // created anew and then the old one deleted, and a deleting upload empties the whole bucket.
    const retainOnDelete = true;

    this.files = new s3deploy.BucketDeployment(this, 'Files', {
      sources: [build],
      destinationBucket: bucket,
      exclude: PAGE_KEYS,
      prune: false,
      retainOnDelete,
      cacheControl: [s3deploy.CacheControl.fromString(CONSOLE_CACHE.asset)],
      logGroup,
    });
    this.pages = new s3deploy.BucketDeployment(this, 'Pages', {
      sources: [build, s3deploy.Source.jsonData(CONSOLE_CONFIG_PATH.slice(1), props.consoleConfig)],
      destinationBucket: bucket,
      exclude: ['*'],
      include: PAGE_KEYS,
      prune: true,
      retainOnDelete,
      cacheControl: [s3deploy.CacheControl.fromString(CONSOLE_CACHE.page)],
      logGroup,
    });
    this.pages.node.addDependency(this.files);

    acknowledgeUploadFunction(this.files, props.siteBucketExport);
  }
}

/**
 * CDK's BucketDeployment brings its own function (the AWS CLI in a layer) and role, shared by
 * both uploads: what cdk-nag finds on them is CDK's to change, and they run only while
 * CloudFormation deploys. Acknowledged on that function alone, finding by finding.
 */
const acknowledgeUploadFunction = (deployment: s3deploy.BucketDeployment, siteBucketExport: string): void => {
  const stack = Stack.of(deployment);
  const assetBucket = `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${stack.account}-${stack.region}`;
  const wildcards =
    "CDK's BucketDeployment grants its own role read on the CDK asset bucket and read-write on the site bucket (grantRead, grantReadWrite: s3:GetObject*, s3:List*, s3:DeleteObject*, s3:Abort*…); the two buckets are the only resources.";
  const deploymentOnly =
    'Invoked synchronously by CloudFormation as a custom resource, once per deployment: a failure fails the deployment.';
  const reasons: Record<string, string> = {
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
      "CDK's BucketDeployment function writes its logs with AWSLambdaBasicExecutionRole; the role is CDK's, used only during a deployment.",
    ...Object.fromEntries(
      [
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        `Resource::arn:aws:s3:::${assetBucket}/*`,
        `Resource::${siteBucketExport}/*`,
      ].map((finding) => [`AwsSolutions-IAM5[${finding}]`, wildcards]),
    ),
    'AwsSolutions-L1': "CDK's BucketDeployment picks its function's runtime (Python, for the AWS CLI); it is CDK's to update.",
    'HIPAA.Security-IAMNoInlinePolicy': "The inline policy is CDK's BucketDeployment grant to its own role, on the two buckets only.",
    'HIPAA.Security-LambdaConcurrency': `${deploymentOnly} There is no load to bound.`,
    'HIPAA.Security-LambdaDLQ': `${deploymentOnly} Nothing to dead-letter.`,
    'HIPAA.Security-LambdaInsideVPC':
      'Copies build files between two S3 buckets over TLS with IAM auth; it has no private network resources to reach.',
    'Serverless-LambdaDLQ': `${deploymentOnly} Nothing to dead-letter.`,
    'Serverless-LambdaTracing': 'A deployment-time copy of build files: no request path to trace.',
    'Serverless-LambdaLatestVersion': "CDK's BucketDeployment picks its function's runtime version; it is CDK's to update.",
  };
  // The role's scope is the singleton function: acknowledged there, it covers the role and its policy.
  const handler = deployment.handlerRole.node.scope!;
  for (const [id, reason] of Object.entries(reasons)) Validations.of(handler).acknowledge({ id, reason });
};
