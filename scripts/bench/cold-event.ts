/**
 * The API Gateway event of one cold-start request, built exactly as the local gateway
 * builds it (infra/local/gateway.ts): the payload 2.0 event of the request through
 * `toApiGatewayEvent`, the matched route's key and its percent-decoded path parameters, and
 * the JWT authorizer's claims of the caller's token in HTTP API's stringified form
 * (infra/local/jwt-authorizer.ts). Pure, so the shape can be checked field by field.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { routeKeyOf, type RouteDefinition } from '../../shared/platform/http/route-definition.ts';
import { toApiGatewayEvent } from '../../infra/local/api-gateway-event.ts';
import { stringifyClaims } from '../../infra/local/jwt-authorizer.ts';

/** One request of the cold-start section, before it becomes an event. */
export interface ColdRequest {
  readonly method: string;
  /** Path and query, e.g. `/referrals?box=inbox`. */
  readonly url: string;
  /** A JSON body (sent as `application/json`). */
  readonly body?: unknown;
  /** The caller's ID token, sent as `Authorization: Bearer …`; none for public routes and `$default`. */
  readonly token?: string | undefined;
}

/** The route that answers a request: a route of the table, or `$default`. */
export type ColdRoute = Pick<RouteDefinition, 'method' | 'path' | 'auth'> | '$default';

/** The `Host` the events carry: the form of an HTTP API's default endpoint. */
export const COLD_EVENT_HOST = 'jointly.execute-api.eu-west-2.amazonaws.com';

/**
 * The path parameters of `path` under `template` (`/referrals/{id}` and `/referrals/01H…` →
 * `{ id: '01H…' }`), percent-decoded as HTTP API decodes them; `undefined` when the path
 * does not match the template.
 */
export const matchPathTemplate = (template: string, path: string): Record<string, string> | undefined => {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const parameters: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const name = /^\{(\w+)\}$/.exec(want[i]!)?.[1];
    if (name) {
      if (got[i] === '') return undefined;
      try {
        parameters[name] = decodeURIComponent(got[i]!);
      } catch {
        parameters[name] = got[i]!;
      }
    } else if (want[i] !== got[i]) return undefined;
  }
  return parameters;
};

/**
 * The claims the HTTP API JWT authorizer hands to Lambda for `token`: its payload, every
 * value a string, arrays as `"[a b]"`. The token is one the local issuer minted, so its
 * payload is what the authorizer would have verified; it is decoded, not verified, here.
 */
export const claimsOfToken = (token: string): Record<string, string> => {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('Not a JWT: no payload segment.');
  return stringifyClaims(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
};

/** Options of {@link coldEvent}: what varies between otherwise equal requests. */
export interface ColdEventOptions {
  readonly now?: Date;
  readonly requestId?: string;
}

/** The payload 2.0 event `route` receives for `request`, as the local gateway would hand it over. */
export const coldEvent = (
  request: ColdRequest,
  route: ColdRoute,
  options: ColdEventOptions = {},
): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');
  const headers: Record<string, string> = {
    host: COLD_EVENT_HOST,
    accept: 'application/json',
    'user-agent': 'jointly-bench',
    ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
    ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
  };
  const path = request.url.split('?')[0]!;
  let routeKey = '$default';
  let pathParameters: Record<string, string> | undefined;
  let claims: Record<string, string> | undefined;
  if (route !== '$default') {
    pathParameters = matchPathTemplate(route.path, path);
    if (!pathParameters) throw new Error(`${request.method} ${path} is not a request to ${routeKeyOf(route)}.`);
    routeKey = routeKeyOf(route);
    if (route.auth === 'jwt') {
      if (!request.token) throw new Error(`${routeKey} needs a token: the authorizer would answer 401 before any function ran.`);
      claims = claimsOfToken(request.token);
    }
  }
  return toApiGatewayEvent(
    {
      method: request.method,
      url: request.url,
      headers,
      body: body ?? Buffer.alloc(0),
      sourceIp: '127.0.0.1',
      requestId: options.requestId ?? randomUUID(),
      ...(options.now ? { now: options.now } : {}),
    },
    { routeKey, pathParameters, claims },
  );
};
