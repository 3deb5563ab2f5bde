/**
 * What the DynamoDB adapters of every slice share: the table they work on, reading stored
 * attributes back, telling a lost conditional write from a failure, and writing more items
 * than one BatchWriteItem takes.
 */
import { ServiceUnavailableError } from '../../core/errors.ts';
import {
  BatchGetCommand,
  BatchWriteCommand,
  isTransactionCanceled,
  type DocumentClient,
  type TransactWriteCommand,
} from './document-client.ts';

/** The table an adapter reads and writes, and the client it uses. */
export interface TableAccess {
  readonly client: DocumentClient;
  readonly tableName: string;
}

/** The items of one TransactWriteItems. */
export type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** The named attributes of a stored item that are present (allow-list: keys and index attributes stay behind). */
export const pickAttributes = <T>(item: Record<string, unknown>, fields: readonly string[]): T =>
  Object.fromEntries(fields.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as T;

/** The cancellation reason codes of a cancelled transaction, in item order (none for any other error). */
export const cancellationCodes = (error: unknown): (string | undefined)[] =>
  isTransactionCanceled(error) ? (error.CancellationReasons ?? []).map((r) => r.Code) : [];

/** Whether a single-item write failed its condition. */
export const isConditionFailure = (error: unknown): boolean => (error as { name?: string })?.name === 'ConditionalCheckFailedException';

/**
 * Makes a conditional single-item write: `true` when it was applied, `false` when its
 * condition failed (nothing was written); any other failure is thrown.
 */
export const writeIfConditionHolds = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/**
 * Whether a write lost to another write: a failed condition, or DynamoDB's own
 * transaction conflict (which DynamoDB Local never raises; tests inject it). Either way
 * the caller re-reads and decides again.
 */
export const lostToConcurrentWrite = (error: unknown): boolean => {
  if (isTransactionCanceled(error)) {
    return cancellationCodes(error).some((code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict');
  }
  const name = (error as { name?: string })?.name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionConflictException';
};

/** Items per BatchWriteItem (DynamoDB's limit). */
const BATCH_SIZE = 25;

/** BatchWrite rounds for one chunk before giving up (unprocessed items under throttling). */
const MAX_BATCH_ATTEMPTS = 5;

/** One put or delete of a BatchWriteItem. */
export type BatchWriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/**
 * Writes every request in BatchWriteItem chunks of 25. BatchWrite may leave items
 * unprocessed under throttling: those are sent again with a doubling pause, bounded; after
 * {@link MAX_BATCH_ATTEMPTS} rounds the write fails with `failure` (a sentence for the caller).
 */
export const batchWriteAll = async (table: TableAccess, requests: readonly BatchWriteRequest[], failure: string): Promise<void> => {
  for (let i = 0; i < requests.length; i += BATCH_SIZE) {
    let pending: BatchWriteRequest[] | undefined = requests.slice(i, i + BATCH_SIZE);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt === MAX_BATCH_ATTEMPTS) throw new Error(failure);
      if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
      const result: { UnprocessedItems?: Record<string, unknown[]> } = await table.client.send(
        new BatchWriteCommand({ RequestItems: { [table.tableName]: pending } }),
      );
      pending = result.UnprocessedItems?.[table.tableName] as BatchWriteRequest[] | undefined;
    }
  }
};

/** Keys per BatchGetItem (DynamoDB's limit). */
const BATCH_GET_SIZE = 100;

/**
 * Reads the items of `keys` (at most 100) in one BatchGetItem. BatchGetItem may leave keys
 * unprocessed under throttling: those are asked again with a doubling pause, bounded; after
 * {@link MAX_BATCH_ATTEMPTS} rounds it fails with a 503 (nothing was written, the caller may
 * retry). Keys with no item are simply absent from the answer.
 */
export const batchGetAll = async (
  table: TableAccess,
  keys: readonly Record<string, unknown>[],
  options: { readonly projection?: string; readonly consistentRead?: boolean } = {},
): Promise<Record<string, unknown>[]> => {
  if (keys.length > BATCH_GET_SIZE) throw new RangeError(`batchGetAll takes at most ${BATCH_GET_SIZE} keys, not ${keys.length}.`);
  const items: Record<string, unknown>[] = [];
  let pending: Record<string, unknown>[] | undefined = [...keys];
  for (let attempt = 0; pending && pending.length > 0; attempt++) {
    if (attempt === MAX_BATCH_ATTEMPTS) throw new ServiceUnavailableError('The table is busy: some records could not be read. Try again.');
    if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
    const result: {
      Responses?: Record<string, Record<string, unknown>[]>;
      UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }>;
    } = await table.client.send(
      new BatchGetCommand({
        RequestItems: {
          [table.tableName]: {
            Keys: pending,
            ...(options.projection ? { ProjectionExpression: options.projection } : {}),
            ...(options.consistentRead ? { ConsistentRead: true } : {}),
          },
        },
      }),
    );
    items.push(...(result.Responses?.[table.tableName] ?? []));
    pending = result.UnprocessedKeys?.[table.tableName]?.Keys;
  }
  return items;
};
