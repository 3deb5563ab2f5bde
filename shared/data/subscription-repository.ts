/**
 * DynamoDB adapter of {@link SubscriptionRepository}. A subscription lives under its owner
 * (`USER#<sub>`, so a GetItem keyed by the caller makes others' ids 404) with one match
 * entry per org it filters on (`SUBSCRIBERS#<org>`, or `SUBSCRIBERS#*` programme-wide) that
 * carries a copy of it for the fan-out worker; both are written and removed in one
 * TransactWriteItems. Deliveries and dead letters live in the subscription's partition,
 * alerts in their user's (unread ones also in the sparse `inbox-by-created` index).
 */
import {
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../domain/errors.ts';
import type { Page } from '../domain/ports.ts';
import { matchPartitionsOf, type Subscription } from '../domain/subscription.ts';
import type { Alert, DeadLetter, DeliveryAttempt, SubscriptionRepository } from '../domain/subscription-service.ts';
import type { DeliveryJob } from '../events/ports.ts';
import { subscriptionKeys, userKeys } from './keys.ts';
import { INDEX } from './table-definition.ts';

const SUBSCRIPTION_FIELDS = ['id', 'ownerSub', 'ownerOrg', 'eventTypes', 'filters', 'channel', 'createdAt'] as const;
const DELIVERY_FIELDS = ['eventId', 'attempt', 'at', 'outcome', 'httpStatus', 'error'] as const;
const ALERT_FIELDS = ['id', 'eventId', 'subscriptionId', 'type', 'referralId', 'handoffId', 'summary', 'createdAt', 'readAt'] as const;

const pick = <T>(item: Record<string, unknown>, fields: readonly string[]): T =>
  Object.fromEntries(fields.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as T;

/** BatchWrite rounds for one chunk before giving up (unprocessed items under throttling). */
const MAX_BATCH_ATTEMPTS = 5;

/** Options of {@link DynamoSubscriptionRepository}. */
export interface DynamoSubscriptionRepositoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** DynamoDB implementation of the subscription repository. */
export class DynamoSubscriptionRepository implements SubscriptionRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoSubscriptionRepositoryOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  /** The subscription item under its owner. */
  static toItem(subscription: Subscription): Record<string, unknown> {
    return { ...userKeys.subscription(subscription.ownerSub, subscription.id), entity: 'subscription', ...subscription };
  }

  /** One match entry per match partition, each carrying the whole subscription. */
  static toMatchItems(subscription: Subscription): Record<string, unknown>[] {
    return matchPartitionsOf(subscription).map((orgOrAll) => ({
      ...subscriptionKeys.match(orgOrAll, subscription.id),
      entity: 'subscription-match',
      subscription,
    }));
  }

  static toSubscription(item: Record<string, unknown>): Subscription {
    return pick<Subscription>(item, SUBSCRIPTION_FIELDS);
  }

  static toAlert(item: Record<string, unknown>): Alert {
    return pick<Alert>(item, ALERT_FIELDS);
  }

  async create(subscription: Subscription): Promise<void> {
    const put = (Item: Record<string, unknown>) => ({
      Put: { TableName: this.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' },
    });
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          put(DynamoSubscriptionRepository.toItem(subscription)),
          ...DynamoSubscriptionRepository.toMatchItems(subscription).map(put),
        ],
      }),
    );
  }

  async get(ownerSub: string, id: string): Promise<Subscription | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: userKeys.subscription(ownerSub, id), ConsistentRead: true }),
    );
    return Item?.entity === 'subscription' ? DynamoSubscriptionRepository.toSubscription(Item) : undefined;
  }

  async delete(subscription: Subscription): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: userKeys.subscription(subscription.ownerSub, subscription.id),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            ...matchPartitionsOf(subscription).map((orgOrAll) => ({
              Delete: { TableName: this.tableName, Key: subscriptionKeys.match(orgOrAll, subscription.id) },
            })),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const codes = (error.CancellationReasons ?? []).map((r) => r.Code);
        if (codes.includes('ConditionalCheckFailed')) return false;
        if (codes.includes('TransactionConflict')) throw new ConflictError('The subscription is being changed by another request: try again.');
      }
      throw error;
    }
  }

  /**
   * One page of an item collection, resuming after a sort key. Reads one item more than
   * the page, so `after` is given only when another page really exists.
   */
  private async pageOf(
    pk: string,
    prefix: string,
    options: { limit: number; after?: string | undefined; descending: boolean },
  ): Promise<{ items: Record<string, unknown>[]; after?: string | undefined }> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ScanIndexForward: !options.descending,
        Limit: options.limit + 1,
        ConsistentRead: true,
        ...(options.after ? { ExclusiveStartKey: { pk, sk: options.after } } : {}),
      }),
    );
    const items = Items.slice(0, options.limit);
    return { items, after: Items.length > options.limit ? String(items.at(-1)!.sk) : undefined };
  }

  async listByOwner(ownerSub: string, page: { limit: number; after?: string | undefined }): Promise<Page<Subscription>> {
    const { pk } = userKeys.subscription(ownerSub, '');
    const result = await this.pageOf(pk, userKeys.subscriptionPrefix, { ...page, descending: true });
    return { items: result.items.map(DynamoSubscriptionRepository.toSubscription), after: result.after };
  }

  async deliveries(subscriptionId: string, page: { limit: number; after?: string | undefined }): Promise<Page<DeliveryAttempt>> {
    const { pk } = subscriptionKeys.deadLetter(subscriptionId, '');
    const result = await this.pageOf(pk, subscriptionKeys.deliveryPrefix, { ...page, descending: true });
    return { items: result.items.map((item) => pick<DeliveryAttempt>(item, DELIVERY_FIELDS)), after: result.after };
  }

  async deadLetters(subscriptionId: string, limit: number): Promise<DeadLetter[]> {
    const { pk } = subscriptionKeys.deadLetter(subscriptionId, '');
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': subscriptionKeys.deadLetterPrefix },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => ({
      eventId: String(item.sk).slice(subscriptionKeys.deadLetterPrefix.length),
      job: item.job as DeliveryJob,
    }));
  }

  async removeDeadLetters(subscriptionId: string, eventIds: readonly string[]): Promise<void> {
    const requests = eventIds.map((eventId) => ({ DeleteRequest: { Key: subscriptionKeys.deadLetter(subscriptionId, eventId) } }));
    for (let i = 0; i < requests.length; i += 25) {
      let pending: typeof requests | undefined = requests.slice(i, i + 25);
      // BatchWrite may leave items unprocessed under throttling: retry those, bounded.
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt === MAX_BATCH_ATTEMPTS) throw new Error('Redriven dead letters could not be removed.');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
        const result: { UnprocessedItems?: Record<string, unknown[]> } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = result.UnprocessedItems?.[this.tableName] as typeof requests | undefined;
      }
    }
  }

  async alerts(sub: string, query: { unread: boolean; limit: number; after?: string | undefined }): Promise<Page<Alert>> {
    if (!query.unread) {
      const result = await this.pageOf(userKeys.alert(sub, '', '').pk, userKeys.alertPrefix, { ...query, descending: true });
      return { items: result.items.map(DynamoSubscriptionRepository.toAlert), after: result.after };
    }
    // Unread: the sparse index holds an alert only until it is acknowledged.
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEX.inboxByCreated,
        KeyConditionExpression: query.after ? 'inboxPk = :pk AND createdSk < :after' : 'inboxPk = :pk',
        ExpressionAttributeValues: { ':pk': userKeys.unreadAlertsPartition(sub), ...(query.after ? { ':after': query.after } : {}) },
        ScanIndexForward: false,
        Limit: query.limit + 1,
      }),
    );
    const items = Items.slice(0, query.limit);
    return {
      items: items.map(DynamoSubscriptionRepository.toAlert),
      after: Items.length > query.limit ? String(items.at(-1)!.createdSk) : undefined,
    };
  }

  async ackAlert(sub: string, eventId: string, subscriptionId: string, at: string): Promise<Alert | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: userKeys.alert(sub, eventId, subscriptionId),
          // The first acknowledgement's time stands; leaving the unread index is idempotent.
          UpdateExpression: 'SET readAt = if_not_exists(readAt, :at) REMOVE inboxPk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? DynamoSubscriptionRepository.toAlert(Attributes) : undefined;
    } catch (error) {
      if ((error as { name?: string })?.name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }
}
