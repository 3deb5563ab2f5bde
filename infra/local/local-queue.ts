/**
 * A local stand-in for one SQS queue and its Lambda consumer: messages (JSON bodies,
 * optionally delayed ≤ 900 s) are handed to the SAME handler that consumes the queue in
 * AWS (built by its composition root on local adapters), as an `SQSEvent`. Each message is its own invocation (batch size 1), run
 * concurrently up to a limit, so a slow message never holds up another. A message whose
 * invocation throws, or reports it in `batchItemFailures`, is received again after a short
 * backoff (standing in for SQS's visibility timeout); after `maxReceiveCount` receives it
 * moves to the dead-letter list. Each invocation gets its consumer's deployed timeout and
 * memory; one that overruns the timeout fails like a Lambda timeout, and its message comes
 * back only when the queue's visibility timeout has passed, as in SQS. Logs carry queue, message id and error name, never the body.
 *
 * Durable like SQS when given a journal file (the runtime gives one with persisted data):
 * a send is appended to the journal before `send` returns, so whoever sent it (the
 * publisher, before its stream position moves on; the fan-out, before it marks the job
 * queued) may rely on it surviving a crash of the process. Outcomes (done, retry, dead) are
 * appended too, and a restart redelivers every message not done — at least once, as SQS
 * does. Without a journal the queue is in memory only.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SQS_MAX_MESSAGE_BYTES, sqsDelaySeconds } from '../../shared/platform/aws/aws-job-queue.ts';
import type { JobQueue } from '../../shared/core/messaging-ports.ts';
import { logger } from '../../shared/platform/http/logger.ts';
import { FunctionTimeoutError, invokeLocally, type LocalFunctionLimits } from './lambda-context.ts';
import { QueueJournal } from './queue-journal.ts';

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
  /** Builds the consumer; called at the first message (so a consumer that cannot be built fails its messages, not the start). */
  readonly consumer: () => Promise<SqsConsumer>;
  readonly maxReceiveCount: number;
  /** Invocations at once (Lambda concurrency). */
  readonly concurrency?: number;
  /** Wait before a failed message is received again, by its receive count so far. */
  readonly retryDelayMs?: (receiveCount: number) => number;
  /**
   * The consumer's deployed timeout and memory (its context counts down from the timeout).
   * An invocation that overruns fails its message like a Lambda timeout.
   * @default 60 s and 512 MB
   */
  readonly limits?: LocalFunctionLimits;
  /** The consumer's function name, for its context and logs. @default the queue's name */
  readonly functionName?: string;
  /**
   * The queue's visibility timeout: a message whose invocation timed out is received again
   * only this long after it was received, as SQS does (other failures keep the quick
   * `retryDelayMs`). @default 6 × the consumer's timeout
   */
  readonly visibilityTimeoutMs?: number;
  /** Keep messages in this append-only file (JSON lines), so they survive a crash; see the module comment. */
  readonly journalFile?: string | undefined;
}

interface Message {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
}

const defaultRetryDelayMs = (receiveCount: number): number => Math.min(5_000, 200 * 2 ** (receiveCount - 1));

const DEFAULT_LIMITS: LocalFunctionLimits = { timeoutMs: 60_000, memoryMb: 512 };

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
  private readonly journal: QueueJournal | undefined;

  constructor(options: LocalQueueOptions) {
    this.name = options.name;
    this.options = options;
    this.concurrency = options.concurrency ?? 10;
    if (options.journalFile) {
      this.journal = new QueueJournal(options.journalFile);
      this.dead.push(...this.journal.dead);
      // Messages left by the last run (a crash, or a stop with deliveries pending) come back,
      // after this tick: whoever made the queue finishes setting up before a consumer runs.
      const now = Date.now();
      for (const m of this.journal.pending) {
        this.later(Math.max(1, m.availableAt - now), { messageId: m.id, body: m.body, sentAt: m.sentAt, receiveCount: m.receiveCount });
      }
      if (this.journal.pending.length > 0)
        logger.info('Local queue: messages from the last run will be delivered again', {
          queue: this.name,
          messages: this.journal.pending.length,
        });
    }
  }

  /** Sends `job` (as JSON), available after `delaySeconds` (0–900). */
  async send(job: T, delaySeconds?: number): Promise<void> {
    this.sendBody(JSON.stringify(job), delaySeconds);
  }

  /** Sends a raw body. */
  sendBody(body: string, delaySeconds?: number): void {
    if (this.stopped) throw new Error(`The local queue ${this.name} is stopped.`);
    // As SQS refuses it: a job too big for the deployed queue must fail here too.
    const bytes = Buffer.byteLength(body);
    if (bytes > SQS_MAX_MESSAGE_BYTES) {
      throw Object.assign(new Error(`Message of ${bytes} bytes is longer than the ${SQS_MAX_MESSAGE_BYTES} bytes SQS accepts.`), {
        name: 'InvalidParameterValue',
      });
    }
    const message: Message = { messageId: randomUUID(), body, sentAt: Date.now(), receiveCount: 0 };
    const delayMs = sqsDelaySeconds(delaySeconds) * 1000;
    // On file before the sender goes on, as SQS has the message once SendMessage returns.
    this.journal?.append({ op: 'send', id: message.messageId, body, sentAt: message.sentAt, availableAt: message.sentAt + delayMs });
    this.later(delayMs, message);
  }

  /** Messages dead-lettered so far (kept in the journal when there is one). */
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
   * Stops: no new deliveries; delayed messages are dropped (with a journal they come back
   * at the next start); waits up to `graceMs` for invocations in flight.
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
    this.journal?.close();
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
    if (!this.stopped) this.journal?.compactIfLong(this.dead);
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
    const receivedAt = Date.now();
    message.firstReceivedAt ??= receivedAt;
    const limits = this.options.limits ?? DEFAULT_LIMITS;
    let failure: string | undefined;
    let timedOut = false;
    try {
      this.consumer ??= this.options.consumer().catch((error: unknown) => {
        this.consumer = undefined;
        throw error;
      });
      const consumer = await this.consumer;
      const result = await invokeLocally(this.options.functionName ?? this.name, limits, (context) =>
        consumer({ Records: [this.record(message)] }, context),
      );
      if (result?.batchItemFailures?.some((f) => f.itemIdentifier === message.messageId)) failure = 'BatchItemFailure';
    } catch (error) {
      failure = (error as Error)?.name ?? 'Error';
      timedOut = error instanceof FunctionTimeoutError;
    }
    if (failure === undefined) {
      this.journal?.append({ op: 'done', id: message.messageId });
      return;
    }
    // Stopping: the message stays as it was (in the journal, if any) for the next start.
    if (this.stopped) return;
    if (message.receiveCount >= this.options.maxReceiveCount) {
      const letter: DeadLetter = {
        queue: this.name,
        messageId: message.messageId,
        body: message.body,
        receiveCount: message.receiveCount,
        error: failure,
        at: new Date().toISOString(),
      };
      this.dead.push(letter);
      this.journal?.append({ op: 'dead', id: message.messageId, letter });
      logger.error('Local queue message dead-lettered', {
        queue: this.name,
        messageId: message.messageId,
        receiveCount: message.receiveCount,
        error: failure,
      });
      return;
    }
    logger.warn('Local queue message failed; it will be received again', {
      queue: this.name,
      messageId: message.messageId,
      receiveCount: message.receiveCount,
      error: failure,
    });
    let delayMs = (this.options.retryDelayMs ?? defaultRetryDelayMs)(message.receiveCount);
    if (timedOut) {
      // Lambda gave up on it, SQS did not: the message stays invisible until its visibility timeout ends.
      const visibilityMs = this.options.visibilityTimeoutMs ?? 6 * limits.timeoutMs;
      delayMs = Math.max(delayMs, receivedAt + visibilityMs - Date.now());
    }
    this.journal?.append({ op: 'retry', id: message.messageId, receiveCount: message.receiveCount, availableAt: Date.now() + delayMs });
    this.later(delayMs, message);
  }
}
