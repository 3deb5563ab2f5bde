/**
 * The Lambda model: a discrete-event simulation of each function's pool of execution
 * environments, driven by requests in time order.
 *
 * - A request goes to an idle warm environment of its function, the most recently used one
 *   first (as Lambda does); if there is none, a new environment starts: the request meets a
 *   cold start and waits the function's cold overhead on top of the warm service time.
 * - An environment is busy for the request's service time (warm ms, plus the cold overhead
 *   on its first request), so requests that overlap need more environments; there is no
 *   queueing and no concurrency limit.
 * - An environment idle for the reclaim window is reclaimed; a request arriving exactly at
 *   that instant finds it gone. Real Lambda reclaims at no fixed age, so the window is a
 *   parameter to vary.
 *
 * The event queue is a binary min-heap of completions ordered by time (its size is the number
 * of busy environments); every completion due at or before an arrival is handled first. A
 * reclaim needs no event of its own: it is applied when it can matter, which gives the same
 * result as applying it on time. An arrival looks only at its function's most recently used
 * idle environment; if that one has idled for the window, so has every older one, and the
 * pool is emptied. When an environment is started (the only moment the number alive grows),
 * every pool first drops its environments idle for the window, so the peak is exact. Pure: no I/O.
 */

/** The pool's settings. */
export interface PoolSettings {
  /** Service time of a warm request (ms). */
  readonly warmMs: number;
  /** How long an idle environment survives (ms). */
  readonly reclaimMs: number;
  /** Cold overhead of each function (ms), by function index. */
  readonly coldOverheadMs: readonly number[];
}

/** Requests in time order: `at[i]` (ms, ascending) calls function `fn[i]`. */
export interface PoolRequests {
  readonly at: ArrayLike<number>;
  readonly fn: ArrayLike<number>;
}

/** What one run of the pool saw. */
export interface PoolResult {
  readonly requests: number;
  readonly coldStarts: number;
  /** How many requests met each added latency (ms): 0 for a warm request, its function's cold overhead for a cold one. */
  readonly addedLatencyCounts: ReadonlyMap<number, number>;
  /** The most environments serving a request at one instant (Lambda's concurrency). */
  readonly peakConcurrent: number;
  /** The most environments alive at one instant: busy or idle, not yet reclaimed. */
  readonly peakEnvironments: number;
  /** Cold starts by function index. */
  readonly coldStartsByFunction: readonly number[];
}

/** A typed array twice as long, holding `array`'s contents. */
const grown = <T extends Float64Array | Int32Array>(array: T): T => {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
};

/**
 * Runs the requests through one pool per function and counts what they met. Millions of
 * requests go through one call, so the state lives in typed arrays and the heap is written
 * out inline: nothing is allocated per request.
 */
export const simulatePools = (requests: PoolRequests, settings: PoolSettings): PoolResult => {
  const { warmMs, reclaimMs, coldOverheadMs } = settings;
  if (!(warmMs > 0) || !(reclaimMs > 0)) throw new Error('The warm service time and the reclaim window must be positive.');
  const functionCount = coldOverheadMs.length;
  // Environments by id: their function and since when idle.
  let environmentFn = new Int32Array(64);
  let environmentIdleSince = new Float64Array(64);
  let environments = 0;
  // Idle environments per function, oldest first: the most recently used is last.
  const idle: number[][] = Array.from({ length: functionCount }, () => []);
  const coldStartsByFunction = new Array<number>(functionCount).fill(0);
  // Pending completions: a binary min-heap on (time, arrival index).
  let heapAt = new Float64Array(64);
  let heapSeq = new Int32Array(64);
  let heapEnvironment = new Int32Array(64);
  let heapSize = 0;
  let busy = 0;
  let live = 0;
  let peakConcurrent = 0;
  let peakEnvironments = 0;

  const count = requests.at.length;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const now = requests.at[i]!;
    const fn = requests.fn[i]!;
    if (now < previous) throw new Error('Requests must be in time order.');
    previous = now;

    // Every request that ended at or before now frees its environment: it goes idle, most recent last.
    while (heapSize > 0 && heapAt[0]! <= now) {
      const done = heapEnvironment[0]!;
      environmentIdleSince[done] = heapAt[0]!;
      idle[environmentFn[done]!]!.push(done);
      busy -= 1;
      // Pop the heap's top: move its last entry down from the root.
      heapSize -= 1;
      const lastAt = heapAt[heapSize]!;
      const lastSeq = heapSeq[heapSize]!;
      const lastEnvironment = heapEnvironment[heapSize]!;
      let hole = 0;
      for (;;) {
        let child = 2 * hole + 1;
        if (child >= heapSize) break;
        const right = child + 1;
        if (
          right < heapSize &&
          (heapAt[right]! < heapAt[child]! || (heapAt[right] === heapAt[child] && heapSeq[right]! < heapSeq[child]!))
        ) {
          child = right;
        }
        if (heapAt[child]! > lastAt || (heapAt[child] === lastAt && heapSeq[child]! > lastSeq)) break;
        heapAt[hole] = heapAt[child]!;
        heapSeq[hole] = heapSeq[child]!;
        heapEnvironment[hole] = heapEnvironment[child]!;
        hole = child;
      }
      heapAt[hole] = lastAt;
      heapSeq[hole] = lastSeq;
      heapEnvironment[hole] = lastEnvironment;
    }

    const pool = idle[fn]!;
    // The most recent idle environment has idled for the window: so has every older one.
    if (pool.length > 0 && environmentIdleSince[pool[pool.length - 1]!]! + reclaimMs <= now) {
      live -= pool.length;
      pool.length = 0;
    }
    let environment = pool.pop();
    let added = 0;
    if (environment === undefined) {
      // A cold start. First reclaim, in every pool, what has idled for the window, so the count alive is exact.
      for (const other of idle) {
        let expired = 0;
        while (expired < other.length && environmentIdleSince[other[expired]!]! + reclaimMs <= now) expired += 1;
        if (expired > 0) {
          other.splice(0, expired);
          live -= expired;
        }
      }
      environment = environments++;
      if (environments > environmentFn.length) {
        environmentFn = grown(environmentFn);
        environmentIdleSince = grown(environmentIdleSince);
      }
      environmentFn[environment] = fn;
      added = coldOverheadMs[fn]!;
      coldStartsByFunction[fn]! += 1;
      live += 1;
      if (live > peakEnvironments) peakEnvironments = live;
    }
    busy += 1;
    if (busy > peakConcurrent) peakConcurrent = busy;

    // Push the completion: move the hole up from the end while the parent is later.
    const at = now + warmMs + added;
    if (heapSize === heapAt.length) {
      heapAt = grown(heapAt);
      heapSeq = grown(heapSeq);
      heapEnvironment = grown(heapEnvironment);
    }
    let hole = heapSize++;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      if (heapAt[parent]! < at || (heapAt[parent] === at && heapSeq[parent]! < i)) break;
      heapAt[hole] = heapAt[parent]!;
      heapSeq[hole] = heapSeq[parent]!;
      heapEnvironment[hole] = heapEnvironment[parent]!;
      hole = parent;
    }
    heapAt[hole] = at;
    heapSeq[hole] = i;
    heapEnvironment[hole] = environment;
  }

  const coldStarts = coldStartsByFunction.reduce((sum, n) => sum + n, 0);
  const addedLatencyCounts = new Map<number, number>([[0, count - coldStarts]]);
  coldStartsByFunction.forEach((n, fn) => {
    if (n > 0) addedLatencyCounts.set(coldOverheadMs[fn]!, (addedLatencyCounts.get(coldOverheadMs[fn]!) ?? 0) + n);
  });
  return { requests: count, coldStarts, addedLatencyCounts, peakConcurrent, peakEnvironments, coldStartsByFunction };
};
