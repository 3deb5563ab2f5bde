/**
 * Composition root of `Idempotency-Key`: Powertools idempotency on the table, configured
 * from the runtime config. Only the handlers of routes that read the header import it, so
 * the others neither bundle Powertools idempotency nor build its client.
 */
import { idempotencyFromConfig } from '../platform/http/idempotency.ts';

/**
 * A fresh idempotency middleware for one handler: one per handler module, as each Lambda
 * has its own, even where the local runtime loads several handlers into one process.
 */
export const idempotency = () => idempotencyFromConfig();
