/**
 * `JointlyFunction`: every Lambda of Jointly, with the project's defaults in one place
 * (DESIGN §5): Node.js 24 on arm64, minified ESM bundle with the AWS SDK inside, a source
 * map shipped beside it (read only if the stage enables source-mapped stack traces),
 * its own log group with the stage's retention (encrypted with the stage key when one is
 * given), its own least-privilege role, and the runtime environment that
 * `shared/config/runtime-config.ts` reads.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetStaging, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ENV, SECRET_ARN_ENV, type ApiSecretName } from '../../shared/config/runtime-config.ts';
import { JOINTLY_TABLE } from '../../shared/data/table-definition.ts';
import { aliasArgs } from '../bundling/aliases.ts';

import type { StageConfig } from '../config/stage-config.ts';
import { functionSettingsFor, type FunctionSettings } from '../function-settings.ts';

/** The repository root: entries, the lock file and the bundling root are resolved from it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The `POWERTOOLS_SERVICE_NAME` of every function. */
export const SERVICE_NAME = 'jointly';

/** How a function may use the table. */
export type TableAccess = 'read' | 'readWrite';

/** Properties of a `JointlyFunction`. */
export interface JointlyFunctionProps {
  /**
   * The handler module, relative to the repository root (e.g. `functions/api/health/handler.ts`),
   * exactly as the route table names it. The module exports `handler` unless `handler` says otherwise.
   */
  readonly entry: string;
  /** The validated stage configuration: memory, timeout, log retention and level, SLA targets. */
  readonly stageConfig: StageConfig;
  /** What the function does, shown in the Lambda console. */
  readonly description?: string;
  /** The exported handler name. @default 'handler' */
  readonly handler?: string;
  /**
   * The customer-managed key that encrypts the function's log group. The key policy must
   * allow the CloudWatch Logs service principal (the data stack's key does).
   * @default - logs encrypted by CloudWatch Logs with an AWS-owned key
   */
  readonly logEncryptionKey?: kms.IKey;
  /** Extra environment variables, merged over the defaults. */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * The function's id in `infra/function-settings.ts` (a route's function id, or an event
   * function's name): its timeout, memory, reserved concurrency and stage environment come
   * from there. Without it the function gets the stage defaults (probes in tests).
   */
  readonly functionId?: string;
}

/**
 * The bundling every function shares (`npm run bundle-report` bundles with exactly these):
 * ESM for Node 24, minified and tree-shaken, with the AWS SDK inside (not the runtime's
 * copy, so the version is the lock file's). The source map is a separate `index.mjs.map`
 * (linked by a `sourceMappingURL` comment) without the sources' text: Node never reads it
 * unless `--enable-source-maps` is on (stage config `lambda.enableSourceMaps`), so it costs
 * nothing at run time, and it can still map a minified stack trace offline (README "Bundles").
 * A few modules are swapped for leaner equivalents (esbuild `--alias`, see
 * infra/bundling/aliases.ts): the SDK's default credential chain for the environment one
 * Lambda uses, and the ESM facades of `node:http` and `node:process` for the built-ins
 * themselves.
 */
export const JOINTLY_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node24',
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  bundleAwsSDK: true,
  mainFields: ['module', 'main'],
  // ESM output with CommonJS dependencies inside: give them a `require`.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  // Appended by CDK as `--alias:from=to`, one per entry of LAMBDA_ALIASES.
  esbuildArgs: { '--alias': aliasArgs() },
  // Docker bundling only (local bundling always runs in `projectRoot`): run esbuild in the
  // project's copy, where the aliases' repository-relative paths resolve, not in `/`.
  workingDirectory: AssetStaging.BUNDLING_INPUT_DIR,
} as const;

/** A Node.js 24 / arm64 Lambda function with Jointly's defaults. */
export class JointlyFunction extends NodejsFunction {
  /** The function's own log group (stage retention, optionally KMS-encrypted). */
  readonly logGroupResource: logs.LogGroup;
  /** The function's own execution role (no AWS managed policies). */
  readonly executionRole: iam.Role;
  /** Its settings from `infra/function-settings.ts`, when built with a `functionId`. */
  readonly settings: FunctionSettings | undefined;

  constructor(scope: Construct, id: string, props: JointlyFunctionProps) {
    const { stageConfig } = props;
    const settings: FunctionSettings | undefined = props.functionId === undefined ? undefined : functionSettingsFor(stageConfig, props.functionId, props.entry);
    const removalPolicy = stageConfig.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // Created beside the function (ids derived from the function's) because the function
    // needs them at construction time.
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: stageConfig.logRetentionDays as logs.RetentionDays,
      encryptionKey: props.logEncryptionKey,
      removalPolicy,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the Jointly ${stageConfig.stage} function ${id}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: path.join(REPO_ROOT, props.entry),
      handler: props.handler ?? 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: settings?.memoryMb ?? stageConfig.lambda.memoryMb,
      timeout: Duration.seconds(settings?.timeoutSeconds ?? stageConfig.lambda.timeoutSeconds),
      ...(settings?.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: settings.reservedConcurrency } : {}),
      description: props.description,
      role,
      logGroup,
      // JSON logs let Lambda filter by level (advanced logging controls); keep that level
      // equal to Powertools' so neither drops what the other emits.
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[stageConfig.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        [ENV.stage]: stageConfig.stage,
        [ENV.priorityTargets]: JSON.stringify(stageConfig.priorityTargetMinutes),
        // Only when the stage overrides the registry's e-mail domains (functions fall back to it).
        ...(stageConfig.organisationEmailDomains ? { [ENV.orgEmailDomains]: JSON.stringify(stageConfig.organisationEmailDomains) } : {}),
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: stageConfig.logLevel,
        ...(stageConfig.lambda.enableSourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        ...settings?.environment,
        ...props.environment,
      },
      bundling: {
        ...JOINTLY_BUNDLING,
        mainFields: [...JOINTLY_BUNDLING.mainFields],
        esbuildArgs: { '--alias': [...JOINTLY_BUNDLING.esbuildArgs['--alias']] },
      },
    });

    this.logGroupResource = logGroup;
    this.executionRole = role;
    this.settings = settings;

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
    Validations.of(role).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        'The role is this function\'s alone; its inline policy is what CDK grants generate, scoped to the exact log group, table and key it uses (least privilege per function). Shared managed policies would widen access.',
    });
    Validations.of(this).acknowledge({
      id: 'HIPAA.Security-LambdaInsideVPC',
      reason:
        'The function reaches only AWS service endpoints (DynamoDB, EventBridge) over TLS with IAM auth; it has no private network resources to reach.',
    });
    Validations.of(this).acknowledge({
      id: 'HIPAA.Security-LambdaConcurrency',
      reason:
        'Load is bounded by API Gateway stage throttling from stage config; reserved concurrency would fail deployment in accounts with the default concurrency quota.',
    });
  }

  /**
   * Lets this function read the named API HMAC keys from Secrets Manager (see
   * shared/config/secrets.ts): a read grant and the `…_ARN` variable per key, nothing for
   * the keys it does not name.
   */
  bindSecrets(secrets: Readonly<Record<ApiSecretName, secretsmanager.ISecret>>, names: Iterable<ApiSecretName>): void {
    for (const name of new Set(names)) {
      secrets[name].grantRead(this);
      this.addEnvironment(SECRET_ARN_ENV[name], secrets[name].secretArn);
    }
  }

  /**
   * Grants this function least-privilege access to `table` (and its key) and sets
   * `JOINTLY_TABLE_NAME`.
   */
  bindTable(table: ITableV2, access: TableAccess): void {
    // Explicit actions and resources instead of CDK's grants, which use `index/*` and
    // `kms:*Encrypt*`-style wildcards: every index is named, every action listed.
    const read = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem'];
    const write = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: access === 'read' ? read : [...read, ...write],
        resources: [table.tableArn, ...JOINTLY_TABLE.indexes.map((index) => `${table.tableArn}/index/${index.indexName}`)],
      }),
    );
    if (table.encryptionKey) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: access === 'read' ? ['kms:Decrypt', 'kms:DescribeKey'] : ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [table.encryptionKey.keyArn],
        }),
      );
    }
    this.addEnvironment(ENV.tableName, table.tableName);
  }
}
