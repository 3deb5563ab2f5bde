/**
 * DynamoDB adapter of referral disposal (shared/referrals/domain/disposal.ts): deletes
 * everything in a referral's partition and its handoff pointers, and writes the one
 * `referral.disposed` outbox event, which the publisher carries to the bus and the audit
 * archive like any other event.
 *
 * Safe to repeat: a retried disposal (the stream retries a failed batch) deletes what is left
 * and finds the event already written. The event's own `expiresAt` lets DynamoDB remove it a
 * day later, when the stream has carried it on.
 *
 * An erasure never leaves personal data that nothing would find again: its first write marks
 * the referral past its retention (so every read treats it as gone) together with its event,
 * and the referral item goes last. Should the erasure stop half-way, TTL deletes that item in
 * its own time and the disposer finishes the job, finding the erasure's event written.
 */
import { DeleteCommand, PutCommand, QueryCommand, TransactWriteCommand } from '../../platform/dynamodb/document-client.ts';
import { handoffKeys, referralKeys } from '../../platform/dynamodb/keys.ts';
import { batchWriteAll, lostToConcurrentWrite, writeIfConditionHolds, type TableAccess } from '../../platform/dynamodb/table-access.ts';
import { disposedEventDraft, type DisposalCause } from '../domain/disposal.ts';
import { ConcurrentChangeError } from '../domain/ports.ts';
import { SYSTEM_ACTOR, type Actor, type Referral } from '../domain/referral.ts';
import { eventItemOf, referralFromItem } from './referral-items.ts';

/** How long the `referral.disposed` outbox item stays in the table: long enough for the stream to carry it. */
export const DISPOSED_EVENT_TTL_SECONDS = 24 * 60 * 60;

/** What one disposal did. */
export interface DisposalResult {
  /** Items deleted from the referral's partition, and handoff pointers. */
  readonly itemsDeleted: number;
  /** Whether this run wrote the `referral.disposed` event (false: an earlier run did). */
  readonly eventWritten: boolean;
}

/** Deletes referrals with everything that belongs to them. */
export class DynamoReferralDisposal {
  private readonly table: TableAccess;
  private readonly clock: () => Date;

  constructor(table: TableAccess, clock: () => Date = () => new Date()) {
    this.table = table;
    this.clock = clock;
  }

  /**
   * Disposes of a referral whose item DynamoDB's TTL has already deleted: `oldImage` is the
   * item as the stream's REMOVE record carries it.
   */
  async disposeExpired(oldImage: Record<string, unknown>): Promise<DisposalResult> {
    const referral = referralFromItem(oldImage);
    const event = this.disposedEvent(referral, { kind: 'retention' }, SYSTEM_ACTOR);
    const itemsDeleted = await this.deletePartition(referral.id, [event.sk]);
    // An erasure that stopped half-way wrote its own event at this `seq` already: that one stays.
    const eventWritten = await writeIfConditionHolds(() =>
      this.table.client.send(
        new PutCommand({ TableName: this.table.tableName, Item: event.item, ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    );
    return { itemsDeleted, eventWritten };
  }

  /**
   * Erases a referral now. First, in one transaction conditioned on the `seq` read, its item
   * is marked past its retention and its `referral.disposed` event written at the next `seq`:
   * a change racing the erasure then fails (its own event would need that `seq`), and reads
   * see the referral gone at once. Then the rest of the partition goes, and the item last.
   * Throws {@link ConcurrentChangeError} when the referral moved since it was read.
   */
  async erase(referral: Referral, cause: Extract<DisposalCause, { kind: 'erasure' }>, actor: Actor): Promise<DisposalResult> {
    const event = this.disposedEvent(referral, cause, actor);
    const referralKey = referralKeys.referral(referral.id);
    try {
      await this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table.tableName,
                Key: referralKey,
                UpdateExpression: 'SET expiresAt = :now',
                ConditionExpression: '#seq = :seq',
                ExpressionAttributeNames: { '#seq': 'seq' },
                ExpressionAttributeValues: { ':seq': referral.seq, ':now': Math.floor(this.clock().getTime() / 1000) },
              },
            },
            { Put: { TableName: this.table.tableName, Item: event.item, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
    } catch (error) {
      if (lostToConcurrentWrite(error)) throw new ConcurrentChangeError('The referral changed since it was read.');
      throw error;
    }
    const itemsDeleted = await this.deletePartition(referral.id, [event.sk, referralKey.sk]);
    await this.table.client.send(new DeleteCommand({ TableName: this.table.tableName, Key: referralKey }));
    return { itemsDeleted: itemsDeleted + 1, eventWritten: true };
  }

  /**
   * The `referral.disposed` outbox item at the referral's next `seq` (which no other event can
   * take once it is written), and its sort key.
   */
  private disposedEvent(referral: Referral, cause: DisposalCause, actor: Actor): { sk: string; item: Record<string, unknown> } {
    const at = this.clock();
    const seq = referral.seq + 1;
    return {
      sk: referralKeys.event(referral.id, seq).sk,
      item: {
        ...eventItemOf(referral.id, seq, disposedEventDraft(referral, cause), actor, at.toISOString()),
        expiresAt: Math.ceil(at.getTime() / 1000) + DISPOSED_EVENT_TTL_SECONDS,
      },
    };
  }

  /** Deletes every item of the referral's partition but those sorted under `keep`, and its handoffs' pointers; returns how many. */
  private async deletePartition(referralId: string, keep: readonly string[]): Promise<number> {
    const keys: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': referralKeys.referral(referralId).pk },
          ProjectionExpression: 'pk, sk, entity, id',
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        if (keep.includes(String(item.sk))) continue;
        keys.push({ pk: item.pk, sk: item.sk });
        if (item.entity === 'handoff') keys.push(handoffKeys.pointer(String(item.id)));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    await batchWriteAll(
      this.table,
      keys.map((Key) => ({ DeleteRequest: { Key } })),
      `Disposal of a referral left items after retries (${keys.length} to delete).`,
    );
    return keys.length;
  }
}
