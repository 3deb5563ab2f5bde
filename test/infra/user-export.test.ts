/**
 * The user directory's daily export (issue 19, point 3: "Export the Cognito users"), in every
 * stage: the `exportUsers` function beside the pool, its daily schedule and the alarms on both,
 * the bucket (encrypted with the stage key, versioned, private, TLS only, each export kept
 * `recovery.backupRetentionDays`, kept when the stack goes and covered by the stack policy and
 * the replacement check), and a role that may list the pool and write exports, and nothing else.
 */
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type JointlyApp } from '#infra/build-app.ts';
import { STAGES, loadStageConfig, type StageConfig, type StageName } from '#infra/config/stage-config.ts';
import { stackPolicyOf, stackPolicyResourceOf } from '#infra/stack-policy.ts';
import { EXPORT_USERS_FUNCTION, USER_EXPORT_ACCESS_LOG_PREFIX } from '#infra/stacks/user-directory.ts';
import { statefulLogicalIdsOf, type CfnTemplate } from '#infra/stateful-resources.ts';
import { DIRECTORY_EXPORT_ENV } from '#shared/directory/data/export-environment.ts';
import { USER_EXPORT_PREFIX } from '#shared/directory/domain/user-export.ts';
import { readSnapshot } from '#scripts/stateful-snapshot.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation read by property path in assertions.
type Json = Record<string, any>;

const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe.each(STAGES)('stage %s: the user directory export', (stage: StageName) => {
  let config: StageConfig;
  let built: JointlyApp;
  let api: Template;
  let apiJson: Json;
  let dataJson: Json;
  let ids: { fn: string; role: string; bucket: string; rule: string; pool: string; accessLogs: string; dataKey: string };

  /** The value a `Fn::ImportValue` of the API stack imports from the data stack. */
  const imported = (value: Json): Json => {
    const name = value['Fn::ImportValue'] as string;
    const output = Object.values(dataJson['Outputs'] as Record<string, Json>).find((o) => o['Export']?.['Name'] === name);
    expect(output, `export ${name}`).toBeDefined();
    return output!['Value'] as Json;
  };

  beforeAll(() => {
    config = loadStageConfig(stage);
    built = buildApp({ stage, context: SKIP_BUNDLING, nag: false });
    api = Template.fromStack(built.api);
    apiJson = api.toJSON();
    dataJson = Template.fromStack(built.data).toJSON();
    const fn = built.api.functionsById.get(EXPORT_USERS_FUNCTION)!;
    ids = {
      fn: logicalIdOf(built.api, fn),
      role: logicalIdOf(built.api, fn.executionRole),
      bucket: logicalIdOf(built.api, built.api.userExportBucket),
      // The rule whose target is the export function.
      rule: Object.entries(api.findResources('AWS::Events::Rule')).find(([, rule]) =>
        asList(rule['Properties']['Targets'] as Json[]).some((t) => t['Arn']?.['Fn::GetAtt']?.[0] === logicalIdOf(built.api, fn)),
      )![0],
      pool: logicalIdOf(built.api, built.api.userPool),
      accessLogs: logicalIdOf(built.api, built.api.console.logBucket),
      dataKey: logicalIdOf(built.data, built.data.key),
    };
  });

  describe('the function', () => {
    it('is the API stack’s exportUsers function, told the pool and the bucket, with two minutes to page through the pool', () => {
      // Act
      const fn = apiJson['Resources'][ids.fn] as Json;

      // Assess
      expect(fn['Type']).toBe('AWS::Lambda::Function');
      expect(fn['Properties']).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Timeout: 120,
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: {
            JOINTLY_STAGE: stage,
            [DIRECTORY_EXPORT_ENV.userPoolId]: { Ref: ids.pool },
            [DIRECTORY_EXPORT_ENV.bucketName]: { Ref: ids.bucket },
          },
        },
      });
    });

    it('runs once a day on an enabled schedule, EventBridge retrying a failed invoke twice', () => {
      // Act
      const rule = apiJson['Resources'][ids.rule] as Json;
      const permissions = Object.values(api.findResources('AWS::Lambda::Permission')).filter(
        (p) => JSON.stringify(p['Properties']['SourceArn']) === JSON.stringify({ 'Fn::GetAtt': [ids.rule, 'Arn'] }),
      );

      // Assess
      expect(rule['Properties']).toMatchObject({ ScheduleExpression: 'rate(1 day)', State: 'ENABLED' });
      expect(rule['Properties']['Targets']).toEqual([
        { Id: 'Target0', Arn: { 'Fn::GetAtt': [ids.fn, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } },
      ]);
      expect(permissions).toHaveLength(1);
      expect(permissions[0]!['Properties']).toMatchObject({ Principal: 'events.amazonaws.com', Action: 'lambda:InvokeFunction' });
    });

    it('alarms to the stage topic when the schedule cannot invoke it, and when a run fails or is throttled', () => {
      // Act
      const alarms = Object.values(api.findResources('AWS::CloudWatch::Alarm')).map((a) => a['Properties'] as Json);
      const onRule = alarms.filter((a) =>
        asList(a['Metrics'] as Json[]).some((m) => JSON.stringify(m['MetricStat']?.['Metric']?.['Dimensions']).includes(ids.rule)),
      );
      const onFunction = alarms.filter(
        (a) => JSON.stringify(a['Dimensions']) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: ids.fn } }]),
      );

      // Assess
      expect(onRule).toHaveLength(1);
      expect(onRule[0]).toMatchObject({
        AlarmName: `jointly-${stage}-rule-user-export-failed-invocations`,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        Metrics: [{ MetricStat: { Metric: { Namespace: 'AWS/Events', MetricName: 'FailedInvocations' }, Stat: 'Sum' } }],
      });
      expect(onRule[0]!['AlarmActions']).toHaveLength(1);
      expect(onRule[0]!['OKActions']).toHaveLength(1);
      expect(onFunction.map((a) => a['AlarmName']).sort()).toEqual([
        `jointly-${stage}-fn-${EXPORT_USERS_FUNCTION}-errors`,
        `jointly-${stage}-fn-${EXPORT_USERS_FUNCTION}-throttles`,
      ]);
    });
  });

  describe('its role', () => {
    it('may list the pool’s users, groups and members, put exports under the prefix, and have S3 encrypt them: nothing else', () => {
      // Act
      const statements = Object.values(api.findResources('AWS::IAM::Policy'))
        .filter((p) => asList(p['Properties']['Roles'] as Json[]).some((r) => r['Ref'] === ids.role))
        .flatMap((p) => p['Properties']['PolicyDocument']['Statement'] as Json[]);
      const inline = (apiJson['Resources'][ids.role] as Json)['Properties']['Policies'];

      // Assess
      expect(inline).toBeUndefined();
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ExportUsersLogGroup/), 'Arn'] },
        },
        { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['cognito-idp:ListGroups', 'cognito-idp:ListUsers', 'cognito-idp:ListUsersInGroup'],
          Resource: { 'Fn::GetAtt': [ids.pool, 'Arn'] },
        },
        {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, `/${USER_EXPORT_PREFIX}*`]] },
        },
        {
          Effect: 'Allow',
          Action: 'kms:GenerateDataKey',
          Resource: expect.objectContaining({ 'Fn::ImportValue': expect.any(String) }),
          Condition: { StringEquals: { 'kms:ViaService': `s3.${config.region}.amazonaws.com` } },
        },
      ]);
      expect(imported(statements[4]!['Resource'] as Json)).toEqual({ 'Fn::GetAtt': [ids.dataKey, 'Arn'] });
    });
  });

  describe('the bucket', () => {
    it('encrypts every export with the stage key', () => {
      // Act
      const encryption = (apiJson['Resources'][ids.bucket] as Json)['Properties']['BucketEncryption'];
      const byDefault = encryption['ServerSideEncryptionConfiguration'][0]['ServerSideEncryptionByDefault'] as Json;

      // Assess
      expect(byDefault['SSEAlgorithm']).toBe('aws:kms');
      expect(imported(byDefault['KMSMasterKeyID'] as Json)).toEqual({ 'Fn::GetAtt': [ids.dataKey, 'Arn'] });
    });

    it('is versioned, blocks every public access, lets the bucket owner own every object, and logs its access', () => {
      // Act
      const properties = (apiJson['Resources'][ids.bucket] as Json)['Properties'];

      // Assess
      expect(properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: ids.accessLogs }, LogFilePrefix: USER_EXPORT_ACCESS_LOG_PREFIX },
      });
    });

    it('refuses every request without TLS 1.2 or later', () => {
      // Act
      const [policy] = Object.values(api.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: ids.bucket } } }));
      const statements = policy!['Properties']['PolicyDocument']['Statement'] as Json[];

      // Assess
      expect(statements).toHaveLength(2);
      const bucketAndObjects = [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, '/*']] }];
      expect(statements).toEqual([
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Resource: bucketAndObjects,
        },
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:*',
          Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          Resource: bucketAndObjects,
        },
      ]);
    });

    it('keeps each export, and each earlier version, for the stage’s recovery.backupRetentionDays', () => {
      // Act
      const rules = (apiJson['Resources'][ids.bucket] as Json)['Properties']['LifecycleConfiguration']['Rules'] as Json[];

      // Assess
      expect(rules).toEqual([
        {
          Id: 'expire-exports',
          Status: 'Enabled',
          ExpirationInDays: config.recovery.backupRetentionDays,
          NoncurrentVersionExpiration: { NoncurrentDays: config.recovery.backupRetentionDays },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
        { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
      ]);
    });

    it('is kept on a replacement or a delete, in every stage, and names its bucket in an output', () => {
      // Act
      const bucket = apiJson['Resources'][ids.bucket] as Json;
      const output = Object.values(apiJson['Outputs'] as Record<string, Json>).find(
        (o) => JSON.stringify(o['Value']) === JSON.stringify({ Ref: ids.bucket }),
      );

      // Assess
      expect([bucket['DeletionPolicy'], bucket['UpdateReplacePolicy']]).toEqual(['Retain', 'Retain']);
      expect(output).toBeDefined();
    });

    it('is a stateful resource: the stack policy denies replacing or deleting it, and the committed snapshot records it', () => {
      // Act
      const statefulIds = statefulLogicalIdsOf(apiJson as CfnTemplate);
      const [deny] = stackPolicyOf(apiJson as CfnTemplate).Statement;
      const snapshot = readSnapshot()[stage]?.[built.api.stackName]?.[ids.bucket];

      // Assess
      expect(statefulIds).toContain(ids.bucket);
      expect(deny).toMatchObject({ Effect: 'Deny', Action: ['Update:Replace', 'Update:Delete'] });
      expect(deny!.Resource).toContain(stackPolicyResourceOf(ids.bucket));
      expect(snapshot).toEqual({ type: 'AWS::S3::Bucket', properties: { BucketName: null, ObjectLockEnabled: null } });
      // The console's build and log buckets can be rebuilt: they are not protected.
      expect(statefulIds).not.toContain(ids.accessLogs);
    });
  });
});
