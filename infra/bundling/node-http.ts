/**
 * What Lambda bundles get for `node:http` / `http` (esbuild `alias`, see `LAMBDA_ALIASES`):
 * the same built-in module, taken with `process.getBuiltinModule` instead of an ESM import.
 *
 * Why: in an ESM bundle, `import { STATUS_CODES } from 'node:http'` (middy's util does
 * this) makes Node build an ES module facade of `http`, which reads every export, and on
 * Node 24 three of them (`WebSocket`, `CloseEvent`, `MessageEvent`) are getters that load
 * undici and `http2`: about 35 ms of every cold start, for classes nothing here uses.
 * `getBuiltinModule` returns the module itself, no facade, so those getters never run.
 *
 * The named exports are the module's stable ones; the three undici getters are left out
 * on purpose, and `globalAgent` / `maxHeaderSize` (mutable accessors) are reached through
 * the default export. A bundled package importing a name that is missing here fails the
 * build ("No matching export"), never a running function.
 */
const http = process.getBuiltinModule('node:http');

export default http;
export const {
  Agent,
  ClientRequest,
  IncomingMessage,
  METHODS,
  OutgoingMessage,
  STATUS_CODES,
  Server,
  ServerResponse,
  createServer,
  get,
  request,
  setMaxIdleHTTPParsers,
  validateHeaderName,
  validateHeaderValue,
} = http;
