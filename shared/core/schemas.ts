/**
 * zod helpers every slice's contract uses: how the API writes an instant, how a shared
 * schema gets a description of its own, and how a query-string parameter is documented as
 * the value it means.
 */
import type * as core from 'zod/v4/core';
import * as z from './zod.ts';

/** An instant as the API writes it: `Date#toISOString()`, UTC with milliseconds (24 characters). */
export const InstantSchema = z.iso.datetime().check(z.maxLength(24));

/**
 * A copy of `schema` with `metadata` of its own (a description where it is used, say):
 * what classic zod's `.meta()` does. A schema built on the spot is simply registered
 * (`.register(z.globalRegistry, …)`); a shared one is copied first, or the metadata would
 * apply everywhere it is used. The copy inherits the original's metadata but its `id`.
 */
export const withMeta = <S extends core.$ZodType>(schema: S, metadata: core.GlobalMeta): S => {
  const copy = z.clone(schema);
  z.globalRegistry.add(copy, metadata);
  return copy;
};

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
