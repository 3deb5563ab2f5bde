/**
 * The local runtime's stand-in for the console's CloudFront and S3: the built console at
 * `/console/` beside the API on one origin, with the same headers and cache rules as
 * deployed (infra/console/console-site.ts). `/` redirects to it; any console path that is
 * not an asset answers the page, which routes itself.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { IncomingRequest, OutgoingResponse } from './api-gateway-event.ts';
import {
  API_REFERENCE_BASE_PATH,
  CONSOLE_BASE_PATH,
  CONSOLE_CACHE,
  CONSOLE_CONFIG_PATH,
  CONSOLE_HEADERS,
} from '../console/console-site.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** A response with the site's headers (`site`) and its own (`headers`). */
const respondWith =
  (site: Readonly<Record<string, string>>) =>
  (statusCode: number, headers: Record<string, string>, body: Buffer | string): OutgoingResponse => ({
    statusCode,
    headers: { ...site, ...headers },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  });

/** The file at `path`, if it lies below `within` (a folder of the site); otherwise a 404. */
const file = async (
  respond: ReturnType<typeof respondWith>,
  siteDir: string,
  path: string,
  within: string,
  cacheControl: string,
): Promise<OutgoingResponse> => {
  const relative = normalize(decodeURIComponent(path.slice(1)));
  if (!relative.startsWith(within.slice(1)))
    return respond(404, { 'content-type': 'text/plain', 'cache-control': CONSOLE_CACHE.page }, 'Not found');
  try {
    const body = await readFile(join(siteDir, relative));
    return respond(200, { 'content-type': TYPES[extname(relative)] ?? 'application/octet-stream', 'cache-control': cacheControl }, body);
  } catch {
    return respond(404, { 'content-type': 'text/plain', 'cache-control': CONSOLE_CACHE.page }, 'Not found');
  }
};

/**
 * Serves the console built in `siteDir` (holding `console/…` and `docs/…`): `undefined` for requests that
 * are not the console's, so the API answers them.
 */
export const consoleSite = (siteDir: string, siteHeaders: Readonly<Record<string, string>> = CONSOLE_HEADERS) => {
  const respond = respondWith(siteHeaders);
  return async (request: IncomingRequest): Promise<OutgoingResponse | undefined> => {
    const path = request.url.split('?')[0] ?? '/';
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    if (path === '/' || path === CONSOLE_BASE_PATH.slice(0, -1)) {
      return respond(302, { location: CONSOLE_BASE_PATH, 'cache-control': CONSOLE_CACHE.page }, '');
    }
    if (path === API_REFERENCE_BASE_PATH.slice(0, -1)) {
      return respond(302, { location: API_REFERENCE_BASE_PATH, 'cache-control': CONSOLE_CACHE.page }, '');
    }
    if (path.startsWith(API_REFERENCE_BASE_PATH)) {
      const assets = `${API_REFERENCE_BASE_PATH}assets/`;
      if (path.startsWith(assets)) return file(respond, siteDir, path, assets, CONSOLE_CACHE.asset);
      return file(respond, siteDir, `${API_REFERENCE_BASE_PATH}index.html`, API_REFERENCE_BASE_PATH, CONSOLE_CACHE.page);
    }
    if (!path.startsWith(CONSOLE_BASE_PATH)) return undefined;
    if (path === CONSOLE_CONFIG_PATH) return file(respond, siteDir, path, CONSOLE_BASE_PATH, CONSOLE_CACHE.page);
    const assets = `${CONSOLE_BASE_PATH}assets/`;
    if (path.startsWith(assets)) return file(respond, siteDir, path, assets, CONSOLE_CACHE.asset);
    const page = await readFile(join(siteDir, CONSOLE_BASE_PATH, 'index.html'));
    return respond(200, { 'content-type': TYPES['.html']!, 'cache-control': CONSOLE_CACHE.page }, page);
  };
};
