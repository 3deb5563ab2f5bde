/**
 * A local stand-in for one SQS queue and its Lambda consumer: messages (JSON bodies,
 * optionally delayed ≤ 900 s) are handed to the SAME handler module that consumes the
 * queue in AWS, as an `SQSEvent`. Each message is its own invocation (batch size 1), run
 * concurrently up to a limit, so a slow message never holds up another. A message whose
 * invocation throws, or reports it in `batchItemFailures`, is received again after a short
 * backoff (SQS's visibility timeout); after `maxReceiveCount` receives it moves to the
 * in-memory dead-letter list. Logs carry queue, message id and error name, never the body.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { sqsDelaySeconds } from '../../shared/events/aws-adapters.ts';
import type { JobQueue } from '../../shared/events/ports.ts';
import { logger } from '../../shared/http/logger.ts';
import { localLambdaContext } from './lambda-context.ts';

/** An SQS-triggered Lambda handler. */
export type SqsConsumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void | undefined>;

/** A message that was received `maxReceiveCount` times without success. */
export interface DeadLetter {
  readonly queue: string;
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
  /** Name of the last error (never its message, which might echo the body). */
  readonly error: string;
  readonly at: string;
}

/** Options of {@link LocalQueue}. */
export interface LocalQueueOptions {
  readonly name: string;
  /** Loads the consumer; called at the first message (so a consumer module may appear late). */
  readonly consumer: () => Promise<SqsConsumer>;
  readonly maxReceiveCount: number;
  /** Invocations at once (Lambda concurrency). */
  readonly concurrency?: number;
  /** Wait before a failed message is received again, by its receive count so far. */
  readonly retryDelayMs?: (receiveCount: number) => number;
  /** The consumer's timeout (its context's remaining time). */
  readonly timeoutMs?: number;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Loads `handler` from a function entry of the repository (e.g. `QUEUES.fanOut.entry`). */
export const handlerFromEntry = (entry: string) => async (): Promise<SqsConsumer> => {
  const path = resolve(REPO_ROOT, entry);
  if (!existsSync(path)) throw Object.assign(new Error(`The consumer module ${entry} does not exist.`), { name: 'ConsumerMissingError' });
  const module = (await import(pathToFileURL(path).href)) as { handler?: SqsConsumer };
  if (typeof module.handler !== 'function') throw Object.assign(new Error(`${entry} does not export a handler.`), { name: 'ConsumerMissingError' });
  return module.handler;
};

interface Message {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
}

const defaultRetryDelayMs = (receiveCount: number): number => Math.min(5_000, 200 * 2 ** (receiveCount - 1));

/** One local queue and its consumer. */
export class LocalQueue<T = unknown> implements JobQueue<T> {
  readonly name: string;
  private readonly options: LocalQueueOptions;
  private readonly concurrency: number;
  private readonly ready: Message[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly dead: DeadLetter[] = [];
  private idleWaiters: (() => void)[] = [];
  private consumer: Promise<SqsConsumer> | undefined;
  private stopped = false;

  constructor(options: LocalQueueOptions) {
    this.name = options.name;
    this.options = options;
    this.concurrency = options.concurrency ?? 10;
  }

  /** Sends `job` (as JSON), available after `delaySeconds` (0–900). */
  async send(job: T, delaySeconds?: number): Promise<void> {
    this.sendBody(JSON.stringify(job), delaySeconds);
  }

  /** Sends a raw body. */
  sendBody(body: string, delaySeconds?: number): void {
    if (this.stopped) throw new Error(`The local queue ${this.name} is stopped.`);
    const message: Message = { messageId: randomUUID(), body, sentAt: Date.now(), receiveCount: 0 };
    this.later(sqsDelaySeconds(delaySeconds) * 1000, message);
  }

  /** Messages dead-lettered so far (in memory only). */
  deadLetters(): readonly DeadLetter[] {
    return [...this.dead];
  }

  /** Whether nothing is waiting, delayed, or being handled. */
  isIdle(): boolean {
    return this.ready.length === 0 && this.timers.size === 0 && this.running.size === 0;
  }

  /** Resolves when the queue is idle (delayed messages and redeliveries included). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((done) => this.idleWaiters.push(done));
  }

  /**
   * Stops: no new deliveries; delayed messages are dropped (the queue is in memory); waits up
   * to `graceMs` for invocations in flight.
   */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ready.length = 0;
    if (this.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    }
    this.notifyIfIdle();
  }

  private later(delayMs: number, message: Message): void {
    if (delayMs <= 0) {
      this.ready.push(message);
      this.pump();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      this.ready.push(message);
      this.pump();
    }, delayMs);
    this.timers.add(timer);
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency && this.ready.length > 0) {
      const message = this.ready.shift()!;
      const run: Promise<void> = this.deliver(message).finally(() => {
        this.running.delete(run);
        this.pump();
        this.notifyIfIdle();
      });
      this.running.add(run);
    }
  }

  private notifyIfIdle(): void {
    if (!this.isIdle() && !this.stopped) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const done of waiters) done();
  }

  private record(message: Message): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: `${message.messageId}#${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? Date.now()),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.name}`,
      awsRegion: 'local',
    };
  }

  private async deliver(message: Message): Promise<void> {
    message.receiveCount += 1;
    message.firstReceivedAt ??= Date.now();
    let failure: string | undefined;
    try {
      this.consumer ??= this.options.consumer().catch((error: unknown) => {
        this.consumer = undefined;
        throw error;
      });
      const consumer = await this.consumer;
      const result = await consumer({ Records: [this.record(message)] }, localLambdaContext(this.name, this.options.timeoutMs ?? 60_000));
      if (result?.batchItemFailures?.some((f) => f.itemIdentifier === message.messageId)) failure = 'BatchItemFailure';
    } catch (error) {
      failure = (error as Error)?.name ?? 'Error';
    }
    if (failure === undefined || this.stopped) return;
    if (message.receiveCount >= this.options.maxReceiveCount) {
      this.dead.push({
        queue: this.name,
        messageId: message.messageId,
        body: message.body,
        receiveCount: message.receiveCount,
        error: failure,
        at: new Date().toISOString(),
      });
      logger.error('Local queue message dead-lettered', { queue: this.name, messageId: message.messageId, receiveCount: message.receiveCount, error: failure });
      return;
    }
    logger.warn('Local queue message failed; it will be received again', { queue: this.name, messageId: message.messageId, receiveCount: message.receiveCount, error: failure });
    this.later((this.options.retryDelayMs ?? defaultRetryDelayMs)(message.receiveCount), message);
  }
}
