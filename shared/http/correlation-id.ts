import { randomFillSync } from 'node:crypto';
import { ulid } from 'ulid';

/** Header carrying the correlation id in and out. */
export const CORRELATION_HEADER = 'x-correlation-id';

const SAFE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A ULID random source: CSPRNG bytes drawn a kilobyte at a time. `ulid()`'s own source looks
 * up `crypto` and asks it for one byte per character, 16 calls an id (≈ 50 µs on a small
 * shared machine, on every request); reading a pooled buffer costs ≈ 1 µs and is just as
 * random. Pass it to `monotonicFactory(pooledRandom)` or `ulid(undefined, pooledRandom)`.
 */
const pool = Buffer.allocUnsafe(1024);
let nextByte = pool.length;
export const pooledRandom = (): number => {
  if (nextByte >= pool.length) {
    randomFillSync(pool);
    nextByte = 0;
  }
  return pool[nextByte++]! / 256;
};

/** A fresh ULID (now, random part from pooled CSPRNG bytes): cheap enough for every request. */
export const newUlid = (): string => ulid(undefined, pooledRandom);

/**
 * The client's correlation id when it is safe to echo (bounded, no control characters,
 * nothing that could split a header or a log line); otherwise a fresh ULID.
 */
export const correlationIdFrom = (headers: Record<string, string | undefined> | undefined): string => {
  const sent = headers?.[CORRELATION_HEADER] ?? headers?.['X-Correlation-Id'];
  return sent && SAFE_CORRELATION_ID.test(sent) ? sent : newUlid();
};
