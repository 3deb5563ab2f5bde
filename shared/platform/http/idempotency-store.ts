/**
 * The Powertools side of `Idempotency-Key` (see idempotency.ts): its config and its middy
 * middleware, with the one fix below, over a persistence layer on our table and our
 * DynamoDB client (idempotency-persistence.ts). Loaded by `import()` on the first request
 * that sends the header, so a cold start without one does not load Powertools idempotency
 * and its JMESPath engine (≈ 37 KB of the bundle).
 */
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { DocumentClient } from '../dynamodb/document-client.ts';
import { TableIdempotencyLayer } from './idempotency-persistence.ts';
import { holdReplay } from './idempotent-replay.ts';

/** What {@link powertoolsIdempotency} is configured with. */
export interface IdempotencyStoreOptions {
  readonly tableName: string;
  readonly client: DocumentClient;
  /** The JMESPath over the event that keys a record (null: not idempotent). */
  readonly eventKeyJmesPath: string;
  /** The event property holding what the payload hash covers. */
  readonly payloadValidationJmesPath: string;
  readonly expiresAfterSeconds: number;
}

/** Powertools' idempotency middleware on our table, deleting only its own records on error. */
export const powertoolsIdempotency = (options: IdempotencyStoreOptions): IdempotencyMiddleware => {
  const persistenceStore = new TableIdempotencyLayer({ tableName: options.tableName, client: options.client });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: options.eventKeyJmesPath,
    payloadValidationJmesPath: options.payloadValidationJmesPath,
    expiresAfterSeconds: options.expiresAfterSeconds,
    throwOnNoIdempotencyKey: false,
  });
  return ownRecordsOnly(makeHandlerIdempotent({ persistenceStore, config }));
};

/** A middy middleware object as Powertools makes it. */
export type IdempotencyMiddleware = ReturnType<typeof makeHandlerIdempotent>;

/**
 * Powertools' `onError` deletes the key's record whatever the error, including the 409
 * and 422 its own `before` throws when the record belongs to *another* request: a
 * duplicate in flight (whose lock it would free, letting a third request run the handler
 * again) or the original request (whose stored response it would erase, so a later replay
 * would create a second referral). Only a request that saved the in-progress record itself
 * (its `before` returned nothing) may delete it when its handler fails.
 */
const ownRecordsOnly = (inner: IdempotencyMiddleware): IdempotencyMiddleware => {
  const owners = new WeakSet<object>();
  return {
    before: async (request) => {
      const replay = await inner.before?.(request);
      if (replay === undefined) owners.add(request);
      else holdReplay(request.event as object, replay as APIGatewayProxyStructuredResultV2);
      // Never an early response: the replay leaves through the handler and every `after` hook.
      return undefined;
    },
    after: async (request) => {
      if (owners.has(request)) await inner.after?.(request);
    },
    onError: async (request) => {
      if (owners.has(request)) await inner.onError?.(request);
    },
  };
};
