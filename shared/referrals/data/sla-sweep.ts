/**
 * The SLA sweep: finds referrals awaiting a response and handoff offers awaiting an answer
 * that are past `dueAt`, and marks each breach exactly once — one TransactWriteItems per
 * breach writing the mark and its `referral.overdue` / `handoff.overdue` event item.
 *
 * Reads only what is due: one Query per shard of the sparse `sla-due` index
 * (`slaSk <= now`, keys only). The index is eventually consistent in AWS, so it only
 * nominates candidates; the decision is taken on a strongly consistent read of the base
 * item and enforced by the transaction's conditions (status, `dueAt`, `seq`), never by the
 * index. Two sweeps running at once therefore raise one event: the loser's condition fails,
 * its re-read shows the mark, and it skips. A mark that loses to a real answer (accepted,
 * info requested, withdrawn…) is skipped too: that is the race going the right way.
 */
import { GetCommand, TransactWriteCommand, type DocumentClient } from '../../platform/dynamodb/document-client.ts';
import { dueEntries } from '../../platform/dynamodb/due-index.ts';
import { awaitsAnswer, handoffOverdueEvent } from '../domain/handoff.ts';
import { awaitsResponse, referralOverdueEvent, SYSTEM_ACTOR } from '../domain/referral.ts';
import { handoffKeys, referralKeys, slaKeys } from '../../platform/dynamodb/keys.ts';
import { eventItemOf, handoffFromItem, referralFromItem } from './referral-items.ts';
import { lostToConcurrentWrite, type TransactItems } from '../../platform/dynamodb/table-access.ts';
import type { SlaSweepResult } from '../../sla/domain/ports.ts';

export type { SlaSweepResult };

/** One entry of the `sla-due` index: what is due, and which item it points at. */
export interface SlaCandidate {
  readonly kind: 'referral' | 'handoff';
  readonly referralId: string;
  /** The handoff's id, for `kind: 'handoff'`. */
  readonly handoffId?: string;
  readonly dueAt: string;
}

/** Options of {@link DynamoSlaSweeper}. */
export interface SlaSweeperOptions {
  readonly client: DocumentClient;
  readonly tableName: string;
  /** How many breaches are marked at once. */
  readonly concurrency?: number;
}

/** Re-reads after losing only to an unrelated change (a note moved `seq`) before leaving it to the next sweep. */
const MAX_ATTEMPTS = 4;

const REFERRAL_PK_PREFIX = 'REFERRAL#';

/** Parses an index entry's keys (`slaSk = <dueAt>#<kind>#<id>`, `pk = REFERRAL#<referralId>`). */
export const parseSlaCandidate = (keys: Record<string, unknown>): SlaCandidate | undefined => {
  const [dueAt, kind, id] = String(keys.slaSk ?? '').split('#');
  const pk = String(keys.pk ?? '');
  if (!dueAt || !id || !pk.startsWith(REFERRAL_PK_PREFIX)) return undefined;
  const referralId = pk.slice(REFERRAL_PK_PREFIX.length);
  if (kind === 'referral') return { kind, referralId, dueAt };
  if (kind === 'handoff') return { kind, referralId, handoffId: id, dueAt };
  return undefined;
};

/** The sweep over DynamoDB. */
export class DynamoSlaSweeper {
  private readonly client: DocumentClient;
  private readonly tableName: string;
  private readonly concurrency: number;

  constructor(options: SlaSweeperOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.concurrency = options.concurrency ?? 8;
  }

  /**
   * Marks every breach due at `now`. `shouldContinue` lets a Lambda stop starting new marks
   * near its timeout; what is left stays in the index for the next run.
   */
  async sweep(now: Date = new Date(), options: { shouldContinue?: () => boolean } = {}): Promise<SlaSweepResult> {
    const candidates = await this.dueAt(now);
    let raised = 0;
    let skipped = 0;
    let next = 0;
    const worker = async () => {
      while (next < candidates.length && (options.shouldContinue?.() ?? true)) {
        const candidate = candidates[next++]!;
        const outcome = candidate.kind === 'referral' ? await this.markReferral(candidate, now) : await this.markHandoff(candidate, now);
        if (outcome === 'raised') raised += 1;
        else skipped += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, candidates.length) }, worker));
    return { due: candidates.length, raised, skipped };
  }

  /** Every index entry with `dueAt` ≤ `now`, across all shards (one paged Query each, in parallel). */
  async dueAt(now: Date): Promise<SlaCandidate[]> {
    return dueEntries({ client: this.client, tableName: this.tableName }, slaKeys.partition, now, parseSlaCandidate);
  }

  private async get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item;
  }

  /** Runs the transaction; `false` when it lost a condition (the caller re-reads and decides again). */
  private async transact(items: TransactItems): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (lostToConcurrentWrite(error)) return false;
      throw error;
    }
  }

  /**
   * Marks a referral's breach: `overdueNotifiedFor = dueAt`, `seq` + 1 (`version` unchanged),
   * off the SLA index, and the `referral.overdue` event — conditioned on it still being
   * `submitted` with this `dueAt` and the `seq` read.
   */
  async markReferral(candidate: SlaCandidate, now: Date): Promise<'raised' | 'skipped'> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const item = await this.get(referralKeys.referral(candidate.referralId));
      if (!item) return 'skipped';
      const referral = referralFromItem(item);
      if (!awaitsResponse(referral) || Date.parse(referral.dueAt) > now.getTime()) return 'skipped';
      const seq = referral.seq + 1;
      const eventItem = eventItemOf(referral.id, seq, referralOverdueEvent(referral), SYSTEM_ACTOR, now.toISOString());
      const won = await this.transact([
        {
          Update: {
            TableName: this.tableName,
            Key: referralKeys.referral(referral.id),
            UpdateExpression: 'SET overdueNotifiedFor = :dueAt, #seq = :next REMOVE slaPk, slaSk',
            ConditionExpression: '#status = :submitted AND dueAt = :dueAt AND #seq = :seq',
            ExpressionAttributeNames: { '#status': 'status', '#seq': 'seq' },
            ExpressionAttributeValues: { ':submitted': 'submitted', ':dueAt': referral.dueAt, ':seq': referral.seq, ':next': seq },
          },
        },
        { Put: { TableName: this.tableName, Item: eventItem, ConditionExpression: 'attribute_not_exists(pk)' } },
      ]);
      if (won) return 'raised';
    }
    return 'skipped';
  }

  /**
   * Marks an unanswered offer's breach: the handoff's `overdueNotifiedFor = dueAt` (off the
   * index; it stays `offered`), the referral's `seq` + 1, and the `handoff.overdue` event.
   */
  async markHandoff(candidate: SlaCandidate, now: Date): Promise<'raised' | 'skipped'> {
    const handoffId = candidate.handoffId!;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [referralItem, handoffItem] = await Promise.all([
        this.get(referralKeys.referral(candidate.referralId)),
        this.get(handoffKeys.handoff(candidate.referralId, handoffId)),
      ]);
      if (!referralItem || !handoffItem) return 'skipped';
      const referral = referralFromItem(referralItem);
      const handoff = handoffFromItem(handoffItem);
      if (!awaitsAnswer(handoff) || Date.parse(handoff.dueAt) > now.getTime()) return 'skipped';
      const seq = referral.seq + 1;
      const eventItem = eventItemOf(referral.id, seq, handoffOverdueEvent(referral, handoff), SYSTEM_ACTOR, now.toISOString(), handoff.id);
      const won = await this.transact([
        {
          Update: {
            TableName: this.tableName,
            Key: handoffKeys.handoff(referral.id, handoff.id),
            UpdateExpression: 'SET overdueNotifiedFor = :dueAt REMOVE slaPk, slaSk',
            ConditionExpression:
              '#status = :offered AND dueAt = :dueAt AND (attribute_not_exists(overdueNotifiedFor) OR overdueNotifiedFor <> :dueAt)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':offered': 'offered', ':dueAt': handoff.dueAt },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: referralKeys.referral(referral.id),
            UpdateExpression: 'SET #seq = :next',
            ConditionExpression: '#seq = :seq',
            ExpressionAttributeNames: { '#seq': 'seq' },
            ExpressionAttributeValues: { ':seq': referral.seq, ':next': seq },
          },
        },
        { Put: { TableName: this.tableName, Item: eventItem, ConditionExpression: 'attribute_not_exists(pk)' } },
      ]);
      if (won) return 'raised';
    }
    return 'skipped';
  }
}
