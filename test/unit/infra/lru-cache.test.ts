/**
 * The LRU cache Lambda bundles get instead of `mnemonist/lru-cache` (infra/bundling/lru-cache.ts):
 * the same answers and evictions as mnemonist's for every sequence of the calls the SDK makes,
 * the SDK's endpoint cache behaving the same on either, and no call the SDK makes left out.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import fc from 'fast-check';
import * as mnemonist from 'mnemonist/lru-cache.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_ALIASES } from '#infra/bundling/aliases.ts';
import LruCache, { MEMBERS_THE_SDK_USES } from '#infra/bundling/lru-cache.ts';

/**
 * mnemonist's LRUCache. The package is CommonJS typed as ESM: Node hands its `module.exports`,
 * the class, as the default export, where TypeScript (NodeNext) expects an object holding it.
 */
const MnemonistLruCache = mnemonist.default as unknown as typeof mnemonist.default.default;

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENDPOINT_CACHE = path.join(REPO_ROOT, 'node_modules/@aws-sdk/endpoint-cache');

/** One call on a cache, as the SDK makes them. */
type Operation =
  | { readonly op: 'set'; readonly key: string; readonly value: number }
  | { readonly op: 'get' | 'peek' | 'has'; readonly key: string }
  | { readonly op: 'clear' };

/** Few keys, so that sequences hit, miss, refresh and evict. */
const KEYS = ['{}', '{"accessKeyId":"A"}', '{"accessKeyId":"B"}', 'k3', 'k4', 'k5', 'k6'];
const key = fc.constantFrom(...KEYS);
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'peek' as const, 'has' as const), key }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

type Cache = Pick<LruCache<string, number>, (typeof MEMBERS_THE_SDK_USES)[number]>;

/** What `cache` answers to `operation` (a `set` answers nothing the SDK reads). */
const apply = (cache: Cache, operation: Operation): unknown => {
  switch (operation.op) {
    case 'set':
      cache.set(operation.key, operation.value);
      return undefined;
    case 'clear':
      cache.clear();
      return undefined;
    default:
      return cache[operation.op](operation.key);
  }
};

/** The keys `cache` holds, least recent first, found by filling it with new keys and seeing which go first. */
const evictionOrder = (cache: Cache): string[] => {
  const held = KEYS.filter((k) => cache.has(k));
  const order: string[] = [];
  for (let i = 0; order.length < held.length; i += 1) {
    cache.set(`fresh-${i}`, i);
    order.push(...held.filter((k) => !order.includes(k) && !cache.has(k)));
  }
  return order;
};

describe('the LRU cache substitute', () => {
  it('answers and evicts exactly as mnemonist’s for any sequence of the SDK’s calls', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(operation, { maxLength: 60 }), (capacity, operations) => {
        // Prepare
        const real = new MnemonistLruCache<string, number>(capacity);
        const substitute = new LruCache<string, number>(capacity);

        // Act
        const answers = operations.map((o) => [apply(real, o), apply(substitute, o), real.size, substitute.size]);

        // Assess
        for (const [fromReal, fromSubstitute, realSize, substituteSize] of answers) {
          expect(fromSubstitute).toEqual(fromReal);
          expect(substituteSize).toBe(realSize);
        }
        expect(evictionOrder(substitute)).toEqual(evictionOrder(real));
      }),
      { numRuns: 500 },
    );
  });

  it.each([0, -1, 2.5, Number.POSITIVE_INFINITY, Number.NaN])('refuses a capacity of %s, as mnemonist does', (capacity) => {
    // Act
    const makeReal = () => new MnemonistLruCache(capacity);
    const makeSubstitute = () => new LruCache(capacity);

    // Assess
    expect(makeReal).toThrow();
    expect(makeSubstitute).toThrow(/capacity should be positive number/);
  });

  it('has every member @aws-sdk/endpoint-cache calls on its cache', () => {
    // Prepare
    const source = readFileSync(path.join(ENDPOINT_CACHE, 'dist-es/EndpointCache.js'), 'utf8');

    // Act
    const imports = [...source.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
    const called = new Set([...source.matchAll(/this\.cache\.(\w+)/g)].map((m) => m[1]));

    // Assess
    expect(imports).toEqual(['mnemonist/lru-cache']);
    expect(called.size).toBeGreaterThan(0);
    expect([...called].filter((member) => !(MEMBERS_THE_SDK_USES as readonly string[]).includes(member!))).toEqual([]);
  });

  it('is compared with the mnemonist version the SDK depends on', () => {
    // Prepare
    const sdk = JSON.parse(readFileSync(path.join(ENDPOINT_CACHE, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const project = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

    // Assess
    expect(project.devDependencies.mnemonist).toBe(sdk.dependencies.mnemonist);
  });
});

describe('the SDK’s endpoint cache on the substitute', () => {
  /** `EndpointCache` as Lambda bundles build it (the alias applied) and as the package ships it. */
  const builds: Record<'aliased' | 'real', new (capacity: number) => EndpointCacheLike> = {} as never;
  let outdir: string;

  interface EndpointCacheLike {
    get(key: string): { Address: string; Expires: number }[] | undefined;
    set(key: string, endpoints: { Address: string; CachePeriodInMinutes: number }[]): void;
    delete(key: string): void;
    has(key: string): boolean;
    clear(): void;
  }

  beforeAll(async () => {
    outdir = mkdtempSync(path.join(tmpdir(), 'jointly-endpoint-cache-'));
    const entry = path.join(outdir, 'entry.mjs');
    writeFileSync(entry, "export { EndpointCache } from '@aws-sdk/endpoint-cache';\n");
    for (const variant of ['aliased', 'real'] as const) {
      const outfile = path.join(outdir, `${variant}.mjs`);
      await esbuild.build({
        entryPoints: [entry],
        outfile,
        absWorkingDir: REPO_ROOT,
        nodePaths: [path.join(REPO_ROOT, 'node_modules')],
        bundle: true,
        format: 'esm',
        platform: 'node',
        mainFields: ['module', 'main'],
        alias: variant === 'aliased' ? { 'mnemonist/lru-cache': LAMBDA_ALIASES['mnemonist/lru-cache']! } : {},
        logLevel: 'silent',
      });
      builds[variant] = ((await import(pathToFileURL(outfile).href)) as { EndpointCache: (typeof builds)['real'] }).EndpointCache;
    }
  });

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  type EndpointOperation =
    | { readonly op: 'set'; readonly key: string; readonly minutes: number[] }
    | { readonly op: 'get' | 'has' | 'delete'; readonly key: string }
    | { readonly op: 'clear' };

  const endpointOperation: fc.Arbitrary<EndpointOperation> = fc.oneof(
    // 0 minutes expires at once (deterministically: the clock only moves on), the rest outlive the test.
    {
      weight: 4,
      arbitrary: fc.record({ op: fc.constant('set' as const), key, minutes: fc.array(fc.constantFrom(0, 1, 60), { maxLength: 3 }) }),
    },
    { weight: 4, arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'has' as const, 'delete' as const), key }) },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  );

  /** What the endpoint cache answers, without the expiry times (they differ by the milliseconds between the two calls). */
  const applyTo = (cache: EndpointCacheLike, o: EndpointOperation): unknown => {
    switch (o.op) {
      case 'set':
        cache.set(
          o.key,
          o.minutes.map((m, i) => ({ Address: `endpoint-${i}.example`, CachePeriodInMinutes: m })),
        );
        return undefined;
      case 'get':
        return cache.get(o.key)?.map((e) => e.Address);
      case 'has':
        return cache.has(o.key);
      case 'delete':
        cache.delete(o.key);
        return undefined;
      default:
        cache.clear();
        return undefined;
    }
  };

  it('is built from the substitute in one build and from mnemonist in the other', () => {
    // Assess
    expect(builds.aliased.toString()).not.toBe(builds.real.toString());
    const aliasedCode = readFileSync(path.join(outdir, 'aliased.mjs'), 'utf8');
    const realCode = readFileSync(path.join(outdir, 'real.mjs'), 'utf8');
    expect(aliasedCode).not.toContain('obliterator');
    expect(realCode).toContain('obliterator');
  });

  it('answers the same on either cache, with a small capacity so that keys are evicted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(endpointOperation, { maxLength: 40 }), (capacity, operations) => {
        // Prepare
        const real = new builds.real(capacity);
        const aliased = new builds.aliased(capacity);

        // Act
        const answers = operations.map((o) => [applyTo(real, o), applyTo(aliased, o)]);

        // Assess
        for (const [fromReal, fromAliased] of answers) expect(fromAliased).toEqual(fromReal);
      }),
      { numRuns: 300 },
    );
  });
});
