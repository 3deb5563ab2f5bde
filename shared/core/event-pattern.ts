/**
 * EventBridge event-pattern matching, for the subset Jointly's rules use: nested objects,
 * arrays of allowed values, `{ prefix }` and `{ "anything-but": [...] }`. The CDK rules
 * and the local in-process bus both take their patterns from `bus-rules.ts`; this is how
 * the local bus applies them, and the tests check it against the documented semantics.
 */

/** An EventBridge pattern (JSON). */
export type EventPattern = { readonly [field: string]: EventPattern | readonly PatternValue[] };
export type PatternValue =
  | string
  | number
  | boolean
  | null
  | { readonly prefix: string }
  | { readonly 'anything-but': readonly (string | number)[] };

const matchesValue = (rule: PatternValue, value: unknown): boolean => {
  if (rule !== null && typeof rule === 'object') {
    if ('prefix' in rule) return typeof value === 'string' && value.startsWith(rule.prefix);
    if ('anything-but' in rule) return value !== undefined && !rule['anything-but'].includes(value as string | number);
    return false;
  }
  return rule === value;
};

/** Whether `event` matches `pattern`. Arrays in the event match if any element matches. */
export const matchesPattern = (pattern: EventPattern, event: unknown): boolean => {
  if (event === null || typeof event !== 'object') return false;
  return Object.entries(pattern).every(([field, rule]) => {
    const value = (event as Record<string, unknown>)[field];
    if (Array.isArray(rule)) {
      const values = Array.isArray(value) ? value : [value];
      return values.some((v) => (rule as readonly PatternValue[]).some((r) => matchesValue(r, v)));
    }
    return matchesPattern(rule as EventPattern, value);
  });
};
