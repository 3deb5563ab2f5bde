/**
 * The local runtime's stand-in for the console's CloudFront and S3: the built console at
 * `/console/` beside the API on one origin, with the same headers and cache rules as
 * deployed (infra/console/console-site.ts). `/` redirects to it; any console path that is
 * not an asset answers the page, which routes itself.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { IncomingRequest, OutgoingResponse } from './api-gateway-event.ts';
import { CONSOLE_BASE_PATH, CONSOLE_CACHE, CONSOLE_HEADERS } from '../console/console-site.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

const respond = (statusCode: number, headers: Record<string, string>, body: Buffer | string): OutgoingResponse => ({
  statusCode,
  headers: { ...CONSOLE_HEADERS, ...headers },
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
});

/**
 * Serves the console built in `siteDir` (holding `console/…`): `undefined` for requests that
 * are not the console's, so the API answers them.
 */
export const consoleSite =
  (siteDir: string) =>
  async (request: IncomingRequest): Promise<OutgoingResponse | undefined> => {
    const path = request.url.split('?')[0] ?? '/';
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    if (path === '/' || path === CONSOLE_BASE_PATH.slice(0, -1)) {
      return respond(302, { location: CONSOLE_BASE_PATH, 'cache-control': CONSOLE_CACHE.page }, '');
    }
    if (!path.startsWith(CONSOLE_BASE_PATH)) return undefined;
    const assets = `${CONSOLE_BASE_PATH}assets/`;
    if (path.startsWith(assets)) {
      const relative = normalize(decodeURIComponent(path.slice(1)));
      // Only files below the site folder.
      if (relative.startsWith('..') || !relative.startsWith('console/assets/'))
        return respond(404, { 'content-type': 'text/plain' }, 'Not found');
      try {
        const body = await readFile(join(siteDir, relative));
        return respond(
          200,
          { 'content-type': TYPES[extname(relative)] ?? 'application/octet-stream', 'cache-control': CONSOLE_CACHE.asset },
          body,
        );
      } catch {
        return respond(404, { 'content-type': 'text/plain', 'cache-control': CONSOLE_CACHE.page }, 'Not found');
      }
    }
    const page = await readFile(join(siteDir, CONSOLE_BASE_PATH, 'index.html'));
    return respond(200, { 'content-type': TYPES['.html']!, 'cache-control': CONSOLE_CACHE.page }, page);
  };
