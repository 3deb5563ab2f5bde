/**
 * Key builders for every item in the single table. One function per access pattern;
 * the README's access-pattern table is the index to this file. All keys are strings.
 *
 * Conventions:
 * - `pk` groups what is read or written together (an aggregate: a referral with its
 *   events, notes, handoffs and access log; a user with their alerts and subscriptions).
 * - Time-ordered sort keys start with an ISO-8601 UTC timestamp (lexical = temporal)
 *   followed by `#<id>` so they are unique and a cursor can resume after any of them.
 * - List partitions carry `org × box × status`, so one org's inbox is several
 *   partitions, and the busy triage queue (`submitted`) is separate from the long tail
 *   of closed work (see README "Hot partitions").
 */
import type { Box, HandoffStatus, ReferralStatus } from '../../core/reference-data.ts';

/** Width of the zero-padded event sequence number: 10 digits sort correctly to 9,999,999,999. */
const SEQ_WIDTH = 10;

/** Number of fixed shards of the SLA due-time index; fixed forever (changing it is a re-key). */
export const SLA_SHARDS = 8;

/** `<iso timestamp>#<id>`: the newest-first / soonest-due sort key shared by list indexes. */
export const timeOrderedSk = (isoTimestamp: string, id: string): string => `${isoTimestamp}#${id}`;

export const referralKeys = {
  /** Referral by id (GetItem); with `begins_with(sk, "REFERRAL")` also its handoffs (one Query). */
  referral: (referralId: string) => ({ pk: `REFERRAL#${referralId}`, sk: 'REFERRAL' }),
  /** Prefix that selects the referral item and its handoff items together. */
  aggregatePrefix: 'REFERRAL',
  /** Event `seq` of a referral (history ascending: Query `begins_with(sk, "EVENT#")`). */
  event: (referralId: string, seq: number) => ({
    pk: `REFERRAL#${referralId}`,
    sk: `EVENT#${String(seq).padStart(SEQ_WIDTH, '0')}`,
  }),
  eventPrefix: 'EVENT#',
  /** A case note (Query `begins_with(sk, "NOTE#")`, descending for newest first). */
  note: (referralId: string, noteId: string) => ({ pk: `REFERRAL#${referralId}`, sk: `NOTE#${noteId}` }),
  notePrefix: 'NOTE#',
  /** One read of the record by someone (Query `begins_with(sk, "ACCESS#")`). */
  access: (referralId: string, accessId: string) => ({ pk: `REFERRAL#${referralId}`, sk: `ACCESS#${accessId}` }),
  accessPrefix: 'ACCESS#',
  /**
   * What a former party saw when it left (the referral and handoffs as they stood), written
   * in the same transaction as the change that made it leave; deleted if it rejoins.
   */
  formerParty: (referralId: string, org: string) => ({ pk: `REFERRAL#${referralId}`, sk: `FORMER#${org}` }),
  /** List partition of a box for one org and status (GSI `<box>-by-created` / `<box>-by-due`). */
  listPartition: (box: Box, org: string, status: ReferralStatus) => `ORG#${org}#${box.toUpperCase()}#${status}`,
};

export const handoffKeys = {
  /** A handoff lives in its referral's partition, so accept/decline/withdraw transact locally. */
  handoff: (referralId: string, handoffId: string) => ({
    pk: `REFERRAL#${referralId}`,
    sk: `REFERRAL#HANDOFF#${handoffId}`,
  }),
  /** Immutable pointer resolving a handoff id to its referral (strongly consistent GetItem). */
  pointer: (handoffId: string) => ({ pk: `HANDOFF#${handoffId}`, sk: 'HANDOFF' }),
  /** Handoffs offered to (`inbox`) or by (`outbox`) an org, per status. */
  listPartition: (box: 'inbox' | 'outbox', org: string, status: HandoffStatus) => `ORG#${org}#HANDOFF-${box.toUpperCase()}#${status}`,
};

export const personKeys = {
  /** GSI `person-by-nhs-number` partition: HMAC of the NHS number, never the number itself. */
  nhsNumber: (nhsNumberHmac: string) => `PERSON#NHS#${nhsNumberHmac}`,
  /** GSI `person-by-local-id` partition: HMAC of the local identifier. */
  localId: (localIdHmac: string) => `PERSON#LOCAL#${localIdHmac}`,
};

export const slaKeys = {
  /**
   * Sparse GSI `sla-due`: present only while a response is awaited (referral `submitted`,
   * handoff `offered`) and not yet marked overdue. The scheduler queries every shard
   * with `slaSk <= now`, so it only ever reads what is due.
   */
  partition: (shard: number) => `SLA#${shard}`,
  sortKey: (dueAtIso: string, kind: 'referral' | 'handoff', id: string) => `${dueAtIso}#${kind}#${id}`,
  /** A stable shard for an id (FNV-1a), so re-writes of one record land in one shard. */
  shardOf: (id: string): number => {
    let hash = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) {
      hash ^= id.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    return (hash >>> 0) % SLA_SHARDS;
  },
};

export const userKeys = {
  /** A subscription under its owner: GetItem by (owner, id) makes others' ids 404 naturally. */
  subscription: (sub: string, subscriptionId: string) => ({ pk: `USER#${sub}`, sk: `SUBSCRIPTION#${subscriptionId}` }),
  subscriptionPrefix: 'SUBSCRIPTION#',
  /**
   * How many subscriptions the user holds: the cap is a condition on this base-table item
   * in the same transaction as each create (never a count of an index).
   */
  subscriptionCount: (sub: string) => ({ pk: `USER#${sub}`, sk: 'SUBSCRIPTIONS-COUNT' }),
  /**
   * An alert: deterministic per (event, subscription), so redelivery is a no-op conditional
   * put; event ids are ULIDs, so the sort key is newest-first by event time.
   */
  alert: (sub: string, eventId: string, subscriptionId: string) => ({
    pk: `USER#${sub}`,
    sk: `ALERT#${eventId}#${subscriptionId}`,
  }),
  alertPrefix: 'ALERT#',
  /** Unread alerts (sparse `inboxPk` on alert items, removed on ack; GSI `inbox-by-created`). */
  unreadAlertsPartition: (sub: string) => `USER#${sub}#ALERTS-UNREAD`,
};

export const subscriptionKeys = {
  /**
   * Fan-out match entry: one per org a subscription filters on, or `*` for programme-wide.
   * The notifier queries `SUBSCRIBERS#<org>` for each party of an event, plus `SUBSCRIBERS#*`.
   */
  match: (orgOrAll: string, subscriptionId: string) => ({
    pk: `SUBSCRIBERS#${orgOrAll}`,
    sk: `SUBSCRIPTION#${subscriptionId}`,
  }),
  /** Which user owns a subscription id, for programme managers' oversight (strongly consistent GetItem). */
  owner: (subscriptionId: string) => ({ pk: `SUBSCRIPTION#${subscriptionId}`, sk: 'OWNER' }),
  /**
   * Every subscription, newest first, for programme managers: the owner's item carries
   * `inboxPk` = this and `createdSk` = `<createdAt>#<id>` (GSI `inbox-by-created`; subscriptions
   * are few and rarely written, so one partition suffices).
   */
  allPartition: 'SUBSCRIPTIONS#ALL',
  /** One delivery attempt, newest first (`begins_with(sk, "DELIVERY#")`, descending). */
  delivery: (subscriptionId: string, atIso: string, eventId: string, attempt: number) => ({
    pk: `SUBSCRIPTION#${subscriptionId}`,
    sk: `DELIVERY#${atIso}#${eventId}#${String(attempt).padStart(3, '0')}`,
  }),
  deliveryPrefix: 'DELIVERY#',
  /**
   * State of one event's delivery to one subscription: the fan-out claims it with a
   * conditional put (so redelivered events make one job), the delivery worker advances it.
   */
  deliveryState: (subscriptionId: string, eventId: string) => ({
    pk: `SUBSCRIPTION#${subscriptionId}`,
    sk: `DELIVERY-STATE#${eventId}`,
  }),
  /** A dead-lettered delivery awaiting redrive; deleted when redriven. */
  deadLetter: (subscriptionId: string, eventId: string) => ({
    pk: `SUBSCRIPTION#${subscriptionId}`,
    sk: `DEADLETTER#${eventId}`,
  }),
  deadLetterPrefix: 'DEADLETTER#',
  /**
   * A window of held pushes (quiet hours or a digest) sent at `sendAtIso`: how many it holds,
   * whether its release has begun (`sealedAt`), and its entry in the due-time index
   * ({@link pushDueKeys}) until it has been sent.
   */
  window: (subscriptionId: string, sendAtIso: string) => ({ pk: `SUBSCRIPTION#${subscriptionId}`, sk: `WINDOW#${sendAtIso}` }),
  windowPrefix: 'WINDOW#',
  /** A held push, in its window in event order (`begins_with(sk, "HELD#<sendAt>#")`); all of them: `HELD#`. */
  held: (subscriptionId: string, sendAtIso: string, eventAtIso: string, eventId: string) => ({
    pk: `SUBSCRIPTION#${subscriptionId}`,
    sk: `HELD#${sendAtIso}#${eventAtIso}#${eventId}`,
  }),
  heldPrefix: 'HELD#',
  heldInWindowPrefix: (sendAtIso: string) => `HELD#${sendAtIso}#`,
};

/**
 * Due windows of held pushes, on the sparse `sla-due` index under partitions of their own
 * (`PUSH#<shard>`: the SLA sweep's `SLA#<shard>` Queries never read them). The sweep
 * Queries every shard with `slaSk <= now`; a window leaves the index when it is deleted.
 */
export const pushDueKeys = {
  partition: (shard: number) => `PUSH#${shard}`,
  sortKey: (sendAtIso: string, subscriptionId: string) => `${sendAtIso}#window#${subscriptionId}`,
};

export const fanOutKeys = {
  /** How far the fan-out of one event got (a cursor over its match partitions), so a retry resumes there. TTL'd. */
  progress: (eventId: string) => ({ pk: `FANOUT#${eventId}`, sk: 'PROGRESS' }),
};

export const idempotencyKeys = {
  /** Idempotency record, scoped to the caller: `keyHash` = SHA-256 of `sub` + `Idempotency-Key`. TTL 24 h. */
  record: (keyHash: string) => ({ pk: `IDEMPOTENCY#${keyHash}`, sk: 'IDEMPOTENCY' }),
  /** A consumer's marker that it has processed an event (dedupe on event id). TTL'd. */
  consumed: (consumer: string, eventId: string) => ({ pk: `CONSUMED#${consumer}#${eventId}`, sk: 'CONSUMED' }),
};

/**
 * Number of write shards of the metrics counters; fixed forever (changing it is a re-key).
 * At 10× the national peak the busiest shard takes < 30 % of a partition's 1,000 WCU
 * (docs/capacity-and-cost.md "Hot partitions").
 */
export const METRICS_SHARDS = 8;

/** The fields of a metrics counter cell that its key carries. */
export interface MetricCellKey {
  readonly day: string;
  readonly serviceArea: string;
  readonly fromOrg: string;
  readonly toOrg: string;
  readonly priority: string;
}

export const metricsKeys = {
  /**
   * A cell's counters: partition = shard (a stable hash of the referral id, so one
   * referral's cells always share a shard), sort key = day × service area × org pair ×
   * priority, the day first (`YYYY-MM-DD`, Europe/London). Any period of every service
   * area is therefore one sort-key range per shard: a summary is {@link METRICS_SHARDS}
   * Queries whatever its length, the service areas and months it spans.
   */
  counter: (cell: MetricCellKey, shard: number) => ({
    pk: metricsKeys.partition(shard),
    sk: `${cell.day}#${cell.serviceArea}#${cell.fromOrg}#${cell.toOrg}#${cell.priority}`,
  }),
  partition: (shard: number) => `METRICS#${shard}`,
  /** The cell a counter item's sort key names (the inverse of {@link metricsKeys.counter}'s `sk`). */
  cellOf: (sk: string): MetricCellKey => {
    const [day = '', serviceArea = '', fromOrg = '', toOrg = '', priority = ''] = sk.split('#');
    return { day, serviceArea, fromOrg, toOrg, priority };
  },
  /** The shard a referral's counters live in (FNV-1a, like the SLA index). */
  shardOf: (referralId: string): number => {
    let hash = 0x811c9dc5;
    for (let i = 0; i < referralId.length; i++) {
      hash ^= referralId.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    return (hash >>> 0) % METRICS_SHARDS;
  },
  /** `sk` bounds of the days `fromDay`–`toDay` (`YYYY-MM-DD`, inclusive) of a shard. */
  dayRange: (fromDay: string, toDay: string) => ({ lower: `${fromDay}#`, upper: `${toDay}#~` }),
};

/**
 * The counters' first layout, written until 2026-12-03: partition = service area × month ×
 * shard, sort key = `<DD>#<fromOrg>#<toOrg>#<priority>`. A summary had to Query every
 * service area × month × shard (48 for a week across a month's end). Nothing writes it now;
 * only `npm run metrics:rekey` reads it, to move a stage's cells into {@link metricsKeys}.
 */
export const legacyMetricsKeys = {
  counter: (cell: MetricCellKey, shard: number) => ({
    pk: legacyMetricsKeys.partition(cell.serviceArea, cell.day.slice(0, 7), shard),
    sk: `${cell.day.slice(8, 10)}#${cell.fromOrg}#${cell.toOrg}#${cell.priority}`,
  }),
  partition: (serviceArea: string, month: string, shard: number) => `METRICS#${serviceArea}#${month}#${shard}`,
  /** The cell a legacy item names: its day from the partition's month and the sort key's `DD`. */
  cellOf: (serviceArea: string, month: string, sk: string): MetricCellKey => {
    const [dd = '', fromOrg = '', toOrg = '', priority = ''] = sk.split('#');
    return { day: `${month}-${dd}`, serviceArea, fromOrg, toOrg, priority };
  },
};
