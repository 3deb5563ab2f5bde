/**
 * Composition root of `Idempotency-Key`: Powertools idempotency on the table, configured
 * from the runtime config. Only the handlers of routes that read the header import it, so
 * the others neither bundle Powertools idempotency nor build its client.
 */
import type { DocumentClient } from '../platform/dynamodb/document-client.ts';
import { loadRuntimeConfig } from '../platform/config/runtime-config.ts';
import { idempotencyClient, idempotencyFromConfig } from '../platform/http/idempotency.ts';

let sharedClient: DocumentClient | undefined;

/**
 * A fresh idempotency middleware for one handler. Its records go through one client per
 * process, made on first need: a slice's function serves several idempotent routes
 * (create referral, add note, offer handoff), and one connection pool among them means one
 * TLS handshake at its cold start instead of one per route.
 */
export const idempotency = () => {
  sharedClient ??= idempotencyClient(loadRuntimeConfig().dynamodbEndpoint);
  return idempotencyFromConfig(sharedClient);
};
