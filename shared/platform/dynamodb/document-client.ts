/**
 * The DynamoDB document client every adapter uses: `client.send(new GetCommand({...}))`
 * with plain JavaScript values in and out, as `@aws-sdk/lib-dynamodb`'s, over the small
 * JSON-protocol client (shared/platform/aws/aws-json-client.ts, decision record 49) instead
 * of the SDK's generated DynamoDB client.
 *
 * The commands carry the same names and input and output types as lib-dynamodb's (its
 * types are imported, so they cannot drift), and values are converted by the same
 * functions lib-dynamodb uses (`@aws-sdk/util-dynamodb`), at the same places: keys, items,
 * expression values and start keys in; items, attributes and last evaluated keys out.
 * Errors are the service's, shaped as the SDK's (`name`, `CancellationReasons`, …); as with
 * lib-dynamodb, an item on an error is left in DynamoDB's attribute-value form.
 */
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall, type marshallOptions } from '@aws-sdk/util-dynamodb';
export type { QueryCommandInput, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { type AwsCredentials, type AwsInterceptor, type AwsJsonClient, awsJsonClient } from '../aws/aws-json-client.ts';

/** Where values sit in a request or an answer: `true` = a map of attribute values here, `'*'` = every element or entry. */
type ValueNodes = { readonly [key: string]: ValueNodes | true };

// Where each operation carries values (shared by every command of that operation, never per instance).
const UPDATE_LIKE: ValueNodes = { Key: true, ExpressionAttributeValues: true };
const KEY: ValueNodes = { Key: true };
const ITEM: ValueNodes = { Item: true };
const PUT: ValueNodes = { Item: true, ExpressionAttributeValues: true };
const ATTRIBUTES: ValueNodes = { Attributes: true };
const PAGE_IN: ValueNodes = { ExclusiveStartKey: true, ExpressionAttributeValues: true };
const PAGE_OUT: ValueNodes = { Items: { '*': true }, LastEvaluatedKey: true };
const NONE: ValueNodes = {};
const TRANSACT_IN: ValueNodes = {
  TransactItems: { '*': { ConditionCheck: UPDATE_LIKE, Put: PUT, Delete: UPDATE_LIKE, Update: UPDATE_LIKE } },
};
const BATCH_GET_IN: ValueNodes = { RequestItems: { '*': { Keys: { '*': true } } } };
const BATCH_GET_OUT: ValueNodes = { Responses: { '*': { '*': true } }, UnprocessedKeys: { '*': { Keys: { '*': true } } } };
const WRITE_REQUESTS: ValueNodes = { '*': { '*': { PutRequest: ITEM, DeleteRequest: KEY } } };
const BATCH_WRITE_IN: ValueNodes = { RequestItems: WRITE_REQUESTS };
const BATCH_WRITE_OUT: ValueNodes = { UnprocessedItems: WRITE_REQUESTS };

/** One DynamoDB operation with lib-dynamodb's types for its input and output. */
abstract class DocumentCommand<Input extends object, Output extends object> {
  /** The DynamoDB operation (`GetItem`). */
  abstract readonly operation: string;
  /** Where the input carries values to marshall. */
  abstract readonly inputNodes: ValueNodes;
  /** Where the answer carries values to unmarshall. */
  abstract readonly outputNodes: ValueNodes;
  readonly input: Input;
  /** Only for inference of the answer's type. */
  declare readonly output?: Output;

  constructor(input: Input) {
    this.input = input;
  }
}

/** GetItem. */
export class GetCommand extends DocumentCommand<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';
  readonly inputNodes = KEY;
  readonly outputNodes = ITEM;
}

/** PutItem. */
export class PutCommand extends DocumentCommand<PutCommandInput, PutCommandOutput> {
  readonly operation = 'PutItem';
  readonly inputNodes = PUT;
  readonly outputNodes = ATTRIBUTES;
}

/** UpdateItem. */
export class UpdateCommand extends DocumentCommand<UpdateCommandInput, UpdateCommandOutput> {
  readonly operation = 'UpdateItem';
  readonly inputNodes = UPDATE_LIKE;
  readonly outputNodes = ATTRIBUTES;
}

/** DeleteItem. */
export class DeleteCommand extends DocumentCommand<DeleteCommandInput, DeleteCommandOutput> {
  readonly operation = 'DeleteItem';
  readonly inputNodes = UPDATE_LIKE;
  readonly outputNodes = ATTRIBUTES;
}

/** Query. */
export class QueryCommand extends DocumentCommand<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';
  readonly inputNodes = PAGE_IN;
  readonly outputNodes = PAGE_OUT;
}

/** Scan: for scripts and tests only (no request path scans; the architecture rules keep it there). */
export class ScanCommand extends DocumentCommand<ScanCommandInput, ScanCommandOutput> {
  readonly operation = 'Scan';
  readonly inputNodes = PAGE_IN;
  readonly outputNodes = PAGE_OUT;
}

/** TransactWriteItems. */
export class TransactWriteCommand extends DocumentCommand<TransactWriteCommandInput, TransactWriteCommandOutput> {
  readonly operation = 'TransactWriteItems';
  readonly inputNodes = TRANSACT_IN;
  readonly outputNodes = NONE;
}

/** BatchGetItem. */
export class BatchGetCommand extends DocumentCommand<BatchGetCommandInput, BatchGetCommandOutput> {
  readonly operation = 'BatchGetItem';
  readonly inputNodes = BATCH_GET_IN;
  readonly outputNodes = BATCH_GET_OUT;
}

/** BatchWriteItem. */
export class BatchWriteCommand extends DocumentCommand<BatchWriteCommandInput, BatchWriteCommandOutput> {
  readonly operation = 'BatchWriteItem';
  readonly inputNodes = BATCH_WRITE_IN;
  readonly outputNodes = BATCH_WRITE_OUT;
}

/** Any of the commands above. */
export type AnyDocumentCommand = DocumentCommand<object, object>;

/** What `send` resolves with for `command`. */
export type OutputOf<C> = C extends DocumentCommand<object, infer Output> ? Output : never;

/** How values are written: as lib-dynamodb was configured here before (undefined attributes dropped, no class instances). */
export const MARSHALL_OPTIONS: marshallOptions = { removeUndefinedValues: true, convertClassInstanceToMap: false };

/**
 * Applies `convert` to every attribute-value map that `nodes` names in `value`, returning a
 * converted copy (the caller's object is never changed).
 */
export const convertNodes = (value: unknown, nodes: ValueNodes | true, convert: (map: Record<string, unknown>) => unknown): unknown => {
  if (value === undefined || value === null) return value;
  if (nodes === true) return convert(value as Record<string, unknown>);
  if (Array.isArray(value)) {
    const each = nodes['*'];
    return each === undefined ? value : value.map((element) => convertNodes(element, each, convert));
  }
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childNodes = nodes[key] ?? nodes['*'];
    out[key] = childNodes === undefined ? child : convertNodes(child, childNodes, convert);
  }
  return out;
};

/** Options of {@link DocumentClient}. */
export interface DocumentClientOptions {
  /** DynamoDB Local (or any endpoint) instead of the regional AWS endpoint. */
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly credentials?: AwsCredentials | undefined;
  /** Attempts per call. @default 3 */
  readonly maxAttempts?: number | undefined;
}

/** Sends document commands to DynamoDB; see the module comment. */
export class DocumentClient {
  /** The JSON-protocol client underneath (interceptors go on it). */
  readonly json: AwsJsonClient;

  constructor(options: DocumentClientOptions = {}) {
    this.json = awsJsonClient('dynamodb', {
      endpoint: options.endpoint,
      region: options.region,
      credentials: options.credentials,
      maxAttempts: options.maxAttempts ?? 3,
    });
  }

  /** Runs `command`; resolves with its answer in plain values, or rejects with the service's error. */
  async send<C extends AnyDocumentCommand>(command: C): Promise<OutputOf<C>> {
    const input = convertNodes(command.input, command.inputNodes, (map) => marshall(map, MARSHALL_OPTIONS)) as Record<string, unknown>;
    const answer = await this.json.call(command.operation, input);
    return convertNodes(answer, command.outputNodes, (map) => unmarshall(map as never)) as OutputOf<C>;
  }

  /** Closes its pooled connections (tests and scripts). */
  destroy(): void {
    this.json.destroy();
  }

  /** Adds an interceptor (see {@link AwsJsonClient.intercept}): the local runtime's telemetry and faults, the bench's counters. */
  intercept(where: 'call' | 'attempt', interceptor: AwsInterceptor): void {
    this.json.intercept(where, interceptor);
  }
}

/** Whether `error` is a cancelled transaction, with its reasons (in item order). */
export const isTransactionCanceled = (error: unknown): error is Error & { CancellationReasons?: { Code?: string; Message?: string }[] } =>
  (error as { name?: unknown } | undefined)?.name === 'TransactionCanceledException';
