/** The `Idempotency-Key` header, lower-case as normalised. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** What a request key (`Idempotency-Key`, `X-Request-Id`) may be: 1–255 visible ASCII characters, a UUID say. */
export const REQUEST_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
