/**
 * Checks a `Jointly-Signature` header without any of our code: HMAC-SHA256 recomputed with
 * `node:crypto` over `"<t>.<raw body>"`, keyed by the secret, as a receiver following the
 * documentation would. Tests use it so a bug shared by our signer and our verifier cannot
 * pass unnoticed.
 */
import { createHmac } from 'node:crypto';

/** Whether `header` is `t=<t>,v1=<hex>` with `v1` the HMAC of `"<t>.<rawBody>"` under `secret`. */
export const signatureMatches = (secret: string, rawBody: string, header: string | undefined): boolean => {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  return createHmac('sha256', secret).update(`${match[1]}.${rawBody}`).digest('hex') === match[2];
};

/** The `t` of a signature header, in Unix seconds (NaN if absent). */
export const signatureTimestamp = (header: string | undefined): number => Number(/^t=(\d+),/.exec(header ?? '')?.[1]);
