/**
 * The deployed event path, per stage: stream mapping with the shared filter and an
 * on-failure destination, bus rules from the shared rule list, encrypted queues with DLQs,
 * the schedule, SES, and alarms on dead letters and stream lag.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/build-app.ts';
import { JOINTLY_TABLE } from '#shared/platform/dynamodb/table-definition.ts';
import { HOLD_ENV } from '#shared/platform/config/environment.ts';
import { BUS_RULES, QUEUES } from '#shared/wiring/bus-rules.ts';

describe.each(['dev', 'staging', 'prod'])('events stack, stage %s', (stage) => {
  let template: Template;

  beforeAll(() => {
    const built = buildApp({ stage, context: { 'aws:cdk:bundling-stacks': [] }, nag: false });
    template = Template.fromStack(built.events);
  });

  it('maps the table stream to the publisher with the shared outbox filter, bisect, retries and an on-failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(JOINTLY_TABLE.outboxStreamFilter) }] },
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('creates one rule per shared bus rule, with the same pattern and a DLQ on its target', () => {
    for (const rule of BUS_RULES) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: rule.pattern,
        Targets: [Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() }, RetryPolicy: { MaximumRetryAttempts: 10 } })],
      });
    }
  });

  it('encrypts every queue with the stage key, enforces TLS, and gives each work queue a DLQ', () => {
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));
    for (const q of queues) expect(q.Properties).toHaveProperty('KmsMasterKeyId');
    const withRedrive = queues.filter((q) => (q.Properties as Record<string, unknown>).RedrivePolicy);
    expect(withRedrive).toHaveLength(Object.keys(QUEUES).length);
    template.resourcePropertiesCountIs('AWS::SQS::QueuePolicy', Match.anyValue(), queues.length);
  });

  it('consumes the delivery queue one message per invocation (isolation) and reports partial failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('runs the SLA sweep every minute with a DLQ', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: Match.anyValue() } })],
    });
  });

  it('lets the SLA sweep queue releases of held pushes on the deliveries queue: its URL in the environment, SendMessage on it (and its own failure queue) only', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const [sweepId, sweep] = Object.entries(functions).find(([, f]) =>
      String(f.Properties.Description).includes('releases of held pushes'),
    )!;
    const queueUrl = (sweep.Properties.Environment.Variables as Record<string, unknown>).JOINTLY_DELIVERY_QUEUE_URL as { Ref: string };
    const deliveriesQueueId = queueUrl.Ref;
    const roleId = (sweep.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const sends = statements.filter((st) => [st.Action].flat().includes('sqs:SendMessage'));
    expect(sweepId).toBeDefined();
    expect(template.findResources('AWS::SQS::Queue')[deliveriesQueueId]).toBeDefined();
    const queues = sends.flatMap((st) => [st.Resource].flat() as { 'Fn::GetAtt': string[] }[]).map((r) => r['Fn::GetAtt'][0]);
    // The deliveries queue, and the sweep's own on-failure queue: no other.
    expect(queues).toContain(deliveriesQueueId);
    expect(queues.filter((q) => q !== deliveriesQueueId).every((q) => q!.startsWith('slaSweepFailures'))).toBe(true);
  });

  it('sets no tester-shortened window on any function: quiet hours and digests keep their real times when deployed', () => {
    const environments = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (f) => (f.Properties.Environment?.Variables ?? {}) as Record<string, unknown>,
    );
    expect(environments.length).toBeGreaterThan(0);
    for (const variables of environments) expect(variables).not.toHaveProperty(HOLD_ENV.windowSeconds);
  });

  it('alarms on every DLQ and on stream iterator age, to an encrypted topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as Record<string, unknown>);
    const dlqs = Object.values(template.findResources('AWS::SQS::Queue')).filter(
      (q) => !(q.Properties as Record<string, unknown>).RedrivePolicy,
    );
    expect(alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toHaveLength(dlqs.length);
    expect(alarms.some((a) => a.MetricName === 'IteratorAge')).toBe(true);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('runs every event function on nodejs24.x / arm64', () => {
    template.allResourcesProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'] });
  });
});
