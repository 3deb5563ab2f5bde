/**
 * DynamoDB adapter of {@link SubscriptionRepository}. A subscription lives under its owner
 * (`USER#<sub>`, so a GetItem keyed by the caller makes others' ids 404) with one match
 * entry per org it filters on (`SUBSCRIBERS#<org>`, or `SUBSCRIBERS#*` programme-wide) that
 * carries a copy of it for the fan-out worker, an owner pointer (`SUBSCRIPTION#<id>`/`OWNER`)
 * for programme managers, and a count of the owner's subscriptions (the cap's condition);
 * all are written and removed in one TransactWriteItems. Each carries the TTL attribute
 * (`expiresAt`, epoch seconds: the subscription's expiry plus a retention period), so the
 * table forgets expired subscriptions; the subscription's own expiry is stored as
 * `validUntil` (ISO) on the owner's item and as `expiresAt` inside a match entry's copy.
 * Deliveries and dead letters live in the subscription's partition, alerts in their
 * user's (unread ones also in the sparse `inbox-by-created` index, which also lists every
 * subscription for programme managers).
 */
import { GetCommand, TransactWriteCommand, UpdateCommand, type DocumentClient } from '../../platform/dynamodb/document-client.ts';
import { ConflictError } from '../../core/errors.ts';
import type { Page } from '../../core/pagination.ts';
import { cancellationCodes, isConditionFailure, type TableAccess } from '../../platform/dynamodb/table-access.ts';
import { subscriptionKeys, userKeys } from '../../platform/dynamodb/keys.ts';
import type { Alert, DeadLetter, DeliveryAttempt, DisabledBy, HeldPush, SubscriptionRepository } from '../domain/ports.ts';
import { isExpired, matchPartitionsOf, retainUntilEpochSeconds, type Subscription } from '../domain/subscription.ts';
import {
  ackAlert,
  newestFirstOnInboxIndex,
  pageOf,
  readAlerts,
  readPending,
  readDeadLetters,
  readDeliveries,
  removeDeadLetters,
} from './subscription-collections.ts';
import { matchItemsOf, ownerItemOf, subscriptionFromStored, subscriptionItemOf } from './subscription-items.ts';

/** Attribute of the owner's count item. */
const COUNT = 'active';

/** Transaction rounds a create makes when others hold the owner's count item at the same moment. */
const MAX_CONFLICT_ATTEMPTS = 12;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What a cancelled transaction on a subscription means: `false` when a condition failed (it
 * was gone, or disabled), a 409 when another request's transaction conflicted, else the error.
 */
const lostCondition = (error: unknown): false => {
  const codes = cancellationCodes(error);
  if (codes.includes('ConditionalCheckFailed')) return false;
  if (codes.includes('TransactionConflict')) throw new ConflictError('The subscription is being changed by another request: try again.');
  throw error;
};

/** Options of {@link DynamoSubscriptionRepository}. */
export interface DynamoSubscriptionRepositoryOptions {
  readonly client: DocumentClient;
  readonly tableName: string;
}

/** DynamoDB implementation of the subscription repository. */
export class DynamoSubscriptionRepository implements SubscriptionRepository {
  private readonly table: TableAccess;

  constructor(options: DynamoSubscriptionRepositoryOptions) {
    this.table = { client: options.client, tableName: options.tableName };
  }

  /** The subscription item under its owner (also listed in the programme-wide oversight index). */
  static toItem(subscription: Subscription): Record<string, unknown> {
    return subscriptionItemOf(subscription);
  }

  /** One match entry per match partition, each carrying the whole subscription. */
  static toMatchItems(subscription: Subscription): Record<string, unknown>[] {
    return matchItemsOf(subscription);
  }

  /** The pointer from a subscription id to its owner. */
  static toOwnerItem(subscription: Subscription): Record<string, unknown> {
    return ownerItemOf(subscription);
  }

  async create(subscription: Subscription, cap: number): Promise<'created' | 'cap-reached'> {
    const put = (Item: Record<string, unknown>) => ({
      Put: { TableName: this.table.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' },
    });
    const command = new TransactWriteCommand({
      TransactItems: [
        {
          // The cap: counted and checked on one base-table item, atomically with the writes.
          Update: {
            TableName: this.table.tableName,
            Key: userKeys.subscriptionCount(subscription.ownerSub),
            UpdateExpression: 'SET #n = if_not_exists(#n, :zero) + :one, entity = :entity',
            ConditionExpression: 'attribute_not_exists(#n) OR #n < :cap',
            ExpressionAttributeNames: { '#n': COUNT },
            ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':cap': cap, ':entity': 'subscription-count' },
          },
        },
        put(DynamoSubscriptionRepository.toItem(subscription)),
        put(DynamoSubscriptionRepository.toOwnerItem(subscription)),
        ...DynamoSubscriptionRepository.toMatchItems(subscription).map(put),
      ],
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.table.client.send(command);
        return 'created';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes[0] === 'ConditionalCheckFailed') return 'cap-reached';
        // Creates by one user race on their count item: a conflict changed nothing, so go again after a jittered pause.
        if (codes.includes('TransactionConflict') && attempt < MAX_CONFLICT_ATTEMPTS) {
          await sleep(10 + Math.random() * 20 * attempt);
          continue;
        }
        if (codes.includes('TransactionConflict'))
          throw new ConflictError('Your subscriptions are being changed by other requests: try again.');
        throw error;
      }
    }
  }

  /** Every subscription item of the owner (strongly consistent; at most the cap plus expired ones). */
  private async allOfOwner(ownerSub: string): Promise<Subscription[]> {
    const found: Subscription[] = [];
    let after: string | undefined;
    do {
      const page = await this.listByOwner(ownerSub, { limit: 100, after });
      found.push(...page.items);
      after = page.after;
    } while (after);
    return found;
  }

  async reclaimExpired(ownerSub: string, now: Date): Promise<number> {
    let freed = 0;
    for (const subscription of (await this.allOfOwner(ownerSub)).filter((s) => isExpired(s, now))) {
      if (await this.delete(subscription)) freed += 1;
    }
    // Items the table's TTL removed gave no slot back: recount. The count is set only if
    // it did not move in between, so a concurrent create or delete cannot be lost.
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: userKeys.subscriptionCount(ownerSub), ConsistentRead: true }),
    );
    const counted = typeof Item?.[COUNT] === 'number' ? (Item[COUNT] as number) : 0;
    const present = (await this.allOfOwner(ownerSub)).length;
    if (present >= counted) return freed;
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: userKeys.subscriptionCount(ownerSub),
          UpdateExpression: 'SET #n = :present',
          ConditionExpression: '#n = :counted',
          ExpressionAttributeNames: { '#n': COUNT },
          ExpressionAttributeValues: { ':present': present, ':counted': counted },
        }),
      );
      return freed + (counted - present);
    } catch (error) {
      if (isConditionFailure(error)) return freed;
      throw error;
    }
  }

  async findById(id: string): Promise<Subscription | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: subscriptionKeys.owner(id), ConsistentRead: true }),
    );
    return typeof Item?.ownerSub === 'string' ? this.get(Item.ownerSub, id) : undefined;
  }

  /**
   * Applies one update to the owner's item and every match entry, in one transaction, each
   * conditioned on existing (`extraCondition` on the owner's item too); `false` when one did not.
   */
  private async updateEverywhere(
    subscription: Subscription,
    update: { owner: string; match: string; names?: Record<string, string>; values: Record<string, unknown>; ownerCondition?: string },
  ): Promise<boolean> {
    // DynamoDB rejects names and values an expression does not use: give each item only its own.
    const used = (expressions: string) => {
      const names = Object.entries(update.names ?? {}).filter(([k]) => expressions.includes(k));
      const values = Object.entries(update.values).filter(([k]) => expressions.includes(k));
      return {
        TableName: this.table.tableName,
        ...(names.length > 0 ? { ExpressionAttributeNames: Object.fromEntries(names) } : {}),
        ExpressionAttributeValues: Object.fromEntries(values),
      };
    };
    const ownerCondition = `attribute_exists(pk)${update.ownerCondition ? ` AND ${update.ownerCondition}` : ''}`;
    try {
      await this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                ...used(`${update.owner} ${ownerCondition}`),
                Key: userKeys.subscription(subscription.ownerSub, subscription.id),
                UpdateExpression: update.owner,
                ConditionExpression: ownerCondition,
              },
            },
            ...matchPartitionsOf(subscription).map((orgOrAll) => ({
              Update: {
                ...used(update.match),
                Key: subscriptionKeys.match(orgOrAll, subscription.id),
                UpdateExpression: update.match,
                ConditionExpression: 'attribute_exists(pk)',
              },
            })),
          ],
        }),
      );
      return true;
    } catch (error) {
      return lostCondition(error);
    }
  }

  async renew(subscription: Subscription, expiresAt: string): Promise<Subscription | undefined> {
    const ttl = retainUntilEpochSeconds(expiresAt);
    const renewed = await this.updateEverywhere(subscription, {
      owner: 'SET validUntil = :iso, expiresAt = :ttl',
      match: 'SET #sub.expiresAt = :iso, expiresAt = :ttl',
      names: { '#sub': 'subscription', '#status': 'status' },
      values: { ':iso': expiresAt, ':ttl': ttl, ':disabled': 'disabled' },
      // A programme manager's disable in between wins over the renewal.
      ownerCondition: '(attribute_not_exists(#status) OR #status <> :disabled)',
    });
    if (!renewed) return undefined;
    // The pointer is only read by oversight: keep it as long as the subscription.
    await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: subscriptionKeys.owner(subscription.id),
        UpdateExpression: 'SET ownerSub = :owner, entity = :entity, expiresAt = :ttl',
        ExpressionAttributeValues: { ':owner': subscription.ownerSub, ':entity': 'subscription-owner', ':ttl': ttl },
      }),
    );
    return { ...subscription, expiresAt };
  }

  async disable(subscription: Subscription, by: DisabledBy, at: string): Promise<Subscription | undefined> {
    const disabled = await this.updateEverywhere(subscription, {
      owner: 'SET #status = :disabled, disabledBy = :by, disabledAt = :at',
      match: 'SET #sub.#status = :disabled, #sub.disabledBy = :by, #sub.disabledAt = :at',
      names: { '#sub': 'subscription', '#status': 'status' },
      values: { ':disabled': 'disabled', ':by': { sub: by.sub, org: by.org }, ':at': at },
    });
    return disabled ? { ...subscription, status: 'disabled', disabledBy: { sub: by.sub, org: by.org }, disabledAt: at } : undefined;
  }

  async listAll(page: { limit: number; after?: string | undefined }): Promise<Page<Subscription>> {
    return newestFirstOnInboxIndex(this.table, subscriptionKeys.allPartition, page, subscriptionFromStored);
  }

  async get(ownerSub: string, id: string): Promise<Subscription | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.tableName, Key: userKeys.subscription(ownerSub, id), ConsistentRead: true }),
    );
    return Item?.entity === 'subscription' ? subscriptionFromStored(Item) : undefined;
  }

  async delete(subscription: Subscription): Promise<boolean> {
    try {
      await this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table.tableName,
                Key: userKeys.subscription(subscription.ownerSub, subscription.id),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            ...matchPartitionsOf(subscription).map((orgOrAll) => ({
              Delete: { TableName: this.table.tableName, Key: subscriptionKeys.match(orgOrAll, subscription.id) },
            })),
            { Delete: { TableName: this.table.tableName, Key: subscriptionKeys.owner(subscription.id) } },
            {
              // The slot goes back in the same transaction (a missing count, from before the cap, counts as one).
              Update: {
                TableName: this.table.tableName,
                Key: userKeys.subscriptionCount(subscription.ownerSub),
                UpdateExpression: 'SET #n = if_not_exists(#n, :one) - :one',
                ExpressionAttributeNames: { '#n': COUNT },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      return lostCondition(error);
    }
  }

  async listByOwner(ownerSub: string, page: { limit: number; after?: string | undefined }): Promise<Page<Subscription>> {
    const { pk } = userKeys.subscription(ownerSub, '');
    const result = await pageOf(this.table, pk, userKeys.subscriptionPrefix, { ...page, descending: true });
    return { items: result.items.map(subscriptionFromStored), after: result.after };
  }

  deliveries(subscriptionId: string, page: { limit: number; after?: string | undefined }): Promise<Page<DeliveryAttempt>> {
    return readDeliveries(this.table, subscriptionId, page);
  }

  deadLetters(subscriptionId: string, limit: number): Promise<DeadLetter[]> {
    return readDeadLetters(this.table, subscriptionId, limit);
  }

  removeDeadLetters(subscriptionId: string, eventIds: readonly string[]): Promise<void> {
    return removeDeadLetters(this.table, subscriptionId, eventIds);
  }

  alerts(sub: string, query: { unread: boolean; limit: number; after?: string | undefined }): Promise<Page<Alert>> {
    return readAlerts(this.table, sub, query);
  }

  ackAlert(sub: string, eventId: string, subscriptionId: string, at: string): Promise<Alert | undefined> {
    return ackAlert(this.table, sub, eventId, subscriptionId, at);
  }

  pending(subscriptionId: string, page: { limit: number; after?: string | undefined }): Promise<Page<HeldPush>> {
    return readPending(this.table, subscriptionId, page);
  }
}
