/**
 * The local SQS stand-in: one message per invocation (a slow one holds up no other),
 * redelivery after failures up to maxReceiveCount, then the dead-letter list (logged
 * without the body); delays; SQS's message size limit; consumers loaded at the first message.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalQueue, type SqsConsumer } from '#infra/local/local-queue.ts';
import { logger } from '#shared/platform/http/logger.ts';
import { SQS_MAX_MESSAGE_BYTES } from '#shared/platform/aws/aws-job-queue.ts';

const queues: LocalQueue[] = [];
const queueOf = (consumer: SqsConsumer, options: { maxReceiveCount?: number; concurrency?: number } = {}) => {
  const queue = new LocalQueue({
    name: 'test',
    consumer: async () => consumer,
    maxReceiveCount: options.maxReceiveCount ?? 3,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    retryDelayMs: () => 5,
  });
  queues.push(queue);
  return queue;
};

beforeEach(() => {
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});

afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.stop()));
  vi.restoreAllMocks();
});

describe('LocalQueue', () => {
  it('invokes the consumer with one SQS record per message, its body the JSON sent', async () => {
    // Prepare
    const events: SQSEvent[] = [];
    const queue = queueOf(async (event) => void events.push(event));

    // Act
    await queue.send({ hello: 'world' });
    await queue.whenIdle();

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]!.Records).toHaveLength(1);
    expect(events[0]!.Records[0]).toMatchObject({
      body: '{"hello":"world"}',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:test',
      attributes: { ApproximateReceiveCount: '1' },
    });
  });

  it('refuses a body longer than SQS accepts (256 KiB), as SendMessage does, and queues nothing', async () => {
    // Prepare
    const events: SQSEvent[] = [];
    const queue = queueOf(async (event) => void events.push(event));
    const justFits = { text: 'x'.repeat(SQS_MAX_MESSAGE_BYTES - '{"text":""}'.length) };

    // Act
    const refused = await queue.send({ text: `${justFits.text}x` }).catch((error: unknown) => error);
    await queue.send(justFits);
    await queue.whenIdle();

    // Assess
    expect(refused).toMatchObject({ name: 'InvalidParameterValue' });
    expect(events).toHaveLength(1);
    expect(Buffer.byteLength(events[0]!.Records[0]!.body)).toBe(SQS_MAX_MESSAGE_BYTES);
  });

  it('a slow message does not delay the others', async () => {
    // Prepare
    let releaseSlow!: () => void;
    const slowDone = new Promise<void>((r) => (releaseSlow = r));
    const handled: string[] = [];
    const queue = queueOf(async (event) => {
      const body = event.Records[0]!.body;
      if (body === '"slow"') await slowDone;
      handled.push(JSON.parse(body));
    });

    // Act
    await queue.send('slow');
    for (let i = 0; i < 5; i++) await queue.send(`fast-${i}`);
    await vi.waitFor(() => expect(handled).toHaveLength(5));
    const beforeRelease = [...handled];
    releaseSlow();
    await queue.whenIdle();

    // Assess
    expect(beforeRelease).toEqual(['fast-0', 'fast-1', 'fast-2', 'fast-3', 'fast-4']);
    expect(handled.at(-1)).toBe('slow');
  });

  it('receives a failed message again (thrown error or batchItemFailures) until it succeeds', async () => {
    // Prepare
    const receives: string[] = [];
    const queue = queueOf(async (event) => {
      const record = event.Records[0]!;
      receives.push(record.attributes.ApproximateReceiveCount);
      if (receives.length === 1) throw new Error('endpoint down');
      if (receives.length === 2) return { batchItemFailures: [{ itemIdentifier: record.messageId }] };
      return { batchItemFailures: [] };
    });

    // Act
    await queue.send({ job: 1 });
    await queue.whenIdle();

    // Assess
    expect(receives).toEqual(['1', '2', '3']);
    expect(queue.deadLetters()).toEqual([]);
  });

  it('after maxReceiveCount receives moves the message to the dead-letter list, logged without its body', async () => {
    // Prepare
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    let receives = 0;
    const queue = queueOf(
      async () => {
        receives += 1;
        throw new TypeError('fetch failed');
      },
      { maxReceiveCount: 3 },
    );

    // Act
    await queue.send({ secret: 'do-not-log-me' });
    await queue.whenIdle();

    // Assess
    expect(receives).toBe(3);
    expect(queue.deadLetters()).toEqual([
      expect.objectContaining({ queue: 'test', receiveCount: 3, error: 'TypeError', body: '{"secret":"do-not-log-me"}' }),
    ]);
    expect(error).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(error.mock.calls)).not.toContain('do-not-log-me');
  });

  it("ends an invocation past its consumer's timeout, receives the message again only after the visibility timeout, then dead-letters it", async () => {
    // Prepare
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const receivedAt: number[] = [];
    const contexts: { remaining: number; memory: string; name: string }[] = [];
    const queue = new LocalQueue({
      name: 'deliveries',
      functionName: 'deliver',
      consumer: async () => async (_event, context) => {
        receivedAt.push(Date.now());
        contexts.push({ remaining: context.getRemainingTimeInMillis(), memory: context.memoryLimitInMB, name: context.functionName });
        await new Promise((r) => setTimeout(r, 2_000)); // never answers within its 100 ms
      },
      maxReceiveCount: 2,
      retryDelayMs: () => 5,
      limits: { timeoutMs: 100, memoryMb: 1024 },
      visibilityTimeoutMs: 600,
    });
    queues.push(queue);

    // Act
    await queue.send({ job: 1 });
    await queue.whenIdle();

    // Assess
    expect(receivedAt).toHaveLength(2);
    // Not the 5 ms retry: SQS keeps a timed-out message invisible until its visibility timeout ends.
    expect(receivedAt[1]! - receivedAt[0]!).toBeGreaterThanOrEqual(550);
    expect(contexts[0]).toMatchObject({ memory: '1024', name: 'deliver' });
    expect(contexts[0]!.remaining).toBeLessThanOrEqual(100);
    expect(queue.deadLetters()).toEqual([expect.objectContaining({ receiveCount: 2, error: 'FunctionTimeoutError' })]);
  });

  it('delivers a delayed message only after its delay', async () => {
    // Prepare
    const handledAt: number[] = [];
    const queue = queueOf(async () => void handledAt.push(Date.now()));
    const sentAt = Date.now();

    // Act
    await queue.send({ later: true }, 1);
    const idleAtOnce = queue.isIdle();
    await queue.whenIdle();

    // Assess
    expect(idleAtOnce).toBe(false);
    expect(handledAt[0]! - sentAt).toBeGreaterThanOrEqual(950);
  });

  it('builds its consumer at the first message, so a consumer that cannot be built fails that message, not the start', async () => {
    // Prepare
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const queue = new LocalQueue({
      name: 'missing',
      consumer: async () => {
        throw Object.assign(new Error('JOINTLY_DELIVERY_BACKOFF_BASE_MS must be a whole number of milliseconds.'), {
          name: 'ConsumerBuildError',
        });
      },
      maxReceiveCount: 2,
      retryDelayMs: () => 5,
    });
    queues.push(queue);

    // Act
    await queue.send({ job: 1 });
    await queue.whenIdle();

    // Assess
    expect(queue.deadLetters().map((d) => d.error)).toEqual(['ConsumerBuildError']);
  });

  it('stop drops delayed messages and leaves no timer behind', async () => {
    // Prepare
    let handled = 0;
    const queue = queueOf(async () => {
      handled += 1;
    });
    await queue.send({ job: 1 }, 900);

    // Act
    await queue.stop();

    // Assess
    expect(queue.isIdle()).toBe(true);
    expect(handled).toBe(0);
    await expect(queue.send({ job: 2 })).rejects.toThrow(/stopped/);
  });
});
