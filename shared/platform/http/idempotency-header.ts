/** The `Idempotency-Key` header, lower-case as normalised. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
