/**
 * What hangs off a subscription or its owner, read a page at a time: delivery attempts and
 * dead letters (in the subscription's partition), alerts (in their user's; unread ones also
 * in the sparse `inbox-by-created` index), and acknowledging an alert.
 */
import { QueryCommand, UpdateCommand } from '../../platform/dynamodb/document-client.ts';
import type { DeliveryJob } from '../../core/messaging-ports.ts';
import type { Page } from '../../core/pagination.ts';
import { subscriptionKeys, userKeys } from '../../platform/dynamodb/keys.ts';
import { batchWriteAll, isConditionFailure, type TableAccess } from '../../platform/dynamodb/table-access.ts';
import { INDEX } from '../../platform/dynamodb/table-definition.ts';
import type { Alert, DeadLetter, DeliveryAttempt, HeldPush } from '../domain/ports.ts';
import { alertFromItem, deliveryFromItem, heldFromItem } from './subscription-items.ts';

/** A page asked for. */
type PageRequest = { limit: number; after?: string | undefined };

/**
 * One page of an item collection, resuming after a sort key. Reads one item more than
 * the page, so `after` is given only when another page really exists.
 */
export const pageOf = async (
  table: TableAccess,
  pk: string,
  prefix: string,
  options: PageRequest & { descending: boolean },
): Promise<{ items: Record<string, unknown>[]; after?: string | undefined }> => {
  const { Items = [] } = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
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
};

/** One page of a partition of the `inboxByCreated` index, newest first, resuming after a sort key. */
export const newestFirstOnInboxIndex = async <T>(
  table: TableAccess,
  partition: string,
  page: PageRequest,
  toValue: (item: Record<string, unknown>) => T,
): Promise<Page<T>> => {
  const { Items = [] } = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      IndexName: INDEX.inboxByCreated,
      KeyConditionExpression: page.after ? 'inboxPk = :pk AND createdSk < :after' : 'inboxPk = :pk',
      ExpressionAttributeValues: { ':pk': partition, ...(page.after ? { ':after': page.after } : {}) },
      ScanIndexForward: false,
      Limit: page.limit + 1,
    }),
  );
  const items = Items.slice(0, page.limit);
  return { items: items.map(toValue), after: Items.length > page.limit ? String(items.at(-1)!.createdSk) : undefined };
};

/** A subscription's delivery attempts, newest first. */
export const readDeliveries = async (table: TableAccess, subscriptionId: string, page: PageRequest): Promise<Page<DeliveryAttempt>> => {
  const { pk } = subscriptionKeys.deadLetter(subscriptionId, '');
  const result = await pageOf(table, pk, subscriptionKeys.deliveryPrefix, { ...page, descending: true });
  return { items: result.items.map(deliveryFromItem), after: result.after };
};

/** A subscription's held pushes, soonest window first and in event order within one. */
export const readPending = async (table: TableAccess, subscriptionId: string, page: PageRequest): Promise<Page<HeldPush>> => {
  const { pk } = subscriptionKeys.window(subscriptionId, '');
  const result = await pageOf(table, pk, subscriptionKeys.heldPrefix, { ...page, descending: false });
  return { items: result.items.map(heldFromItem), after: result.after };
};

/** Up to `limit` of a subscription's dead letters. */
export const readDeadLetters = async (table: TableAccess, subscriptionId: string, limit: number): Promise<DeadLetter[]> => {
  const { pk } = subscriptionKeys.deadLetter(subscriptionId, '');
  const { Items = [] } = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
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
};

/** Deletes these dead letters (after their jobs were queued again). */
export const removeDeadLetters = async (table: TableAccess, subscriptionId: string, eventIds: readonly string[]): Promise<void> => {
  const requests = eventIds.map((eventId) => ({ DeleteRequest: { Key: subscriptionKeys.deadLetter(subscriptionId, eventId) } }));
  await batchWriteAll(table, requests, 'Redriven dead letters could not be removed.');
};

/** The user's alerts, newest first; `unread` only those not yet acknowledged. */
export const readAlerts = async (table: TableAccess, sub: string, query: PageRequest & { unread: boolean }): Promise<Page<Alert>> => {
  if (!query.unread) {
    const result = await pageOf(table, userKeys.alert(sub, '', '').pk, userKeys.alertPrefix, { ...query, descending: true });
    return { items: result.items.map(alertFromItem), after: result.after };
  }
  // Unread: the sparse index holds an alert only until it is acknowledged.
  return newestFirstOnInboxIndex(table, userKeys.unreadAlertsPartition(sub), query, alertFromItem);
};

/** Marks the user's own alert read (keeping the first `readAt`), or `undefined` if they have no such alert. */
export const ackAlert = async (
  table: TableAccess,
  sub: string,
  eventId: string,
  subscriptionId: string,
  at: string,
): Promise<Alert | undefined> => {
  try {
    const { Attributes } = await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: userKeys.alert(sub, eventId, subscriptionId),
        // The first acknowledgement's time stands; leaving the unread index is idempotent.
        UpdateExpression: 'SET readAt = if_not_exists(readAt, :at) REMOVE inboxPk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? alertFromItem(Attributes) : undefined;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};
