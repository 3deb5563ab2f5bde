/**
 * Reading the sparse, sharded `sla-due` index: every entry due by a time, across the fixed
 * shards of one partition family (`SLA#<n>` for response targets, `PUSH#<n>` for windows of
 * held pushes). One paged Query per shard, in parallel: only what is due is ever read.
 */
import { QueryCommand } from './document-client.ts';
import { SLA_SHARDS } from './keys.ts';
import type { TableAccess } from './table-access.ts';
import { INDEX } from './table-definition.ts';

/** The entries of every shard `partitionOf(0…SLA_SHARDS−1)` with `slaSk <= now`, each parsed from its keys (unparsable ones skipped). */
export const dueEntries = async <T>(
  table: TableAccess,
  partitionOf: (shard: number) => string,
  now: Date,
  parse: (keys: Record<string, unknown>) => T | undefined,
): Promise<T[]> => {
  const nowIso = now.toISOString();
  const perShard = await Promise.all(
    Array.from({ length: SLA_SHARDS }, async (_, shard) => {
      const found: T[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            IndexName: INDEX.slaDue,
            KeyConditionExpression: 'slaPk = :pk AND slaSk <= :now',
            ExpressionAttributeValues: { ':pk': partitionOf(shard), ':now': nowIso },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const entry = parse(item);
          if (entry !== undefined) found.push(entry);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return found;
    }),
  );
  return perShard.flat();
};
