/**
 * Ids: ULIDs whose random part comes from pooled CSPRNG bytes. `ulid()`'s own source looks
 * up `crypto` and asks it for one byte per character, 16 calls an id (≈ 50 µs on a small
 * shared machine, several times per request); reading a pooled buffer costs ≈ 1 µs and is
 * just as random.
 */
import { randomFillSync } from 'node:crypto';
import { monotonicFactory, ulid } from 'ulid';

const pool = Buffer.allocUnsafe(1024);
let nextByte = pool.length;

/** A ULID random source (a number in [0, 1)) drawn from a kilobyte of CSPRNG bytes at a time. */
export const pooledRandom = (): number => {
  if (nextByte >= pool.length) {
    randomFillSync(pool);
    nextByte = 0;
  }
  return pool[nextByte++]! / 256;
};

/** A fresh ULID (now, pooled random part): cheap enough for every request. */
export const newUlid = (): string => ulid(undefined, pooledRandom);

/** A monotonic ULID factory (strictly increasing within one millisecond) on the pooled source. */
export const monotonicUlids = (): ((seedTime?: number) => string) => monotonicFactory(pooledRandom);
