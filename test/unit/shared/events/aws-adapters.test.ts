/**
 * The AWS adapters: PutEvents ≤ 10 entries per call with the bus's source/detail-type/detail,
 * partial failures returned by event id; SQS messages with JSON bodies and delays ≤ 900 s;
 * and `eventAdapters()` choosing the local registration over AWS.
 */
import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { awsEventAdapters, eventAdapters, registerLocalEventAdapters, type EventAdapters } from '../../../../shared/platform/aws/adapters.ts';
import { EventBridgeBus, SqsJobQueue } from '../../../../shared/platform/aws/aws-adapters.ts';
import { loadEventConfig } from '../../../../shared/platform/config/event-config.ts';
import type { PublishedEvent } from '../../../../shared/core/event-envelope.ts';

const event = (n: number): PublishedEvent => ({
  specVersion: 1,
  id: `event-${n}`,
  type: 'referral.submitted',
  seq: n,
  at: '2026-11-28T00:06:46.123Z',
  actor: { sub: 'alice', org: 'provide', role: 'practitioner' },
  referralId: 'r1',
  data: {},
});

describe('EventBridgeBus', () => {
  it('sends ≤ 10 entries per PutEvents call, each source jointly, detail-type its type, detail its JSON', async () => {
    // Prepare
    const inputs: PutEventsCommand['input'][] = [];
    const client = {
      send: async (command: PutEventsCommand) => {
        inputs.push(command.input);
        return { FailedEntryCount: 0, Entries: command.input.Entries!.map((_, i) => ({ EventId: `eb-${i}` })) };
      },
    };
    const bus = new EventBridgeBus({ eventBusName: 'jointly-dev', client: client as never });
    const events = Array.from({ length: 23 }, (_, i) => event(i + 1));

    // Act
    const result = await bus.publish(events);

    // Assess
    expect(result.failedIds).toEqual([]);
    expect(inputs.map((i) => i.Entries!.length)).toEqual([10, 10, 3]);
    expect(inputs[0]!.Entries![0]).toEqual({
      EventBusName: 'jointly-dev',
      Source: 'jointly',
      DetailType: 'referral.submitted',
      Detail: JSON.stringify(events[0]),
      Time: new Date('2026-11-28T00:06:46.123Z'),
    });
  });

  it('returns the ids of entries PutEvents rejected, and of every entry of a call that failed', async () => {
    // Prepare
    let call = 0;
    const client = {
      send: async (command: PutEventsCommand) => {
        call += 1;
        if (call === 2) throw new Error('ThrottlingException');
        return {
          FailedEntryCount: 1,
          Entries: command.input.Entries!.map((_, i) => (i === 1 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'x' } : { EventId: `eb-${i}` })),
        };
      },
    };
    const bus = new EventBridgeBus({ eventBusName: 'b', client: client as never });

    // Act
    const result = await bus.publish(Array.from({ length: 12 }, (_, i) => event(i + 1)));

    // Assess
    expect(result.failedIds).toEqual(['event-2', 'event-11', 'event-12']);
  });
});

describe('SqsJobQueue', () => {
  it.each([
    [undefined, 0],
    [30, 30],
    [2.6, 3],
    [3600, 900],
    [-5, 0],
  ])('sends the job as JSON with delay %s → DelaySeconds %s', async (delay, expected) => {
    // Prepare
    const inputs: SendMessageCommand['input'][] = [];
    const client = { send: async (command: SendMessageCommand) => void inputs.push(command.input) };
    const queue = new SqsJobQueue<{ n: number }>({ queueUrl: 'https://sqs.eu-west-2.amazonaws.com/1/q', client: client as never });

    // Act
    await queue.send({ n: 1 }, delay);

    // Assess
    expect(inputs).toEqual([{ QueueUrl: 'https://sqs.eu-west-2.amazonaws.com/1/q', MessageBody: '{"n":1}', DelaySeconds: expected }]);
  });
});

describe('eventAdapters', () => {
  it('without configuration, a publish fails with a sentence naming the missing variable', async () => {
    // Prepare
    const adapters = awsEventAdapters(loadEventConfig({}));

    // Act
    const publishing = adapters.bus.publish([event(1)]);

    // Assess
    await expect(publishing).rejects.toThrow('JOINTLY_EVENT_BUS_NAME is not set');
  });

  it('returns the adapters the local runtime registered', () => {
    // Prepare
    const local = { bus: { publish: async () => ({ failedIds: [] }) } } as unknown as EventAdapters;
    registerLocalEventAdapters(local);

    // Act
    const adapters = eventAdapters();

    // Assess
    expect(adapters).toBe(local);
  });
});
