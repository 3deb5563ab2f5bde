/**
 * Tells zod (which the renderer validates its configuration and documents with) never to
 * compile parsers with `new Function`. Left to itself, zod probes for `eval` once, and under
 * the page's CSP (no `unsafe-eval`) that probe is a reported violation. Imported first by
 * main.ts, so it runs before any of the renderer's modules parse anything.
 */
import { config } from 'zod/v4/core';

config({ jitless: true });
