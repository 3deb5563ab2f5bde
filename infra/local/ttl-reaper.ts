/**
 * The local stand-in for DynamoDB's Time to Live, which DynamoDB Local does not run: every
 * `everyMs` it deletes the items whose `expiresAt` (epoch seconds) has passed, as the service
 * does in the background, and remembers their keys, so the stream poller can mark each one's
 * REMOVE record with the identity AWS gives a TTL deletion (`userIdentity` of type `Service`,
 * principal `dynamodb.amazonaws.com`). The disposer's filter selects on exactly that, as the
 * deployed mapping does (docs/records-retention.md).
 *
 * Local machinery only, so a Scan is fine here: it is never on a request path, and AWS's own
 * TTL reads the whole table too. A deletion is conditioned on the `expiresAt` it saw, so an
 * item renewed meanwhile (a note on a closed referral) is not taken. With kept data the keys
 * are kept in a file too, so a restart between a deletion and its stream record loses no mark.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { DynamoDBRecord } from 'aws-lambda';
import { DeleteCommand, type DocumentClient, ScanCommand } from '../../shared/platform/dynamodb/document-client.ts';
import { isConditionFailure } from '../../shared/platform/dynamodb/table-access.ts';
import { JOINTLY_TABLE } from '../../shared/platform/dynamodb/table-definition.ts';
import { logger } from '../../shared/platform/http/logger.ts';
import { TTL_PRINCIPAL } from '../../shared/referrals/api/referral-disposer.ts';

/** How long a deletion's mark is kept: the 24 hours a DynamoDB stream keeps its records. */
const MARK_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Options of {@link TtlReaper}. */
export interface TtlReaperOptions {
  readonly client: DocumentClient;
  readonly tableName: string;
  /** How often expired items are looked for. */
  readonly everyMs: number;
  /** Keep the marks in this JSON file (kept data); in memory otherwise. */
  readonly markFile?: string | undefined;
  /** @default the system clock */
  readonly clock?: () => Date;
}

const keyOf = (pk: unknown, sk: unknown): string => `${String(pk)}\u0000${String(sk)}`;

/** Deletes expired items on a timer and tells which stream records are its deletions. */
export class TtlReaper {
  private readonly options: TtlReaperOptions;
  private readonly clock: () => Date;
  /** Key → when it was deleted (epoch ms). */
  private readonly marks = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(options: TtlReaperOptions) {
    this.options = options;
    this.clock = options.clock ?? (() => new Date());
    if (options.markFile) {
      try {
        const kept = JSON.parse(readFileSync(options.markFile, 'utf8')) as Record<string, number>;
        for (const [key, at] of Object.entries(kept)) this.marks.set(key, at);
      } catch {
        // No file yet: nothing was deleted by an earlier run.
      }
    }
  }

  /** Starts the timer (the first pass runs after `everyMs`). */
  start(): void {
    this.timer ??= setInterval(
      () => void this.reapNow().catch((error: unknown) => logger.error('TTL pass failed', { error })),
      this.options.everyMs,
    );
    this.timer.unref();
  }

  /** Stops the timer; resolves when a pass in progress has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Deletes every item expired by now; resolves with how many. One pass at a time. */
  reapNow(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** The `userIdentity` AWS puts on a stream record, when the record is one of this reaper's deletions. */
  identityOf(record: DynamoDBRecord): { type: string; principalId: string } | undefined {
    if (record.eventName !== 'REMOVE') return undefined;
    const keys = record.dynamodb?.Keys;
    const key = keyOf(keys?.[JOINTLY_TABLE.partitionKey]?.S, keys?.[JOINTLY_TABLE.sortKey]?.S);
    return this.marks.has(key) ? { ...TTL_PRINCIPAL } : undefined;
  }

  private async pass(): Promise<number> {
    const { client, tableName } = this.options;
    const now = this.clock();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    for (const [key, at] of this.marks) if (now.getTime() - at > MARK_LIFETIME_MS) this.marks.delete(key);
    let deleted = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: '#ttl <= :now',
          ExpressionAttributeNames: { '#ttl': JOINTLY_TABLE.timeToLiveAttribute, '#pk': 'pk', '#sk': 'sk' },
          ExpressionAttributeValues: { ':now': nowSeconds },
          ProjectionExpression: '#pk, #sk, #ttl',
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const key = keyOf(item.pk, item.sk);
        this.marks.set(key, now.getTime());
        this.saveMarks();
        try {
          await client.send(
            new DeleteCommand({
              TableName: tableName,
              Key: { pk: item.pk, sk: item.sk },
              ConditionExpression: '#ttl = :seen',
              ExpressionAttributeNames: { '#ttl': JOINTLY_TABLE.timeToLiveAttribute },
              ExpressionAttributeValues: { ':seen': item[JOINTLY_TABLE.timeToLiveAttribute] },
            }),
          );
          deleted += 1;
        } catch (error) {
          // Renewed or deleted meanwhile, or refused: not a TTL deletion. The file forgets it too,
          // or after a restart someone else's later deletion of the item would pass for TTL's.
          this.marks.delete(key);
          if (!isConditionFailure(error)) {
            this.saveMarks();
            throw error;
          }
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    this.saveMarks();
    return deleted;
  }

  private saveMarks(): void {
    if (this.options.markFile) writeFileSync(this.options.markFile, JSON.stringify(Object.fromEntries(this.marks)));
  }
}
