/**
 * The zod of everything that runs in a Lambda: `zod/mini`, with English messages.
 *
 * `zod/mini` is the same zod 4 (same parser, same `zod/v4/core` schemas, the same JSON
 * Schema for the OpenAPI document) without the method chains of classic `zod`, which put
 * every method of every schema type into each bundle (about 97 KB of each, against about
 * 22 KB: docs/decisions.md). Checks are functions: `z.string().check(z.maxLength(64))`,
 * `z.optional(schema)`, `schema.register(z.globalRegistry, { id })`.
 *
 * Unlike classic zod, `zod/mini` loads no locale: every issue would read "Invalid input".
 * This module loads the English one that classic zod loads, so a field error says what it
 * always said. Runtime code imports zod through here (`import * as z from '…/core/zod.ts'`),
 * never `zod` itself (dependency-cruiser: runtime-zod-is-mini); types generic over schemas
 * come from `zod/v4/core`.
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
