/**
 * Building API views by allow-list: a view names the fields it shows, so a field added to
 * a stored record (an internal mark, a counter, a key) stays internal until a view names it.
 * Pure: no I/O.
 */

/**
 * A copy of `record` with only `fields`, in that order; fields that are `undefined` are
 * left out, so optional fields stay absent rather than `null`.
 */
export const pickFields = <T extends object, K extends keyof T>(record: T, fields: readonly K[]): Pick<T, K> => {
  const view: Partial<Pick<T, K>> = {};
  for (const field of fields) {
    if (record[field] !== undefined) view[field] = record[field];
  }
  return view as Pick<T, K>;
};
