/**
 * Former-party snapshots: what an organisation saw of a referral when it stopped being a
 * party, written in the same transaction as the change that made it leave, and removed
 * when it rejoins. A former party reads the snapshot, never the referral as it is now.
 */
import { GetCommand, QueryCommand } from '../../platform/dynamodb/document-client.ts';
import type { Handoff } from '../domain/handoff.ts';
import type { FormerPartySnapshot } from '../domain/ports.ts';
import type { Referral } from '../domain/referral.ts';
import { handoffKeys, referralKeys } from '../../platform/dynamodb/keys.ts';
import type { TableAccess, TransactItems } from '../../platform/dynamodb/table-access.ts';
import { formerPartySnapshotFromItem, handoffFromItem } from './referral-items.ts';

/** Every handoff of a referral (consistent Query on its partition). */
const handoffsOf = async (table: TableAccess, referralId: string): Promise<Handoff[]> => {
  const { Items = [] } = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': referralKeys.referral(referralId).pk, ':prefix': handoffKeys.handoff(referralId, '').sk },
      ConsistentRead: true,
    }),
  );
  return Items.map(handoffFromItem);
};

/**
 * The snapshot items a change writes or removes, for the same transaction: a snapshot
 * for each org that leaves with this change (at `next.seq`), a delete for each that
 * rejoins. The handoffs as they stand are read first (only when someone leaves): the
 * transaction is conditioned on the referral's version, and every handoff change moves
 * it, so they cannot change between this read and the commit. `answered` replaces the
 * stored copy of the handoff this change answers.
 */
export const formerPartyWrites = async (
  table: TableAccess,
  previous: Referral,
  next: Referral,
  answered?: Handoff,
): Promise<TransactItems> => {
  const before = new Map((previous.formerParties ?? []).map((f) => [f.org, f]));
  const after = new Map((next.formerParties ?? []).map((f) => [f.org, f]));
  const leaving = [...after.values()].filter((f) => f.leftSeq === next.seq && before.get(f.org)?.leftSeq !== f.leftSeq);
  const rejoining = [...before.keys()].filter((org) => !after.has(org));
  if (leaving.length === 0 && rejoining.length === 0) return [];
  let handoffs: Handoff[] = [];
  if (leaving.length > 0) {
    const stored = await handoffsOf(table, previous.id);
    handoffs = stored.map((h) => (answered && h.id === answered.id ? answered : h));
  }
  return [
    ...leaving.map((former) => ({
      Put: {
        TableName: table.tableName,
        Item: {
          ...referralKeys.formerParty(next.id, former.org),
          entity: 'former-party',
          org: former.org,
          leftAt: former.leftAt,
          leftSeq: former.leftSeq,
          referral: { ...next },
          handoffs,
        },
      },
    })),
    ...rejoining.map((org) => ({ Delete: { TableName: table.tableName, Key: referralKeys.formerParty(next.id, org) } })),
  ];
};

/** What `org` saw when it left `referralId` (strongly consistent), if it is a former party. */
export const readFormerPartySnapshot = async (
  table: TableAccess,
  referralId: string,
  org: string,
): Promise<FormerPartySnapshot | undefined> => {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: referralKeys.formerParty(referralId, org), ConsistentRead: true }),
  );
  return Item ? formerPartySnapshotFromItem(Item) : undefined;
};
