/**
 * The console as a site: where it is served from, and the response headers every one of its
 * files carries, locally (the gateway) and deployed (CloudFront's response headers policy).
 * Defined once so the two cannot drift. The Content-Security-Policy allows nothing inline:
 * the build emits one script and one stylesheet, both same-origin files.
 */

/** The path every console page and asset lives under; `/` redirects here. */
export const CONSOLE_BASE_PATH = '/console/';

/** Where the API reference (the published `/openapi.json`, rendered) lives. */
export const API_REFERENCE_BASE_PATH = '/docs/';

/**
 * The console's run-time configuration, beside the page and never cached: how to sign in.
 * Locally the runtime writes `{ auth: { kind: 'local' } }`; deployed, the stack writes the
 * Cognito managed login's domain and the console's app client.
 */
export const CONSOLE_CONFIG_PATH = `${CONSOLE_BASE_PATH}config.json`;

/** What `config.json` holds. */
export type ConsoleConfig =
  | { readonly auth: { readonly kind: 'local' } }
  | {
      readonly auth: {
        readonly kind: 'cognito';
        /** The managed login's origin, e.g. `https://jointly-prod.auth.eu-west-2.amazoncognito.com`. */
        readonly domain: string;
        /** The console's public app client (no secret; authorization code with PKCE). */
        readonly clientId: string;
        /** Where Cognito sends the browser back: the console's own origin + `/console/`. */
        readonly redirectPath: string;
      };
    };

/** The console's Content-Security-Policy: same-origin files only, no inline script or style, no framing. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "manifest-src 'self'",
].join('; ');

/** Headers on every console response (HSTS is added where it is served over HTTPS). */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** Cache rules: hashed assets never change; the page itself is always asked for again. */
export const CONSOLE_CACHE = {
  asset: 'public, max-age=31536000, immutable',
  page: 'no-store',
} as const;
