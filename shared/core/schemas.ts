/**
 * zod helpers every slice's contract uses: how the API writes an instant, and how a
 * query-string parameter is documented as the value it means.
 */
import * as z from 'zod';

/** An instant as the API writes it: `Date#toISOString()`, UTC with milliseconds (24 characters). */
export const InstantSchema = z.iso.datetime().max(24);

/**
 * Documents a query parameter as the value it means (an integer, a boolean) while the
 * schema keeps validating its query-string form exactly as before: generated clients then
 * send `limit: 20` or `unread: true`, which serialise to the very strings it accepts.
 * Replaces the rendered JSON Schema (a pattern on a string would mislead), keeping its
 * description.
 */
export const documentedAs = (jsonSchema: Readonly<Record<string, unknown>>) => ({
  override: ({ jsonSchema: rendered }: { jsonSchema: Record<string, unknown> }) => {
    const description = rendered.description;
    for (const key of Object.keys(rendered)) delete rendered[key];
    Object.assign(rendered, jsonSchema, description === undefined ? {} : { description });
  },
});
