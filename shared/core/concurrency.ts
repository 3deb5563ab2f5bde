/**
 * Work over many items with a bounded number in flight: enough to overlap round trips, few
 * enough not to burst a table's or a function's capacity. Pure: no I/O of its own.
 */

/**
 * `work` applied to every item, at most `limit` at once, the results in the items' order.
 * The first failure rejects (work already started runs on; none is started after).
 */
export const mapWithConcurrency = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive whole number, not ${limit}.`);
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};
