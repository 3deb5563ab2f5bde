/**
 * The raw counterparts: for each benchmarked operation, the minimal DynamoDB calls our
 * design needs, issued directly with the document client against the same table, with
 * the very items and conditions the repository writes (built by the repository's own
 * `toItem`/`toHandoffItem`/`eventItemOf` from the domain's own transitions, so the shapes
 * cannot drift). Items are built in `prepare…` (untimed); `run()` is only the DynamoDB
 * calls — the floor the gateway is compared with.
 */
import { randomBytes } from 'node:crypto';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DocumentClient,
} from '../../shared/platform/dynamodb/document-client.ts';
import { monotonicFactory, ulid } from 'ulid';
import { referralKeys, handoffKeys } from '../../shared/platform/dynamodb/keys.ts';
import { DynamoReferralRepository } from '../../shared/referrals/data/referral-repository.ts';
import { eventItemOf } from '../../shared/referrals/data/referral-items.ts';
import { INDEX } from '../../shared/platform/dynamodb/table-definition.ts';
import { NOT_EXPIRED } from '../../shared/referrals/data/referral-listing.ts';
import { offerHandoff } from '../../shared/referrals/domain/handoff.ts';
import type { Caller } from '../../shared/core/identity.ts';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '../../shared/core/reference-data.ts';
import { actorOf } from '../../shared/referrals/domain/referral-policy.ts';
import { applyAction, createReferral } from '../../shared/referrals/domain/referral-transitions.ts';
import type { Actor, NewReferral, Referral, RuleContext } from '../../shared/referrals/domain/referral.ts';
import { ORGANISATIONS } from '../../shared/core/organisations.ts';

/** A prepared raw operation: `run` issues its DynamoDB calls and nothing else. */
export interface PreparedRaw<T = void> {
  readonly run: () => Promise<void>;
  /** State the next operation builds on (e.g. the referral as accepted). */
  readonly next: T;
}

/** Page size of the inbox list (the API's default `limit`). */
export const LIST_LIMIT = 25;

const known = new Set<string>(ORGANISATIONS.map((o) => o.id));
const nextAccessId = monotonicFactory();

/** The raw counterparts against one table. */
export class RawOperations {
  private readonly client: DocumentClient;
  private readonly tableName: string;
  /** Only for its pure item builders (`toItem`, `toHandoffItem`); it issues no call here. */
  private readonly items: DynamoReferralRepository;

  constructor(client: DocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
    this.items = new DynamoReferralRepository({ client, tableName, subjectHashKey: randomBytes(32).toString('hex') });
  }

  /** The put of the referral's next state, conditioned on the version and `seq` read (and `extraCondition`). */
  private versionedPut(stored: Referral, read: Referral, extraCondition = '') {
    return {
      Put: {
        TableName: this.tableName,
        Item: this.items.toItem(stored),
        ConditionExpression: `#version = :version AND #seq = :seq${extraCondition}`,
        ExpressionAttributeNames: { '#version': 'version', '#seq': 'seq' },
        ExpressionAttributeValues: { ':version': read.version, ':seq': read.seq },
      },
    };
  }

  private context(): RuleContext {
    return { now: new Date(), priorityTargetMinutes: DEFAULT_PRIORITY_TARGET_MINUTES, isKnownOrg: (org) => known.has(org) };
  }

  private accessItem(referralId: string, actor: Actor, what: string, at: string): Record<string, unknown> {
    return { ...referralKeys.access(referralId, nextAccessId(Date.parse(at))), entity: 'access', referralId, at, actor, what };
  }

  /** Create: one TransactWriteItems — the referral item and its `referral.submitted` event, each `attribute_not_exists(pk)`. */
  prepareCreate(caller: Caller, input: NewReferral): PreparedRaw<Referral> {
    const { referral, event } = createReferral(ulid(), input, caller, this.context());
    const command = new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: this.tableName, Item: this.items.toItem(referral), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: this.tableName,
            Item: eventItemOf(referral.id, 1, event, actorOf(caller), referral.createdAt),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    });
    return { next: referral, run: async () => void (await this.client.send(command)) };
  }

  /** Get: the consistent Query of the referral partition (`begins_with(sk, "REFERRAL")`: item + handoffs), then the access-log PutItem. */
  prepareGet(referralId: string, caller: Caller): PreparedRaw {
    const query = new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': referralKeys.referral(referralId).pk, ':prefix': referralKeys.aggregatePrefix },
      ConsistentRead: true,
    });
    const audit = new PutCommand({
      TableName: this.tableName,
      Item: this.accessItem(referralId, actorOf(caller), 'detail', new Date().toISOString()),
    });
    return {
      next: undefined,
      run: async () => {
        await this.client.send(query);
        await this.client.send(audit);
      },
    };
  }

  /**
   * List the inbox (one status, newest first, default page): one Query of the org's
   * `inbox-by-created` partition for that status (`Limit` page + 1, which tells whether there
   * is a next page), then one BatchWriteItem of an access-log item per referral on the page.
   */
  prepareListInbox(caller: Caller, status: Referral['status']): PreparedRaw {
    // Records past their retention are filtered out (they may wait days for TTL to remove them).
    const query = () =>
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEX.inboxByCreated,
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: NOT_EXPIRED,
        ExpressionAttributeNames: { '#pk': 'inboxPk', '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: {
          ':pk': referralKeys.listPartition('inbox', caller.org, status),
          ':now': Math.floor(Date.now() / 1000),
        },
        ScanIndexForward: false,
        Limit: LIST_LIMIT + 1,
      });
    const actor = actorOf(caller);
    return {
      next: undefined,
      run: async () => {
        const { Items = [] } = await this.client.send(query());
        const page = Items.slice(0, LIST_LIMIT);
        if (page.length === 0) return;
        const at = new Date().toISOString();
        await this.client.send(
          new BatchWriteCommand({
            RequestItems: {
              [this.tableName]: page.map((item) => ({ PutRequest: { Item: this.accessItem(String(item.id), actor, 'list', at) } })),
            },
          }),
        );
      },
    };
  }

  /**
   * Accept (a transition): the consistent GetItem of the referral, then one TransactWriteItems —
   * the referral as accepted, conditioned on the `version` and `seq` read, and the
   * `referral.accepted` event.
   */
  prepareAccept(referral: Referral, caller: Caller): PreparedRaw<Referral> {
    const { referral: changed, event } = applyAction(referral, { action: 'accept', body: {} }, caller, this.context());
    const seq = referral.seq + 1;
    const stored: Referral = { ...changed, seq };
    const get = new GetCommand({ TableName: this.tableName, Key: referralKeys.referral(referral.id), ConsistentRead: true });
    const transact = new TransactWriteCommand({
      TransactItems: [
        this.versionedPut(stored, referral),
        {
          Put: {
            TableName: this.tableName,
            Item: eventItemOf(referral.id, seq, event, actorOf(caller), changed.updatedAt),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    });
    return {
      next: stored,
      run: async () => {
        await this.client.send(get);
        await this.client.send(transact);
      },
    };
  }

  /**
   * Offer a handoff: the consistent GetItem of the referral, then one TransactWriteItems —
   * the referral (version, `seq` and `attribute_not_exists(openHandoffId)`), the handoff item,
   * its id pointer and the `handoff.offered` event, each new item `attribute_not_exists(pk)`.
   */
  prepareOffer(referral: Referral, caller: Caller, toOrg: string, reason: string): PreparedRaw {
    const actor = actorOf(caller);
    const offer = offerHandoff(referral, ulid(), { toOrg, reason }, caller, actor, this.context());
    const seq = referral.seq + 1;
    const stored: Referral = { ...offer.referral, seq };
    const get = new GetCommand({ TableName: this.tableName, Key: referralKeys.referral(referral.id), ConsistentRead: true });
    const transact = new TransactWriteCommand({
      TransactItems: [
        this.versionedPut(stored, referral, ' AND attribute_not_exists(openHandoffId)'),
        {
          Put: {
            TableName: this.tableName,
            Item: this.items.toHandoffItem(offer.handoff),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: { ...handoffKeys.pointer(offer.handoff.id), entity: 'handoff-pointer', referralId: referral.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: eventItemOf(referral.id, seq, offer.event, actor, offer.handoff.createdAt, offer.handoff.id),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    });
    return {
      next: undefined,
      run: async () => {
        await this.client.send(get);
        await this.client.send(transact);
      },
    };
  }
}
