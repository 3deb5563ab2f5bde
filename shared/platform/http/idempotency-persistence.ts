/**
 * Where Powertools idempotency keeps its records: our table, through our DynamoDB client
 * (shared/platform/dynamodb/document-client.ts), in partitions of their own
 * (`pk = IDEMPOTENCY#<key>`, `sk = IDEMPOTENCY`), expiring by the table's TTL attribute.
 *
 * Powertools' own DynamoDB layer takes only an SDK client, which would bring the SDK's
 * DynamoDB client back into every bundle that serves a keyed request (decision record 49),
 * so this is a `BasePersistenceLayer`, Powertools' extension point for stores. Its four
 * methods do what the DynamoDB layer of the pinned Powertools version does, request for
 * request: the same conditional put (a new key, an expired record, or an in-progress record
 * whose Lambda has timed out), the same consistent read, update and delete, the same
 * attribute names, and the same errors (`IdempotencyItemAlreadyExistsError` carrying the
 * record found). test/integration/http/idempotency-persistence.test.ts runs both layers
 * against DynamoDB Local and compares the items they write.
 */
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
  PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DocumentClient } from '../dynamodb/document-client.ts';
import { JOINTLY_TABLE } from '../dynamodb/table-definition.ts';

const PREFIX = 'IDEMPOTENCY#';

/** The key of a record: its own partition of the table. */
export const idempotencyItemKey = (idempotencyKey: string): Record<string, string> => ({
  [JOINTLY_TABLE.partitionKey]: idempotencyKey.startsWith(PREFIX) ? idempotencyKey : `${PREFIX}${idempotencyKey}`,
  [JOINTLY_TABLE.sortKey]: 'IDEMPOTENCY',
});

const ATTR = PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS;
const EXPIRY = JOINTLY_TABLE.timeToLiveAttribute;

/** Options of {@link TableIdempotencyLayer}. */
export interface TableIdempotencyLayerOptions {
  readonly tableName: string;
  readonly client: DocumentClient;
}

/** Powertools idempotency records on our table; see the module comment. */
export class TableIdempotencyLayer extends BasePersistenceLayer {
  private readonly tableName: string;
  private readonly client: DocumentClient;

  constructor(options: TableIdempotencyLayerOptions) {
    super();
    this.tableName = options.tableName;
    this.client = options.client;
  }

  private recordOf(item: Record<string, unknown>): IdempotencyRecord {
    return new IdempotencyRecord({
      idempotencyKey: String(item[JOINTLY_TABLE.partitionKey]),
      status: item[ATTR.statusAttr] as (typeof IdempotencyRecordStatus)[keyof typeof IdempotencyRecordStatus],
      expiryTimestamp: item[EXPIRY] as number | undefined,
      inProgressExpiryTimestamp: item[ATTR.inProgressExpiryAttr] as number | undefined,
      responseData: item[ATTR.dataAttr] as never,
      payloadHash: item[ATTR.validationKeyAttr] as string | undefined,
    });
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: idempotencyItemKey(idempotencyKey), ConsistentRead: true }),
    );
    if (!Item) throw new IdempotencyItemNotFoundError();
    return this.recordOf(Item);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const item: Record<string, unknown> = {
      ...idempotencyItemKey(record.idempotencyKey),
      [EXPIRY]: record.expiryTimestamp,
      [ATTR.statusAttr]: record.getStatus(),
    };
    if (record.inProgressExpiryTimestamp !== undefined) item[ATTR.inProgressExpiryAttr] = record.inProgressExpiryTimestamp;
    if (this.isPayloadValidationEnabled() && record.payloadHash !== undefined) item[ATTR.validationKeyAttr] = record.payloadHash;
    const now = Date.now();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          // A new key, an expired record, or an in-progress record whose invocation has timed out.
          ConditionExpression:
            'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
          ExpressionAttributeNames: {
            '#id': JOINTLY_TABLE.partitionKey,
            '#expiry': EXPIRY,
            '#in_progress_expiry': ATTR.inProgressExpiryAttr,
            '#status': ATTR.statusAttr,
          },
          ExpressionAttributeValues: { ':now': now / 1000, ':now_in_millis': now, ':inprogress': IdempotencyRecordStatus.INPROGRESS },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'ConditionalCheckFailedException') throw error;
      // The error carries the record found in DynamoDB's attribute-value form.
      const found = (error as { Item?: Record<string, never> }).Item;
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        found ? this.recordOf(unmarshall(found)) : undefined,
      );
    }
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const fields = ['#expiry = :expiry', '#status = :status'];
    const names: Record<string, string> = { '#expiry': EXPIRY, '#status': ATTR.statusAttr };
    const values: Record<string, unknown> = { ':expiry': record.expiryTimestamp, ':status': record.getStatus() };
    if (record.responseData !== undefined) {
      fields.push('#response_data = :response_data');
      names['#response_data'] = ATTR.dataAttr;
      values[':response_data'] = record.responseData;
    }
    if (this.isPayloadValidationEnabled()) {
      fields.push('#validation_key = :validation_key');
      names['#validation_key'] = ATTR.validationKeyAttr;
      values[':validation_key'] = record.payloadHash;
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: idempotencyItemKey(record.idempotencyKey),
        UpdateExpression: `SET ${fields.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: idempotencyItemKey(record.idempotencyKey) }));
  }
}
