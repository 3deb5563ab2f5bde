/**
 * The local API Gateway: an HTTP server that routes with the shared route table, verifies
 * JWTs like the HTTP API authorizer, and invokes the same handler modules Lambda runs,
 * with payload 2.0 events, each with its function's deployed timeout and memory. A function
 * that throws or overruns its timeout gets API Gateway's 500 `{"message":"Internal Server
 * Error"}`; one still running at the HTTP API's 30 s gets its 503 `{"message":"Service Unavailable"}`. Also serves the local-only `POST /_local/token`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import httpRouter from '@middy/http-router';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { routeKeyOf, type RouteDefinition } from '../../shared/platform/http/route-definition.ts';
import { DEFAULT_ROUTE } from '../../shared/wiring/routes.ts';
import { newUlid } from '../../shared/core/ids.ts';
import { CORRELATION_HEADER, correlationIdFrom } from '../../shared/platform/http/correlation-id.ts';
import { problemResponse } from '../../shared/platform/http/problem.ts';
import { fieldErrorsOf } from '../../shared/platform/http/validation.ts';
import { fromHandlerResult, toApiGatewayEvent, type IncomingRequest, type OutgoingResponse } from './api-gateway-event.ts';
import { authorize, UNAUTHORIZED_BODY } from './jwt-authorizer.ts';
import { invokeLocally, type LocalFunctionLimits } from './lambda-context.ts';
import { TokenRequestSchema, type LocalTokenIssuer } from './local-token-issuer.ts';

/** A Lambda handler as the gateway invokes it. */
export type LambdaHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyResultV2 | undefined>;

/** Largest body the gateway reads, like API Gateway's 10 MB payload quota; the API's own 1 MiB limit is the middleware's. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** How long the local gateway keeps an idle keep-alive connection open. */
export const GATEWAY_KEEP_ALIVE_MS = 65_000;

/** The HTTP API's own integration timeout: past it, the gateway answers 503 whatever the function does. */
export const INTEGRATION_TIMEOUT_MS = 30_000;

/** What API Gateway answers when the function failed or timed out (an HTTP API with Lambda integration). */
export const INTEGRATION_FAILED_BODY = { message: 'Internal Server Error' } as const;

/** What API Gateway answers when the integration did not answer within {@link INTEGRATION_TIMEOUT_MS}. */
export const INTEGRATION_TIMED_OUT_BODY = { message: 'Service Unavailable' } as const;

/** The limits of a route's function (its deployed timeout and memory) and its name. */
export type RouteFunctionLimits = LocalFunctionLimits & { readonly functionName: string };

/** Used when no limits are given (unit tests of the gateway alone): the stage default's shape. */
const DEFAULT_LIMITS: LocalFunctionLimits = { timeoutMs: 10_000, memoryMb: 512 };

/** A local-only route of the runtime itself (e.g. `GET /_local/stats`). */
export type LocalRouteHandler = (request: IncomingRequest) => Promise<OutgoingResponse>;

/** Options for {@link createLocalGateway}. */
export interface LocalGatewayOptions {
  readonly routes: readonly RouteDefinition[];
  /** Handler per route `operationId`, plus one for {@link DEFAULT_ROUTE}. */
  readonly handlers: ReadonlyMap<string, LambdaHandler>;
  readonly issuer: LocalTokenIssuer;
  readonly maxBodyBytes?: number;
  /** Local-only routes by `"METHOD /path"`, served like `/_local/token`: never in the route table, so never deployed. */
  readonly localRoutes?: ReadonlyMap<string, LocalRouteHandler>;
  /** Serves what is not the API (the console's files); `undefined` hands the request on. */
  readonly site?: (request: IncomingRequest) => Promise<OutgoingResponse | undefined>;
  /** The deployed timeout and memory of the function serving `operationId` (default: 10 s, 512 MB). */
  readonly limitsOf?: (operationId: string) => RouteFunctionLimits;
  /** The HTTP API's integration timeout; shortened only by tests of the 503. @default 30 s */
  readonly integrationTimeoutMs?: number;
  /**
   * Told how long each function invocation took, from the handler's call to its answer (no
   * HTTP, no token check, no event building): the function's own share of a request, which
   * is what a deployed function's duration measures (the benchmark reports it).
   */
  readonly onInvocation?: (functionName: string, durationMs: number) => void;
}

/** The HTTP API stopped waiting for the integration. */
class IntegrationTimeoutError extends Error {
  override readonly name = 'IntegrationTimeoutError';
}

/**
 * `invocation`, or {@link IntegrationTimeoutError} after the HTTP API's 30 s. Only a function
 * allowed longer than that (never deployed: API functions are held to 29 s; possible locally
 * through `JOINTLY_FUNCTION_TIMEOUTS`) can reach it.
 */
const withinIntegrationTimeout = <T>(invocation: Promise<T>, timeoutMs: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      invocation.catch(() => undefined); // abandoned: its own timeout is logged by invokeLocally
      reject(new IntegrationTimeoutError(`The integration did not answer within ${timeoutMs} ms.`));
    }, timeoutMs);
    timer.unref();
  });
  return Promise.race([invocation, gaveUp]).finally(() => clearTimeout(timer));
};

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): OutgoingResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

const fromProblem = (problem: ReturnType<typeof problemResponse>): OutgoingResponse => ({
  statusCode: problem.statusCode,
  headers: Object.fromEntries(Object.entries(problem.headers).map(([k, v]) => [k.toLowerCase(), v])),
  body: Buffer.from(problem.body),
});

/**
 * A path parameter, percent-decoded like HTTP API does; a malformed escape (`%ZZ`) is
 * passed on as sent, so the handler's validation answers 400 instead of the gateway a 500.
 */
const decodePathSegment = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** Reads the body up to `limit` bytes; `undefined` when it is larger. */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | undefined> =>
  new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      resolveBody(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolveBody(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** How long a refused request's remaining bytes are read and dropped before its socket closes. */
const CLIENT_ERROR_DRAIN_MS = 5_000;

/** Host names the local runtime answers to: loopback only. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether a `Host` header names this server on loopback: `127.0.0.1`, `localhost` or
 * `[::1]`, on the port the server is listening on (80 when the header has none). A DNS
 * rebinding page (`http://evil.example:3000` resolving to 127.0.0.1) sends its own host
 * name, so its requests are refused before any route, token minting included, runs.
 */
export const isLoopbackHost = (host: string | undefined, port: number | undefined): boolean => {
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec((host ?? '').trim().toLowerCase());
  if (!match?.[1]) return false;
  return LOOPBACK_HOSTS.has(match[1]) && Number(match[2] ?? 80) === port;
};

/** Creates the gateway server (not yet listening). */
export const createLocalGateway = (options: LocalGatewayOptions): Server => {
  const { issuer, handlers } = options;
  const maxBodyBytes = options.maxBodyBytes ?? GATEWAY_MAX_BODY_BYTES;

  const invoke = async (functionName: string, event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<OutgoingResponse> => {
    const handler = handlers.get(functionName);
    if (!handler) throw new Error(`No handler loaded for ${functionName}.`);
    const limits = options.limitsOf?.(functionName) ?? { functionName, ...DEFAULT_LIMITS };
    const observe = options.onInvocation;
    const invocation = invokeLocally(
      limits.functionName,
      limits,
      observe
        ? async (context) => {
            const started = performance.now();
            try {
              return await handler(event, context);
            } finally {
              observe(limits.functionName, performance.now() - started);
            }
          }
        : (context) => handler(event, context),
      event.requestContext.requestId,
    );
    try {
      return fromHandlerResult(await withinIntegrationTimeout(invocation, options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS));
    } catch (error) {
      if (error instanceof IntegrationTimeoutError) return json(503, INTEGRATION_TIMED_OUT_BODY);
      // A thrown error, or the function's own timeout (API functions time out before the
      // HTTP API does): what API Gateway answers when the Lambda invocation failed.
      return json(500, INTEGRATION_FAILED_BODY);
    }
  };

  type Dispatch = (event: APIGatewayProxyEventV2WithJWTAuthorizer) => Promise<OutgoingResponse>;

  const dispatchTo =
    (route: RouteDefinition): Dispatch =>
    async (event) => {
      const routeKey = routeKeyOf(route);
      const pathParameters = Object.fromEntries(
        Object.entries(event.pathParameters ?? {}).map(([k, v]) => [k, v === undefined ? '' : decodePathSegment(v)]),
      );
      if (route.auth === 'jwt') {
        const claims = await authorize(event.headers.authorization, issuer);
        if (!claims) return json(401, UNAUTHORIZED_BODY, { 'www-authenticate': 'Bearer' });
        event.requestContext.authorizer.jwt.claims = claims;
      }
      event.routeKey = routeKey;
      event.requestContext.routeKey = routeKey;
      event.pathParameters = Object.keys(pathParameters).length > 0 ? pathParameters : undefined;
      if (!event.pathParameters) delete event.pathParameters;
      return invoke(route.operationId, event);
    };

  const dispatchDefault: Dispatch = (event) => {
    event.routeKey = '$default';
    event.requestContext.routeKey = '$default';
    delete event.pathParameters;
    return invoke(DEFAULT_ROUTE.operationId, event);
  };

  // middy's router does the matching (static first, then `{param}` segments) exactly
  // once per request; an unmatched request falls through to `$default`.
  type Router = (options: {
    routes: { method: string; path: string; handler: Dispatch }[];
    notFoundResponse: () => undefined;
  }) => (event: APIGatewayProxyEventV2WithJWTAuthorizer) => Promise<OutgoingResponse> | undefined;
  const route = (httpRouter as unknown as Router)({
    routes: options.routes.map((r) => ({ method: r.method, path: r.path, handler: dispatchTo(r) })),
    notFoundResponse: () => undefined,
  });

  const issueToken = async (request: IncomingRequest): Promise<OutgoingResponse> => {
    const correlationId = correlationIdFrom(request.headers as Record<string, string>);
    const headers = { 'x-correlation-id': correlationId };
    let input: unknown;
    try {
      input = JSON.parse(request.body.toString('utf8') || 'null');
    } catch {
      return fromProblem(
        problemResponse({
          status: 400,
          code: 'bad-request',
          title: 'Bad request',
          detail: 'The request body is not valid JSON.',
          errors: [{ path: '(body)', message: 'Malformed JSON' }],
          correlationId,
          headers,
        }),
      );
    }
    const parsed = TokenRequestSchema.safeParse(input);
    if (!parsed.success) {
      const errors = fieldErrorsOf(parsed.error);
      return fromProblem(
        problemResponse({
          status: 400,
          code: 'bad-request',
          title: 'Bad request',
          detail: `The token request is invalid: check ${[...new Set(errors.map((e) => e.path))].join(', ')}.`,
          errors,
          correlationId,
          headers,
        }),
      );
    }
    return json(200, { token: await issuer.mint(parsed.data) }, { ...headers, 'cache-control': 'no-store' });
  };

  const handle = async (req: IncomingMessage): Promise<OutgoingResponse> => {
    if (!isLoopbackHost(req.headers.host, req.socket.localPort)) {
      req.resume();
      const correlationId = correlationIdFrom({ [CORRELATION_HEADER]: req.headers[CORRELATION_HEADER] as string });
      return fromProblem(
        problemResponse({
          status: 421,
          code: 'misdirected-request',
          title: 'Misdirected request',
          detail: 'The local runtime answers only requests addressed to 127.0.0.1, localhost or [::1] on its own port.',
          correlationId,
          headers: { 'X-Correlation-Id': correlationId },
        }),
      );
    }
    const body = await readBody(req, maxBodyBytes);
    const requestId = randomUUID();
    if (body === undefined) {
      const correlationId = correlationIdFrom({ [CORRELATION_HEADER]: req.headers[CORRELATION_HEADER] as string });
      return fromProblem(
        problemResponse({
          status: 413,
          code: 'payload-too-large',
          title: 'Payload too large',
          detail: `The request body exceeds the gateway's ${maxBodyBytes} byte limit.`,
          correlationId,
          headers: { 'X-Correlation-Id': correlationId },
        }),
      );
    }
    const request: IncomingRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body,
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      requestId,
    };
    const path = request.url.split('?')[0];
    if (path === '/_local/token' && request.method === 'POST') return issueToken(request);
    const local = options.localRoutes?.get(`${request.method} ${path}`);
    if (local) return local(request);
    const page = await options.site?.(request);
    if (page) return page;
    const event = toApiGatewayEvent(request, { routeKey: '$default' });
    const routed = await route(event);
    return routed ?? dispatchDefault(event);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    handle(req)
      .then((response) => {
        res.writeHead(response.statusCode, {
          ...response.headers,
          'content-length': String(response.body.length),
          'apigw-requestid': newUlid(),
        });
        res.end(response.body);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"message":"Internal Server Error"}');
      });
  });
  // Idle keep-alive connections stay open about a minute, as behind API Gateway, not Node's
  // default 5 s: with 5 s a client (undici keeps idle sockets 4 s) whose timers run late on a
  // busy machine reuses a socket the gateway has just closed, and its request fails.
  // A request line and headers Node's parser refuses (over 16 KiB: 431, or malformed: 400) are
  // answered, then the rest of the request is read and dropped before the socket closes, as a
  // gateway does. Node's default destroys the socket at once, and a client still sending a body
  // sees a reset instead of the answer.
  const refused = new WeakSet<object>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // The parser reports every later chunk of a refused request again: it is being dropped.
    if (refused.has(socket) && error.code !== 'ECONNRESET') return;
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    refused.add(socket);
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.on('data', () => {});
    socket.resume();
    setTimeout(() => socket.destroy(), CLIENT_ERROR_DRAIN_MS).unref();
  });
  server.keepAliveTimeout = GATEWAY_KEEP_ALIVE_MS;
  server.headersTimeout = GATEWAY_KEEP_ALIVE_MS + 1_000;
  return server;
};
