/**
 * The deployed programme-evaluation path, per stage (issue 8): the bus rule sending every
 * figure-moving event (and nothing else) to the encrypted metrics queue with its DLQ, the
 * metrics consumer (partial batch responses, no batching window), its alarms, the summary
 * route's read-only function, and the business metrics on the stage dashboard.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type JointlyApp } from '#infra/build-app.ts';
import { STAGES } from '#infra/config/stage-config.ts';
import { METRIC_EVENT_TYPES } from '#shared/metrics/domain/event-metrics.ts';
import { SERVICE_AREAS } from '#shared/core/reference-data.ts';
import { BUS_RULES, QUEUES } from '#shared/wiring/bus-rules.ts';
import { BUSINESS_METRICS } from '#shared/metrics/data/business-metrics.ts';

type Json = Record<string, any>;

describe.each(STAGES)('metrics, stage %s', (stage) => {
  let built: JointlyApp;
  let events: Template;
  let api: Template;

  beforeAll(() => {
    built = buildApp({ stage, context: { 'aws:cdk:bundling-stacks': [] }, nag: false });
    events = Template.fromStack(built.events);
    api = Template.fromStack(built.api);
  });

  const logicalId = (template: Template, type: string, match: (props: Json) => boolean): string => {
    const found = Object.entries(template.findResources(type)).filter(([, r]) => match((r.Properties ?? {}) as Json));
    expect(found, `one ${type}`).toHaveLength(1);
    return found[0]![0];
  };

  it('routes exactly the figure-moving event types to the metrics queue, with a DLQ on the target', () => {
    // Prepare
    const rule = BUS_RULES.find((r) => r.target === 'metrics')!;
    const queueId = logicalId(events, 'AWS::SQS::Queue', (p) => p.QueueName === `jointly-${stage}-metrics-queue`);

    // Act / Assess
    expect(rule.pattern).toEqual({ source: ['jointly'], 'detail-type': [...METRIC_EVENT_TYPES] });
    expect(METRIC_EVENT_TYPES).not.toContain('note.added');
    events.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: rule.pattern,
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
          DeadLetterConfig: { Arn: Match.anyValue() },
          RetryPolicy: { MaximumRetryAttempts: 10 },
        }),
      ],
    });
  });

  it('encrypts the metrics queue with the stage key and dead-letters a message after maxReceiveCount receives', () => {
    // Act
    const queue = Object.values(events.findResources('AWS::SQS::Queue')).find(
      (q) => q.Properties.QueueName === `jointly-${stage}-metrics-queue`,
    )!;
    const dlqId = logicalId(events, 'AWS::SQS::Queue', (p) => p.QueueName === `jointly-${stage}-metrics-dlq`);

    // Assess
    expect(queue.Properties).toMatchObject({
      KmsMasterKeyId: expect.anything(),
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: QUEUES.metrics.maxReceiveCount },
    });
  });

  it('consumes the queue with the metrics function: batches of 10, partial batch responses, no batching window', () => {
    // Prepare
    const fnId = events.getResourceId('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('programme evaluation counters') },
    });
    const queueId = logicalId(events, 'AWS::SQS::Queue', (p) => p.QueueName === `jointly-${stage}-metrics-queue`);

    // Act
    const mapping = Object.values(events.findResources('AWS::Lambda::EventSourceMapping')).find(
      (m) => m.Properties.FunctionName?.Ref === fnId,
    )!;

    // Assess
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mapping.Properties.MaximumBatchingWindowInSeconds ?? 0).toBe(0);
    events.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('programme evaluation counters'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: { Variables: Match.objectLike({ JOINTLY_TABLE_NAME: Match.anyValue(), JOINTLY_STAGE: stage }) },
    });
  });

  it('alarms on the consumer’s errors and throttles and on both metrics dead-letter queues', () => {
    // Act
    const names = Object.values(events.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName as string);

    // Assess
    for (const what of ['fn-metrics-errors', 'fn-metrics-throttles', 'metrics-dlq-depth', 'metrics-rule-dlq-depth']) {
      expect(names).toContain(`jointly-${stage}-${what}`);
    }
  });

  it('serves GET /metrics/summary from its own function with read-only table access', () => {
    // Act
    const route = Object.values(api.findResources('AWS::ApiGatewayV2::Route')).find(
      (r) => r.Properties.RouteKey === 'GET /metrics/summary',
    );
    const fn = built.api.functions.get('getMetricsSummary');

    // Assess
    expect(route?.Properties).toMatchObject({ AuthorizationType: 'JWT' });
    expect(fn).toBeDefined();
  });

  it('graphs every business metric (EMF namespace Jointly/<stage>, by service area) and the consumer’s counts on the dashboard', () => {
    // Act
    const dashboard = Object.values(api.findResources('AWS::CloudWatch::Dashboard'))[0]!;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);

    // Assess
    expect(body).toContain(`Jointly/${stage}`);
    for (const name of Object.keys(BUSINESS_METRICS)) expect(body, name).toContain(`\\"${name}\\"`);
    for (const area of SERVICE_AREAS) expect(body).toContain(`\\"serviceArea\\",\\"${area}\\"`);
    for (const name of ['MetricsEventsCounted', 'MetricsDuplicates']) expect(body).toContain(name);
  });
});
