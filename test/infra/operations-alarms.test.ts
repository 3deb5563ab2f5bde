/**
 * Operations you can run at 3 a.m. (issue 19, point 6), for every stage: a `FailedInvocations`
 * alarm on every EventBridge rule, a heartbeat alarm on the SLA sweep, and a runbook section
 * for every alarm of the stage, named at the end of its description and present as a heading
 * of docs/runbooks.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type JointlyApp } from '#infra/build-app.ts';
import { STAGES, type StageName } from '#infra/config/stage-config.ts';
import { RUNBOOK_DOC, RUNBOOKS } from '#infra/constructs/alarms.ts';
import { REPO_ROOT } from '#infra/constructs/jointly-function.ts';
import { EVENT_FUNCTION_SETTINGS } from '#infra/function-settings.ts';
import { SWEEP_STALLED_PERIODS } from '#infra/stacks/events-stack.ts';
import { BUS_RULES } from '#shared/wiring/bus-rules.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation read by property path in assertions.
type Json = Record<string, any>;

/** GitHub's heading anchor: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** Anchors of every heading of a markdown text (fenced code skipped). */
const headingAnchorsOf = (markdown: string): Set<string> => {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = /^#{1,6}\s+(.+)$/.exec(line);
    if (!fenced && heading) anchors.add(anchorOf(heading[1]!));
  }
  return anchors;
};

const RUNBOOK_ANCHORS = headingAnchorsOf(readFileSync(path.join(REPO_ROOT, RUNBOOK_DOC), 'utf8'));
const RUNBOOK_REFERENCE = new RegExp(`Runbook: ${RUNBOOK_DOC.replace('.', '\\.')}#([a-z0-9_-]+)$`);

const alarmsOf = (stack: Stack): [string, Json][] =>
  Object.entries(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map(([id, a]) => [id, a['Properties'] as Json]);

const kebab = (id: string) => id.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();

describe('the anchor rule', () => {
  it('turns headings into GitHub anchors', () => {
    // Prepare
    const markdown = '# Runbooks: one per alarm\n## API latency (p99)\n```sh\n# not a heading\n```\n## Dead-letter queue depth\n';

    // Act
    const anchors = headingAnchorsOf(markdown);

    // Assess
    expect([...anchors]).toEqual(['runbooks-one-per-alarm', 'api-latency-p99', 'dead-letter-queue-depth']);
  });
});

describe('the runbook', () => {
  it('has a section for every kind of alarm (and the budget)', () => {
    // Act
    const missing = Object.values(RUNBOOKS).filter((anchor) => !RUNBOOK_ANCHORS.has(anchor));

    // Assess
    expect(missing).toEqual([]);
  });
});

describe.each(STAGES)('stage %s', (stage: StageName) => {
  let built: JointlyApp;
  let events: Template;

  beforeAll(() => {
    built = buildApp({ stage, context: { 'aws:cdk:bundling-stacks': [] }, nag: false });
    events = Template.fromStack(built.events);
  });

  it('ends every alarm description, in every stack, with a runbook section that exists', () => {
    // Prepare
    const alarms = [built.data, built.events, built.api, built.console].flatMap(alarmsOf);

    // Act
    const wrong = alarms
      .map(([id, a]) => ({ id, name: a['AlarmName'], anchor: RUNBOOK_REFERENCE.exec(String(a['AlarmDescription']))?.[1] }))
      .filter(({ anchor }) => anchor === undefined || !RUNBOOK_ANCHORS.has(anchor));

    // Assess
    expect(alarms.length).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
    for (const [, a] of alarms) expect(String(a['AlarmDescription']).length).toBeLessThanOrEqual(1024);
  });

  it('alarms on FailedInvocations of every rule of the stage bus, by bus and rule name (the last part of its ARN)', () => {
    // Prepare
    const busId = built.events.getLogicalId(built.events.bus.node.defaultChild as never);
    const ruleIds = Object.keys(events.findResources('AWS::Events::Rule', { Properties: { EventBusName: Match.anyValue() } }));

    // Act / Assess
    expect(ruleIds).toHaveLength(BUS_RULES.length);
    for (const rule of BUS_RULES) {
      const ruleId = ruleIds.find((id) => id.startsWith(`${rule.id.charAt(0).toUpperCase()}${rule.id.slice(1)}Rule`))!;
      events.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `jointly-${stage}-rule-${kebab(rule.id)}-failed-invocations`,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
        Metrics: [
          Match.objectLike({
            MetricStat: {
              Metric: {
                Namespace: 'AWS/Events',
                MetricName: 'FailedInvocations',
                Dimensions: [
                  { Name: 'EventBusName', Value: { Ref: busId } },
                  { Name: 'RuleName', Value: { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [ruleId, 'Arn'] }] }] } },
                ],
              },
              Period: 300,
              Stat: 'Sum',
            },
          }),
        ],
      });
    }
  });

  it('alarms on FailedInvocations of the SLA sweep schedule (a default-bus rule: RuleName only)', () => {
    // Prepare
    const [scheduleId] = Object.keys(events.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: Match.anyValue() } }));

    // Act / Assess
    events.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `jointly-${stage}-rule-sla-sweep-failed-invocations`,
      Metrics: [
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'AWS/Events',
              MetricName: 'FailedInvocations',
              Dimensions: [{ Name: 'RuleName', Value: { Ref: scheduleId } }],
            },
          }),
        }),
      ],
    });
  });

  it('alarms when the SLA sweep completes no run in three schedule periods, including when it is not invoked at all', () => {
    // Prepare
    const sweepId = built.events.getLogicalId(built.events.functions.get('slaSweep')!.node.defaultChild as never);
    const periodSeconds = EVENT_FUNCTION_SETTINGS.slaSweep.eventSource.rateMinutes * 60;
    const lambdaMetric = (id: string, metricName: string) =>
      Match.objectLike({
        Id: id,
        ReturnData: false,
        MetricStat: {
          Metric: { Namespace: 'AWS/Lambda', MetricName: metricName, Dimensions: [{ Name: 'FunctionName', Value: { Ref: sweepId } }] },
          Period: periodSeconds,
          Stat: 'Sum',
        },
      });

    // Act / Assess
    expect(SWEEP_STALLED_PERIODS).toBe(3);
    events.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `jointly-${stage}-sla-sweep-stalled`,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 3,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
      AlarmDescription: Match.stringLikeRegexp('Runbook: docs/runbooks\\.md#sla-sweep-stalled$'),
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(invocations, 0) - FILL(errors, 0)', ReturnData: true }),
        lambdaMetric('invocations', 'Invocations'),
        lambdaMetric('errors', 'Errors'),
      ]),
    });
  });

  it('shows the new alarms, the sweep runs and the bus rules’ failed invocations on the stage dashboard', () => {
    // Prepare
    const [dashboard] = Object.values(Template.fromStack(built.api).findResources('AWS::CloudWatch::Dashboard'));

    // Act
    const body = JSON.stringify(dashboard!['Properties']['DashboardBody']);

    // Assess
    for (const name of [
      'sla-sweep-stalled',
      'rule-fan-out-failed-invocations',
      'rule-metrics-failed-invocations',
      'rule-sla-sweep-failed-invocations',
    ]) {
      expect(body).toContain(`:alarm:jointly-${stage}-${name}`);
    }
    expect(body).toContain('SLA sweep: successful runs per minute');
    expect(body).toContain(`EventBusName=\\\\\\"jointly-${stage}\\\\\\"`);
    expect(body).toContain(RUNBOOK_DOC);
  });
});
