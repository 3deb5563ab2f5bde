/**
 * Lists of referrals and handoffs: an org's boxes (one partition per org × status on the
 * list indexes), merged on the index's sort key so the cursor is just the last sort key
 * returned, with `serviceArea=` / `team=` as filters read on until the page is full.
 */
import { QueryCommand, type QueryCommandInput } from '../../platform/dynamodb/document-client.ts';
import { isPastRetention } from '../../core/retention.ts';
import { unreachable, type ReadScope } from '../../core/identity.ts';
import type { Page } from '../../core/pagination.ts';
import type { Box } from '../../core/reference-data.ts';
import type { Handoff } from '../domain/handoff.ts';
import type { ListHandoffsParams, ListReferralsParams, ListWorkParams, WorkItem } from '../domain/ports.ts';
import type { Referral } from '../domain/referral.ts';
import { handoffKeys, referralKeys } from '../../platform/dynamodb/keys.ts';
import { batchGetAll, type TableAccess } from '../../platform/dynamodb/table-access.ts';
import { INDEX } from '../../platform/dynamodb/table-definition.ts';
import { handoffFromItem, referralFromItem } from './referral-items.ts';

const LIST_INDEX: Readonly<Record<Box, Readonly<Record<'newest' | 'due', { index: string; pk: string; sk: string }>>>> = {
  inbox: {
    newest: { index: INDEX.inboxByCreated, pk: 'inboxPk', sk: 'createdSk' },
    due: { index: INDEX.inboxByDue, pk: 'inboxPk', sk: 'dueSk' },
  },
  outbox: {
    newest: { index: INDEX.outboxByCreated, pk: 'outboxPk', sk: 'createdSk' },
    due: { index: INDEX.outboxByDue, pk: 'outboxPk', sk: 'dueSk' },
  },
  owned: {
    newest: { index: INDEX.ownedByCreated, pk: 'ownedPk', sk: 'createdSk' },
    due: { index: INDEX.ownedByDue, pk: 'ownedPk', sk: 'dueSk' },
  },
};

/** Which team attribute `team=` filters on in each box. */
const TEAM_ATTRIBUTE: Readonly<Record<Box, string>> = { inbox: 'toTeam', outbox: 'fromTeam', owned: 'ownerTeam' };

/** Upper bound on Query rounds one partition may take to fill a filtered page. */
export const MAX_ROUNDS = 5;

/**
 * The orgs whose box partitions a scoped list may read: an org scope only its own org,
 * whatever was asked for (defence in depth: the service has already refused another org).
 */
const orgsWithin = (scope: ReadScope, orgs: readonly string[]): readonly string[] => {
  switch (scope.kind) {
    case 'org':
      return orgs.filter((org) => org === scope.org);
    case 'programme':
      return orgs;
    default:
      return unreachable(scope);
  }
};

/**
 * Reads one partition of an index in key order, past `after`, until `limit` items pass
 * the filter or the partition ends (bounded rounds). `more` says whether it may hold more.
 */
export const readPartition = async (
  table: TableAccess,
  input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
  limit: number,
): Promise<{ items: Record<string, unknown>[]; more: boolean }> => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const page = await table.client.send(
      new QueryCommand({ ...input, TableName: table.tableName, Limit: limit - items.length + 1, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
    if (items.length > limit || !startKey) break;
  }
  return { items, more: items.length > limit || startKey !== undefined };
};

/** A condition on an item's attribute, read as a filter (never a key): `=` or a range bound. */
interface AttributeFilter {
  readonly attribute: string;
  readonly op?: '=' | '>=' | '<';
  readonly value: unknown;
}

/** One partition of a list index: which index, its partition-key attribute, and the partition. */
interface ListPartition {
  readonly index: string;
  readonly pk: string;
  readonly partition: string;
}

/**
 * Reads several list partitions in parallel and merges them on the sort key `sk` they share
 * (unique per item, and of one format on every list index: `<created at>#<id>`), so the
 * cursor is simply the last sort key returned, whichever index each partition is on.
 */
const listMerged = async (
  table: TableAccess,
  options: {
    sk: string;
    partitions: readonly ListPartition[];
    descending: boolean;
    limit: number;
    after?: string | undefined;
    filters?: readonly AttributeFilter[];
    /** Items past their retention (`expiresAt` ≤ now) stay behind: DynamoDB deletes them later. */
    now: Date;
  },
): Promise<{ items: Record<string, unknown>[]; after?: string | undefined }> => {
  const { sk, descending, limit, after } = options;
  const filters = options.filters ?? [];
  const names: Record<string, string> = { '#pk': '', ...(after ? { '#sk': sk } : {}), '#expiresAt': 'expiresAt' };
  const values: Record<string, unknown> = { ':now': Math.floor(options.now.getTime() / 1000) };
  filters.forEach((filter, i) => {
    names[`#f${i}`] = filter.attribute;
    values[`:f${i}`] = filter.value;
  });
  const filterExpression = [NOT_EXPIRED, ...filters.map((filter, i) => `#f${i} ${filter.op ?? '='} :f${i}`)].join(' AND ');
  const results = await Promise.all(
    options.partitions.map(({ index, pk, partition }) =>
      readPartition(
        table,
        {
          IndexName: index,
          KeyConditionExpression: after ? `#pk = :pk AND #sk ${descending ? '<' : '>'} :after` : '#pk = :pk',
          ExpressionAttributeNames: { ...names, '#pk': pk },
          ExpressionAttributeValues: { ...values, ':pk': partition, ...(after ? { ':after': after } : {}) },
          ScanIndexForward: !descending,
          FilterExpression: filterExpression,
        },
        limit,
      ),
    ),
  );
  const merged = results.flatMap((r) => r.items).sort((a, b) => (String(a[sk]) < String(b[sk]) ? -1 : 1) * (descending ? -1 : 1));
  const page = merged.slice(0, limit);
  const more = merged.length > limit || results.some((r) => r.more);
  const last = page.at(-1);
  return { items: page, after: more && last ? String(last[sk]) : undefined };
};

/**
 * The filter that keeps records past their retention out of every list (`#expiresAt`, `:now`
 * in epoch seconds): DynamoDB's TTL deletes them in the background, typically within days.
 */
export const NOT_EXPIRED = '(attribute_not_exists(#expiresAt) OR #expiresAt > :now)';

/**
 * Handoffs whose referral is past its retention, left out. A handoff item carries no expiry of
 * its own (it goes with its referral's disposal), so the closed handoffs of a page are checked
 * against their referrals in one BatchGetItem; an open one's referral cannot be closed.
 */
const withoutDisposedHandoffs = async (
  table: TableAccess,
  items: readonly Record<string, unknown>[],
  now: Date,
): Promise<Record<string, unknown>[]> => {
  const closed = [...new Set(items.filter((i) => i.entity === 'handoff' && i.status !== 'offered').map((i) => String(i.referralId)))];
  if (closed.length === 0) return [...items];
  const referrals = await batchGetAll(
    table,
    closed.map((id) => referralKeys.referral(id)),
    { projection: 'pk, expiresAt' },
  );
  const expired = new Set(referrals.filter((r) => isPastRetention(r.expiresAt, now)).map((r) => String(r.pk)));
  // A referral already deleted takes its handoffs with it a moment later (the disposal).
  const present = new Set(referrals.map((r) => String(r.pk)));
  return items.filter((i) => {
    if (i.entity !== 'handoff' || i.status === 'offered') return true;
    const pk = referralKeys.referral(String(i.referralId)).pk;
    return present.has(pk) && !expired.has(pk);
  });
};

/** One page of the referrals in the asked orgs' box (within scope), by status, newest or soonest due first. */
export const listReferrals = async (table: TableAccess, params: ListReferralsParams, now: Date): Promise<Page<Referral>> => {
  const { index, pk, sk } = LIST_INDEX[params.box][params.sort];
  const result = await listMerged(table, {
    sk,
    partitions: orgsWithin(params.scope, params.orgs).flatMap((org) =>
      params.statuses.map((status) => ({ index, pk, partition: referralKeys.listPartition(params.box, org, status) })),
    ),
    descending: params.sort === 'newest',
    limit: params.limit,
    after: params.after,
    now,
    filters: [
      ...(params.serviceArea ? [{ attribute: 'serviceArea', value: params.serviceArea }] : []),
      ...(params.team ? [{ attribute: TEAM_ATTRIBUTE[params.box], value: params.team }] : []),
    ],
  });
  return { items: result.items.map(referralFromItem), after: result.after };
};

/** One page of the handoffs offered to (inbox) or by (outbox) the asked orgs (within scope), newest first. */
export const listHandoffs = async (table: TableAccess, params: ListHandoffsParams, now: Date): Promise<Page<Handoff>> => {
  const { index, pk, sk } = LIST_INDEX[params.box].newest;
  const result = await listMerged(table, {
    sk,
    partitions: orgsWithin(params.scope, params.orgs).flatMap((org) =>
      params.statuses.map((status) => ({ index, pk, partition: handoffKeys.listPartition(params.box, org, status) })),
    ),
    descending: true,
    limit: params.limit,
    after: params.after,
    now,
  });
  const items = await withoutDisposedHandoffs(table, result.items, now);
  return { items: items.map(handoffFromItem), after: result.after };
};

/**
 * One page of an organisation's work (within scope): referrals and handoffs from several
 * boxes and statuses, newest first, optionally only those last updated within a range. All
 * list indexes share the `createdSk` format, so one cursor resumes every partition.
 */
export const listWork = async (table: TableAccess, params: ListWorkParams, now: Date): Promise<Page<WorkItem>> => {
  const { sk } = LIST_INDEX.inbox.newest;
  const orgs = orgsWithin(params.scope, [params.org]);
  const result = await listMerged(table, {
    sk,
    partitions: orgs.flatMap((org) =>
      params.sources.map((source) => {
        const { index, pk } = LIST_INDEX[source.box].newest;
        const partition =
          source.kind === 'referral'
            ? referralKeys.listPartition(source.box, org, source.status)
            : handoffKeys.listPartition(source.box, org, source.status);
        return { index, pk, partition };
      }),
    ),
    descending: true,
    limit: params.limit,
    after: params.after,
    now,
    filters: [
      ...(params.updatedFrom ? [{ attribute: 'updatedAt', op: '>=' as const, value: params.updatedFrom }] : []),
      ...(params.updatedBefore ? [{ attribute: 'updatedAt', op: '<' as const, value: params.updatedBefore }] : []),
    ],
  });
  const items = await withoutDisposedHandoffs(table, result.items, now);
  return {
    items: items.map(
      (item): WorkItem =>
        item.entity === 'handoff'
          ? { kind: 'handoff', handoff: handoffFromItem(item) }
          : { kind: 'referral', referral: referralFromItem(item) },
    ),
    after: result.after,
  };
};
