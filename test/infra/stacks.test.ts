/**
 * The deployed shape of every stage (DESIGN §5, §6 "Deployed shape asserted by CDK tests
 * for every stage"). Expectations are derived from the same sources the stacks are built
 * from: `JOINTLY_TABLE`, `ROUTES`, `ROLES` and the stage config.
 *
 * Bundling is skipped (`aws:cdk:bundling-stacks: []`), so no esbuild runs here; the
 * cdk-nag packs still run on every synth, so a new unacknowledged finding fails here too.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, AssetStaging, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_FUNCTION_OVERRIDES } from '#infra/function-settings.ts';
import { buildApp, type JointlyApp } from '#infra/build-app.ts';
import { STAGES, loadStageConfig, type StageName } from '#infra/config/stage-config.ts';
import { REPO_ROOT } from '#infra/constructs/jointly-function.ts';
import { DEFAULT_ROUTE, ROUTES } from '#shared/wiring/routes.ts';
import { functionIdOf, routeKeyOf, type RouteDefinition } from '#shared/platform/http/route-definition.ts';
import { ApiStack } from '#infra/stacks/api-stack.ts';
import { DataStack } from '#infra/stacks/data-stack.ts';
import { JOINTLY_TABLE } from '#shared/platform/dynamodb/table-definition.ts';
import { ROLES } from '#shared/core/reference-data.ts';

/** Skips function bundling (esbuild) for every stack. */
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

const keySchema = (partitionKey: string, sortKey: string) => [
  { AttributeName: partitionKey, KeyType: 'HASH' },
  { AttributeName: sortKey, KeyType: 'RANGE' },
];

const titleCase = (stage: string) => stage.charAt(0).toUpperCase() + stage.slice(1);

const logicalIdOf = (stack: Stack, fn: { node: { defaultChild?: unknown } }) => stack.getLogicalId(fn.node.defaultChild as CfnFunction);

/**
 * The API stack's functions beside the API's own: the daily user-directory export, built next
 * to the pool it reads (infra/stacks/user-directory.ts; its settings are test/infra/user-export.test.ts's).
 */
const EXPORT_FUNCTION_ID = 'exportUsers';
const NON_API_FUNCTIONS = 1;

describe.each(STAGES)('stage %s', (stage: StageName) => {
  const config = loadStageConfig(stage);
  let built: JointlyApp;
  let data: Template;
  let api: Template;

  beforeAll(() => {
    built = buildApp({ stage, context: SKIP_BUNDLING });
    data = Template.fromStack(built.data);
    api = Template.fromStack(built.api);
  });

  describe('stacks', () => {
    it('names every stack after the stage', () => {
      // Prepare
      const expected = ['Data', 'Events', 'Api', 'Console'].map((part) => `Jointly-${titleCase(stage)}-${part}`);

      // Act
      const names = [built.data.stackName, built.events.stackName, built.api.stackName, built.console.stackName];

      // Assess
      expect(names).toEqual(expected);
      expect(built.app.node.children.filter((child) => child instanceof Stack)).toHaveLength(4);
      expect(built.data.region).toBe('eu-west-2');
      expect(built.events.dependencies).toContain(built.data);
      expect(built.api.dependencies).toEqual(expect.arrayContaining([built.data, built.events]));
      expect(built.console.dependencies).toContain(built.api);
    });

    it('tags every resource with the project and the stage', () => {
      // Prepare
      const tags = Match.arrayWith([
        { Key: 'Project', Value: 'Jointly' },
        { Key: 'Stage', Value: stage },
      ]);

      // Act / Assess
      data.hasResourceProperties('AWS::KMS::Key', { Tags: tags });
      api.hasResourceProperties('AWS::Lambda::Function', { Tags: tags });
    });

    it('skips esbuild: function code is not bundled into the assembly', () => {
      // Prepare
      const stagings = built.api.node.findAll().filter((construct): construct is AssetStaging => construct instanceof AssetStaging);

      // Act
      const staged = stagings.map((staging) => path.resolve(staging.absoluteStagedPath));

      // Assess
      expect(stagings).toHaveLength(new Set([...ROUTES, DEFAULT_ROUTE].map(functionIdOf)).size + NON_API_FUNCTIONS);
      for (const stagedPath of staged) expect(stagedPath).toBe(path.resolve(REPO_ROOT));
    });

    it('passes the cdk-nag packs with every finding acknowledged', () => {
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

  describe('data stack', () => {
    it('builds the table key schema from JOINTLY_TABLE', () => {
      // Prepare
      const expected = keySchema(JOINTLY_TABLE.partitionKey, JOINTLY_TABLE.sortKey);

      // Act / Assess
      data.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
      data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        TableName: `jointly-${stage}`,
        KeySchema: expected,
        BillingMode: 'PAY_PER_REQUEST',
      });
    });

    it('creates every GSI of JOINTLY_TABLE with its key schema and projection, and no other', () => {
      // Prepare
      const expected = JOINTLY_TABLE.indexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: index.projection },
      }));

      // Act
      const [table] = Object.values(data.findResources('AWS::DynamoDB::GlobalTable'));
      const indexes = (table!.Properties as { GlobalSecondaryIndexes: unknown[] }).GlobalSecondaryIndexes;

      // Assess
      expect(indexes).toEqual(expected);
    });

    it('declares every key attribute as a string', () => {
      // Prepare
      const names = new Set([
        JOINTLY_TABLE.partitionKey,
        JOINTLY_TABLE.sortKey,
        ...JOINTLY_TABLE.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
      ]);

      // Act / Assess
      data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        AttributeDefinitions: Match.arrayEquals([...names].map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
      });
    });

    it('streams new and old images and expires items on the TTL attribute', () => {
      // Prepare
      const ttl = { AttributeName: JOINTLY_TABLE.timeToLiveAttribute, Enabled: true };

      // Act / Assess
      data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: ttl,
      });
      expect(JOINTLY_TABLE.streamViewType).toBe('NEW_AND_OLD_IMAGES');
    });

    it('enables point-in-time recovery and encrypts with the customer-managed key', () => {
      // Prepare
      const keyId = built.data.getLogicalId(built.data.key.node.defaultChild as never);

      // Act / Assess
      data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            Region: 'eu-west-2',
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
          }),
        ],
      });
    });

    it('rotates the KMS key and names it after the stage', () => {
      // Act / Assess
      data.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      data.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/jointly-${stage}` });
    });

    if (stage === 'prod') {
      it('retains the table and the key on a replacement or delete and protects the table from deletion', () => {
        // Act / Assess
        data.hasResource('AWS::DynamoDB::GlobalTable', {
          DeletionPolicy: 'RetainExceptOnCreate',
          UpdateReplacePolicy: 'Retain',
          Properties: Match.objectLike({
            Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
          }),
        });
        data.hasResource('AWS::KMS::Key', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
        expect(built.data.terminationProtection).toBe(true);
      });
    } else {
      // Staging keeps its table on a replacement or delete (test/infra/stack-policy.test.ts); dev destroys it.
      it(`${stage === 'dev' ? 'does not retain' : 'retains'} the table and leaves deletion protection off`, () => {
        // Act / Assess
        data.hasResource('AWS::DynamoDB::GlobalTable', {
          DeletionPolicy: stage === 'dev' ? 'Delete' : 'RetainExceptOnCreate',
          Properties: Match.objectLike({
            Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
          }),
        });
        expect(built.data.terminationProtection).toBe(false);
      });
    }
  });

  describe('functions', () => {
    it('creates one function per feature slice (the function ids of the route table; $default on the meta slice’s)', () => {
      // Act
      const functions = built.api.functions;

      // Assess
      api.resourceCountIs('AWS::Lambda::Function', 7 + NON_API_FUNCTIONS);
      expect(new Set([...ROUTES, DEFAULT_ROUTE].map(functionIdOf))).toEqual(
        new Set(['metaApi', 'referenceApi', 'referralsApi', 'subjectsApi', 'subscriptionsApi', 'metricsApi', 'fhirApi']),
      );
      expect(functions.get(DEFAULT_ROUTE.operationId)).toBe(functions.get('getHealth'));
      expect([...functions.keys()].sort()).toEqual([...ROUTES.map((route) => route.operationId), DEFAULT_ROUTE.operationId].sort());
    });

    it('runs every function on nodejs24.x / arm64 with the stage defaults, the person’s-rights function with its longer timeout', () => {
      // Prepare
      const exportId = logicalIdOf(built.api, built.api.functionsById.get(EXPORT_FUNCTION_ID)!);
      const functions = Object.entries(api.findResources('AWS::Lambda::Function'))
        .filter(([id]) => id !== exportId)
        .map(([, fn]) => fn);

      // Act / Assess
      expect(functions.length).toBeGreaterThan(0);
      for (const fn of functions) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          MemorySize: config.lambda.memoryMb,
          Handler: 'index.handler',
          Environment: {
            Variables: {
              JOINTLY_STAGE: stage,
              JOINTLY_PRIORITY_TARGET_MINUTES: JSON.stringify(config.priorityTargetMinutes),
              POWERTOOLS_SERVICE_NAME: 'jointly',
              POWERTOOLS_LOG_LEVEL: config.logLevel,
            },
          },
        });
        // Source-mapped stack traces cost cold-start time; they are off unless configured.
        expect(config.lambda.enableSourceMaps).toBe(false);
        expect((fn.Properties as { Environment: { Variables: object } }).Environment.Variables).not.toHaveProperty('NODE_OPTIONS');
      }
      const timeouts = functions.map((fn) => (fn.Properties as { Timeout: number }).Timeout).sort((a, b) => a - b);
      expect(timeouts).toEqual([
        ...Array(functions.length - 1).fill(config.lambda.timeoutSeconds),
        API_FUNCTION_OVERRIDES.subjectsApi!.timeoutSeconds,
      ]);
    });

    it('gives every function its own encrypted log group with the stage retention', () => {
      // Prepare
      const logGroups = Object.values(api.findResources('AWS::Logs::LogGroup'));

      // Act
      const withRetention = logGroups.filter(
        (group) => (group.Properties as { RetentionInDays?: number }).RetentionInDays === config.logRetentionDays,
      );

      // Assess: one per function plus the API access logs, all KMS-encrypted
      expect(withRetention).toHaveLength(new Set([...ROUTES, DEFAULT_ROUTE].map(functionIdOf)).size + NON_API_FUNCTIONS + 1);
      for (const group of logGroups) expect(group.Properties).toHaveProperty('KmsKeyId');
      for (const fn of built.api.functions.values()) {
        const logGroupId = built.api.getLogicalId(fn.logGroupResource.node.defaultChild as never);
        api.hasResourceProperties('AWS::Lambda::Function', {
          LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: config.logLevel, LogGroup: { Ref: logGroupId } },
        });
      }
    });

    it('attaches no AWS managed policy to any function role', () => {
      // Act / Assess
      api.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    });
  });

  describe('HTTP API', () => {
    it.each(ROUTES.map((route) => [routeKeyOf(route), route] as const))(
      'routes %s to its own function with the right authorization',
      (routeKey, route: RouteDefinition) => {
        // Prepare
        const fn = built.api.functions.get(route.operationId);
        expect(fn).toBeDefined();
        const routes = api.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } });

        // Act
        const [resource] = Object.values(routes);
        const integrationId = (resource!.Properties as { Target: { 'Fn::Join': [string, [string, { Ref: string }]] } }).Target[
          'Fn::Join'
        ][1][1].Ref;
        const integration = api.toJSON().Resources[integrationId] as { Properties: Record<string, unknown> };

        // Assess
        expect(Object.keys(routes)).toHaveLength(1);
        expect(resource?.Properties).toMatchObject(
          route.auth === 'jwt' ? { AuthorizationType: 'JWT', AuthorizerId: expect.anything() } : { AuthorizationType: 'NONE' },
        );
        if (route.auth === 'none') expect(resource?.Properties).not.toHaveProperty('AuthorizerId');
        expect(integration.Properties).toMatchObject({
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(built.api, fn!), 'Arn'] },
        });
      },
    );

    it('sends $default, unauthenticated, to the not-found function', () => {
      // Prepare
      const notFound = built.api.functions.get(DEFAULT_ROUTE.operationId)!;

      // Act / Assess
      api.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: '$default',
        AuthorizationType: 'NONE',
        AuthorizerId: Match.absent(),
      });
      api.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(built.api, notFound), 'Arn'] },
      });
    });

    it('deploys exactly the route table plus $default, and never a local-only route', () => {
      // Act
      const routeKeys = Object.values(api.findResources('AWS::ApiGatewayV2::Route')).map(
        (route) => (route.Properties as { RouteKey: string }).RouteKey,
      );

      // Assess
      expect(routeKeys.sort()).toEqual([...ROUTES.map(routeKeyOf), '$default'].sort());
      for (const key of routeKeys) expect(key).not.toContain('_local');
    });

    it('validates JWTs issued by the user pool for the app client and the console client', () => {
      // Prepare
      const userPoolId = built.api.getLogicalId(built.api.userPool.node.defaultChild as never);
      const clientId = built.api.getLogicalId(built.api.userPoolClient.node.defaultChild as never);
      const consoleClientId = built.api.getLogicalId(built.api.consoleClient.node.defaultChild as never);

      // Act / Assess
      api.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
      api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Issuer: { 'Fn::GetAtt': [userPoolId, 'ProviderURL'] },
          Audience: [{ Ref: clientId }, { Ref: consoleClientId }],
        },
      });
    });

    it('throttles and access-logs the $default stage from the stage config', () => {
      // Act / Assess
      api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: config.throttling.rateLimit,
          ThrottlingBurstLimit: config.throttling.burstLimit,
        },
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId"') },
      });
    });

    it('allows the configured CORS origins only', () => {
      // Act / Assess
      api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: Match.objectLike({ AllowOrigins: [...config.corsOrigins], AllowCredentials: false }),
      });
    });

    it('outputs the API URL, the user pool id and the client id', () => {
      // Act / Assess
      api.hasOutput('ApiUrl', { Value: Match.anyValue() });
      api.hasOutput('UserPoolId', { Value: Match.anyValue() });
      api.hasOutput('UserPoolClientId', { Value: Match.anyValue() });
    });
  });

  describe('Cognito', () => {
    it('carries the organisation as a mutable custom attribute and allows no self sign-up', () => {
      // Act / Assess
      api.hasResourceProperties('AWS::Cognito::UserPool', {
        Schema: Match.arrayWith([Match.objectLike({ Name: 'org', AttributeDataType: 'String', Mutable: true })]),
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UsernameAttributes: ['email'],
      });
    });

    it('enforces a strong password policy and offers TOTP MFA', () => {
      // Act / Assess
      api.hasResourceProperties('AWS::Cognito::UserPool', {
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      });
    });

    it('uses threat protection as the stage config says', () => {
      // Prepare
      const expected =
        config.threatProtection === 'off'
          ? { UserPoolTier: 'ESSENTIALS', UserPoolAddOns: Match.absent() }
          : {
              UserPoolTier: 'PLUS',
              UserPoolAddOns: { AdvancedSecurityMode: config.threatProtection === 'enforced' ? 'ENFORCED' : 'AUDIT' },
            };

      // Act / Assess
      api.hasResourceProperties('AWS::Cognito::UserPool', expected);
    });

    it('creates one group per role', () => {
      // Act / Assess
      api.resourceCountIs('AWS::Cognito::UserPoolGroup', ROLES.length);
      for (const role of ROLES) api.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: role });
      expect(ROLES).toEqual(expect.arrayContaining(['practitioner', 'programme_manager']));
    });

    it('has a public SRP client that can read but never write custom:org', () => {
      // Prepare
      // (The stack has two clients: this one, and the console's, tested in console-site.test.ts.)
      const client =
        api.findResources('AWS::Cognito::UserPoolClient')[built.api.getLogicalId(built.api.userPoolClient.node.defaultChild as never)];

      // Act
      const props = client?.Properties as Record<string, unknown>;

      // Assess
      expect(props).toMatchObject({
        GenerateSecret: false,
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        ReadAttributes: expect.arrayContaining(['custom:org']),
      });
      expect(props['WriteAttributes']).toBeInstanceOf(Array);
      expect(props['WriteAttributes']).not.toContain('custom:org');
      expect(props).not.toHaveProperty('AllowedOAuthFlows');
    });
  });
});

describe('table access of route functions', () => {
  const probe = (operationId: string, path: string, tableAccess?: RouteDefinition['tableAccess']): RouteDefinition => ({
    ...ROUTES[0]!,
    operationId,
    functionId: operationId,
    path,
    ...(tableAccess ? { tableAccess } : {}),
  });
  let template: Template;
  let stack: ApiStack;

  beforeAll(() => {
    const app = new App({ context: SKIP_BUNDLING });
    const config = loadStageConfig('dev');
    const env = { region: config.region };
    const data = new DataStack(app, 'Probe-Data', { stageConfig: config, env });
    stack = new ApiStack(app, 'Probe-Api', {
      stageConfig: config,
      env,
      table: data.table,
      key: data.key,
      routes: [probe('readProbe', '/read', 'read'), probe('writeProbe', '/write', 'readWrite'), probe('noTable', '/none')],
    });
    template = Template.fromStack(stack);
  });

  const policyOf = (operationId: string): string => {
    const fn = stack.functions.get(operationId)!;
    const roleId = stack.getLogicalId(fn.executionRole.node.defaultChild as never);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify((policy.Properties as { Roles: unknown }).Roles).includes(roleId),
    );
    return JSON.stringify(policies);
  };

  const envOf = (operationId: string): Record<string, unknown> => {
    const fn = stack.functions.get(operationId)!;
    const resource = template.toJSON().Resources[logicalIdOf(stack, fn)] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    return resource.Properties.Environment.Variables;
  };

  it('grants read-only access and the table name to a read route', () => {
    // Act
    const policy = policyOf('readProbe');

    // Assess
    expect(policy).toContain('dynamodb:Query');
    expect(policy).toContain('dynamodb:GetItem');
    expect(policy).toContain('kms:Decrypt');
    expect(policy).not.toContain('dynamodb:PutItem');
    expect(envOf('readProbe')).toHaveProperty('JOINTLY_TABLE_NAME');
  });

  it('grants write access to a readWrite route', () => {
    // Act
    const policy = policyOf('writeProbe');

    // Assess
    expect(policy).toContain('dynamodb:PutItem');
    expect(policy).toContain('dynamodb:Query');
    expect(envOf('writeProbe')).toHaveProperty('JOINTLY_TABLE_NAME');
  });

  it('grants nothing on the table to a route without table access', () => {
    // Act
    const policy = policyOf('noTable');

    // Assess
    expect(policy).not.toContain('dynamodb:');
    expect(envOf('noTable')).not.toHaveProperty('JOINTLY_TABLE_NAME');
  });
});

describe('cdk-nag wiring', () => {
  it('fails synth on an unacknowledged finding in any of the stacks', () => {
    // Prepare: an unencrypted log group that never expires breaks HIPAA.Security rules
    const { app, data, events, api } = buildApp({ stage: 'dev', context: SKIP_BUNDLING });
    for (const stack of [data, events, api]) new logs.LogGroup(stack, 'Unbounded', { retention: logs.RetentionDays.INFINITE });

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/HIPAA\.Security-CloudWatchLogGroupRetentionPeriod/);
    for (const stack of ['Data', 'Events', 'Api']) expect(synth).toThrow(new RegExp(`Jointly-Dev-${stack}/Unbounded/Resource`));
  });

  it('fails synth on an unacknowledged warning too, not only on errors', () => {
    // Prepare: a network ACL is an AwsSolutions warning (VPC3), nothing else
    const { app, api } = buildApp({ stage: 'dev', context: SKIP_BUNDLING });
    const vpc = ec2.Vpc.fromVpcAttributes(api, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-2a'] });
    new ec2.NetworkAcl(api, 'Acl', { vpc });

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/WARNING[^\n]*\(AwsSolutions\)[\s\S]*AwsSolutions-VPC3/);
  });
});
