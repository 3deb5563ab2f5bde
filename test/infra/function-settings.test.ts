/**
 * Every deployed function runs with the settings of `infra/function-settings.ts`, in every
 * stage: timeout, memory, the event-source batch sizes, and queue visibility timeouts of
 * 6 × their consumer's timeout. The SLA sweep has room for its work (≥ 60 s).
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type JointlyApp } from '#infra/build-app.ts';
import { RECORD_KEEPER_STREAM_FILTERS } from '#shared/platform/dynamodb/table-definition.ts';
import {
  MAX_API_FUNCTION_TIMEOUT_SECONDS,
  QUEUE_NAMES,
  VISIBILITY_TIMEOUT_FACTOR,
  consumerOf,
  stageFunctionSettings,
  type FunctionSettings,
} from '#infra/function-settings.ts';
import type { JointlyFunction } from '#infra/constructs/jointly-function.ts';

type Resource = { Properties: Record<string, unknown> };

const logicalIdOf = (construct: { node: { defaultChild?: unknown } }): string =>
  Stack.of(construct as never).getLogicalId(construct.node.defaultChild as CfnFunction | CfnQueue);

describe.each(['dev', 'staging', 'prod'])('function settings, stage %s', (stage) => {
  let built: JointlyApp;
  let settings: ReadonlyMap<string, FunctionSettings>;
  let deployed: Map<string, { fn: JointlyFunction; template: Template }>;

  beforeAll(() => {
    built = buildApp({ stage, context: { 'aws:cdk:bundling-stacks': [] }, nag: false });
    settings = stageFunctionSettings(built.config);
    const api = Template.fromStack(built.api);
    const events = Template.fromStack(built.events);
    deployed = new Map([
      ...[...built.api.functionsById].map(([id, fn]) => [id, { fn, template: api }] as const),
      ...[...built.events.functions].map(([id, fn]) => [id, { fn, template: events }] as const),
    ]);
  });

  const propertiesOf = (id: string): Record<string, unknown> => {
    const { fn, template } = deployed.get(id)!;
    return (template.toJSON().Resources[logicalIdOf(fn)] as Resource).Properties;
  };

  it('deploys exactly the functions of the settings source', () => {
    // Act
    const ids = [...deployed.keys()].sort();

    // Assess
    expect(ids).toEqual([...settings.keys()].sort());
  });

  it("gives every function the source's timeout and memory", () => {
    // Prepare
    const expected = [...settings.values()].map((s) => ({ id: s.id, Timeout: s.timeoutSeconds, MemorySize: s.memoryMb }));

    // Act
    const actual = [...settings.keys()].map((id) => ({ id, Timeout: propertiesOf(id).Timeout, MemorySize: propertiesOf(id).MemorySize }));

    // Assess
    expect(actual).toEqual(expected);
  });

  it('keeps API functions within the HTTP API limit and gives the SLA sweep at least 60 s', () => {
    // Act
    const apiTimeouts = [...settings.values()].filter((s) => s.kind === 'api').map((s) => propertiesOf(s.id).Timeout as number);

    // Assess
    expect(apiTimeouts.length).toBeGreaterThan(0);
    expect(Math.max(...apiTimeouts)).toBeLessThanOrEqual(MAX_API_FUNCTION_TIMEOUT_SECONDS);
    expect(propertiesOf('slaSweep').Timeout).toBeGreaterThanOrEqual(60);
  });

  it("gives every work queue a visibility timeout of at least 6 × its consumer's deployed timeout", () => {
    // Prepare
    const events = Template.fromStack(built.events).toJSON().Resources as Record<string, Resource>;

    // Act
    const rows = QUEUE_NAMES.map((name) => ({
      name,
      visibility: events[logicalIdOf(built.events.queues.get(name)!)]!.Properties.VisibilityTimeout as number,
      consumerTimeout: propertiesOf(consumerOf(name)).Timeout as number,
    }));

    // Assess
    for (const row of rows) expect(row.visibility, row.name).toBeGreaterThanOrEqual(VISIBILITY_TIMEOUT_FACTOR * row.consumerTimeout);
  });

  it("maps each queue and the stream with the source's batch size and batching window", () => {
    // Prepare
    const mappings = Object.values(Template.fromStack(built.events).findResources('AWS::Lambda::EventSourceMapping')) as Resource[];
    const mappingOf = (id: string) => {
      const logicalId = logicalIdOf(deployed.get(id)!.fn);
      return mappings.filter((m) => JSON.stringify(m.Properties.FunctionName).includes(`"${logicalId}"`));
    };

    // Act
    const rows = [...settings.values()]
      .filter((s) => s.eventSource && s.eventSource.kind !== 'schedule')
      .map((s) => ({
        id: s.id,
        expected: s.eventSource as Extract<FunctionSettings['eventSource'], { batchSize: number }>,
        found: mappingOf(s.id),
      }));

    // Assess
    expect(rows.map((r) => r.id).sort()).toEqual(['deliver', 'fanOut', 'metrics', 'publisher', 'recordKeeper']);
    for (const { id, expected, found } of rows) {
      expect(found, id).toHaveLength(1);
      expect(found[0]!.Properties.BatchSize, id).toBe(expected.batchSize);
      expect(found[0]!.Properties.MaximumBatchingWindowInSeconds ?? 0, id).toBe(expected.maxBatchingWindowSeconds);
      if (id === 'recordKeeper') {
        // Inserted access-log entries and events, and the DynamoDB service's own deletions (TTL) of
        // referral items: the filters the local poller applies.
        expect(found[0]!.Properties.FilterCriteria, id).toEqual({
          Filters: RECORD_KEEPER_STREAM_FILTERS.map((filter) => ({ Pattern: JSON.stringify(filter) })),
        });
      }
      if (expected.kind === 'sqs') {
        expect(JSON.stringify(found[0]!.Properties.EventSourceArn), id).toContain(logicalIdOf(built.events.queues.get(expected.queue)!));
        expect(found[0]!.Properties.ScalingConfig, id).toEqual(
          expected.maxConcurrency === undefined ? undefined : { MaximumConcurrency: expected.maxConcurrency },
        );
      }
    }
  });
});
