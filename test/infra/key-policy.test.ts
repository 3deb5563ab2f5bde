/**
 * The deployed event path can actually deliver: for every stage, every queue and topic the
 * stage key encrypts is writable by each AWS service that writes into it under its own
 * principal. The list of resources and their writers is read from the SYNTHESIZED
 * templates (every queue/topic with KmsMasterKeyId; queues an EventBridge rule targets or
 * dead-letters to; topics a CloudWatch alarm notifies), never from the list the stacks are
 * built from, so a new encrypted queue without its key-policy statement fails here.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/build-app.ts';
import { STAGES, STAGE_DEFAULTS } from '#infra/config/stage-config.ts';
import { keyPolicySidOf } from '#infra/encrypted-resources.ts';

type Json = Record<string, any>;

const PRINCIPAL = { rule: 'events.amazonaws.com', alarm: 'cloudwatch.amazonaws.com' } as const;

const resourcesOf = (template: Json, type: string): [string, Json][] =>
  Object.entries(template['Resources'] as Record<string, Json>).filter(([, r]) => r['Type'] === type);

/** The logical id a reference points at: `Ref`, `Fn::GetAtt`, or (another stack) an import naming it. */
const targetOf = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Json;
  if (typeof v['Ref'] === 'string') return v['Ref'];
  if (Array.isArray(v['Fn::GetAtt'])) return v['Fn::GetAtt'][0];
  if (typeof v['Fn::ImportValue'] === 'string')
    return /Ref([A-Za-z0-9]+)[A-F0-9]{8}$/.exec(v['Fn::ImportValue'])?.[1] ?? v['Fn::ImportValue'];
  return undefined;
};

/** Renders an intrinsic string with the pseudo parameters filled in (partition aws). */
const render = (value: unknown, env: { account: string; region: string }): string => {
  if (typeof value === 'string') return value;
  const v = value as Json;
  if (v['Ref'] === 'AWS::Partition') return 'aws';
  if (v['Ref'] === 'AWS::Region') return env.region;
  if (v['Ref'] === 'AWS::AccountId') return env.account;
  if (Array.isArray(v['Fn::Join'])) return (v['Fn::Join'][1] as unknown[]).map((part) => render(part, env)).join(v['Fn::Join'][0]);
  throw new Error(`cannot render ${JSON.stringify(value)}`);
};

/** IAM ArnLike: `*` matches any run of characters, `?` one. */
const arnLike = (pattern: string, arn: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(arn);

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

interface Writer {
  readonly principal: string;
  /** The ARN the service acts for (a rule or an alarm); CloudFormation-generated names stand in as `Generated-Name-1A2B`. */
  readonly sourceArn: string;
}

describe.each(STAGES)('stage key policy of %s', (stage) => {
  const env = { account: STAGE_DEFAULTS[stage].account!, region: STAGE_DEFAULTS[stage].region ?? 'eu-west-2' };
  let events: Json;
  let api: Json;
  let keyPolicy: Json[];
  /** Logical id → physical name and writers, from the events template. */
  let encrypted: Map<string, { name: string; kind: 'queue' | 'topic'; writers: Writer[] }>;

  beforeAll(() => {
    const built = buildApp({ stage, context: { 'aws:cdk:bundling-stacks': [] }, nag: false });
    events = Template.fromStack(built.events).toJSON();
    api = Template.fromStack(built.api).toJSON();
    const [[, key] = []] = resourcesOf(Template.fromStack(built.data).toJSON(), 'AWS::KMS::Key');
    keyPolicy = key!['Properties']['KeyPolicy']['Statement'];

    encrypted = new Map();
    for (const [id, q] of resourcesOf(events, 'AWS::SQS::Queue')) {
      if (q['Properties']['KmsMasterKeyId']) encrypted.set(id, { name: q['Properties']['QueueName'], kind: 'queue', writers: [] });
    }
    for (const [id, t] of resourcesOf(events, 'AWS::SNS::Topic')) {
      if (t['Properties']['KmsMasterKeyId']) encrypted.set(id, { name: t['Properties']['TopicName'], kind: 'topic', writers: [] });
    }

    const buses = new Map(resourcesOf(events, 'AWS::Events::EventBus').map(([id, b]) => [id, b['Properties']['Name'] as string]));
    for (const [id, rule] of resourcesOf(events, 'AWS::Events::Rule')) {
      const bus = targetOf(rule['Properties']['EventBusName']);
      const name = (rule['Properties']['Name'] as string | undefined) ?? `${id}-Generated-Name-1A2B`;
      const path = bus === undefined ? `rule/${name}` : `rule/${buses.get(bus)}/${name}`;
      const sourceArn = `arn:aws:events:${env.region}:${env.account}:${path}`;
      for (const target of rule['Properties']['Targets'] as Json[]) {
        for (const written of [targetOf(target['Arn']), targetOf(target['DeadLetterConfig']?.['Arn'])]) {
          encrypted.get(written ?? '')?.writers.push({ principal: PRINCIPAL.rule, sourceArn });
        }
      }
    }
    for (const template of [events, api]) {
      for (const [, alarm] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
        const sourceArn = `arn:aws:cloudwatch:${env.region}:${env.account}:alarm:${alarm['Properties']['AlarmName']}`;
        for (const action of [...asArray(alarm['Properties']['AlarmActions']), ...asArray(alarm['Properties']['OKActions'])]) {
          const topic = targetOf(action);
          const entry = [...encrypted.entries()].find(([id]) => topic === id || (typeof topic === 'string' && topic.includes(id)))?.[1];
          entry?.writers.push({ principal: PRINCIPAL.alarm, sourceArn });
        }
      }
    }
  });

  it('finds the encrypted queues and the alarm topic, and the service writers of the event path', () => {
    // Act
    const all = [...encrypted.values()];

    // Assess: the assertions below are not vacuous
    expect(all.filter((r) => r.kind === 'queue').length).toBeGreaterThanOrEqual(9);
    expect(all.filter((r) => r.kind === 'topic')).toHaveLength(1);
    expect(all.filter((r) => r.writers.some((w) => w.principal === PRINCIPAL.rule)).length).toBeGreaterThanOrEqual(5);
    expect(all.find((r) => r.kind === 'topic')!.writers.length).toBeGreaterThan(10);
  });

  it('has, for every encrypted queue/topic a service writes into, a statement admitting exactly its writers, scoped by SourceAccount and SourceArn', () => {
    for (const { name, writers } of encrypted.values()) {
      // Prepare
      const statement = keyPolicy.find((s) => s['Sid'] === keyPolicySidOf(name));
      const principals = [...new Set(writers.map((w) => w.principal))].sort();

      // Act / Assess
      if (principals.length === 0) {
        expect(statement, `${name} has no service writer, so no statement`).toBeUndefined();
        continue;
      }
      expect(statement, `key policy statement for ${name}`).toBeDefined();
      expect(statement!['Effect']).toBe('Allow');
      expect(asArray(statement!['Principal']['Service']).sort(), name).toEqual(principals);
      expect(asArray(statement!['Action']).sort(), name).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(statement!['Condition']['StringEquals'], name).toEqual({ 'aws:SourceAccount': env.account });
      const patterns = asArray(statement!['Condition']['ArnLike']['aws:SourceArn']).map((p) => render(p, env));
      for (const pattern of patterns)
        expect(pattern, name).toMatch(new RegExp(`^arn:aws:(events|cloudwatch):${env.region}:${env.account}:.*jointly-${stage}[-/]`));
      for (const writer of writers) {
        expect(
          patterns.some((p) => arnLike(p, writer.sourceArn)),
          `${name}: ${writer.sourceArn} admitted by ${patterns.join(', ')}`,
        ).toBe(true);
      }
    }
  });

  it('admits no other stage’s rules or alarms', () => {
    // Prepare
    const others = STAGES.filter((other) => other !== stage);
    const foreign = others.flatMap((other) => [
      `arn:aws:events:${env.region}:${env.account}:rule/jointly-${other}/Any-Rule`,
      `arn:aws:events:${env.region}:${env.account}:rule/jointly-${other}-sla-sweep`,
      `arn:aws:cloudwatch:${env.region}:${env.account}:alarm:jointly-${other}-api-5xx`,
    ]);

    // Act
    const patterns = keyPolicy
      .filter((s) => s['Condition']?.['ArnLike']?.['aws:SourceArn'])
      .flatMap((s) => asArray(s['Condition']['ArnLike']['aws:SourceArn']).map((p) => render(p, env)));

    // Assess
    expect(patterns.length).toBeGreaterThan(0);
    for (const arn of foreign)
      expect(
        patterns.some((p) => arnLike(p, arn)),
        arn,
      ).toBe(false);
  });

  it('lets the stage’s alarms publish to the alarm topic (its own policy replaces SNS’s default)', () => {
    // Prepare
    const [[topicId] = []] = resourcesOf(events, 'AWS::SNS::Topic');
    const policies = resourcesOf(events, 'AWS::SNS::TopicPolicy').filter(([, p]) => targetOf(p['Properties']['Topics'][0]) === topicId);

    // Act
    const allows = policies
      .flatMap(([, p]) => p['Properties']['PolicyDocument']['Statement'] as Json[])
      .filter((s) => s['Effect'] === 'Allow');

    // Assess
    expect(allows).toHaveLength(1);
    expect(allows[0]!['Principal']).toEqual({ Service: PRINCIPAL.alarm });
    expect(allows[0]!['Action']).toBe('sns:Publish');
    expect(allows[0]!['Condition']['StringEquals']).toEqual({ 'aws:SourceAccount': env.account });
    const patterns = asArray(allows[0]!['Condition']['ArnLike']['aws:SourceArn']).map((p) => render(p, env));
    for (const writer of [...encrypted.values()].find((r) => r.kind === 'topic')!.writers) {
      expect(
        patterns.some((p) => arnLike(p, writer.sourceArn)),
        writer.sourceArn,
      ).toBe(true);
    }
  });

  it('lets EventBridge send to every queue it writes into (queue policy), scoped to its rule or this account', () => {
    for (const [id, { name, writers }] of encrypted) {
      if (!writers.some((w) => w.principal === PRINCIPAL.rule)) continue;
      // Act
      const statements = resourcesOf(events, 'AWS::SQS::QueuePolicy')
        .filter(([, p]) => (p['Properties']['Queues'] as unknown[]).some((q) => targetOf(q) === id))
        .flatMap(([, p]) => p['Properties']['PolicyDocument']['Statement'] as Json[]);

      // Assess
      const allow = statements.find((s) => s['Effect'] === 'Allow' && s['Principal']?.['Service'] === PRINCIPAL.rule);
      expect(allow, name).toBeDefined();
      expect(asArray(allow!['Action']), name).toContain('sqs:SendMessage');
      // CDK scopes a target queue to this account (rule and queue share it) and a rule DLQ to its rule.
      const scope = allow!['Condition']['ArnEquals']?.['aws:SourceArn'] ?? allow!['Condition']['StringEquals']?.['aws:SourceAccount'];
      expect(scope, name).toBeDefined();
      if (typeof scope === 'string') expect(scope, name).toBe(env.account);
    }
  });
});
