/**
 * The two CloudFront Functions of the console's distribution, as source text built from the
 * paths in infra/console/console-site.ts, so the edge routes what the local runtime's
 * gateway routes (infra/local/console-assets.ts):
 *
 * - on the default (API) behaviour, `/`, `/console` and `/docs` redirect to their folders;
 *   every other request goes to the API untouched;
 * - on the `/console/*` and `/docs/*` behaviours, a path that is not a file of the build (an
 *   asset, or the console's `config.json`) is rewritten to the folder's `index.html`, which
 *   routes itself. This is the single-page fallback; a distribution-wide error response
 *   would also turn the API's 403s and 404s into the page.
 *
 * Plain ES5 (`var`, `indexOf`): the functions runtime runs a subset of JavaScript.
 */
import { API_REFERENCE_BASE_PATH, CONSOLE_BASE_PATH, CONSOLE_CONFIG_PATH } from '../console/console-site.ts';

/** A folder of the site served from S3: its page, and the files served as they are. */
interface SiteFolder {
  /** `/console/` */
  readonly base: string;
  /** The page every other path under `base` answers. */
  readonly page: string;
  /** Prefixes of files served as they are (hashed assets). */
  readonly filePrefixes: readonly string[];
  /** Exact paths served as they are. */
  readonly files: readonly string[];
}

/** The folders of the site the bucket serves. */
export const SITE_FOLDERS: readonly SiteFolder[] = [
  {
    base: CONSOLE_BASE_PATH,
    page: `${CONSOLE_BASE_PATH}index.html`,
    filePrefixes: [`${CONSOLE_BASE_PATH}assets/`],
    files: [CONSOLE_CONFIG_PATH],
  },
  {
    base: API_REFERENCE_BASE_PATH,
    page: `${API_REFERENCE_BASE_PATH}index.html`,
    filePrefixes: [`${API_REFERENCE_BASE_PATH}assets/`],
    files: [],
  },
];

/** Paths that redirect, and where to: the site root and each folder without its slash. */
export const SITE_REDIRECTS: Readonly<Record<string, string>> = {
  '/': CONSOLE_BASE_PATH,
  [CONSOLE_BASE_PATH.slice(0, -1)]: CONSOLE_BASE_PATH,
  [API_REFERENCE_BASE_PATH.slice(0, -1)]: API_REFERENCE_BASE_PATH,
};

/** Viewer-request function of the default (API) behaviour: the site's redirects, nothing else. */
export const redirectFunctionCode = (): string => `var REDIRECTS = ${JSON.stringify(SITE_REDIRECTS)};
function handler(event) {
  var target = Object.prototype.hasOwnProperty.call(REDIRECTS, event.request.uri) ? REDIRECTS[event.request.uri] : undefined;
  if (target === undefined) return event.request;
  return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: target }, 'cache-control': { value: 'no-store' } } };
}
`;

/** Viewer-request function of the site's behaviours: any path that is not a file answers its folder's page. */
export const pageFunctionCode = (): string => `var FOLDERS = ${JSON.stringify(SITE_FOLDERS)};
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  for (var i = 0; i < FOLDERS.length; i++) {
    var folder = FOLDERS[i];
    if (uri.indexOf(folder.base) !== 0) continue;
    if (folder.files.indexOf(uri) !== -1) return request;
    for (var j = 0; j < folder.filePrefixes.length; j++) {
      if (uri.indexOf(folder.filePrefixes[j]) === 0) return request;
    }
    request.uri = folder.page;
    return request;
  }
  return request;
}
`;
