/**
 * One HTTP middleware stack for every API handler (middy 7): correlation id, security
 * headers, structured request log, problem+json errors, header normalisation, the 1 MB
 * body limit, JSON parsing, authentication and zod validation. Handlers receive a typed
 * {@link HttpRequest} and return an {@link HttpResult}; they never build raw responses.
 */
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpUrlencodeBodyParser from '@middy/http-urlencode-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as core from 'zod/v4/core';
import { BadRequestError, ForbiddenError, PayloadTooLargeError, UnauthenticatedError } from '../../core/errors.ts';
import { etagOf, parseIfMatch } from './conditional-request.ts';
import { IDEMPOTENCY_HEADER, REQUEST_KEY_PATTERN } from './idempotency-header.ts';
import { identify, unreachable, type Caller } from '../../core/identity.ts';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation-id.ts';
import { takeReplay } from './idempotent-replay.ts';
import { logger } from './logger.ts';
import { problemFromError, toDomainError } from './problem.ts';
import { renderProblemAs, type ResponseFormat } from './response-format.ts';
import { parseOrThrow } from './validation.ts';

/** Largest accepted request body, in bytes (API Gateway itself allows 10 MB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The event every handler receives: API Gateway HTTP API payload 2.0. */
export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/** The path parameters of a route that declares no path schema, as the gateway decoded them. */
export type RawPathParameters = Readonly<Record<string, string>>;

/** What a handler function is given. */
export interface HttpRequest<Body = undefined, Query = undefined, Auth extends 'none' | 'jwt' = 'jwt', Path = RawPathParameters> {
  readonly event: HttpEvent;
  /** Guaranteed on `auth: 'jwt'` routes; on public routes present only if a token was sent. */
  readonly caller: Auth extends 'jwt' ? Caller : Caller | undefined;
  readonly body: Body;
  readonly query: Query;
  /** The path parameters, parsed by the route's path schema (400 naming the parameter otherwise). */
  readonly path: Path;
  /** The version `If-Match` asks for, on routes that read it; undefined = any (or not read). */
  readonly ifMatch: number | undefined;
  readonly correlationId: string;
}

/** What a handler function returns: serialised to JSON unless `rawBody` is given. */
export interface HttpResult {
  readonly statusCode: number;
  readonly body?: unknown;
  /** A body sent as is (e.g. CSV); the handler sets its `Content-Type`. */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The version of the record returned: sent as the `ETag` header (a strong validator). */
  readonly etag?: number;
}

/** A handler as Lambda (and the local gateway) invokes it. */
export type HttpLambdaHandler = (event: HttpEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Per-route options of the stack. */
export interface HttpHandlerOptions<
  BodySchema extends core.$ZodType | undefined,
  QuerySchema extends core.$ZodType | undefined,
  Auth extends 'none' | 'jwt',
  PathSchema extends core.$ZodType | undefined = undefined,
> {
  /** `jwt`: a caller is required (the deployed authorizer has already verified the token). */
  readonly auth: Auth;
  /** When set, the body must be JSON matching it (400 naming each field otherwise). */
  readonly body?: BodySchema;
  /** When set, the query string must match it. */
  readonly query?: QuerySchema;
  /** When set, the path parameters must match it. */
  readonly path?: PathSchema;
  /** An absent body counts as `{}` (actions whose fields are all optional, e.g. accept). */
  readonly bodyOptional?: boolean;
  /** `form`: the body is `application/x-www-form-urlencoded` (parsed into an object of strings), not JSON. */
  readonly bodyEncoding?: 'json' | 'form';
  /** Parse `If-Match` into {@link HttpRequest.ifMatch} (400 naming the header when it is no ETag). */
  readonly ifMatch?: boolean;
  /**
   * Honour `Idempotency-Key` (creating POSTs) with this middleware, from
   * `shared/platform/http/idempotency.ts`: replay, 409 in flight, 422 on another body. Passed in
   * rather than imported here so functions without it do not bundle it.
   */
  readonly idempotency?: middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2>;
  /** Bodies in another media type than our JSON, errors included (the FHIR face). */
  readonly format?: ResponseFormat;
  /**
   * Require `X-Request-Id` and make it the request's idempotency key (the FHIR messaging
   * door: BaRS deduplicates on it, as the REST API does on `Idempotency-Key`).
   */
  readonly requestIdAsIdempotencyKey?: boolean;
}

type Output<S> = S extends core.$ZodType ? core.output<S> : undefined;
type PathOutput<S> = S extends core.$ZodType ? core.output<S> : RawPathParameters;

interface RequestState {
  correlationId: string;
  startedAt: number;
}
const state = new WeakMap<object, RequestState>();

/** Correlation id in (echoed or generated) and out, on every response including errors. */
const correlationIdMiddleware = (): middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2> => {
  const addHeader = (request: middy.Request<HttpEvent, APIGatewayProxyStructuredResultV2>) => {
    const id = state.get(request)?.correlationId;
    if (!id || !request.response) return;
    request.response.headers = { ...request.response.headers, 'X-Correlation-Id': id };
  };
  return {
    before: (request) => {
      const correlationId = correlationIdFrom(request.event.headers);
      // The effective id replaces whatever was sent, so everything downstream reads one value.
      request.event.headers = { ...request.event.headers, [CORRELATION_HEADER]: correlationId };
      state.set(request, { correlationId, startedAt: performance.now() });
      logger.appendKeys({ correlationId });
    },
    after: addHeader,
    onError: addHeader,
  };
};

/**
 * Headers that matter for a JSON API (no HTML is ever served): no sniffing, no framing,
 * no referrer leakage, HSTS, and a CSP that forbids everything should a browser render a
 * response. Browser-document features (permissions policy, COEP…) are left off as noise.
 */
const SECURITY_HEADERS = {
  contentSecurityPolicy: { 'default-src': "'none'", 'frame-ancestors': "'none'" },
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  dnsPrefetchControl: false,
  downloadOptions: false,
  originAgentCluster: false,
  permissionsPolicy: false,
  permittedCrossDomainPolicies: false,
  reportingEndpoints: false,
  reportTo: false,
} as const;

/** API responses may hold personal data: never cache them anywhere. */
const noStoreMiddleware = (): middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2> => {
  const addHeader = (request: middy.Request<HttpEvent, APIGatewayProxyStructuredResultV2>) => {
    if (!request.response) return;
    request.response.headers = { 'Cache-Control': 'no-store', ...request.response.headers };
  };
  return { after: addHeader, onError: addHeader };
};

/** One structured line per request: route, status, duration. Never bodies or queries. */
const requestLogMiddleware = (): middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2> => {
  const log = (request: middy.Request<HttpEvent, APIGatewayProxyStructuredResultV2>) => {
    const started = state.get(request)?.startedAt ?? performance.now();
    const statusCode = request.response?.statusCode ?? 500;
    const entry = {
      routeKey: request.event.routeKey,
      method: request.event.requestContext?.http?.method,
      statusCode,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (statusCode >= 500) logger.error('request failed', entry);
    else logger.info('request', entry);
  };
  return { after: log, onError: log };
};

/**
 * Maps every error to problem+json (or the route's own format's rendering of the same
 * problem); internal errors are logged by name, never echoed.
 */
const problemJsonMiddleware = (format: ResponseFormat | undefined): middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2> => ({
  onError: (request) => {
    const correlationId = state.get(request)?.correlationId;
    if (!toDomainError(request.error)) {
      const error = request.error as Error | undefined;
      // The stack shows where; the message is left out in case a dependency echoed input.
      // Only frame lines are kept: a multi-line message would otherwise leak past line one.
      const frames = error?.stack
        ?.split('\n')
        .filter((line) => /^\s+at /.test(line))
        .slice(0, 7)
        .join('\n');
      logger.error('unhandled error', { errorName: error?.name ?? typeof error, stack: frames });
    }
    const problem = problemFromError(request.error, {
      instance: request.event.rawPath,
      ...(correlationId ? { correlationId } : {}),
    });
    request.response = format ? renderProblemAs(format, problem) : problem;
  },
});

/** The caller each event was identified as (set by {@link authenticationMiddleware}). */
const callers = new WeakMap<object, Caller>();

/**
 * Turns the authorizer's claims into the caller, failing closed before anything else runs
 * (body limit, parsing, the idempotency store, the handler): on `jwt` routes anything but
 * an ID token is 401, and an ID token without a registered org is 403, so such a caller
 * reaches no read at all. On public routes a refused token simply means "no caller".
 */
const authenticationMiddleware = (auth: 'none' | 'jwt'): middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2> => ({
  before: (request) => {
    const identification = identify(request.event.requestContext?.authorizer?.jwt?.claims);
    switch (identification.outcome) {
      case 'caller':
        callers.set(request.event, identification.caller);
        return;
      case 'unauthenticated':
        if (auth === 'jwt') throw new UnauthenticatedError(identification.reason);
        return;
      case 'unregistered-org':
        if (auth === 'jwt') throw new ForbiddenError(identification.reason);
        return;
      default:
        unreachable(identification);
    }
  },
});

/** Rejects bodies over {@link MAX_BODY_BYTES} before anything parses them. */
const bodyLimitMiddleware = (): middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2> => ({
  before: (request) => {
    const { body, isBase64Encoded } = request.event;
    if (!body) return;
    const bytes = isBase64Encoded ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
    if (bytes > MAX_BODY_BYTES) {
      throw new PayloadTooLargeError(`The request body is ${bytes} bytes; the limit is ${MAX_BODY_BYTES} bytes (1 MiB).`);
    }
  },
});

/** Lets an action whose fields are all optional be POSTed without a body. */
const emptyBodyAsObjectMiddleware = (): middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2> => ({
  before: (request) => {
    const { event } = request;
    if (event.body === undefined || event.body === '') {
      event.body = '{}';
      event.isBase64Encoded = false;
      event.headers = { ...event.headers, 'content-type': event.headers?.['content-type'] ?? 'application/json' };
    }
  },
});

/** The `X-Request-Id` header, lower-case as normalised. */
const REQUEST_ID_HEADER = 'x-request-id';

/**
 * `X-Request-Id` required, and taken as the idempotency key: one request id, one answer,
 * replayed to the same caller (whatever `Idempotency-Key` says, so there is one key).
 */
const requestIdAsKeyMiddleware = (): middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2> => ({
  before: (request) => {
    const id = request.event.headers?.[REQUEST_ID_HEADER];
    if (!id || !REQUEST_KEY_PATTERN.test(id)) {
      throw new BadRequestError('X-Request-Id is required: 1–255 visible ASCII characters, a UUID per message, the same on a retry.', [
        { path: 'X-Request-Id', message: 'is required: 1–255 visible ASCII characters' },
      ]);
    }
    request.event.headers = { ...request.event.headers, [IDEMPOTENCY_HEADER]: id };
  },
});

/** A usable `Idempotency-Key`: 1–255 visible ASCII characters (a UUID, say). */
const idempotencyKeyFormatMiddleware = (): middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2> => ({
  before: (request) => {
    const key = request.event.headers?.[IDEMPOTENCY_HEADER];
    if (key !== undefined && !REQUEST_KEY_PATTERN.test(key)) {
      throw new BadRequestError('The Idempotency-Key header must be 1–255 visible ASCII characters.', [
        { path: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' },
      ]);
    }
  },
});

/**
 * Wraps a handler function in the standard stack. Middleware first, handler last:
 * `before` hooks run top-down, `after`/`onError` bottom-up, so the problem mapper runs
 * first on error and the correlation id is added last to whatever was produced.
 */
export const httpHandler = <
  Auth extends 'none' | 'jwt',
  BodySchema extends core.$ZodType | undefined = undefined,
  QuerySchema extends core.$ZodType | undefined = undefined,
  PathSchema extends core.$ZodType | undefined = undefined,
>(
  options: HttpHandlerOptions<BodySchema, QuerySchema, Auth, PathSchema>,
  fn: (request: HttpRequest<Output<BodySchema>, Output<QuerySchema>, Auth, PathOutput<PathSchema>>) => Promise<HttpResult> | HttpResult,
): HttpLambdaHandler => {
  const core = async (event: HttpEvent, _context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const replay = takeReplay(event);
    if (replay) return replay;
    const caller = callers.get(event);
    // The authentication middleware has already refused a `jwt` request without one; this is a seatbelt.
    if (options.auth === 'jwt' && !caller) throw new UnauthenticatedError('A valid bearer token is required.');
    const body = options.body ? parseOrThrow(options.body, event.body, 'The request body is invalid') : undefined;
    const query = options.query ? parseOrThrow(options.query, event.queryStringParameters ?? {}, 'The query string is invalid') : undefined;
    const pathParameters = event.pathParameters ?? {};
    const path = options.path ? parseOrThrow(options.path, pathParameters, 'The path is invalid') : pathParameters;
    const ifMatch = options.ifMatch ? parseIfMatch(event.headers) : undefined;
    const result = await fn({
      event,
      caller: caller as HttpRequest<unknown, unknown, Auth>['caller'],
      body: body as Output<BodySchema>,
      query: query as Output<QuerySchema>,
      path: path as PathOutput<PathSchema>,
      ifMatch,
      correlationId: event.headers?.[CORRELATION_HEADER] ?? '',
    });
    const etag: Record<string, string> = result.etag === undefined ? {} : { ETag: etagOf(result.etag) };
    if (result.rawBody !== undefined)
      return { statusCode: result.statusCode, headers: { ...etag, ...result.headers }, body: result.rawBody };
    return {
      statusCode: result.statusCode,
      headers: {
        ...(result.body === undefined ? {} : { 'Content-Type': options.format?.mediaType ?? 'application/json' }),
        ...etag,
        ...result.headers,
      },
      ...(result.body === undefined ? {} : { body: JSON.stringify(result.body) }),
    };
  };

  const stack = middy<HttpEvent, APIGatewayProxyStructuredResultV2>()
    .use(correlationIdMiddleware())
    .use(httpSecurityHeaders(SECURITY_HEADERS))
    .use(noStoreMiddleware())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(requestLogMiddleware())
    .use(problemJsonMiddleware(options.format))
    .use(httpHeaderNormalizer())
    .use(authenticationMiddleware(options.auth))
    .use(bodyLimitMiddleware());
  if (options.body && options.bodyOptional) stack.use(emptyBodyAsObjectMiddleware());
  if (options.body) stack.use(options.bodyEncoding === 'form' ? httpUrlencodeBodyParser() : httpJsonBodyParser());
  if (options.idempotency) {
    if (options.requestIdAsIdempotencyKey) stack.use(requestIdAsKeyMiddleware());
    stack.use(idempotencyKeyFormatMiddleware());
    stack.use(options.idempotency);
  }
  return stack.handler(core);
};
