/**
 * The item collections inside a referral's partition: its history (events in `seq`
 * order), its notes and its access log (newest first), each read a page at a time and, for
 * a former party, only up to where it left. Also the writing of access-log entries.
 */
import { encodeTime } from 'ulid';
import { PutCommand, QueryCommand } from '../../platform/dynamodb/document-client.ts';
import type { Page } from '../../core/pagination.ts';
import type { AccessEntry, ReadBounds, StoredEvent, StoredNote } from '../domain/ports.ts';
import { referralKeys } from '../../platform/dynamodb/keys.ts';
import { batchWriteAll, type TableAccess } from '../../platform/dynamodb/table-access.ts';
import { accessEntryFromItem, eventFromItem, nextUlid, noteFromItem } from './referral-items.ts';
import { MAX_ROUNDS } from './referral-listing.ts';

/** A page asked for, with a former party's bounds. */
type CollectionRead = { limit: number; after?: string | undefined } & ReadBounds;

/**
 * One page of an item collection inside the referral's partition, resuming after a sort
 * key. `upper` bounds the sort key (inclusive); `maxSeq` keeps items whose `seq` is at
 * most it (or that have none), reading on (bounded rounds) to fill the page.
 */
const pageOfCollection = async (
  table: TableAccess,
  id: string,
  prefix: string,
  options: { limit: number; after?: string | undefined; descending: boolean; upper?: string | undefined; maxSeq?: number | undefined },
): Promise<{ items: Record<string, unknown>[]; after?: string }> => {
  const { pk } = referralKeys.referral(id);
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined = options.after ? { pk, sk: options.after } : undefined;
  for (let round = 0; round < (options.maxSeq === undefined ? 1 : MAX_ROUNDS); round++) {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: options.upper ? 'pk = :pk AND sk BETWEEN :prefix AND :upper' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': pk,
          ':prefix': prefix,
          ...(options.upper ? { ':upper': options.upper } : {}),
          ...(options.maxSeq !== undefined ? { ':maxSeq': options.maxSeq } : {}),
        },
        ...(options.maxSeq !== undefined
          ? { FilterExpression: 'attribute_not_exists(#seq) OR #seq <= :maxSeq', ExpressionAttributeNames: { '#seq': 'seq' } }
          : {}),
        ScanIndexForward: !options.descending,
        Limit: options.limit - items.length,
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
    if (!startKey || items.length >= options.limit) break;
  }
  return { items, ...(startKey ? { after: String(startKey.sk) } : {}) };
};

/** Events in `seq` order, up to `maxSeq` if given. */
export const readHistory = async (table: TableAccess, id: string, options: CollectionRead): Promise<Page<StoredEvent>> => {
  const upper = options.maxSeq === undefined ? undefined : referralKeys.event(id, options.maxSeq).sk;
  const page = await pageOfCollection(table, id, referralKeys.eventPrefix, {
    limit: options.limit,
    after: options.after,
    upper,
    descending: false,
  });
  return { items: page.items.map(eventFromItem), after: page.after };
};

/** Notes, newest first, those of events up to `maxSeq` if given. */
export const readNotes = async (table: TableAccess, id: string, options: CollectionRead): Promise<Page<StoredNote>> => {
  const page = await pageOfCollection(table, id, referralKeys.notePrefix, {
    limit: options.limit,
    after: options.after,
    maxSeq: options.maxSeq,
    descending: true,
  });
  return { items: page.items.map(noteFromItem), after: page.after };
};

/** Access-log entries, newest first, up to `until` if given. */
export const readAccessLog = async (table: TableAccess, id: string, options: CollectionRead): Promise<Page<AccessEntry>> => {
  // Entry ids are ULIDs of their time: `~` sorts after every ULID of the same millisecond.
  const upper = options.until === undefined ? undefined : `${referralKeys.accessPrefix}${encodeTime(Date.parse(options.until), 10)}~`;
  const page = await pageOfCollection(table, id, referralKeys.accessPrefix, {
    limit: options.limit,
    after: options.after,
    upper,
    descending: true,
  });
  return { items: page.items.map(accessEntryFromItem), after: page.after };
};

/** Records one read of each referral's personal data (one Put, or BatchWrites for many). */
export const recordAccess = async (table: TableAccess, referralIds: readonly string[], entry: AccessEntry): Promise<void> => {
  const items = referralIds.map((id) => ({
    PutRequest: {
      Item: { ...referralKeys.access(id, nextUlid(Date.parse(entry.at))), entity: 'access', referralId: id, ...entry },
    },
  }));
  if (items.length === 1) {
    await table.client.send(new PutCommand({ TableName: table.tableName, Item: items[0]!.PutRequest.Item }));
    return;
  }
  await batchWriteAll(table, items, 'The access log could not be written.');
};
