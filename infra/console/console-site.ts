/**
 * The console as a site: where it is served from, and the response headers every one of its
 * files carries, locally (the gateway) and deployed (CloudFront's response headers policy).
 * Defined once so the two cannot drift. The Content-Security-Policy allows nothing inline:
 * the build emits one script and one stylesheet, both same-origin files.
 */

/** The path every console page and asset lives under (`/` redirects here); links into the console use it too. */
export { CONSOLE_BASE_PATH } from '../../shared/core/console-links.ts';
import { CONSOLE_BASE_PATH } from '../../shared/core/console-links.ts';

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

/** HSTS on every deployed console response (served over HTTPS only): a year, sub-domains included, not preloaded. */
export const CONSOLE_HSTS = 'max-age=31536000; includeSubDomains';

/** A CSP directive `name` with `sources` added to its own. */
const withSources = (csp: string, name: string, sources: readonly string[]): string =>
  csp
    .split('; ')
    .map((directive) => (directive.split(' ')[0] === name ? [directive, ...sources].join(' ') : directive))
    .join('; ');

/**
 * The deployed console's Content-Security-Policy: {@link CONSOLE_CSP} with Cognito's managed
 * login origin (`https://<prefix>.auth.<region>.amazoncognito.com`) added where signing in
 * needs it, and nowhere else: `connect-src` for the token exchange (`POST /oauth2/token`, a
 * `fetch` from the page) and `form-action` for a sign-in or sign-out form sent there. Going
 * to the managed login page itself is a navigation, which no directive governs.
 */
export const deployedConsoleCsp = (loginOrigin: string): string => {
  if (!/^https:\/\/[a-z0-9.-]+$/.test(loginOrigin)) throw new Error(`Not an https origin: ${loginOrigin}`);
  return consoleCspWithLogin(loginOrigin);
};

/**
 * {@link CONSOLE_CSP} with a login origin added to `connect-src` and `form-action`: the
 * deployed policy's rule, also used by the local runtime when a test points the console at a
 * stand-in login server on the loopback interface.
 */
export const consoleCspWithLogin = (loginOrigin: string): string => {
  if (!/^(https:\/\/[a-z0-9.-]+|http:\/\/127\.0\.0\.1:\d+)$/.test(loginOrigin)) throw new Error(`Not a login origin: ${loginOrigin}`);
  return withSources(withSources(CONSOLE_CSP, 'connect-src', [loginOrigin]), 'form-action', [loginOrigin]);
};

/** The deployed console's headers: {@link CONSOLE_HEADERS} with the deployed CSP, plus HSTS. */
export const deployedConsoleHeaders = (loginOrigin: string): Readonly<Record<string, string>> => ({
  ...CONSOLE_HEADERS,
  'content-security-policy': deployedConsoleCsp(loginOrigin),
  'strict-transport-security': CONSOLE_HSTS,
});

/**
 * CloudFront's response headers policy settings (`SecurityHeadersConfig` and
 * `CustomHeadersConfig` of `AWS::CloudFront::ResponseHeadersPolicy`, in CDK's L1 spelling).
 * Every header overrides whatever the origin sent.
 */
export interface CloudFrontHeaders {
  readonly securityHeadersConfig: {
    readonly contentSecurityPolicy?: { readonly contentSecurityPolicy: string; readonly override: true };
    readonly contentTypeOptions?: { readonly override: true };
    readonly frameOptions?: { readonly frameOption: 'DENY' | 'SAMEORIGIN'; readonly override: true };
    readonly referrerPolicy?: { readonly referrerPolicy: string; readonly override: true };
    readonly strictTransportSecurity?: {
      readonly accessControlMaxAgeSec: number;
      readonly includeSubdomains: boolean;
      readonly preload: boolean;
      readonly override: true;
    };
  };
  readonly customHeadersConfig: { readonly items: readonly { readonly header: string; readonly value: string; readonly override: true }[] };
}

/** The referrer policies CloudFront's security headers accept. */
const CLOUDFRONT_REFERRER_POLICIES = new Set([
  'no-referrer',
  'no-referrer-when-downgrade',
  'origin',
  'origin-when-cross-origin',
  'same-origin',
  'strict-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
]);

/** `max-age=N; includeSubDomains; preload` → CloudFront's HSTS settings. */
const hstsOf = (value: string): NonNullable<CloudFrontHeaders['securityHeadersConfig']['strictTransportSecurity']> => {
  const parts = value.split(';').map((part) => part.trim());
  const maxAge = /^max-age=(\d+)$/.exec(parts[0] ?? '')?.[1];
  const flags = new Set(parts.slice(1).map((flag) => flag.toLowerCase()));
  if (maxAge === undefined || [...flags].some((flag) => flag !== 'includesubdomains' && flag !== 'preload')) {
    throw new Error(`CloudFront cannot send this Strict-Transport-Security: ${value}`);
  }
  return {
    accessControlMaxAgeSec: Number(maxAge),
    includeSubdomains: flags.has('includesubdomains'),
    preload: flags.has('preload'),
    override: true,
  };
};

/**
 * `headers` as CloudFront's response headers policy: the headers CloudFront has a setting of
 * its own for (CSP, `nosniff`, frame options, referrer policy, HSTS; it refuses them as custom
 * headers) go there, every other one is a custom header. Throws on a value CloudFront cannot
 * send, so the deployed headers are the local ones or synth stops.
 */
export const cloudFrontHeadersOf = (headers: Readonly<Record<string, string>>): CloudFrontHeaders => {
  const security: { -readonly [K in keyof CloudFrontHeaders['securityHeadersConfig']]: CloudFrontHeaders['securityHeadersConfig'][K] } = {};
  const items: { header: string; value: string; override: true }[] = [];
  for (const [name, value] of Object.entries(headers)) {
    switch (name.toLowerCase()) {
      case 'content-security-policy':
        security.contentSecurityPolicy = { contentSecurityPolicy: value, override: true };
        break;
      case 'x-content-type-options':
        if (value !== 'nosniff') throw new Error(`CloudFront sends X-Content-Type-Options: nosniff only, not ${value}`);
        security.contentTypeOptions = { override: true };
        break;
      case 'x-frame-options':
        if (value !== 'DENY' && value !== 'SAMEORIGIN')
          throw new Error(`CloudFront sends X-Frame-Options DENY or SAMEORIGIN only, not ${value}`);
        security.frameOptions = { frameOption: value, override: true };
        break;
      case 'referrer-policy':
        if (!CLOUDFRONT_REFERRER_POLICIES.has(value)) throw new Error(`CloudFront cannot send Referrer-Policy: ${value}`);
        security.referrerPolicy = { referrerPolicy: value, override: true };
        break;
      case 'strict-transport-security':
        security.strictTransportSecurity = hstsOf(value);
        break;
      case 'x-xss-protection':
        // CloudFront has a setting for it and refuses it as a custom header; the CSP replaces it anyway.
        throw new Error('X-XSS-Protection is not sent: the Content-Security-Policy replaces it.');
      default:
        items.push({ header: name, value, override: true });
    }
  }
  return { securityHeadersConfig: security, customHeadersConfig: { items } };
};
