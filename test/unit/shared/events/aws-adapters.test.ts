/**
 * The AWS adapters: PutEvents ≤ 10 entries per call with the bus's source/detail-type/detail,
 * partial failures returned by event id; SQS messages with JSON bodies and delays ≤ 900 s;
 * each made on first use (once, however many uses race for it), a missing setting failing
 * that use with a sentence naming it.
 */
import { describe, expect, it } from 'vitest';
import { awsEventBus, EventBridgeBus } from '#shared/platform/aws/aws-event-bus.ts';
import { SqsJobQueue } from '#shared/platform/aws/aws-job-queue.ts';
import { fakeAwsService, serviceError } from '#test/support/aws-service-fake.ts';
import { awsDeliveryQueueOnDemand } from '#shared/platform/aws/aws-job-queue-on-demand.ts';
import { busOnFirstUse, jobQueueOnFirstUse } from '#shared/platform/aws/on-first-use.ts';
import type { DeliveryJob, EventBus, JobQueue } from '#shared/core/messaging-ports.ts';
import { loadEventConfig } from '#shared/platform/config/event-config.ts';
import type { PublishedEvent } from '#shared/core/event-envelope.ts';

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
    const service = fakeAwsService(({ input }) => ({
      FailedEntryCount: 0,
      Entries: (input.Entries as unknown[]).map((_, i) => ({ EventId: `eb-${i}` })),
    }));
    const bus = new EventBridgeBus({ eventBusName: 'jointly-dev', client: service.client });
    const events = Array.from({ length: 23 }, (_, i) => event(i + 1));

    // Act
    const result = await bus.publish(events);

    // Assess
    expect(result.failedIds).toEqual([]);
    expect(service.requests.map((r) => r.operation)).toEqual(['PutEvents', 'PutEvents', 'PutEvents']);
    const inputs = service.requests.map((r) => r.input);
    expect(inputs.map((i) => i.Entries.length)).toEqual([10, 10, 3]);
    expect(inputs[0]!.Entries[0]).toEqual({
      EventBusName: 'jointly-dev',
      Source: 'jointly',
      DetailType: 'referral.submitted',
      Detail: JSON.stringify(events[0]),
      // The JSON protocol's timestamps: epoch seconds, the milliseconds kept.
      Time: Date.parse('2026-11-28T00:06:46.123Z') / 1000,
    });
  });

  it('returns the ids of entries PutEvents rejected, and of every entry of a call that failed', async () => {
    // Prepare
    let call = 0;
    const service = fakeAwsService(({ input }) => {
      call += 1;
      if (call === 2) throw serviceError('ThrottlingException');
      return {
        FailedEntryCount: 1,
        Entries: (input.Entries as unknown[]).map((_, i) =>
          i === 1 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'x' } : { EventId: `eb-${i}` },
        ),
      };
    });
    const bus = new EventBridgeBus({ eventBusName: 'b', client: service.client });

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
    const service = fakeAwsService(() => ({ MessageId: 'm-1' }));
    const queue = new SqsJobQueue<{ n: number }>({ queueUrl: 'https://sqs.eu-west-2.amazonaws.com/1/q', client: service.client });

    // Act
    await queue.send({ n: 1 }, delay);

    // Assess
    expect(service.requests).toEqual([
      {
        operation: 'SendMessage',
        input: { QueueUrl: 'https://sqs.eu-west-2.amazonaws.com/1/q', MessageBody: '{"n":1}', DelaySeconds: expected },
      },
    ]);
  });
});

describe('adapters made on first use', () => {
  it('without configuration, a publish fails with a sentence naming the missing variable', async () => {
    // Prepare
    const bus = busOnFirstUse(() => awsEventBus(loadEventConfig({})));

    // Act
    const publishing = bus.publish([event(1)]);

    // Assess
    await expect(publishing).rejects.toThrow('JOINTLY_EVENT_BUS_NAME is not set');
  });

  it('makes the adapter once, at the first use, and again after a failed making', async () => {
    // Prepare
    let made = 0;
    const real: EventBus = { publish: async () => ({ failedIds: [] }) };
    const bus = busOnFirstUse(() => {
      made += 1;
      if (made === 1) throw new Error('not yet');
      return real;
    });
    const madeBeforeUse = made;

    // Act
    const first = bus.publish([event(1)]);
    await expect(first).rejects.toThrow('not yet');
    await bus.publish([event(2)]);
    await bus.publish([event(3)]);

    // Assess
    expect(madeBeforeUse).toBe(0);
    expect(made).toBe(2);
  });

  it('makes an adapter with an asynchronous maker once, however many first uses race for it', async () => {
    // Prepare
    let made = 0;
    const sent: number[] = [];
    const real: JobQueue<DeliveryJob> = { send: async (job) => void sent.push(job.attempt) };
    const queue = jobQueueOnFirstUse(async () => {
      made += 1;
      // As an import() would: the making finishes on a later turn.
      await new Promise((resolve) => setImmediate(resolve));
      return real;
    });
    const job = (attempt: number) => ({ subscriptionId: 's', ownerSub: 'o', attempt, event: event(attempt) });

    // Act
    await Promise.all([queue.send(job(1)), queue.send(job(2)), queue.send(job(3))]);

    // Assess
    expect(made).toBe(1);
    expect(sent.sort()).toEqual([1, 2, 3]);
  });
});

describe('awsDeliveryQueueOnDemand', () => {
  it('is the SQS queue at JOINTLY_DELIVERY_QUEUE_URL, its module loaded when it is made', async () => {
    // Prepare
    const config = loadEventConfig({ JOINTLY_DELIVERY_QUEUE_URL: 'https://sqs.eu-west-2.amazonaws.com/1/q' });

    // Act
    const queue = await awsDeliveryQueueOnDemand(config);

    // Assess
    expect(queue).toBeInstanceOf(SqsJobQueue);
  });

  it('without the queue URL fails the first send with a sentence naming the variable', async () => {
    // Prepare
    const queue = jobQueueOnFirstUse(() => awsDeliveryQueueOnDemand(loadEventConfig({})));

    // Act
    const sending = queue.send({ subscriptionId: 's', ownerSub: 'o', attempt: 1, event: event(1) });

    // Assess
    await expect(sending).rejects.toThrow('JOINTLY_DELIVERY_QUEUE_URL is not set');
  });
});
