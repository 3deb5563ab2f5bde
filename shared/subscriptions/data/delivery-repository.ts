/**
 * The event workers' reads and writes: subscription match entries (fan-out), inbox alerts,
 * the per-(subscription, event) delivery state that makes redelivered events produce one
 * job and keeps a retry chain from forking, delivery attempts and dead letters.
 *
 * Every exactly-once rule here is a condition on a base-table item (DESIGN §1): the alert
 * item itself, and the delivery-state marker. Nothing relies on a GSI read or a Scan.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DocumentClient,
} from '../../platform/dynamodb/document-client.ts';
import { deliveryIdOf, type DeliveryJob } from '../../core/messaging-ports.ts';
import type { PublishedEvent } from '../../core/event-envelope.ts';
import type { Subscription } from '../domain/subscription.ts';
import type {
  AttemptGate,
  ClaimResult,
  DeliveryRepository,
  DueWindow,
  HeldPush,
  HoldResult,
  NewAlert,
  PushWindow,
  RecordedAttempt,
} from '../domain/ports.ts';
import type { Hold } from '../domain/push-timing.ts';
import { fanOutKeys, pushDueKeys, slaKeys, subscriptionKeys, timeOrderedSk, userKeys } from '../../platform/dynamodb/keys.ts';
import { dueEntries } from '../../platform/dynamodb/due-index.ts';
import { batchWriteAll, cancellationCodes, isConditionFailure, writeIfConditionHolds } from '../../platform/dynamodb/table-access.ts';
import { heldFromItem, heldItemOf, windowFromItem } from './subscription-items.ts';
import { subscriptionFromStored } from './subscription-items.ts';

/**
 * Where one event's delivery to one subscription stands:
 * `queued` (claimed by the fan-out; `jobQueuedAt` once the job is on the queue), `held`
 * (in a quiet-hours or digest window: a release makes its first attempt, a digest carries it),
 * `sending` (an attempt is under way), `retrying` (the next attempt is queued),
 * `delivered`, `dead-lettered`.
 */
export type DeliveryStatus = 'queued' | 'held' | 'sending' | 'retrying' | 'delivered' | 'dead-lettered';

/** Delivery-state markers outlive any redelivery (SQS keeps messages ≤ 14 days), then expire. */
const STATE_TTL_SECONDS = 30 * 24 * 3600;

/**
 * How long a fan-out's claim is exclusive before another fan-out may take it over. It must
 * outlast the fan-out function's timeout (a unit test holds it to the deployed settings,
 * test/unit/infra/function-budgets.test.ts), so an older unsent claim belongs to an
 * invocation that died or timed out between claiming and queueing.
 */
export const CLAIM_LEASE_MS = 30_000;

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

const toSubscription = (raw: unknown): Subscription | undefined => {
  if (raw === null || typeof raw !== 'object') return undefined;
  const record = raw as Record<string, unknown>;
  if (typeof record.id !== 'string' || !Array.isArray(record.eventTypes) || record.channel === null || typeof record.channel !== 'object') {
    return undefined;
  }
  return subscriptionFromStored(record);
};

/** Fan-out progress markers outlive any redelivery of their event (SQS keeps messages ≤ 14 days). */
const PROGRESS_TTL_SECONDS = 15 * 24 * 3600;

/** Options of {@link DynamoDeliveryRepository}. */
export interface DynamoDeliveryRepositoryOptions {
  readonly client: DocumentClient;
  readonly tableName: string;
}

/** DynamoDB implementation of {@link DeliveryRepository}. */
export class DynamoDeliveryRepository implements DeliveryRepository {
  private readonly client: DocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDeliveryRepositoryOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async matchPage(
    partition: string,
    after: string | undefined,
    limit: number,
  ): Promise<{ subscriptions: Subscription[]; last?: string | undefined }> {
    const { pk } = subscriptionKeys.match(partition, '');
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': 'SUBSCRIPTION#' },
        Limit: limit,
        ...(after ? { ExclusiveStartKey: { pk, sk: after } } : {}),
      }),
    );
    const subscriptions = Items.flatMap((item) => {
      const subscription = item.entity === 'subscription-match' ? toSubscription(item.subscription) : undefined;
      return subscription ? [subscription] : [];
    });
    return { subscriptions, last: LastEvaluatedKey ? String(LastEvaluatedKey.sk) : undefined };
  }

  async fanOutProgress(eventId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: fanOutKeys.progress(eventId), ConsistentRead: true }),
    );
    return typeof Item?.cursor === 'string' ? Item.cursor : undefined;
  }

  async saveFanOutProgress(eventId: string, cursor: string, now: Date): Promise<void> {
    // A failed condition means another invocation of the same event is further on: its cursor stays.
    await writeIfConditionHolds(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...fanOutKeys.progress(eventId),
            entity: 'fan-out-progress',
            cursor,
            expiresAt: epochSeconds(now) + PROGRESS_TTL_SECONDS,
          },
          // `cursor` is a reserved word in expressions.
          ConditionExpression: 'attribute_not_exists(#c) OR #c < :cursor',
          ExpressionAttributeNames: { '#c': 'cursor' },
          ExpressionAttributeValues: { ':cursor': cursor },
        }),
      ),
    );
  }

  async putAlertOnce(alert: NewAlert): Promise<boolean> {
    const { event } = alert;
    const id = `${event.id}.${alert.subscriptionId}`;
    return writeIfConditionHolds(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...userKeys.alert(alert.ownerSub, event.id, alert.subscriptionId),
            entity: 'alert',
            id,
            eventId: event.id,
            subscriptionId: alert.subscriptionId,
            type: event.type,
            referralId: event.referralId,
            ...(event.handoffId ? { handoffId: event.handoffId } : {}),
            summary: alert.summary,
            createdAt: alert.createdAt,
            inboxPk: userKeys.unreadAlertsPartition(alert.ownerSub),
            createdSk: timeOrderedSk(alert.createdAt, id),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async claimDelivery(subscriptionId: string, eventId: string, now: Date): Promise<ClaimResult> {
    const applied = await writeIfConditionHolds(() =>
      this.client.send(
        new PutCommand(this.claimPut(subscriptionId, eventId, now, { status: 'queued', claimUntil: now.getTime() + CLAIM_LEASE_MS })),
      ),
    );
    return applied ? 'claimed' : this.lostClaim(subscriptionId, eventId);
  }

  /**
   * The conditional put that claims one event's delivery to one subscription, queued at once
   * (`queued`, with a lease) or held (`held`, with its window): new, or over a claim whose
   * holder never queued the job (it crashed) and whose lease ran out.
   */
  private claimPut(subscriptionId: string, eventId: string, now: Date, state: Record<string, unknown> & { status: DeliveryStatus }) {
    return {
      TableName: this.tableName,
      Item: {
        ...subscriptionKeys.deliveryState(subscriptionId, eventId),
        entity: 'delivery-state',
        eventId,
        subscriptionId,
        claimedAt: now.toISOString(),
        expiresAt: epochSeconds(now) + STATE_TTL_SECONDS,
        ...state,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR (#status = :queued AND attribute_not_exists(jobQueuedAt) AND claimUntil < :now)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':queued': 'queued', ':now': now.getTime() },
    };
  }

  /** Why a claim lost: the delivery was queued or held before (`done`), or another claim is still within its lease. */
  private async lostClaim(subscriptionId: string, eventId: string): Promise<'done' | 'in-progress'> {
    const state = await this.getState(subscriptionId, eventId);
    return state && (state.status !== 'queued' || state.jobQueuedAt !== undefined) ? 'done' : 'in-progress';
  }

  async markJobQueued(subscriptionId: string, eventId: string, now: Date): Promise<void> {
    await writeIfConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKeys.deliveryState(subscriptionId, eventId),
          UpdateExpression: 'SET jobQueuedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      ),
    );
  }

  async releaseClaim(subscriptionId: string, eventId: string): Promise<void> {
    await writeIfConditionHolds(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: subscriptionKeys.deliveryState(subscriptionId, eventId),
          // Only an unsent claim: never erase state a delivery worker has moved on.
          ConditionExpression: '#status = :queued AND attribute_not_exists(jobQueuedAt)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':queued': 'queued' },
        }),
      ),
    );
  }

  async getSubscription(ownerSub: string, subscriptionId: string): Promise<Subscription | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: userKeys.subscription(ownerSub, subscriptionId), ConsistentRead: true }),
    );
    // The owner's item holds the subscription's fields (see DynamoSubscriptionRepository.toItem).
    return Item?.entity === 'subscription' ? toSubscription(Item) : undefined;
  }

  async beginAttempt(subscriptionId: string, eventId: string, attempt: number, now: Date, leaseMs: number): Promise<AttemptGate> {
    const conditions = [
      'attribute_not_exists(pk)',
      'attribute_not_exists(attempt)',
      '(attempt < :n AND #status <> :delivered)',
      // The previous holder of this attempt stopped mid-way (crash, timeout): take it over.
      '(attempt = :n AND #status = :sending AND sendingUntil < :now)',
    ];
    // A redrive restarts a dead-lettered delivery at attempt 1.
    if (attempt === 1) conditions.push('#status = :deadLettered');
    const applied = await writeIfConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKeys.deliveryState(subscriptionId, eventId),
          UpdateExpression:
            'SET #status = :sending, attempt = :n, sendingUntil = :until, updatedAt = :at, entity = :entity, eventId = :eventId, subscriptionId = :subscriptionId, expiresAt = :expiresAt',
          ConditionExpression: conditions.join(' OR '),
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':n': attempt,
            ':sending': 'sending',
            ':delivered': 'delivered',
            ':now': now.getTime(),
            ':until': now.getTime() + leaseMs,
            ':at': now.toISOString(),
            ':entity': 'delivery-state',
            ':eventId': eventId,
            ':subscriptionId': subscriptionId,
            ':expiresAt': epochSeconds(now) + STATE_TTL_SECONDS,
            ...(attempt === 1 ? { ':deadLettered': 'dead-lettered' } : {}),
          },
        }),
      ),
    );
    if (applied) return 'proceed';
    const state = await this.getState(subscriptionId, eventId);
    return state?.status === 'sending' && state.attempt === attempt ? 'busy' : 'duplicate';
  }

  async recordAttempt(attempt: RecordedAttempt): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...subscriptionKeys.delivery(attempt.subscriptionId, attempt.at, attempt.eventId, attempt.attempt),
          entity: 'delivery',
          subscriptionId: attempt.subscriptionId,
          eventId: attempt.eventId,
          attempt: attempt.attempt,
          ...(attempt.digestId !== undefined ? { digestId: attempt.digestId, eventCount: attempt.eventCount } : {}),
          at: attempt.at,
          outcome: attempt.outcome,
          ...(attempt.httpStatus !== undefined ? { httpStatus: attempt.httpStatus } : {}),
          ...(attempt.error !== undefined ? { error: attempt.error } : {}),
        },
      }),
    );
  }

  async setStatus(subscriptionId: string, eventId: string, attempt: number, status: 'retrying' | 'delivered', now: Date): Promise<void> {
    await writeIfConditionHolds(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKeys.deliveryState(subscriptionId, eventId),
          UpdateExpression: 'SET #status = :status, updatedAt = :at',
          // Only the holder of the latest attempt moves the state on.
          ConditionExpression: 'attempt = :n',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':at': now.toISOString(), ':n': attempt },
        }),
      ),
    );
  }

  async deadLetter(job: DeliveryJob, lastError: string, now: Date): Promise<void> {
    const at = now.toISOString();
    const deliveryId = deliveryIdOf(job);
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...subscriptionKeys.deadLetter(job.subscriptionId, deliveryId),
                entity: 'dead-letter',
                subscriptionId: job.subscriptionId,
                eventId: deliveryId,
                job,
                deadLetteredAt: at,
                lastError,
              },
            },
          },
          {
            Update: {
              TableName: this.tableName,
              Key: subscriptionKeys.deliveryState(job.subscriptionId, deliveryId),
              UpdateExpression:
                'SET #status = :status, updatedAt = :at, entity = :entity, eventId = :eventId, subscriptionId = :subscriptionId',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':status': 'dead-lettered',
                ':at': at,
                ':entity': 'delivery-state',
                ':eventId': deliveryId,
                ':subscriptionId': job.subscriptionId,
              },
            },
          },
        ],
      }),
    );
  }

  async hold(subscription: Subscription, event: PublishedEvent, hold: Hold, now: Date): Promise<HoldResult> {
    const sendAt = hold.sendAt.toISOString();
    const window = subscriptionKeys.window(subscription.id, sendAt);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: this.claimPut(subscription.id, event.id, now, { status: 'held', window: sendAt }) },
            {
              Update: {
                TableName: this.tableName,
                Key: window,
                UpdateExpression:
                  'SET entity = :entity, subscriptionId = :id, ownerSub = :owner, sendAt = :sendAt, windowId = if_not_exists(windowId, :windowId), reason = :reason, slaPk = :slaPk, slaSk = :slaSk, expiresAt = :expiresAt ADD heldCount :one',
                // A sealed window is being sent: nothing more joins it.
                ConditionExpression: 'attribute_not_exists(sealedAt)',
                ExpressionAttributeValues: {
                  ':entity': 'push-window',
                  ':id': subscription.id,
                  ':owner': subscription.ownerSub,
                  ':sendAt': sendAt,
                  ':windowId': randomUUID(),
                  ':reason': hold.reason,
                  ':slaPk': pushDueKeys.partition(slaKeys.shardOf(subscription.id)),
                  ':slaSk': pushDueKeys.sortKey(sendAt, subscription.id),
                  ':expiresAt': epochSeconds(hold.sendAt) + STATE_TTL_SECONDS,
                  ':one': 1,
                },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: heldItemOf(subscription.id, { event, reason: hold.reason, sendAt, heldAt: now.toISOString() }),
              },
            },
          ],
        }),
      );
      return 'held';
    } catch (error) {
      const [state, windowCode] = cancellationCodes(error);
      if (state === 'ConditionalCheckFailed') return this.lostClaim(subscription.id, event.id);
      if (windowCode === 'ConditionalCheckFailed') return 'sealed';
      throw error;
    }
  }

  async latestWindow(subscriptionId: string): Promise<PushWindow | undefined> {
    const { pk } = subscriptionKeys.window(subscriptionId, '');
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': subscriptionKeys.windowPrefix },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return Items[0] ? windowFromItem(Items[0]) : undefined;
  }

  async dueWindows(now: Date): Promise<DueWindow[]> {
    const due = await dueEntries({ client: this.client, tableName: this.tableName }, pushDueKeys.partition, now, (keys) => {
      const [sendAt, kind, subscriptionId] = String(keys.slaSk ?? '').split('#');
      return kind === 'window' && sendAt && subscriptionId ? { subscriptionId, sendAt } : undefined;
    });
    return due.sort((a, b) => a.sendAt.localeCompare(b.sendAt));
  }

  async claimWindow(window: DueWindow, now: Date, leaseMs: number): Promise<PushWindow | undefined> {
    return this.updateWindow(window, {
      UpdateExpression: 'SET releaseClaimUntil = :until',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(releaseClaimUntil) OR releaseClaimUntil < :now)',
      ExpressionAttributeValues: { ':until': now.getTime() + leaseMs, ':now': now.getTime() },
    });
  }

  async sealWindow(window: DueWindow, now: Date): Promise<PushWindow | undefined> {
    return this.updateWindow(window, {
      // The first seal's time stays (a resumed release finds it sealed already).
      UpdateExpression: 'SET sealedAt = if_not_exists(sealedAt, :now)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    });
  }

  /** Updates a window under a condition, returning it as updated; `undefined` when the condition failed. */
  private async updateWindow(
    window: DueWindow,
    update: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> },
  ): Promise<PushWindow | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKeys.window(window.subscriptionId, window.sendAt),
          ...update,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? windowFromItem(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async heldPage(
    window: DueWindow,
    after: string | undefined,
    limit: number,
  ): Promise<{ items: (HeldPush & { readonly key: string })[]; last?: string | undefined }> {
    const { pk } = subscriptionKeys.window(window.subscriptionId, window.sendAt);
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': subscriptionKeys.heldInWindowPrefix(window.sendAt) },
        Limit: limit,
        ConsistentRead: true,
        ...(after ? { ExclusiveStartKey: { pk, sk: after } } : {}),
      }),
    );
    return {
      items: Items.map((item) => ({ ...heldFromItem(item), key: String(item.sk) })),
      last: LastEvaluatedKey ? String(LastEvaluatedKey.sk) : undefined,
    };
  }

  async removeHeld(window: DueWindow, keys: readonly string[]): Promise<void> {
    const { pk } = subscriptionKeys.window(window.subscriptionId, window.sendAt);
    await batchWriteAll(
      { client: this.client, tableName: this.tableName },
      keys.map((sk) => ({ DeleteRequest: { Key: { pk, sk } } })),
      'Sent held pushes could not all be forgotten; the release will be retried.',
    );
  }

  async closeWindow(window: DueWindow): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: subscriptionKeys.window(window.subscriptionId, window.sendAt) }),
    );
  }

  /** The delivery-state marker, read strongly consistently. */
  private async getState(
    subscriptionId: string,
    eventId: string,
  ): Promise<{ status?: DeliveryStatus; attempt?: number; jobQueuedAt?: string } | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: subscriptionKeys.deliveryState(subscriptionId, eventId), ConsistentRead: true }),
    );
    return Item as { status?: DeliveryStatus; attempt?: number; jobQueuedAt?: string } | undefined;
  }
}
