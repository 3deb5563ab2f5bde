/**
 * The core of `npm run restore`: compares a source table (a restored copy: from AWS Backup,
 * point-in-time recovery, or any table of the same definition) with the target table, page by
 * page, and — only when asked — writes back what the target lost or changed, and deletes what
 * the source never had. Items are compared whole (every attribute), keyed by the table's
 * `pk`/`sk`. A script, not a request path: it reads both tables with Scan.
 */
import { isDeepStrictEqual } from 'node:util';
import { BatchGetCommand, BatchWriteCommand, type DocumentClient, ScanCommand } from '../../shared/platform/dynamodb/document-client.ts';
import { JOINTLY_TABLE } from '../../shared/platform/dynamodb/table-definition.ts';

type Item = Record<string, unknown>;

/** What a comparison found (and, with `apply`, wrote). */
export interface RestorePlan {
  /** Items read from the source. */
  readonly sourceItems: number;
  /** Source items the target does not have. */
  readonly missing: number;
  /** Source items the target holds with other attribute values. */
  readonly changed: number;
  /** Target items the source does not have (written after the backup, or planted). */
  readonly extra: number;
  /** Items put into the target (with `apply`). */
  readonly written: number;
  /** Items deleted from the target (with `apply` and `deleteExtra`). */
  readonly deleted: number;
}

/** How to compare and what to do. */
export interface RestoreOptions {
  readonly client: DocumentClient;
  readonly source: string;
  readonly target: string;
  /** Write the missing and changed items (default: a dry run that only counts). */
  readonly apply?: boolean;
  /** With `apply`, also delete the target's items the source does not have. */
  readonly deleteExtra?: boolean;
  /** Called after every page read, for progress lines. */
  readonly progress?: (plan: RestorePlan) => void;
}

const { partitionKey: PK, sortKey: SK } = JOINTLY_TABLE;
const keyOf = (item: Item): Item => ({ [PK]: item[PK], [SK]: item[SK] });
const idOf = (item: Item): string => JSON.stringify([item[PK], item[SK]]);

/** BatchGetItem's and BatchWriteItem's limits. */
const GET_BATCH = 100;
const WRITE_BATCH = 25;

/** Every page of `table`, whole items, strongly consistent. */
async function* pagesOf(client: DocumentClient, table: string): AsyncGenerator<Item[]> {
  let start: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start, Limit: 500 }));
    yield (page.Items ?? []) as Item[];
    start = page.LastEvaluatedKey as Item | undefined;
  } while (start);
}

/** The items of `table` with these keys, by id (retrying what DynamoDB leaves unprocessed). */
const getMany = async (client: DocumentClient, table: string, keys: readonly Item[]): Promise<Map<string, Item>> => {
  const found = new Map<string, Item>();
  for (let i = 0; i < keys.length; i += GET_BATCH) {
    let pending: Item[] = keys.slice(i, i + GET_BATCH);
    while (pending.length > 0) {
      const answer = await client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
      for (const item of (answer.Responses?.[table] ?? []) as Item[]) found.set(idOf(item), item);
      pending = (answer.UnprocessedKeys?.[table]?.Keys ?? []) as Item[];
    }
  }
  return found;
};

/** Puts or deletes in batches of 25, retrying what DynamoDB leaves unprocessed. */
const writeMany = async (
  client: DocumentClient,
  table: string,
  requests: readonly ({ PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } })[],
): Promise<void> => {
  for (let i = 0; i < requests.length; i += WRITE_BATCH) {
    let pending = requests.slice(i, i + WRITE_BATCH);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
      const answer = await client.send(new BatchWriteCommand({ RequestItems: { [table]: [...pending] } }));
      pending = (answer.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }
};

/** Compares `source` with `target`; with `apply`, makes the target hold what the source holds. */
export const restoreItems = async (options: RestoreOptions): Promise<RestorePlan> => {
  const { client, source, target } = options;
  let plan: RestorePlan = { sourceItems: 0, missing: 0, changed: 0, extra: 0, written: 0, deleted: 0 };
  for await (const page of pagesOf(client, source)) {
    const current = await getMany(client, target, page.map(keyOf));
    const puts = page.filter((item) => !isDeepStrictEqual(current.get(idOf(item)), item));
    const missing = puts.filter((item) => !current.has(idOf(item))).length;
    if (options.apply)
      await writeMany(
        client,
        target,
        puts.map((item) => ({ PutRequest: { Item: item } })),
      );
    plan = {
      ...plan,
      sourceItems: plan.sourceItems + page.length,
      missing: plan.missing + missing,
      changed: plan.changed + puts.length - missing,
      written: plan.written + (options.apply ? puts.length : 0),
    };
    options.progress?.(plan);
  }
  for await (const page of pagesOf(client, target)) {
    const known = await getMany(client, source, page.map(keyOf));
    const extra = page.filter((item) => !known.has(idOf(item)));
    const remove = options.apply && options.deleteExtra;
    if (remove)
      await writeMany(
        client,
        target,
        extra.map((item) => ({ DeleteRequest: { Key: keyOf(item) } })),
      );
    plan = { ...plan, extra: plan.extra + extra.length, deleted: plan.deleted + (remove ? extra.length : 0) };
  }
  return plan;
};
