/**
 * The audit log nobody can edit (issue 19, point 5; docs/audit-archive.md), in every stage:
 * - the archive bucket locks every object in compliance mode for the stage's `audit.lockDays`,
 *   is versioned, encrypted with the stage key, private, TLS-only, access-logged and kept;
 * - its policy denies every principal deleting objects or changing their locks, the bucket's
 *   lock, versioning or lifecycle;
 * - the archiver reads the stream with the shared audit filter and may only put objects;
 * - prod (and only a stage with `audit.tableDataEvents`) records the table's CloudTrail data
 *   events into the archive's `cloudtrail/` folder;
 * - no role of any stack of any stage can delete an audit object: every IAM role and policy,
 *   inline or managed, is walked, and the walk is shown to catch a planted grant.
 *
 * Templates come from the real app of each stage (bundling and cdk-nag skipped; the nag packs
 * run in test/infra/stacks.test.ts).
 */
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type JointlyApp } from '#infra/build-app.ts';
import { STAGES, loadStageConfig, type StageName } from '#infra/config/stage-config.ts';
import { ITERATOR_AGE_THRESHOLD_MS, runbookReferenceOf, RUNBOOKS } from '#infra/constructs/alarms.ts';
import {
  AUDIT_ARCHIVE_ACCESS_LOG_PREFIX,
  AUDIT_DENIED_ACTIONS,
  auditTrailKeyAliasOf,
  tableTrailNameOf,
} from '#infra/constructs/audit-archive.ts';
import { BACKUP_MANAGED_POLICIES } from '#infra/constructs/table-backup.ts';
import { EVENT_FUNCTION_SETTINGS } from '#infra/function-settings.ts';
import { AUDIT_ARCHIVE_ENV } from '#shared/audit/data/archive-environment.ts';
import { ARCHIVE_FOLDERS, CLOUDTRAIL_PREFIX } from '#shared/audit/domain/archive-layout.ts';
import { JOINTLY_TABLE } from '#shared/platform/dynamodb/table-definition.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation read by property path in assertions.
type Json = Record<string, any>;

const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

const resourcesOf = (template: Json, type: string): [string, Json][] =>
  Object.entries(template['Resources'] as Record<string, Json>).filter(([, resource]) => resource['Type'] === type);

/** `{"Fn::GetAtt":[id,"Arn"]}` and `{"Fn::Join":["",[{"Fn::GetAtt":[id,"Arn"]},"/*"]]}`: the bucket and its objects. */
const bucketAndObjects = (bucketId: string) => [
  { 'Fn::GetAtt': [bucketId, 'Arn'] },
  { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
];

/** One stage, built once. */
interface BuiltStage {
  readonly built: JointlyApp;
  readonly events: Template;
  readonly templates: Readonly<Record<string, Json>>;
  readonly bucketId: string;
}

const cache = new Map<StageName, BuiltStage>();
const stageOf = (stage: StageName): BuiltStage => {
  const known = cache.get(stage);
  if (known) return known;
  const built = buildApp({ stage, context: SKIP_BUNDLING, nag: false });
  const stacks = [built.data, built.events, built.api, built.console];
  const templates = Object.fromEntries(stacks.map((stack) => [stack.stackName, Template.fromStack(stack).toJSON()]));
  const result = {
    built,
    events: Template.fromStack(built.events),
    templates,
    bucketId: logicalIdOf(built.events, built.events.auditArchive.bucket),
  };
  cache.set(stage, result);
  return result;
};

// ── The walk of every role and policy ──────────────────────────────────────────

/**
 * What deletes an audit object or loosens what protects it: deleting an object or a version,
 * changing or bypassing an object's lock, the bucket's lock, versioning, lifecycle or policy.
 */
const EDITING_ACTIONS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutObjectRetention',
  's3:BypassGovernanceRetention',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
] as const;

/**
 * The AWS managed policies a role of this app may attach, and why none of them can touch an
 * audit object (their documents live in AWS, not in the template).
 */
const KNOWN_AWS_MANAGED_POLICIES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    BACKUP_MANAGED_POLICIES.map((name) => [
      name,
      'AWS Backup’s own, on the role only it assumes: backs up and restores DynamoDB, not S3 objects',
    ]),
  ),
  'service-role/AWSLambdaBasicExecutionRole': 'CDK’s BucketDeployment function (console stack): CloudWatch Logs only',
};

/** Whether an IAM action pattern (`*`, `s3:*`, `s3:Delete*`, `s3:DeleteObjectVers?on`) covers `action`. */
const patternCovers = (pattern: string, action: string): boolean => {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(action);
};

/**
 * Whether a statement's resource may name the audit bucket or its objects: `*`, an S3 ARN whose
 * bucket part has a wildcard, or anything built from the bucket's logical id.
 */
const resourceCoversAudit = (resource: unknown, bucketId: string): boolean => {
  if (typeof resource === 'string') {
    if (resource === '*') return true;
    const s3 = /^arn:[^:]*:s3:::([^/]*)/.exec(resource);
    return s3 !== null && /[*?]/.test(s3[1]!);
  }
  return JSON.stringify(resource).includes(`"${bucketId}"`);
};

/** One IAM statement and where it was found. */
interface FoundStatement {
  readonly where: string;
  readonly statement: Json;
}

/**
 * Every IAM statement of a template: the inline policies of roles, `AWS::IAM::Policy` and
 * `AWS::IAM::ManagedPolicy` documents; and every AWS managed policy a role attaches.
 */
const iamOf = (stackName: string, template: Json): { statements: FoundStatement[]; awsManaged: string[] } => {
  const statements: FoundStatement[] = [];
  const awsManaged: string[] = [];
  const documentOf = (where: string, document: Json | undefined) => {
    for (const statement of asList(document?.['Statement'] as Json | Json[])) statements.push({ where, statement });
  };
  for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) {
    for (const policy of asList(role['Properties']['Policies'] as Json[]))
      documentOf(`${stackName}/${id} (inline)`, policy['PolicyDocument']);
    for (const arn of asList(role['Properties']['ManagedPolicyArns'] as unknown[])) {
      const rendered = JSON.stringify(arn);
      // A managed policy of the template is walked below; an AWS managed one is named here.
      if (!Object.keys(template['Resources']).some((resourceId) => rendered.includes(`"${resourceId}"`))) awsManaged.push(rendered);
    }
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [id, policy] of resourcesOf(template, type)) documentOf(`${stackName}/${id}`, policy['Properties']['PolicyDocument']);
  }
  return { statements, awsManaged };
};

/** The statements that would let a principal edit the audit archive, described. */
const editingGrantsOf = (statements: readonly FoundStatement[], bucketId: string): string[] =>
  statements.flatMap(({ where, statement }) => {
    if (statement['Effect'] !== 'Allow') return [];
    // NotAction / NotResource grant everything they do not name: never on an audit object.
    if (statement['NotAction'] || statement['NotResource']) return [`${where}: an Allow with NotAction or NotResource`];
    const actions = asList(statement['Action'] as string | string[]);
    const edits = EDITING_ACTIONS.filter((action) => actions.some((pattern) => patternCovers(pattern, action)));
    const onAudit = asList(statement['Resource'] as unknown).some((resource) => resourceCoversAudit(resource, bucketId));
    return edits.length > 0 && onAudit ? [`${where}: ${edits.join(', ')} on ${JSON.stringify(statement['Resource'])}`] : [];
  });

// ── Per stage ───────────────────────────────────────────────────────────────────

describe.each(STAGES)('stage %s: the audit archive bucket', (stage: StageName) => {
  const config = loadStageConfig(stage);
  let s: BuiltStage;
  let bucket: Json;
  let policy: Json[];

  beforeAll(() => {
    s = stageOf(stage);
    bucket = s.events.findResources('AWS::S3::Bucket')[s.bucketId]!;
    const policies = Object.values(s.events.findResources('AWS::S3::BucketPolicy')).filter(
      (p) => p['Properties']['Bucket']['Ref'] === s.bucketId,
    );
    expect(policies).toHaveLength(1);
    policy = policies[0]!['Properties']['PolicyDocument']['Statement'] as Json[];
  });

  it('locks every object in compliance mode for the stage’s audit.lockDays, on a versioned bucket', () => {
    // Prepare
    const expected = { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.audit.lockDays } } };

    // Act
    const properties = bucket['Properties'];

    // Assess
    expect(properties['ObjectLockEnabled']).toBe(true);
    expect(properties['ObjectLockConfiguration']).toEqual(expected);
    expect(properties['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    expect(config.audit.lockDays).toBe({ dev: 1, staging: 90, prod: 2922 }[stage]);
  });

  it('encrypts with the stage key, blocks public access and logs every access to a bucket of its own', () => {
    // Prepare
    const keyImport = Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('Key') });

    // Act / Assess
    s.events.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyImport } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      ObjectLockEnabled: true,
    });
    const logs = bucket['Properties']['LoggingConfiguration'];
    expect(logs['LogFilePrefix']).toBe(AUDIT_ARCHIVE_ACCESS_LOG_PREFIX);
    expect(logs['DestinationBucketName']['Ref']).toBe(logicalIdOf(s.built.events, s.built.events.auditArchive.accessLogBucket));
    expect(logs['DestinationBucketName']['Ref']).not.toBe(s.bucketId);
  });

  it('refuses plain HTTP and TLS below 1.2', () => {
    // Act
    const denies = policy.filter((statement) => statement['Effect'] === 'Deny' && statement['Action'] === 's3:*');

    // Assess
    expect(denies.map((statement) => statement['Condition'])).toEqual(
      expect.arrayContaining([{ Bool: { 'aws:SecureTransport': 'false' } }, { NumericLessThan: { 's3:TlsVersion': 1.2 } }]),
    );
  });

  it('keeps the bucket on delete and on replacement, and lets S3 expire objects only once their lock has ended', () => {
    // Act
    const rules = bucket['Properties']['LifecycleConfiguration']['Rules'] as Json[];

    // Assess
    expect([bucket['DeletionPolicy'], bucket['UpdateReplacePolicy']]).toEqual(['RetainExceptOnCreate', 'Retain']);
    expect(rules).toContainEqual(
      expect.objectContaining({
        ExpirationInDays: config.audit.lockDays,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        Status: 'Enabled',
      }),
    );
    for (const rule of rules)
      if (rule['ExpirationInDays'] !== undefined) expect(rule['ExpirationInDays']).toBeGreaterThanOrEqual(config.audit.lockDays);
  });

  it('denies every principal deleting objects, changing their locks, and changing the bucket’s lock, versioning or lifecycle', () => {
    // Prepare
    const expectedActions = [...AUDIT_DENIED_ACTIONS].sort();

    // Act
    const deny = policy.find((statement) => statement['Sid'] === 'DenyEditingTheAuditArchive');

    // Assess
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
    expect(deny).not.toHaveProperty('Condition');
    expect([...asList(deny!['Action'] as string[])].sort()).toEqual(expectedActions);
    expect(expectedActions).toEqual(
      expect.arrayContaining([
        's3:DeleteObject*',
        's3:PutObjectRetention',
        's3:BypassGovernanceRetention',
        's3:PutBucketObjectLockConfiguration',
        's3:PutLifecycleConfiguration',
      ]),
    );
    expect(deny!['Resource']).toEqual(bucketAndObjects(s.bucketId));
  });

  it('allows nobody, in the bucket policy, anything that edits the archive', () => {
    // Act
    const grants = editingGrantsOf(
      policy.map((statement) => ({ where: 'bucket policy', statement })),
      s.bucketId,
    );
    const allowed = policy.filter((statement) => statement['Effect'] === 'Allow').flatMap((statement) => asList(statement['Action']));

    // Assess
    expect(grants).toEqual([]);
    expect([...new Set(allowed)].sort()).toEqual(config.audit.tableDataEvents ? ['s3:GetBucketAcl', 's3:PutObject'] : []);
  });

  it('gives the record keeper the bucket’s name and its place on the stream: the audit and expiry filters, bisect, retries, partial failures and an on-failure queue', () => {
    // Prepare
    const archiver = s.built.events.functions.get('recordKeeper')!;
    const archiverId = logicalIdOf(s.built.events, archiver);
    const settings = EVENT_FUNCTION_SETTINGS.recordKeeper.eventSource;

    // Act
    const mappings = Object.values(s.events.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => mapping['Properties']['FunctionName']['Ref'] === archiverId,
    );
    const environment = s.events.findResources('AWS::Lambda::Function')[archiverId]!['Properties']['Environment']['Variables'];

    // Assess
    expect(environment[AUDIT_ARCHIVE_ENV.bucketName]).toEqual({ Ref: s.bucketId });
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!['Properties']).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: settings.batchSize,
      MaximumBatchingWindowInSeconds: settings.maxBatchingWindowSeconds,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: settings.retryAttempts,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify(JOINTLY_TABLE.auditStreamFilter) },
          { Pattern: JSON.stringify(JOINTLY_TABLE.expiryStreamFilter) },
        ],
      },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^recordKeeperFailures/), 'Arn'] } } },
    });
  });

  it('lets the record keeper put objects in the archive’s two folders, with the stage key through S3, and nothing else on S3', () => {
    // Prepare
    const roleId = logicalIdOf(s.built.events, s.built.events.functions.get('recordKeeper')!.executionRole);
    const template = s.events.toJSON();

    // Act
    const statements = [
      ...resourcesOf(template, 'AWS::IAM::Policy')
        .filter(([, p]) => asList(p['Properties']['Roles'] as Json[]).some((role) => role['Ref'] === roleId))
        .flatMap(([, p]) => p['Properties']['PolicyDocument']['Statement'] as Json[]),
    ];
    const s3 = statements.filter((statement) => asList(statement['Action'] as string[]).some((action) => action.startsWith('s3:')));
    const dataKey = statements.find((statement) => statement['Action'] === 'kms:GenerateDataKey');

    // Assess
    expect(s3).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: Object.values(ARCHIVE_FOLDERS).map((folder) => ({
          'Fn::Join': ['', [{ 'Fn::GetAtt': [s.bucketId, 'Arn'] }, `/${folder}/*`]],
        })),
      },
    ]);
    expect(dataKey).toMatchObject({ Condition: { StringEquals: { 'kms:ViaService': `s3.${config.region}.amazonaws.com` } } });
  });

  it('alarms when the record keeper falls more than a minute behind the stream, naming its runbook', () => {
    // Prepare
    const archiverId = logicalIdOf(s.built.events, s.built.events.functions.get('recordKeeper')!);

    // Act / Assess
    s.events.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `jointly-${stage}-record-keeper-iterator-age`,
      MetricName: 'IteratorAge',
      Threshold: ITERATOR_AGE_THRESHOLD_MS,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: archiverId } }],
      AlarmDescription: Match.stringLikeRegexp(`${runbookReferenceOf(RUNBOOKS.recordKeeperIteratorAge).replace(/\./g, '\\.')}$`),
    });
    s.events.hasResourceProperties('AWS::SQS::Queue', { QueueName: `jointly-${stage}-record-keeper-failures` });
  });
});

describe.each(STAGES)('stage %s: CloudTrail data events of the table', (stage: StageName) => {
  const config = loadStageConfig(stage);

  it(`records them in prod only (audit.tableDataEvents is ${stage === 'prod'})`, () => {
    // Prepare
    const s = stageOf(stage);

    // Act
    const trails = resourcesOf(s.templates[s.built.events.stackName]!, 'AWS::CloudTrail::Trail');
    const allStacks = Object.values(s.templates).flatMap((template) => resourcesOf(template, 'AWS::CloudTrail::Trail'));

    // Assess
    expect(config.audit.tableDataEvents).toBe(stage === 'prod');
    expect(trails).toHaveLength(config.audit.tableDataEvents ? 1 : 0);
    expect(allStacks).toHaveLength(trails.length);
  });
});

describe('prod: the trail of the table’s data events', () => {
  const stage: StageName = 'prod';
  const config = loadStageConfig(stage);
  let s: BuiltStage;

  beforeAll(() => {
    s = stageOf(stage);
  });

  it('selects the data events of exactly the stage table, into the archive’s cloudtrail/ folder, validated and encrypted', () => {
    // Prepare
    const events = s.templates[s.built.events.stackName]!;
    const data = s.templates[s.built.data.stackName]!;
    const [trailId, trail] = resourcesOf(events, 'AWS::CloudTrail::Trail')[0]!;
    const tableId = logicalIdOf(s.built.data, s.built.data.table);

    // Act
    const selectors = trail['Properties']['AdvancedEventSelectors'] as Json[];
    const arnSelector = (selectors[0]!['FieldSelectors'] as Json[]).find((f) => f['Field'] === 'resources.ARN')!;
    const exportName = arnSelector['Equals'][0]['Fn::ImportValue'] as string;
    const exported = Object.values(data['Outputs'] as Record<string, Json>).find((output) => output['Export']?.['Name'] === exportName);

    // Assess
    expect(trail['Properties']).toMatchObject({
      TrailName: tableTrailNameOf(stage),
      IsLogging: true,
      S3BucketName: { Ref: s.bucketId },
      S3KeyPrefix: CLOUDTRAIL_PREFIX,
      EnableLogFileValidation: true,
      IsMultiRegionTrail: false,
      KMSKeyId: { 'Fn::GetAtt': [logicalIdOf(s.built.events, s.built.events.auditArchive.trailKey!), 'Arn'] },
    });
    expect(trail['Properties']).not.toHaveProperty('EventSelectors');
    expect(selectors).toHaveLength(1);
    expect(selectors[0]!['FieldSelectors']).toEqual(
      expect.arrayContaining([
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] },
      ]),
    );
    expect(selectors[0]!['FieldSelectors']).toHaveLength(3);
    expect(exported?.['Value']).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    // CloudTrail checks the bucket policy when the trail is created.
    expect(asList(trail['DependsOn'])).toEqual(expect.arrayContaining([expect.stringMatching(/^AuditArchiveBucketPolicy/)]));
    expect(trailId).toMatch(/^AuditArchive/);
  });

  it('admits CloudTrail to the bucket and its key for this trail alone', () => {
    // Prepare
    const trailArn = `:cloudtrail:${config.region}:${config.account}:trail/${tableTrailNameOf(stage)}`;
    const sourceArn = { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, trailArn]] } };
    const policy = Object.values(s.events.findResources('AWS::S3::BucketPolicy')).find(
      (p) => p['Properties']['Bucket']['Ref'] === s.bucketId,
    )!;
    const statements = policy['Properties']['PolicyDocument']['Statement'] as Json[];

    // Act
    const cloudTrail = statements.filter((statement) => statement['Principal']?.['Service'] === 'cloudtrail.amazonaws.com');

    // Assess
    expect(cloudTrail).toEqual([
      expect.objectContaining({ Action: 's3:GetBucketAcl', Condition: { StringEquals: sourceArn } }),
      expect.objectContaining({
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [s.bucketId, 'Arn'] }, `/${CLOUDTRAIL_PREFIX}/AWSLogs/${config.account}/*`]] },
        Condition: { StringEquals: { ...sourceArn, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    ]);
    s.events.hasResourceProperties('AWS::KMS::Alias', { AliasName: auditTrailKeyAliasOf(stage) });
    s.events.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      PendingWindowInDays: 30,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:GenerateDataKey*',
            Condition: Match.objectLike({ StringEquals: sourceArn }),
          }),
        ]),
      },
    });
  });
});

describe('no role can delete audit objects', () => {
  it.each(STAGES)('stage %s: no statement of any role or policy, inline or managed, in any stack, edits the audit archive', (stage) => {
    // Prepare
    const s = stageOf(stage);

    // Act
    const found = Object.entries(s.templates).map(([stackName, template]) => iamOf(stackName, template));
    const statements = found.flatMap((f) => f.statements);
    const awsManaged = found.flatMap((f) => f.awsManaged);

    // Assess
    expect(statements.length).toBeGreaterThan(50);
    expect(editingGrantsOf(statements, s.bucketId)).toEqual([]);
    // AWS managed policies cannot be read here: each one attached must be one known to grant nothing on S3 objects.
    for (const arn of awsManaged)
      expect(
        Object.keys(KNOWN_AWS_MANAGED_POLICIES).some((name) => arn.includes(`:iam::aws:policy/${name}"`)),
        arn,
      ).toBe(true);
  });

  it('catches a planted grant: s3:* on everything, a delete of versions on the bucket’s objects, a managed policy, a NotAction', () => {
    // Prepare
    const s = stageOf('prod');
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [s.bucketId, 'Arn'] }, '/*']] };
    const planted: FoundStatement[] = [
      { where: 'planted 1', statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } },
      { where: 'planted 2', statement: { Effect: 'Allow', Action: ['sqs:SendMessage', 's3:DeleteObjectVersion'], Resource: objects } },
      { where: 'planted 3', statement: { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::*' } },
      { where: 'planted 4', statement: { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' } },
      { where: 'planted 5', statement: { Effect: 'Allow', Action: 's3:Put*', Resource: { 'Fn::GetAtt': [s.bucketId, 'Arn'] } } },
    ];
    const harmless: FoundStatement[] = [
      { where: 'harmless 1', statement: { Effect: 'Deny', Action: 's3:*', Resource: '*' } },
      { where: 'harmless 2', statement: { Effect: 'Allow', Action: 's3:PutObject', Resource: objects } },
      { where: 'harmless 3', statement: { Effect: 'Allow', Action: 's3:DeleteObject*', Resource: 'arn:aws:s3:::jointly-prod-site/*' } },
    ];
    const managed = structuredClone(s.templates[s.built.events.stackName]!);
    managed['Resources']['PlantedPolicy'] = {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:DeleteObject', Resource: objects }] } },
    };

    // Act
    const caught = editingGrantsOf([...planted, ...harmless], s.bucketId);
    const caughtManaged = editingGrantsOf(iamOf('planted', managed).statements, s.bucketId);

    // Assess
    expect(caught.map((line) => line.split(':')[0])).toEqual(['planted 1', 'planted 2', 'planted 3', 'planted 4', 'planted 5']);
    expect(caughtManaged).toEqual([expect.stringContaining('planted/PlantedPolicy: s3:DeleteObject on')]);
  });
});
