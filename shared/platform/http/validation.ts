import type * as core from 'zod/v4/core';
import * as z from '../../core/zod.ts';
import { BadRequestError, type FieldError } from '../../core/errors.ts';

/** Zod issues as contract field errors: a dotted `path` per offending field. */
export const fieldErrorsOf = (error: core.$ZodError, prefix?: string): FieldError[] =>
  error.issues.flatMap((issue) => {
    const join = (...parts: (string | undefined)[]) => parts.filter((part) => part && part.length > 0).join('.');
    const path = issue.path.map(String).join('.');
    // Unknown fields are reported on their parent; name each one instead.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: join(prefix, path, key), message: 'is not a known field' }));
    }
    const full = join(prefix, path);
    return [{ path: full.length > 0 ? full : (prefix ?? '(body)'), message: issue.message }];
  });

/**
 * Parses `input` with `schema`, or throws a {@link BadRequestError} naming every field.
 * `what` reads in the detail: "The request body is invalid", "The query is invalid".
 */
export const parseOrThrow = <S extends core.$ZodType>(schema: S, input: unknown, what: string, prefix?: string): core.output<S> => {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  const errors = fieldErrorsOf(result.error, prefix);
  const fields = [...new Set(errors.map((e) => e.path))].join(', ');
  throw new BadRequestError(`${what}: check ${fields}.`, errors);
};
