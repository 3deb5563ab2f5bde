/**
 * The API reference at `/docs/`: the published `/openapi.json`, rendered by Scalar, with
 * "try it" sending requests to this page's own origin, where the API is. Built by
 * infra/console/build-api-reference.ts into same-origin, content-hashed files, and served
 * under the console's CSP (nothing inline): what Scalar would otherwise inject is turned into
 * files or CSS object model calls, here and in that build.
 *
 * To try a request, paste a bearer token under Authentication: deployed, an ID token from
 * signing in; locally, one from `POST /_local/token`. The token stays in this page's memory.
 */
// First: zod must be told before any of Scalar's modules runs a parser.
import './zod-jitless.ts';
import { createApiReference } from '@scalar/api-reference';
import '@scalar/api-reference/style.css';
import './reference.css';
import { constructedStyle } from './constructed-style.ts';

/** The published contract, served by the API beside this page. */
const OPENAPI_PATH = '/openapi.json';

/** The element index.html gives the reference. */
const MOUNT_POINT = '#reference';

/** Scalar's app as far as this page uses it (its type stubs leave out `component`). */
interface ReferenceApp {
  component(name: string, component: object): unknown;
  mount(selector: string): unknown;
}

const reference = createApiReference({
  url: OPENAPI_PATH,
  // The document names its server '/', whichever stage serves it: try-it goes to this origin.
  servers: [{ url: location.origin, description: 'This site (the API beside this page)' }],
  authentication: { preferredSecurityScheme: 'bearerAuth' },
  // Never write the pasted token to local storage.
  persistAuth: false,
  // Nothing from another origin: no fonts (the CSP allows same-origin fonts only), no
  // telemetry, no request proxy (so try-it calls the API directly), no AI agent or MCP, and no
  // "Open API Client" link (it hands this document's address to Scalar's hosted client).
  hideClientButton: true,
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: 'never',
  // One colour scheme, the one checked for contrast.
  forceDarkModeState: 'light',
  hideDarkModeToggle: true,
  documentDownloadType: 'json',
  metaData: { title: 'API reference – Jointly' },
});

const app = reference.app as unknown as ReferenceApp;
app.component('style', constructedStyle);
app.mount(MOUNT_POINT);
