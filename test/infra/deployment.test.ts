/**
 * What a platform team checks before accepting a stage (issue 6), for every stage:
 * least-privilege IAM (no wildcard actions; `Resource: *` only where AWS allows nothing
 * narrower; table actions exactly as the route table declares), a DLQ or on-failure
 * destination on every asynchronous edge, the alarms and the dashboard, and physical
 * names that let two stages share one account.
 *
 * Each stage is built once (bundling skipped); expectations come from the same sources the
 * stacks are built from (ROUTES, FUNCTION_ENTRIES, QUEUES, the stage config), and the
 * expected IAM action sets are spelled out here rather than re-derived from the construct.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { webhookSecretRoleNamesOf } from '#infra/stacks/data-stack.ts';
import { buildApp, type JointlyApp } from '#infra/build-app.ts';
import { STAGES, loadStageConfig, type StageName } from '#infra/config/stage-config.ts';
import { API_LATENCY_P99_THRESHOLD_MS, ITERATOR_AGE_THRESHOLD_MS } from '#infra/constructs/alarms.ts';
import { REPO_ROOT } from '#infra/constructs/jointly-function.ts';
import { EVENT_FUNCTIONS, FUNCTION_ENTRIES, type EventFunctionName } from '#infra/function-entries.ts';
import { ROUTES } from '#shared/wiring/routes.ts';
import { functionIdOf } from '#shared/platform/http/route-definition.ts';
import { LOG_METRICS } from '#infra/stacks/event-path-monitoring.ts';
import type { SlaSweepResult } from '#shared/referrals/data/sla-sweep.ts';
import { JOINTLY_TABLE } from '#shared/platform/dynamodb/table-definition.ts';
import type { DeliverResult } from '#shared/subscriptions/domain/delivery.ts';
import type { FanOutResult } from '#shared/subscriptions/domain/fan-out.ts';
import type { MetricsBatchResult } from '#shared/metrics/domain/metrics-consumer.ts';
import { EVENT_ENV } from '#shared/platform/config/environment.ts';
import { BACKUP_MANAGED_POLICIES } from '#infra/constructs/table-backup.ts';

/** Skips function bundling (esbuild) for every stack. */
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

type Json = Record<string, any>;
type Part = 'data' | 'events' | 'api';
const PARTS: readonly Part[] = ['data', 'events', 'api'];

interface BuiltStage {
  readonly built: JointlyApp;
  readonly stacks: Readonly<Record<Part, Stack>>;
  readonly templates: Readonly<Record<Part, Json>>;
}

const cache = new Map<StageName, BuiltStage>();
/** Builds (once per file) and synthesises one stage. */
const stageOf = (stage: StageName): BuiltStage => {
  const known = cache.get(stage);
  if (known) return known;
  const built = buildApp({ stage, context: SKIP_BUNDLING, nag: false });
  const stacks = { data: built.data, events: built.events, api: built.api };
  const templates = Object.fromEntries(PARTS.map((part) => [part, Template.fromStack(stacks[part]).toJSON()])) as Record<Part, Json>;
  const result = { built, stacks, templates };
  cache.set(stage, result);
  return result;
};

const resourcesOf = (template: Json, type: string): [string, Json][] =>
  Object.entries(template['Resources'] as Record<string, Json>).filter(([, resource]) => resource['Type'] === type);

const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every IAM statement of `template`, with the role logical ids it is attached to. */
const statementsOf = (template: Json): { roles: string[]; statement: Json }[] => [
  ...resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, policy]) =>
    (policy['Properties']['PolicyDocument']['Statement'] as Json[]).map((statement) => ({
      roles: asArray(policy['Properties']['Roles'] as Json[]).map((role) => role['Ref'] as string),
      statement,
    })),
  ),
  ...resourcesOf(template, 'AWS::IAM::Role').flatMap(([roleId, role]) =>
    asArray(role['Properties']['Policies'] as Json[]).flatMap((policy) =>
      (policy['PolicyDocument']['Statement'] as Json[]).map((statement) => ({ roles: [roleId], statement })),
    ),
  ),
];

/** Every function of the stage by function id, with its stack and role logical id. */
const functionsOf = (stage: BuiltStage) => {
  const { built } = stage;
  const api = [...built.api.functionsById].map(([id, fn]) => ({ id, part: 'api' as const, fn }));
  const events = [...built.events.functions].map(([id, fn]) => ({ id: id as string, part: 'events' as const, fn }));
  return [...api, ...events].map(({ id, part, fn }) => ({
    id,
    part,
    functionId: logicalIdOf(stage.stacks[part], fn),
    roleId: logicalIdOf(stage.stacks[part], fn.executionRole),
  }));
};

/** The statements of one function's role. */
const statementsOfFunction = (stage: BuiltStage, fn: { part: Part; roleId: string }): Json[] =>
  statementsOf(stage.templates[fn.part])
    .filter(({ roles }) => roles.includes(fn.roleId))
    .map(({ statement }) => statement);

const actionsOf = (statements: Json[]): string[] =>
  [...new Set(statements.flatMap((s) => asArray(s['Action'] as string | string[])))].sort();

/** `{Fn::ImportValue: name}` in the API stack → the value the events/data stack exported. */
const resolveImport = (stage: BuiltStage, value: Json): { part: Part; value: Json } => {
  const name = value['Fn::ImportValue'] as string | undefined;
  if (name === undefined) throw new Error(`Not an import: ${JSON.stringify(value)}`);
  for (const part of PARTS) {
    for (const output of Object.values((stage.templates[part]['Outputs'] ?? {}) as Record<string, Json>)) {
      if (output['Export']?.['Name'] === name) return { part, value: output['Value'] as Json };
    }
  }
  throw new Error(`No export named ${name}`);
};

const READ = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const WRITE = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const STREAM = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

/** The table access each event function needs (they are not in the route table). */
const EVENT_TABLE_ACTIONS: Record<EventFunctionName, string[]> = {
  publisher: STREAM,
  // It archives (the audit bucket) and disposes (the table's items) from the stream.
  recordKeeper: [...READ, ...WRITE, ...STREAM].sort(),
  fanOut: [...READ, ...WRITE].sort(),
  deliver: [...READ, ...WRITE].sort(),
  metrics: [...READ, ...WRITE].sort(),
  slaSweep: [...READ, ...WRITE].sort(),
  // The user-directory export reads the pool, not the table.
  exportUsers: [],
};

/** The services each event function calls. */
const EVENT_SERVICES: Record<EventFunctionName, string[]> = {
  publisher: ['dynamodb', 'events', 'kms', 'logs', 'sqs', 'xray'],
  recordKeeper: ['dynamodb', 'kms', 'logs', 's3', 'sqs', 'xray'],
  fanOut: ['dynamodb', 'kms', 'logs', 'sqs', 'xray'],
  deliver: ['dynamodb', 'kms', 'logs', 'ses', 'sqs', 'xray'],
  metrics: ['dynamodb', 'kms', 'logs', 'sqs', 'xray'],
  slaSweep: ['dynamodb', 'kms', 'logs', 'sqs', 'xray'],
  exportUsers: ['cognito-idp', 'kms', 'logs', 's3', 'xray'],
};

/** The properties of every alarm in one stack of the stage. */
const alarmsIn = (stage: BuiltStage, part: Part): Json[] =>
  resourcesOf(stage.templates[part], 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm['Properties'] as Json);

/** The routes a function id serves. */
const routesOf = (functionId: string) => ROUTES.filter((route) => functionIdOf(route) === functionId);

describe.each(STAGES)('stage %s', (stage: StageName) => {
  const config = loadStageConfig(stage);
  let s: BuiltStage;

  beforeAll(() => {
    s = stageOf(stage);
  });

  describe('functions', () => {
    it('deploys exactly the functions of FUNCTION_ENTRIES (what the bundle report measures)', () => {
      // Act
      const deployed = functionsOf(s).map((fn) => fn.id);
      const count = PARTS.reduce((sum, part) => sum + resourcesOf(s.templates[part], 'AWS::Lambda::Function').length, 0);

      // Assess
      expect(deployed.sort()).toEqual(FUNCTION_ENTRIES.map((fn) => fn.id).sort());
      expect(count).toBe(FUNCTION_ENTRIES.length);
    });

    it('hands the delivery and fan-out workers the stage webhook policy and app base URL', () => {
      // Prepare
      const expected = { [EVENT_ENV.webhookPolicy]: config.webhookPolicy, [EVENT_ENV.appBaseUrl]: config.appBaseUrl };

      // Act
      const env = (name: EventFunctionName) =>
        s.templates.events['Resources'][logicalIdOf(s.stacks.events, s.built.events.functions.get(name)!)]['Properties']['Environment'][
          'Variables'
        ];

      // Assess
      expect(env('deliver')).toMatchObject(expected);
      expect(env('fanOut')).toMatchObject(expected);
    });

    it('checks new webhook URLs against the same policy', () => {
      // Prepare
      const sealers = ROUTES.filter((route) => route.eventAccess?.includes('sealer'));

      // Act
      const envs = sealers.map(
        (route) =>
          s.templates.api['Resources'][logicalIdOf(s.stacks.api, s.built.api.functions.get(route.operationId)!)]['Properties'][
            'Environment'
          ]['Variables'],
      );

      // Assess
      expect(sealers.length).toBeGreaterThan(0);
      for (const env of envs) expect(env).toHaveProperty(EVENT_ENV.webhookPolicy, 'public-https');
    });
  });

  describe('least privilege', () => {
    it('grants no wildcard action in any IAM statement of any stack', () => {
      // Act
      const wildcards = PARTS.flatMap((part) =>
        statementsOf(s.templates[part]).flatMap(({ statement }) =>
          asArray(statement['Action'] as string | string[])
            .filter((action) => action.includes('*'))
            .map((action) => `${part}: ${action}`),
        ),
      );
      const notActions = PARTS.flatMap((part) => statementsOf(s.templates[part]).filter(({ statement }) => statement['NotAction']));

      // Assess
      expect(wildcards).toEqual([]);
      expect(notActions).toEqual([]);
    });

    it('uses Resource "*" only for the acknowledged exceptions: X-Ray, and ListStreams for the stream consumers', () => {
      // Prepare
      const expected = [
        ...functionsOf(s).flatMap((fn) => XRAY.map((action) => `${fn.id} ${action}`)),
        'publisher dynamodb:ListStreams',
        'recordKeeper dynamodb:ListStreams',
      ].sort();

      // Act
      const onEverything = functionsOf(s)
        .flatMap((fn) =>
          statementsOfFunction(s, fn)
            .filter((statement) => asArray(statement['Resource'] as unknown).includes('*'))
            .flatMap((statement) => asArray(statement['Action'] as string | string[]).map((action) => `${fn.id} ${action}`)),
        )
        .sort();
      const roles = PARTS.reduce((sum, part) => sum + resourcesOf(s.templates[part], 'AWS::IAM::Role').length, 0);

      // Assess: and every role is a function's, but AWS Backup's (its own service policies, no wildcard of ours), so nothing else holds a wildcard
      expect(onEverything).toEqual(expected);
      expect(roles).toBe(functionsOf(s).length + 1);
    });

    it.each(FUNCTION_ENTRIES.filter((fn) => fn.kind === 'api').map((fn) => [fn.id] as const))(
      'API function %s gets exactly the table actions its routes declare',
      (functionId) => {
        // Prepare
        const routes = routesOf(functionId);
        const access = routes.some((r) => r.tableAccess === 'readWrite')
          ? 'readWrite'
          : routes.some((r) => r.tableAccess === 'read')
            ? 'read'
            : undefined;
        const expected = access === 'readWrite' ? [...READ, ...WRITE].sort() : access === 'read' ? READ : [];
        const fn = functionsOf(s).find((f) => f.id === functionId)!;

        // Act
        const statements = statementsOfFunction(s, fn);
        const tableActions = actionsOf(statements).filter((action) => action.startsWith('dynamodb:'));
        const tableResources = JSON.stringify(
          statements.filter((st) => actionsOf([st]).some((a) => a.startsWith('dynamodb:'))).map((st) => st['Resource']),
        );

        // Assess
        expect(tableActions).toEqual(expected);
        if (access !== 'readWrite') for (const write of WRITE) expect(tableActions).not.toContain(write);
        expect(tableResources).not.toContain('index/*');
        if (access) for (const index of JOINTLY_TABLE.indexes) expect(tableResources).toContain(`/index/${index.indexName}`);
      },
    );

    it.each(FUNCTION_ENTRIES.filter((fn) => fn.kind === 'api').map((fn) => [fn.id] as const))(
      'API function %s calls only the services its routes need',
      (functionId) => {
        // Prepare
        const routes = routesOf(functionId);
        const eventAccess = new Set(routes.flatMap((r) => r.eventAccess ?? []));
        const expected = new Set(['logs', 'xray']);
        if (routes.some((r) => r.tableAccess)) for (const service of ['dynamodb', 'kms']) expected.add(service);
        if (routes.some((r) => r.secrets?.length)) for (const service of ['secretsmanager', 'kms']) expected.add(service);
        if (eventAccess.has('sealer')) expected.add('kms');
        if (eventAccess.has('deliveryQueue')) for (const service of ['sqs', 'kms']) expected.add(service);
        const fn = functionsOf(s).find((f) => f.id === functionId)!;

        // Act
        const services = new Set(actionsOf(statementsOfFunction(s, fn)).map((action) => action.split(':')[0]));

        // Assess
        expect([...services].sort()).toEqual([...expected].sort());
      },
    );

    it.each(Object.keys(EVENT_FUNCTIONS).map((id) => [id as EventFunctionName] as const))(
      'event function %s gets exactly the table actions and services it needs',
      (id) => {
        // Prepare
        const fn = functionsOf(s).find((f) => f.id === id)!;

        // Act
        const actions = actionsOf(statementsOfFunction(s, fn));

        // Assess
        expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual(EVENT_TABLE_ACTIONS[id]);
        expect([...new Set(actions.map((action) => action.split(':')[0]))].sort()).toEqual(EVENT_SERVICES[id]);
      },
    );

    it('attaches no AWS managed policy to any role, but AWS Backup’s own service policies to the role only AWS Backup assumes', () => {
      // Act
      const managed = PARTS.flatMap((part) => resourcesOf(s.templates[part], 'AWS::IAM::Role')).filter(
        ([, role]) => role['Properties']['ManagedPolicyArns'],
      );
      const [backupRoles, others] = [
        managed.filter(([, role]) => JSON.stringify(role['Properties']['AssumeRolePolicyDocument']).includes('backup.amazonaws.com')),
        managed.filter(([, role]) => !JSON.stringify(role['Properties']['AssumeRolePolicyDocument']).includes('backup.amazonaws.com')),
      ];

      // Assess
      expect(others).toEqual([]);
      expect(backupRoles).toHaveLength(1);
      const arns = JSON.stringify(backupRoles[0]![1]['Properties']['ManagedPolicyArns']);
      for (const name of BACKUP_MANAGED_POLICIES) expect(arns).toContain(name);
      expect(backupRoles[0]![1]['Properties']['ManagedPolicyArns']).toHaveLength(BACKUP_MANAGED_POLICIES.length);
    });
  });

  describe('asynchronous edges', () => {
    it('gives every stream mapping an on-failure queue, and every SQS mapping a source queue with a redrive policy', () => {
      // Prepare
      const template = s.templates.events;
      const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').map(([, m]) => m['Properties'] as Json);

      // Act
      const unprotected = mappings.filter((mapping) => {
        if (mapping['DestinationConfig']?.['OnFailure']?.['Destination']) return false;
        const queueId = mapping['EventSourceArn']?.['Fn::GetAtt']?.[0] as string | undefined;
        return !(queueId && template['Resources'][queueId]?.['Properties']?.['RedrivePolicy']);
      });

      // Assess
      // Three queues, and the stream twice, DynamoDB's advised most readers per shard (decision 61):
      // the publisher's outbox events, and the record keeper's access-log entries, events and TTL removals.
      expect(mappings).toHaveLength(5);
      expect(mappings.filter((m) => m['StartingPosition'])).toHaveLength(2);
      expect(unprotected).toEqual([]);
    });

    it('gives every EventBridge rule target a dead-letter queue', () => {
      // Act
      const targets = resourcesOf(s.templates.events, 'AWS::Events::Rule').flatMap(([, rule]) => rule['Properties']['Targets'] as Json[]);

      // Assess
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) expect(target).toHaveProperty('DeadLetterConfig.Arn');
    });

    it('sends failed asynchronous invocations (the scheduled sweep) to an on-failure queue, without Lambda retries', () => {
      // Prepare
      const template = s.templates.events;
      const invoked = resourcesOf(template, 'AWS::Events::Rule')
        .flatMap(([, rule]) => rule['Properties']['Targets'] as Json[])
        .map((target) => target['Arn']?.['Fn::GetAtt']?.[0] as string)
        .filter((id) => template['Resources'][id]?.['Type'] === 'AWS::Lambda::Function');

      // Act
      const configs = resourcesOf(template, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => c['Properties'] as Json);

      // Assess
      expect(invoked).toEqual([logicalIdOf(s.stacks.events, s.built.events.functions.get('slaSweep')!)]);
      for (const functionId of invoked) {
        const config = configs.find((c) => c['FunctionName']?.['Ref'] === functionId);
        expect(config).toMatchObject({ MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: expect.anything() } } });
      }
    });

    it('gives every work queue a redrive policy, and uses every other queue as a dead-letter queue', () => {
      // Prepare
      const template = s.templates.events;
      const referenced = new Set(
        JSON.stringify(template['Resources'])
          .match(/"(deadLetterTargetArn|Arn|Destination)":\{"Fn::GetAtt":\["[A-Za-z0-9]+","Arn"\]\}/g)
          ?.map((ref) => /\["([A-Za-z0-9]+)"/.exec(ref)![1]!) ?? [],
      );

      // Act
      const queues = resourcesOf(template, 'AWS::SQS::Queue');
      const work = queues.filter(([, q]) => q['Properties']['RedrivePolicy']);
      const deadLetter = queues.filter(([, q]) => !q['Properties']['RedrivePolicy']);

      // Assess
      expect(work.map(([, q]) => q['Properties']['QueueName']).sort()).toEqual([
        `jointly-${stage}-deliveries-queue`,
        `jointly-${stage}-fan-out-queue`,
        `jointly-${stage}-metrics-queue`,
      ]);
      for (const [id] of deadLetter) expect(referenced, `${id} is nobody's dead-letter queue`).toContain(id);
    });
  });

  describe('alarms', () => {
    const alarmsOf = (part: Part) => alarmsIn(s, part);
    const allAlarms = () => PARTS.flatMap(alarmsOf);

    it('alarms on Errors > 0 and Throttles > 0 over five minutes for every function', () => {
      // Act
      const missing = functionsOf(s).flatMap((fn) =>
        ['Errors', 'Throttles'].flatMap((metricName) => {
          const found = alarmsOf(fn.part).filter(
            (a) =>
              a['MetricName'] === metricName &&
              a['Namespace'] === 'AWS/Lambda' &&
              JSON.stringify(a['Dimensions']) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fn.functionId } }]),
          );
          return found.length === 1 &&
            found[0]!['Statistic'] === 'Sum' &&
            found[0]!['Period'] === 300 &&
            found[0]!['Threshold'] === 0 &&
            found[0]!['ComparisonOperator'] === 'GreaterThanThreshold'
            ? []
            : [`${fn.id} ${metricName}`];
        }),
      );

      // Assess
      expect(missing).toEqual([]);
    });

    it('alarms on API 5xx > 0 and p99 latency > 2 s over five minutes, on the $default stage', () => {
      // Prepare
      const apiId = logicalIdOf(s.stacks.api, s.built.api.httpApi);
      const dimensions = [
        { Name: 'ApiId', Value: { Ref: apiId } },
        { Name: 'Stage', Value: '$default' },
      ];

      // Act
      const api = alarmsOf('api').filter((a) => a['Namespace'] === 'AWS/ApiGateway');

      // Assess
      expect(api).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            MetricName: '5xx',
            Statistic: 'Sum',
            Period: 300,
            Threshold: 0,
            Dimensions: expect.arrayContaining(dimensions),
          }),
          expect.objectContaining({
            MetricName: 'Latency',
            ExtendedStatistic: 'p99',
            Period: 300,
            Threshold: API_LATENCY_P99_THRESHOLD_MS,
            Dimensions: expect.arrayContaining(dimensions),
          }),
        ]),
      );
      expect(API_LATENCY_P99_THRESHOLD_MS).toBe(2000);
    });

    it('alarms on every dead-letter queue holding a message', () => {
      // Prepare
      const deadLetterQueues = resourcesOf(s.templates.events, 'AWS::SQS::Queue').filter(([, q]) => !q['Properties']['RedrivePolicy']);

      // Act
      const unalarmed = deadLetterQueues.filter(
        ([id]) =>
          !alarmsOf('events').some(
            (a) =>
              a['MetricName'] === 'ApproximateNumberOfMessagesVisible' &&
              a['Threshold'] === 0 &&
              JSON.stringify(a['Dimensions']) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]),
          ),
      );

      // Assess
      expect(deadLetterQueues).toHaveLength(9);
      expect(unalarmed).toEqual([]);
    });

    it('alarms when the stream publisher falls more than a minute behind', () => {
      // Prepare
      const publisher = logicalIdOf(s.stacks.events, s.built.events.functions.get('publisher')!);

      // Act / Assess
      expect(alarmsOf('events')).toContainEqual(
        expect.objectContaining({
          MetricName: 'IteratorAge',
          Threshold: ITERATOR_AGE_THRESHOLD_MS,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: publisher } }],
        }),
      );
    });

    it('counts dead-lettered deliveries from the deliver log line and alarms on any', () => {
      // Prepare
      const deliverLogs = logicalIdOf(s.stacks.events, s.built.events.functions.get('deliver')!.logGroupResource);
      const filters = resourcesOf(s.templates.events, 'AWS::Logs::MetricFilter').map(([, f]) => f['Properties'] as Json);

      // Act
      const filter = filters.find((f) => f['MetricTransformations'][0]['MetricName'] === 'DeliveriesDeadLettered');

      // Assess
      expect(filter).toMatchObject({
        LogGroupName: { Ref: deliverLogs },
        FilterPattern: '{ ($.message = "Delivery attempt") && ($.status = "dead-lettered") }',
        MetricTransformations: [{ MetricNamespace: `Jointly/${stage}`, MetricValue: '1' }],
      });
      expect(alarmsOf('events')).toContainEqual(
        expect.objectContaining({ Namespace: `Jointly/${stage}`, MetricName: 'DeliveriesDeadLettered', Statistic: 'Sum', Threshold: 0 }),
      );
    });

    it('sends every alarm, on ALARM and on OK, to the stage topic, and names it after the stage', () => {
      // Prepare
      const topicId = logicalIdOf(s.stacks.events, s.built.events.alarmTopic);
      const isTopic = (action: Json, part: Part) =>
        part === 'events'
          ? action['Ref'] === topicId
          : (() => {
              const resolved = resolveImport(s, action);
              return resolved.part === 'events' && resolved.value['Ref'] === topicId;
            })();

      // Act
      const wrong = PARTS.flatMap((part) =>
        alarmsOf(part).filter(
          (a) =>
            a['AlarmActions']?.length !== 1 ||
            !isTopic(a['AlarmActions'][0], part) ||
            a['OKActions']?.length !== 1 ||
            !isTopic(a['OKActions'][0], part) ||
            !String(a['AlarmName']).startsWith(`jointly-${stage}-`),
        ),
      );

      // Assess
      // Errors and throttles per function; 5xx and p99; 9 DLQs; the publisher's and the record
      // keeper's iterator age; dead-lettered deliveries; FailedInvocations of the 2 bus rules,
      // the sweep schedule and the user-export schedule; the stalled sweep.
      expect(allAlarms().length).toBe(functionsOf(s).length * 2 + 2 + 9 + 2 + 1 + 4 + 1);
      expect(wrong).toEqual([]);
    });

    it('e-mails the stage alarm address from an encrypted topic', () => {
      // Act / Assess
      expect(resourcesOf(s.templates.events, 'AWS::SNS::Topic')).toHaveLength(1);
      Template.fromJSON(s.templates.events).hasResourceProperties('AWS::SNS::Topic', {
        TopicName: `jointly-${stage}-alarms`,
        KmsMasterKeyId: Match.anyValue(),
      });
      Template.fromJSON(s.templates.events).hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: config.alarmEmail,
      });
    });
  });

  describe('dashboard', () => {
    it('has one dashboard named for the stage with the API, functions, queues, stream lag, deliveries and every alarm', () => {
      // Prepare
      const dashboards = PARTS.flatMap((part) => resourcesOf(s.templates[part], 'AWS::CloudWatch::Dashboard')).map(
        ([, d]) => d['Properties'] as Json,
      );
      const queueNames = resourcesOf(s.templates.events, 'AWS::SQS::Queue').map(([, q]) => q['Properties']['QueueName'] as string);
      const alarmNames = PARTS.flatMap((part) => alarmsIn(s, part)).map((a) => a['AlarmName'] as string);

      // Act
      const body = JSON.stringify(dashboards[0]?.['DashboardBody']);

      // Assess
      expect(dashboards).toHaveLength(1);
      expect(dashboards[0]).toMatchObject({ DashboardName: `jointly-${stage}` });
      for (const metric of ['"5xx"', '"4xx"', '"Latency"', '"Count"', '"Errors"', '"Duration"', '"Throttles"', '"IteratorAge"']) {
        expect(body).toContain(metric.replace(/"/g, '\\"'));
      }
      for (const name of queueNames) expect(body).toContain(name);
      for (const name of Object.keys(LOG_METRICS)) expect(body).toContain(name.charAt(0).toUpperCase() + name.slice(1));
      for (const name of alarmNames) expect(body).toContain(`:alarm:${name}`);
    });
  });
});

describe('log lines the metric filters count', () => {
  /** Where each function's log lines are written: its entry is one line, the handler its composition root builds logs. */
  const HANDLER_MODULES: Partial<Record<EventFunctionName, string>> = {
    fanOut: 'shared/subscriptions/api/fan-out-handler.ts',
    deliver: 'shared/subscriptions/api/deliver-handler.ts',
    metrics: 'shared/metrics/api/metrics-handler.ts',
    slaSweep: 'shared/sla/api/sla-sweep-handler.ts',
  };

  it.each(Object.entries(LOG_METRICS))('%s: the function still logs the message the filter matches', (_name, spec) => {
    // Prepare
    const source = readFileSync(path.join(REPO_ROOT, HANDLER_MODULES[spec.fn] ?? EVENT_FUNCTIONS[spec.fn].entry), 'utf8');

    // Act / Assess
    expect(source).toContain(`'${spec.message}'`);
  });

  it('matches status values and fields the workers really produce (checked by the typecheck)', () => {
    // Prepare: these fail `npm run typecheck` if the result types drift from the filters
    const statuses = ['delivered', 'retry-queued', 'dead-lettered'] as const satisfies readonly DeliverResult['status'][];
    const fanOutFields = ['alerted', 'jobsQueued'] as const satisfies readonly (keyof FanOutResult)[];
    const sweepFields = ['raised'] as const satisfies readonly (keyof SlaSweepResult)[];
    const metricsFields = ['counted', 'duplicates'] as const satisfies readonly (keyof MetricsBatchResult)[];

    // Act
    const used = Object.values(LOG_METRICS).flatMap((spec) => [
      'status' in spec ? spec.status : undefined,
      spec.value.replace(/^\$\./, ''),
    ]);

    // Assess
    for (const value of [...statuses, ...fanOutFields, ...sweepFields, ...metricsFields]) expect(used).toContain(value);
  });
});

describe('two stages in one account', () => {
  /** Account- and region-scoped names, by resource type. */
  const NAME_PROPERTIES: Record<string, (props: Json) => string | undefined> = {
    'AWS::DynamoDB::GlobalTable': (p) => p['TableName'],
    'AWS::KMS::Alias': (p) => p['AliasName'],
    'AWS::SQS::Queue': (p) => p['QueueName'],
    'AWS::SNS::Topic': (p) => p['TopicName'],
    'AWS::Events::EventBus': (p) => p['Name'],
    'AWS::SecretsManager::Secret': (p) => p['Name'],
    'AWS::Cognito::UserPool': (p) => p['UserPoolName'],
    'AWS::ApiGatewayV2::Api': (p) => p['Name'],
    'AWS::SES::EmailIdentity': (p) => p['EmailIdentity'],
    'AWS::CloudWatch::Alarm': (p) => p['AlarmName'],
    'AWS::CloudWatch::Dashboard': (p) => p['DashboardName'],
    'AWS::Budgets::Budget': (p) => p['Budget']['BudgetName'],
    'AWS::Logs::MetricFilter': (p) => `${p['MetricTransformations'][0]['MetricNamespace']}/${p['MetricTransformations'][0]['MetricName']}`,
    'AWS::Logs::LogGroup': (p) => p['LogGroupName'],
    'AWS::Lambda::Function': (p) => p['FunctionName'],
    'AWS::IAM::Role': (p) => p['RoleName'],
    'AWS::Events::Rule': (p) => p['Name'],
    // CloudFront's are account-wide (global), Cognito's domain prefix region-wide across accounts.
    'AWS::CloudFront::Function': (p) => p['Name'],
    'AWS::CloudFront::CachePolicy': (p) => p['CachePolicyConfig']['Name'],
    'AWS::CloudFront::ResponseHeadersPolicy': (p) => p['ResponseHeadersPolicyConfig']['Name'],
    'AWS::CloudFront::OriginAccessControl': (p) => p['OriginAccessControlConfig']['Name'],
    'AWS::Cognito::UserPoolDomain': (p) => p['Domain'],
  };
  /**
   * Types whose names CloudFormation generates from the stack name unless set: none may be set.
   * (Rules on the stage's bus keep generated names; the default-bus schedule is named
   * `jointly-<stage>-…` so the key policy can admit its DLQ writes by name.)
   */
  const GENERATED = ['AWS::Logs::LogGroup', 'AWS::Lambda::Function', 'AWS::IAM::Role'];

  const namesOf = (stage: StageName) => {
    const { built, templates } = stageOf(stage);
    const names: { type: string; name: string }[] = [built.data, built.events, built.api].map((stack) => ({
      type: 'stack',
      name: stack.stackName,
    }));
    for (const part of PARTS) {
      for (const resource of Object.values(templates[part]['Resources'] as Record<string, Json>)) {
        const name = NAME_PROPERTIES[resource['Type']]?.(resource['Properties'] ?? {});
        if (name !== undefined) names.push({ type: resource['Type'], name: typeof name === 'string' ? name : JSON.stringify(name) });
      }
    }
    return names;
  };

  it('gives every explicitly named resource a name carrying its stage, so no two stages collide', () => {
    // Act
    const byStage = STAGES.map((stage) => ({ stage, names: namesOf(stage) }));
    const all = byStage.flatMap(({ names }) => names.map((n) => `${n.type} ${n.name}`));
    const duplicates = all.filter((name, index) => all.indexOf(name) !== index);

    // Assess
    expect(duplicates).toEqual([]);
    for (const { stage, names } of byStage) {
      // The SES sender is an e-mail address of the stage's choosing: unique (above), not necessarily stage-named.
      for (const { type, name } of names.filter((n) => n.type !== 'AWS::SES::EmailIdentity'))
        expect(name.toLowerCase(), type).toContain(stage);
      const types = new Set(names.map((n) => n.type));
      for (const type of Object.keys(NAME_PROPERTIES).filter((t) => !GENERATED.includes(t)))
        expect(types, `${stage} names no ${type}`).toContain(type);
      // Exception: the two roles the webhook-secret key policy names (data stack) need fixed names.
      const named = names.filter((n) => GENERATED.includes(n.type));
      expect(named.map((n) => n.name).sort(), 'only the webhook-secret roles have fixed names').toEqual(
        Object.values(webhookSecretRoleNamesOf(stage, stageOf(stage).built.config.region)).sort(),
      );
    }
  });
});
