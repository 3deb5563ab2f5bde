// Over 350 lines because it is one state machine (shard discovery, iterators, batches, retries, saved positions) whose parts share the shard table; record conversion and position files are already split out.
/**
 * The local stand-in for the DynamoDB event source mapping: reads the table's stream
 * through DynamoDB Local's Streams API and invokes the SAME publisher handler module with
 * real `DynamoDBStreamEvent` batches (≤ 100 records, `eventSourceARN` set), after applying
 * the same filter the CDK mapping deploys (`JOINTLY_TABLE.outboxStreamFilter`, by the same
 * matcher the local bus uses).
 *
 * Like the mapping with `ReportBatchItemFailures`, it resumes at the lowest failed sequence
 * number (a thrown error, or an invocation past the publisher's timeout, fails the whole batch), with backoff: quick retries first, then
 * slow ones for as long as it takes. It never skips a record. A shard's position moves only
 * after its batch succeeded; closed shards are read to the end before their children. The
 * positions live in memory, or in a JSON file when the data is persisted, so a restart
 * neither loses nor re-publishes events. The Streams API is called through the same small
 * JSON-protocol client the functions use for DynamoDB (decision record 49): the SDK's
 * Streams client cost this process more CPU per idle poll than a whole API request.
 */
import { type AwsJsonClient, awsJsonClient } from '../../shared/platform/aws/aws-json-client.ts';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { JOINTLY_TABLE } from '../../shared/platform/dynamodb/table-definition.ts';
import { matchesPattern, type EventPattern } from '../../shared/core/event-pattern.ts';
import { logger } from '../../shared/platform/http/logger.ts';
import { invokeLocally, type LocalFunctionLimits } from './lambda-context.ts';
import { toLambdaRecord, type StreamsRecord } from './stream-records.ts';
import { loadShardPositions, saveShardPositions, type ShardPosition } from './stream-positions.ts';

export type { ShardPosition } from './stream-positions.ts';

/** A DynamoDB-stream-triggered Lambda handler. */
export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void | undefined>;

/** The filter the local poller applies: the very object the CDK event source mapping deploys. */
export const OUTBOX_STREAM_FILTER = JOINTLY_TABLE.outboxStreamFilter as EventPattern;

/** Options of {@link StreamPoller}. */
export interface StreamPollerOptions {
  readonly endpoint: string;
  readonly tableName: string;
  /** The publisher handler (the module's `handler`). */
  readonly handler: StreamHandler;
  /** Keep shard positions in this JSON file (persisted data); in memory otherwise. */
  readonly positionFile?: string | undefined;
  /** The mapping's filters: a record passing any of them is delivered. @default [OUTBOX_STREAM_FILTER] */
  readonly filters?: readonly EventPattern[];
  /**
   * The `userIdentity` AWS would put on a record, which DynamoDB Local never does: the local
   * TTL reaper's deletions (infra/local/ttl-reaper.ts) get the DynamoDB service's.
   */
  readonly identify?: (record: DynamoDBRecord) => { type: string; principalId: string } | undefined;
  /** The function the handler is, for its invocation context and the poller's warnings. @default 'publisher' */
  readonly functionName?: string;
  /** Records per GetRecords call and so per invocation, ≤ 100 (the CDK mapping's batch size). */
  readonly batchSize?: number;
  /**
   * The publisher's deployed timeout and memory; an invocation that overruns the timeout
   * fails the whole batch, which is retried like any failed batch (as the mapping does).
   * @default 60 s and 512 MB
   */
  readonly limits?: LocalFunctionLimits;
  /** Pause between polls when there is nothing new. */
  readonly idlePollMs?: number;
  /** How often the shard list is refreshed when nothing else asks for it. */
  readonly shardRefreshMs?: number;
  /** Backoff after a failed batch: `retryBaseMs × 2^(n−1)` capped at `retryMaxMs` for `quickRetries` tries, then `slowRetryMs`. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly quickRetries?: number;
  readonly slowRetryMs?: number;
}

interface ShardState {
  readonly shardId: string;
  readonly parentShardId?: string | undefined;
  iterator?: string | undefined;
  position?: string | undefined;
  finished: boolean;
  /** Consecutive failures at `failedAt`. */
  failures: number;
  failedAt?: string | undefined;
  notBefore: number;
}

const isNamed = (error: unknown, name: string): boolean => (error as { name?: string })?.name === name;

/** A shard as `DescribeStream` lists it (the fields read). */
interface Shard {
  readonly ShardId?: string;
  readonly ParentShardId?: string;
}

/** What `GetRecords` answers (the fields read). */
interface GetRecordsOutput {
  readonly Records?: StreamsRecord[];
  readonly NextShardIterator?: string;
}

const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '0';
const before = (a: string, b: string): boolean => BigInt(a) < BigInt(b);

/** Reads a table's stream and feeds the publisher; see the module comment. */
export class StreamPoller {
  private readonly options: StreamPollerOptions;
  private readonly streams: AwsJsonClient;
  private readonly dynamodb: AwsJsonClient;
  private readonly filters: readonly EventPattern[];
  private readonly shards = new Map<string, ShardState>();
  private saved: Record<string, ShardPosition> = {};
  private streamArn: string | undefined;
  private noStream = false;
  private nextShardRefresh = 0;
  private round = 0;
  private waiters: { round: number; done: () => void }[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Whether the loop is sleeping only because the last round found nothing (not backing off a failure). */
  private idle = false;
  private saving: Promise<void> = Promise.resolve();

  constructor(options: StreamPollerOptions) {
    this.options = options;
    this.filters = options.filters ?? [OUTBOX_STREAM_FILTER];
    const config = {
      endpoint: options.endpoint,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    } as const;
    this.streams = awsJsonClient('dynamodbStreams', config);
    this.dynamodb = awsJsonClient('dynamodb', config);
  }

  /** Starts polling (returns at once). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the batch in hand (its position saved); resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.saving;
    this.streams.destroy();
    this.dynamodb.destroy();
    this.settle(Number.POSITIVE_INFINITY);
  }

  /**
   * Resolves once every record committed before the call has been handed to the handler
   * successfully: a whole polling round that started after the call found nothing new and
   * nothing waiting to be retried.
   */
  caughtUp(): Promise<void> {
    if (this.stopped || this.noStream) return Promise.resolve();
    const caught = new Promise<void>((done) => this.waiters.push({ round: this.round, done }));
    // An idle loop would sleep out its poll interval before the round that can answer: start
    // that round now (a drain between benchmark requests then costs one round, not ≈ 150 ms).
    // A loop backing off a failed batch keeps its backoff.
    if (this.idle) this.wake?.();
    return caught;
  }

  /** The positions now (what the position file holds). */
  positions(): Record<string, ShardPosition> {
    return Object.fromEntries(
      [...this.shards.values()].map((s) => [
        s.shardId,
        { ...(s.position ? { sequenceNumber: s.position } : {}), ...(s.finished ? { finished: true } : {}) },
      ]),
    );
  }

  private settle(round: number): void {
    const ready = this.waiters.filter((w) => w.round < round);
    this.waiters = this.waiters.filter((w) => w.round >= round);
    for (const w of ready) w.done();
  }

  /** Sleeps `ms`, or until woken by {@link stop} (or, when `idle`, by {@link caughtUp}). */
  private sleep(ms: number, idle = false): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((done) => {
      const end = () => {
        this.wake = undefined;
        this.idle = false;
        done();
      };
      const timer = setTimeout(end, ms);
      this.idle = idle;
      this.wake = () => {
        clearTimeout(timer);
        end();
      };
    });
  }

  private async run(): Promise<void> {
    const idle = this.options.idlePollMs ?? 150;
    while (!this.stopped) {
      try {
        if (!this.streamArn) {
          await this.init();
          if (!this.streamArn) {
            this.noStream = true;
            this.settle(Number.POSITIVE_INFINITY);
            logger.error('The table has no stream: events will not be published', { table: this.options.tableName });
            return;
          }
        }
        const roundStart = ++this.round;
        // Someone waits for "caught up": make sure no new shard is missed.
        if (this.waiters.length > 0 || Date.now() >= this.nextShardRefresh) await this.refreshShards();
        let worked = false;
        let retryAt = Number.POSITIVE_INFINITY;
        for (const shard of this.readableShards()) {
          if (this.stopped) break;
          if (shard.notBefore > Date.now()) {
            retryAt = Math.min(retryAt, shard.notBefore);
            continue;
          }
          const outcome = await this.step(shard);
          if (outcome === 'failed') retryAt = Math.min(retryAt, shard.notBefore);
          else if (outcome !== 'empty') worked = true;
          if (outcome === 'closed') this.nextShardRefresh = 0;
        }
        if (!worked && retryAt === Number.POSITIVE_INFINITY) this.settle(roundStart);
        if (!worked) await this.sleep(Math.max(0, Math.min(idle, retryAt - Date.now())), retryAt === Number.POSITIVE_INFINITY);
      } catch (error) {
        if (this.stopped) break;
        logger.warn('Stream poller could not read the stream; trying again', { error: (error as Error)?.name });
        for (const s of this.shards.values()) s.iterator = undefined;
        await this.sleep(1_000);
      }
    }
  }

  private async init(): Promise<void> {
    const { Table } = await this.dynamodb.call<{ Table?: { LatestStreamArn?: string } }>('DescribeTable', {
      TableName: this.options.tableName,
    });
    this.streamArn = Table?.LatestStreamArn;
    this.saved = loadShardPositions(this.options.positionFile, this.streamArn);
  }

  private async refreshShards(): Promise<void> {
    const described: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.streams.call<{ StreamDescription?: { Shards?: Shard[]; LastEvaluatedShardId?: string } }>(
        'DescribeStream',
        { StreamArn: this.streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) },
      );
      described.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    for (const shard of described) {
      if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
      const saved = this.saved[shard.ShardId];
      this.shards.set(shard.ShardId, {
        shardId: shard.ShardId,
        parentShardId: shard.ParentShardId,
        position: saved?.sequenceNumber,
        finished: saved?.finished ?? false,
        failures: 0,
        notBefore: 0,
      });
    }
    this.nextShardRefresh = Date.now() + (this.options.shardRefreshMs ?? 2_000);
  }

  /** Open shards whose parent (if still known) has been read to its end: a referral's events stay in order. */
  private readableShards(): ShardState[] {
    return [...this.shards.values()].filter((s) => {
      if (s.finished) return false;
      const parent = s.parentShardId ? this.shards.get(s.parentShardId) : undefined;
      return !parent || parent.finished;
    });
  }

  private async iteratorFor(shard: ShardState): Promise<string | undefined> {
    try {
      const { ShardIterator } = await this.streams.call<{ ShardIterator?: string }>('GetShardIterator', {
        StreamArn: this.streamArn,
        ShardId: shard.shardId,
        ...(shard.position
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.position }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      });
      return ShardIterator;
    } catch (error) {
      if (!shard.position || !isNamed(error, 'TrimmedDataAccessException')) throw error;
      logger.error('Stream records past the saved position have expired: reading from the oldest record kept', { shard: shard.shardId });
      shard.position = undefined;
      return this.iteratorFor(shard);
    }
  }

  /** One GetRecords on a shard and, if it returned matching records, one invocation. */
  private async step(shard: ShardState): Promise<'records' | 'empty' | 'closed' | 'failed'> {
    shard.iterator ??= await this.iteratorFor(shard);
    if (!shard.iterator) {
      shard.finished = true;
      this.save();
      return 'closed';
    }
    let result: GetRecordsOutput;
    try {
      result = await this.streams.call<GetRecordsOutput>('GetRecords', {
        ShardIterator: shard.iterator,
        Limit: Math.min(100, this.options.batchSize ?? 100),
      });
    } catch (error) {
      if (isNamed(error, 'ExpiredIteratorException')) {
        shard.iterator = undefined;
        return 'records';
      }
      if (isNamed(error, 'TrimmedDataAccessException')) {
        logger.error('Stream records past the saved position have expired: reading from the oldest record kept', { shard: shard.shardId });
        shard.position = undefined;
        shard.iterator = undefined;
        return 'records';
      }
      throw error;
    }
    const records = (result.Records ?? []).map((r) => {
      const record = toLambdaRecord(r, this.streamArn!);
      const userIdentity = this.options.identify?.(record);
      return userIdentity ? { ...record, userIdentity } : record;
    });
    if (records.length === 0) {
      shard.iterator = result.NextShardIterator;
      if (!result.NextShardIterator) {
        shard.finished = true;
        this.save();
        return 'closed';
      }
      return 'empty';
    }
    const matching = records.filter((r) => this.filters.some((filter) => matchesPattern(filter, r)));
    const failedAt = matching.length > 0 ? await this.invoke(matching) : undefined;
    if (failedAt === undefined) {
      shard.position = sequenceOf(records.at(-1)!);
      shard.iterator = result.NextShardIterator;
      shard.failures = 0;
      shard.failedAt = undefined;
      if (!result.NextShardIterator) shard.finished = true;
      this.save();
      return 'records';
    }
    // Everything before the first failure is done; resume at it after a backoff.
    const done = records.filter((r) => before(sequenceOf(r), failedAt));
    if (done.length > 0) shard.position = sequenceOf(done.at(-1)!);
    shard.iterator = undefined;
    shard.failures = shard.failedAt === failedAt ? shard.failures + 1 : 1;
    shard.failedAt = failedAt;
    shard.notBefore = Date.now() + this.backoff(shard.failures);
    if (shard.failures > (this.options.quickRetries ?? 10)) {
      logger.warn('The publisher keeps failing at a stream record; still retrying, never skipping', {
        shard: shard.shardId,
        sequenceNumber: failedAt,
        attempts: shard.failures,
      });
    }
    this.save();
    return 'failed';
  }

  private backoff(failures: number): number {
    const quick = this.options.quickRetries ?? 10;
    if (failures > quick) return this.options.slowRetryMs ?? 10_000;
    return Math.min(this.options.retryMaxMs ?? 5_000, (this.options.retryBaseMs ?? 100) * 2 ** (failures - 1));
  }

  /** Invokes the handler; the lowest failed sequence number, or `undefined` when all succeeded. */
  private async invoke(records: DynamoDBRecord[]): Promise<string | undefined> {
    const first = sequenceOf(records[0]!);
    try {
      const limits = this.options.limits ?? { timeoutMs: 60_000, memoryMb: 512 };
      const response = await invokeLocally(this.options.functionName ?? 'publisher', limits, (context) =>
        this.options.handler({ Records: records }, context),
      );
      const failed = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      if (failed.length === 0) return undefined;
      const known = new Set(records.map(sequenceOf));
      // An identifier that is not a record of the batch fails the whole batch, as in Lambda.
      if (failed.some((id) => !id || !known.has(id))) return first;
      return failed.reduce((lowest, id) => (before(id, lowest) ? id : lowest));
    } catch (error) {
      logger.warn('The publisher failed a whole batch; it will be retried', {
        function: this.options.functionName ?? 'publisher',
        error: (error as Error)?.name,
        records: records.length,
      });
      return first;
    }
  }

  /** Writes the positions (queued, so writes never interleave); in memory only without a file. */
  private save(): void {
    const file = this.options.positionFile;
    if (!file || !this.streamArn) return;
    const content = { streamArn: this.streamArn, shards: { ...this.saved, ...this.positions() } };
    this.saving = this.saving.then(() => saveShardPositions(file, content));
  }
}
