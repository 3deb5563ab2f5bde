/**
 * The local event path: a local queue per queue of `QUEUES`, the in-process bus routing to
 * them by `BUS_RULES`, and the stream poller feeding the publisher. Each function is the
 * deployed handler, built by its composition root (shared/wiring) on local adapters
 * instead of AWS ones: the bus and queues here, DynamoDB clients the runtime instruments,
 * the local sealer and mailer, and the fault injectors of `JOINTLY_FAULT_RATE`.
 */
import { resolve } from 'node:path';
import type { DocumentClient } from '../../shared/platform/dynamodb/document-client.ts';
import type { DeliveryQueueMessage, EventBus, Mailer, SecretSealer } from '../../shared/core/messaging-ports.ts';
import { CLAIM_LEASE_MS } from '../../shared/subscriptions/data/delivery-repository.ts';
import { ATTEMPT_LEASE_MS } from '../../shared/subscriptions/domain/delivery.ts';
import { QUEUES, type QueueName } from '../../shared/wiring/bus-rules.ts';
import { deliverHandler } from '../../shared/wiring/deliver.ts';
import { fanOutHandler } from '../../shared/wiring/fan-out.ts';
import { metricsHandler } from '../../shared/wiring/metrics.ts';
import { publisherHandler } from '../../shared/wiring/publisher.ts';
import { consumerOf, EVENT_FUNCTION_SETTINGS, VISIBILITY_TIMEOUT_FACTOR } from '../function-settings.ts';
import { failingAttempts, failingPublishes } from './event-faults.ts';
import { LocalBus } from './local-bus.ts';
import type { LocalFunctionSettings } from './local-function-settings.ts';
import { LocalQueue, type DeadLetter, type SqsConsumer } from './local-queue.ts';
import { StreamPoller } from './stream-poller.ts';
import { TtlReaper } from './ttl-reaper.ts';
import { recordKeeperHandler } from '../../shared/wiring/record-keeper.ts';
import type { AuditArchive } from '../../shared/audit/domain/ports.ts';
import { RECORD_KEEPER_STREAM_FILTERS } from '../../shared/platform/dynamodb/table-definition.ts';
import type { EventPattern } from '../../shared/core/event-pattern.ts';
import type { LocalTelemetry } from './telemetry.ts';

/**
 * The longest lease a worker that died mid-way can leave behind: a fan-out's delivery claim
 * and a delivery attempt (`shared/subscriptions/data/delivery-repository.ts`, `shared/subscriptions/domain/delivery.ts`;
 * each outlasts its function's timeout). In AWS a message is received again only after the queue's
 * visibility timeout (6 × the function timeout), long past any lease. Locally, retries are
 * quick, except the last receive before the dead-letter list, which waits the lease out:
 * a message replayed after a crash, finding the dead worker's lease, still gets its turn.
 */
const WORKER_LEASE_MS = Math.max(CLAIM_LEASE_MS, ATTEMPT_LEASE_MS);

const localRetryDelayMs =
  (maxReceiveCount: number) =>
  (receiveCount: number): number =>
    receiveCount >= maxReceiveCount - 1 ? WORKER_LEASE_MS + 1_000 : Math.min(5_000, 200 * 2 ** (receiveCount - 1));

/** What the event path is built on. */
export interface EventPathOptions {
  readonly endpoint: string;
  readonly tableName: string;
  /** Where stream positions and queue journals are kept (persisted data only). */
  readonly keptDir: string | undefined;
  /** A DynamoDB client for the function `functionId`, instrumented by the runtime. */
  readonly documentClient: (functionId: string) => DocumentClient;
  readonly sealer: SecretSealer;
  readonly mailer: Mailer;
  /** `JOINTLY_FAULT_RATE`: publishes and delivery attempts failed on purpose. */
  readonly faultRate: number;
  readonly telemetry: LocalTelemetry;
  readonly limitsOf: (functionId: string) => LocalFunctionSettings;
  /** Wraps the bus the publisher publishes to (tests observe what is published). */
  readonly observeBus?: ((bus: EventBus) => EventBus) | undefined;
  /** How often the local TTL reaper deletes expired items (DynamoDB Local has no TTL of its own). */
  readonly ttlEveryMs: number;
  /** A DynamoDB client of the runtime's own machinery (the TTL reaper), not counted as a function's. */
  readonly machineryClient: () => DocumentClient;
  /** Where the record keeper stores audit lines (the local file archive), in place of the Object Lock bucket. */
  readonly auditArchive: AuditArchive;
}

/** The local event path. */
export interface EventPath {
  readonly queues: ReadonlyMap<QueueName, LocalQueue>;
  /** The deliveries queue (the subscription API's redrive sends to it too). */
  readonly deliveryQueue: LocalQueue<DeliveryQueueMessage>;
  /** Starts reading the table's stream into its two readers, the publisher and the record keeper, and the TTL reaper. */
  startPublishing(): void;
  /** Deletes every item whose TTL has passed now, as DynamoDB's TTL does in its own time; resolves with how many. */
  reapExpired(): Promise<number>;
  /** Resolves when every event committed before the call is published and every queue is idle. */
  drain(): Promise<void>;
  deadLetters(): DeadLetter[];
  stop(): Promise<void>;
}

/** Builds the queues and the bus; {@link EventPath.startPublishing} starts the stream poller. */
export const createEventPath = (options: EventPathOptions): EventPath => {
  const { telemetry, limitsOf, faultRate } = options;
  const queues = new Map<QueueName, LocalQueue>();
  const deliveries = (): LocalQueue<DeliveryQueueMessage> => queues.get('deliveries')! as LocalQueue<DeliveryQueueMessage>;
  // Each consumer is its composition root's handler on local adapters, built at its queue's first message.
  const consumers: Record<QueueName, () => SqsConsumer> = {
    fanOut: () => fanOutHandler({ documentClient: options.documentClient('fanOut'), deliveryQueue: deliveries() }),
    deliveries: () =>
      deliverHandler({
        documentClient: options.documentClient('deliver'),
        deliveryQueue: deliveries(),
        sealer: options.sealer,
        mailer: options.mailer,
        ...(faultRate > 0 ? { callOut: failingAttempts(faultRate) } : {}),
      }),
    metrics: () => metricsHandler({ documentClient: options.documentClient('metrics') }),
  };
  for (const [name, queue] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
    const consumerSettings = limitsOf(consumerOf(name));
    const source = consumerSettings.eventSource;
    const concurrency = (source?.kind === 'sqs' ? source.maxConcurrency : undefined) ?? consumerSettings.reservedConcurrency;
    const consumer = async (): Promise<SqsConsumer> => {
      const handler = consumers[name]();
      // Each message runs as its worker, even when an API request (a redrive) queued it.
      return (event, context) => telemetry.inWorker(name, () => handler(event, context));
    };
    queues.set(
      name,
      new LocalQueue({
        name,
        consumer,
        maxReceiveCount: queue.maxReceiveCount,
        retryDelayMs: localRetryDelayMs(queue.maxReceiveCount),
        functionName: consumerSettings.id,
        limits: consumerSettings,
        visibilityTimeoutMs: VISIBILITY_TIMEOUT_FACTOR * consumerSettings.timeoutMs,
        ...(concurrency !== undefined ? { concurrency } : {}),
        // With persisted data the queues are durable too, as SQS is: a crash between the stream
        // position moving on and a message being handled must not lose the message.
        journalFile: options.keptDir ? resolve(options.keptDir, 'queues', `${name}.jsonl`) : undefined,
      }),
    );
  }
  const routed = telemetry.countingBus(new LocalBus({ targets: Object.fromEntries(queues) as Record<QueueName, LocalQueue> }));
  const observed = options.observeBus ? options.observeBus(routed) : routed;
  const bus = faultRate > 0 ? failingPublishes(observed, faultRate) : observed;

  const pollers: StreamPoller[] = [];
  const reaper = new TtlReaper({
    client: options.machineryClient(),
    tableName: options.tableName,
    everyMs: options.ttlEveryMs,
    markFile: options.keptDir ? resolve(options.keptDir, 'ttl-removals.json') : undefined,
  });
  return {
    queues,
    deliveryQueue: deliveries(),
    startPublishing: () => {
      // The stream → publisher → bus path.
      const poller = new StreamPoller({
        endpoint: options.endpoint,
        tableName: options.tableName,
        handler: telemetry.countingPublisher(publisherHandler({ bus })),
        batchSize: EVENT_FUNCTION_SETTINGS.publisher.eventSource.batchSize,
        limits: limitsOf('publisher'),
        positionFile: options.keptDir ? resolve(options.keptDir, 'stream-position.json') : undefined,
      });
      poller.start();
      pollers.push(poller);
      // Stream → record keeper (decision 61): access-log entries and events into the local
      // archive files, and referral items the TTL (here, the reaper) removed to their disposal.
      const recordKeeper = new StreamPoller({
        endpoint: options.endpoint,
        tableName: options.tableName,
        handler: recordKeeperHandler({ archive: options.auditArchive, documentClient: options.documentClient('recordKeeper') }),
        functionName: 'recordKeeper',
        filters: RECORD_KEEPER_STREAM_FILTERS as EventPattern[],
        identify: (record) => reaper.identityOf(record),
        batchSize: EVENT_FUNCTION_SETTINGS.recordKeeper.eventSource.batchSize,
        limits: limitsOf('recordKeeper'),
        positionFile: options.keptDir ? resolve(options.keptDir, 'stream-position-record-keeper.json') : undefined,
      });
      recordKeeper.start();
      pollers.push(recordKeeper);
      reaper.start();
    },
    reapExpired: () => reaper.reapNow(),
    drain: async () => {
      for (;;) {
        await Promise.all(pollers.map((p) => p.caughtUp()));
        const busy = [...queues.values()].some((q) => !q.isIdle());
        await Promise.all([...queues.values()].map((q) => q.whenIdle()));
        if (!busy) return;
      }
    },
    deadLetters: () => [...queues.values()].flatMap((q) => q.deadLetters()),
    stop: async () => {
      await reaper.stop();
      await Promise.all(pollers.map((p) => p.stop()));
      await Promise.all([...queues.values()].map((q) => q.stop()));
    },
  };
};
