/**
 * The local stand-in for API Gateway HTTP API's Lambda proxy integration, payload 2.0:
 * a Node request becomes the event a deployed handler would receive, and the handler's
 * result becomes the HTTP response API Gateway would send. Kept small and pure so it can
 * be tested field by field; no maintained library does this without Docker.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';

/** What the gateway knows about one incoming request. */
export interface IncomingRequest {
  readonly method: string;
  /** Path and query as received, e.g. `/referrals?box=inbox`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly requestId: string;
  readonly now?: Date;
}

/** Route details the gateway resolved for the request. */
export interface RouteMatch {
  /** `"GET /referrals/{id}"` or `"$default"`. */
  readonly routeKey: string;
  readonly pathParameters?: Readonly<Record<string, string>> | undefined;
  /** Claims of a verified token, already in HTTP API's stringified form. */
  readonly claims?: Readonly<Record<string, string>> | undefined;
}

const TEXT_CONTENT_TYPE = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|problem\+json)|[^;]*\+(json|xml))/i;

/** Whether API Gateway would hand this body to Lambda as text rather than base64. */
export const isTextContentType = (contentType: string | undefined): boolean =>
  contentType === undefined || contentType === '' || TEXT_CONTENT_TYPE.test(contentType.trim());

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time` format: `12/Mar/2020:19:03:58 +0000`. */
export const formatRequestTime = (date: Date): string => {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000`;
};

const headerValue = (value: string | string[] | undefined): string | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.join(',') : value;

const safeDecode = (value: string): string => {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
};

/** Query parameters as HTTP API gives them: decoded, repeated keys joined with commas. */
export const parseQueryString = (rawQueryString: string): Record<string, string> | undefined => {
  if (rawQueryString === '') return undefined;
  const params: Record<string, string> = {};
  for (const pair of rawQueryString.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
    params[key] = key in params ? `${params[key]},${value}` : value;
  }
  return Object.keys(params).length > 0 ? params : undefined;
};

/** Builds the payload 2.0 event for a request. */
export const toApiGatewayEvent = (request: IncomingRequest, route: RouteMatch): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const now = request.now ?? new Date();
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? '' : request.url.slice(queryAt + 1);

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    const joined = headerValue(value);
    if (joined === undefined) continue;
    // HTTP API moves cookies out of the headers into their own array.
    if (lower === 'cookie') {
      cookies = joined.split(/;\s*/).filter((c) => c.length > 0);
      continue;
    }
    headers[lower] = joined;
  }

  // HTTP API adds these for the integration (appending the client to any X-Forwarded-For
  // sent); handlers build absolute URLs from them (the FHIR face's Bundle links).
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = /:(\d+)$/.exec(headers.host ?? '')?.[1] ?? '80';

  const hasBody = request.body.length > 0;
  const asText = isTextContentType(headers['content-type']);
  const host = headers.host ?? 'localhost';
  const queryStringParameters = parseQueryString(rawQueryString);

  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(route.pathParameters && Object.keys(route.pathParameters).length > 0 ? { pathParameters: { ...route.pathParameters } } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: { ...(route.claims ?? {}) }, scopes: [] },
      },
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: request.method.toUpperCase(),
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody
      ? { body: asText ? request.body.toString('utf8') : request.body.toString('base64'), isBase64Encoded: !asText }
      : { isBase64Encoded: false }),
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
};

/** The HTTP response API Gateway sends for a handler result. */
export interface OutgoingResponse {
  readonly statusCode: number;
  /** Header name → value; `set-cookie` may repeat, so it is an array. */
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

/**
 * Maps a handler result back to HTTP the way HTTP API does for payload 2.0: a structured
 * result (with `statusCode`) is used as given (cookies become `Set-Cookie`, base64
 * bodies are decoded); anything else is a 200 with the value as a JSON body.
 */
export const fromHandlerResult = (result: APIGatewayProxyResultV2 | undefined): OutgoingResponse => {
  if (result === undefined || result === null) {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.alloc(0) };
  }
  if (typeof result === 'string' || typeof result !== 'object' || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body, 'utf8') };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = [...result.cookies];
  const raw = result.body ?? '';
  const body = result.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  return { statusCode: result.statusCode ?? 200, headers, body };
};
