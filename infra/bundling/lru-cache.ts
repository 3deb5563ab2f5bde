/**
 * What Lambda bundles get instead of `mnemonist/lru-cache` (esbuild `alias`, see
 * `LAMBDA_ALIASES`). Its one importer is `@aws-sdk/endpoint-cache`, the DynamoDB client's
 * cache of discovered endpoints (`new EndpointCache(endpointCacheSize ?? 1000)`, made with
 * every DynamoDB client). mnemonist's LRU cache brings its typed-array helpers and the
 * `obliterator` iterators: about 7 KB of minified code in every bundle with a DynamoDB
 * client, parsed at every cold start, for a cache that stays empty unless endpoint
 * discovery is turned on.
 *
 * This is the same least-recently-used cache on a `Map` (which keeps insertion order):
 * the members the SDK calls (`get`, `set`, `has`, `peek`, `clear`), with mnemonist's
 * semantics — `get` and `set` make a key the most recent, `has` and `peek` do not, a `set`
 * beyond `capacity` drops the least recent key, a capacity that is not a positive whole
 * number throws. Keys are compared as a `Map` compares them; mnemonist keeps them as an
 * object's property names, which is the same for the strings the SDK uses (JSON text,
 * never a name on `Object.prototype`). Iteration, `setpop` and `from` are left out: the
 * SDK uses none.
 *
 * Only bundles use this: tests, scripts and the local runtime import the real package.
 * test/unit/infra/lru-cache.test.ts replays random operations on both caches, and fails if
 * `@aws-sdk/endpoint-cache` starts calling a member this one lacks.
 */
// mnemonist is CommonJS typed as ESM: under NodeNext its class is the module's `default` member.
import type * as Mnemonist from 'mnemonist/lru-cache.js';

/** The members of mnemonist's `LRUCache` that `@aws-sdk/endpoint-cache` uses. */
export const MEMBERS_THE_SDK_USES = ['capacity', 'size', 'clear', 'set', 'get', 'peek', 'has'] as const;

/**
 * Those members, typed as mnemonist types them; but `set` returns nothing, as mnemonist's does
 * at run time (its typings say `this`; the SDK never reads it).
 */
type UsedByTheSdk<K, V> = Pick<Mnemonist.default<K, V>, Exclude<(typeof MEMBERS_THE_SDK_USES)[number], 'set'>> & {
  set(...args: Parameters<Mnemonist.default<K, V>['set']>): void;
};

/** A least-recently-used cache of at most `capacity` entries, as mnemonist's `LRUCache(capacity)`. */
export default class LruCache<K, V> implements UsedByTheSdk<K, V> {
  readonly capacity: number;
  /** Least recent first: a `Map` iterates in insertion order, so a use re-inserts the key. */
  private readonly entries = new Map<K, V>();

  constructor(capacity: number) {
    // mnemonist throws on these too (on a fraction or infinity, when it allocates its arrays).
    if (typeof capacity !== 'number' || !Number.isSafeInteger(capacity) || capacity <= 0)
      throw new Error('mnemonist/lru-cache: capacity should be positive number.');
    this.capacity = capacity;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  /** Stores `value` under `key` and makes it the most recent, dropping the least recent key if full. */
  set(key: K, value: V): void {
    if (this.entries.has(key)) this.entries.delete(key);
    else if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, value);
  }

  /** The value under `key`, which becomes the most recent. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** The value under `key`, its recency unchanged. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Whether `key` is held, its recency unchanged. */
  has(key: K): boolean {
    return this.entries.has(key);
  }
}
