/**
 * One API route, defined once next to its feature (`shared/<slice>/api/routes.ts`): what
 * the CDK API stack deploys (function, grants, secrets), what the local gateway routes,
 * what `GET /openapi.json` documents, and the middleware stack its handler runs in. The
 * handler module gets its stack from the definition (`route.handle(fn)`), so the body,
 * query, path and `If-Match` it is handed are exactly what the contract publishes.
 *
 * No CDK or AWS SDK imports: the CDK app, the local runtime and handlers all import routes.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as core from 'zod/v4/core';
import type { ApiSecretName } from '../config/environment.ts';

/** The API keys a route's function may read (re-exported so route files need only the HTTP layer). */
export type { ApiSecretName };
import {
  httpHandler,
  type HttpEvent,
  type HttpLambdaHandler,
  type HttpRequest,
  type HttpResult,
  type RawPathParameters,
} from './middleware.ts';
import { matchesPathTemplate } from './path-template.ts';
import type { ResponseFormat } from './response-format.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a route is protected: `none` is public; `jwt` is behind the JWT authorizer. */
export type RouteAuth = 'none' | 'jwt';

/** Request headers a route may read; the stack handles each (see {@link RouteRequest.headers}). */
export type RouteHeader = 'If-Match' | 'Idempotency-Key' | 'X-Request-Id';

/** What a successful response looks like, for the OpenAPI document. */
export interface RouteResponse {
  readonly status: number;
  readonly description: string;
  readonly schema?: core.$ZodType;
  /** Other media types the route can answer with (content negotiation), with what they hold. */
  readonly alternatives?: Readonly<Record<string, string>>;
}

/** What a route accepts; the stack validates each part before the handler runs. */
export interface RouteRequest<
  Body extends core.$ZodType | undefined = core.$ZodType | undefined,
  Query extends core.$ZodObject | undefined = core.$ZodObject | undefined,
  Path extends core.$ZodObject | undefined = core.$ZodObject | undefined,
> {
  /** The JSON body (400 naming each field otherwise). */
  readonly body?: Body;
  /** An absent body counts as `{}`; the contract publishes the body as not required. */
  readonly bodyOptional?: boolean;
  /**
   * How the body is encoded: JSON (default), or an HTML form (`application/x-www-form-urlencoded`,
   * the FHIR face's POST searches, so identifiers never sit in a URL).
   */
  readonly bodyEncoding?: 'json' | 'form';
  /** The query string. */
  readonly query?: Query;
  /** The path parameters: one key per `{name}` of the path template, no more. */
  readonly path?: Path;
  /**
   * `If-Match`: parsed by the stack into `ifMatch`. `Idempotency-Key`: the handler must be
   * given the idempotency middleware (`route.handle(fn, { idempotency })`). `X-Request-Id`:
   * required, and the request's idempotency key (so the handler is given that middleware too).
   */
  readonly headers?: readonly RouteHeader[];
}

/** One API route and the Lambda entry point that serves it: plain data. */
export interface RouteDefinition {
  /** Stable, unique camelCase id: the OpenAPI operationId and the Lambda's construct id. */
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway path template, e.g. `/referrals/{id}`. */
  readonly path: string;
  readonly auth: RouteAuth;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly request?: RouteRequest;
  readonly success: RouteResponse;
  /** Error statuses this route can answer with, beyond those every route can (400, 413, 500). */
  readonly errorStatuses?: readonly number[];
  /**
   * How the route's function uses the table: the CDK grants exactly this (least privilege)
   * and sets `JOINTLY_TABLE_NAME`. Omitted = the function never touches the table.
   */
  readonly tableAccess?: 'read' | 'readWrite';
  /**
   * Routes with the same `functionId` share one Lambda (they must share `entry`);
   * default: the route's own `operationId`.
   */
  readonly functionId?: string;
  /**
   * Event-path resources the function uses: `sealer` (encrypts webhook secrets with the
   * stage key), `deliveryQueue` (sends delivery jobs). CDK grants exactly these.
   */
  readonly eventAccess?: readonly ('sealer' | 'deliveryQueue')[];
  /**
   * The API's HMAC keys the function reads at cold start: the very list its composition
   * root (shared/wiring/) loads. CDK grants exactly these and sets their `…_ARN` variables.
   */
  readonly secrets?: readonly ApiSecretName[];
  /**
   * Bodies in another media type than our JSON, errors included (the FHIR face answers
   * `application/fhir+json`, its errors as OperationOutcome). Default: JSON and problem+json.
   */
  readonly format?: ResponseFormat;
}

/** Options of {@link Route.handle}. */
export interface RouteHandlerOptions {
  /**
   * The `Idempotency-Key` middleware (shared/wiring/idempotency.ts), required exactly when
   * the route reads that header. Passed in rather than built here so functions without it
   * do not bundle Powertools idempotency.
   */
  readonly idempotency?: middy.MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2>;
}

type Output<S> = S extends core.$ZodType ? core.output<S> : undefined;
type PathOutput<S> = S extends core.$ZodType ? core.output<S> : RawPathParameters;

/** What the handler function of a route is given: typed from the route's schemas. */
export type RouteRequestOf<R> =
  R extends Route<infer Auth, infer Body, infer Query, infer Path>
    ? HttpRequest<Output<Body>, Output<Query>, Auth, PathOutput<Path>>
    : never;

/** A route definition that can build its handler. */
export interface Route<
  Auth extends RouteAuth = RouteAuth,
  Body extends core.$ZodType | undefined = core.$ZodType | undefined,
  Query extends core.$ZodObject | undefined = core.$ZodObject | undefined,
  Path extends core.$ZodObject | undefined = core.$ZodObject | undefined,
> extends RouteDefinition {
  readonly auth: Auth;
  readonly request?: RouteRequest<Body, Query, Path>;
  /** The Lambda handler: `fn` inside the standard stack, configured from this definition. */
  handle(
    fn: (request: HttpRequest<Output<Body>, Output<Query>, Auth, PathOutput<Path>>) => Promise<HttpResult> | HttpResult,
    options?: RouteHandlerOptions,
  ): HttpLambdaHandler;
}

/** A definition that cannot be served: a developer error, raised when the module loads. */
export class RouteDefinitionError extends Error {
  override readonly name = 'RouteDefinitionError';
}

/** The Lambda a route is served by. */
export const functionIdOf = (route: Pick<RouteDefinition, 'operationId' | 'functionId'>): string => route.functionId ?? route.operationId;

/** `GET /health` → the route key API Gateway uses (`"GET /health"`). */
export const routeKeyOf = (route: Pick<RouteDefinition, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** The `{name}`s of a path template, in order. */
export const pathParameterNamesOf = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);

const assertPathSchemaFitsTemplate = (route: RouteDefinition): void => {
  const inTemplate = pathParameterNamesOf(route.path).sort();
  const inSchema = Object.keys(route.request?.path?._zod.def.shape ?? {}).sort();
  if (inTemplate.join() !== inSchema.join()) {
    throw new RouteDefinitionError(
      `${route.operationId}: the path schema declares [${inSchema.join(', ')}] but ${route.path} has [${inTemplate.join(', ')}].`,
    );
  }
};

/**
 * Defines a route. Throws {@link RouteDefinitionError} when the path schema's keys are not
 * exactly the template's parameters, so every deployed path parameter is validated.
 */
export const defineRoute = <
  const Auth extends RouteAuth,
  Body extends core.$ZodType | undefined = undefined,
  Query extends core.$ZodObject | undefined = undefined,
  Path extends core.$ZodObject | undefined = undefined,
>(
  definition: Omit<RouteDefinition, 'auth' | 'request'> & { readonly auth: Auth; readonly request?: RouteRequest<Body, Query, Path> },
): Route<Auth, Body, Query, Path> => {
  assertPathSchemaFitsTemplate(definition);
  const request = definition.request;
  const requiresRequestId = request?.headers?.includes('X-Request-Id') ?? false;
  const readsIdempotencyKey = (request?.headers?.includes('Idempotency-Key') ?? false) || requiresRequestId;
  return {
    ...definition,
    handle: (fn, options = {}) => {
      if (readsIdempotencyKey !== (options.idempotency !== undefined)) {
        throw new RouteDefinitionError(
          readsIdempotencyKey
            ? `${definition.operationId} reads Idempotency-Key: pass the idempotency middleware (shared/wiring/idempotency.ts).`
            : `${definition.operationId} does not read Idempotency-Key: declare it in request.headers, or pass no idempotency middleware.`,
        );
      }
      return httpHandler(
        {
          auth: definition.auth,
          ...(request?.body ? { body: request.body as Exclude<Body, undefined> } : {}),
          ...(request?.bodyOptional ? { bodyOptional: true } : {}),
          ...(request?.bodyEncoding === 'form' ? { bodyEncoding: 'form' as const } : {}),
          ...(request?.query ? { query: request.query as Exclude<Query, undefined> } : {}),
          ...(request?.path ? { path: request.path as Exclude<Path, undefined> } : {}),
          ...(request?.headers?.includes('If-Match') ? { ifMatch: true } : {}),
          ...(options.idempotency ? { idempotency: options.idempotency } : {}),
          ...(requiresRequestId ? { requestIdAsIdempotencyKey: true } : {}),
          ...(definition.format ? { format: definition.format } : {}),
        },
        fn as never,
      );
    },
  };
};

/**
 * Routes served by one Lambda (one `functionId`, one entry), by name: e.g. the eight
 * referral actions. Each route keeps its own stack (its own body schema, optional or not).
 */
export interface RouteGroup<Routes extends Readonly<Record<string, Route>>> {
  /** The routes by name. */
  readonly byName: Routes;
  /** The routes, in definition order. */
  readonly routes: readonly Routes[keyof Routes][];
  /**
   * One Lambda handler for every route of the group: `fn` is given the request and the
   * name of the route that matched (by method and path template).
   */
  handle(
    fn: (request: RouteRequestOf<Routes[keyof Routes]>, name: keyof Routes & string) => Promise<HttpResult> | HttpResult,
    options?: RouteHandlerOptions,
  ): HttpLambdaHandler;
}

/** Groups routes that share one Lambda; throws {@link RouteDefinitionError} if they do not. */
export const defineRouteGroup = <const Routes extends Readonly<Record<string, Route>>>(byName: Routes): RouteGroup<Routes> => {
  const routes = Object.values(byName) as Routes[keyof Routes][];
  const [first] = routes;
  for (const route of routes) {
    if (!first || functionIdOf(route) !== functionIdOf(first) || route.entry !== first.entry) {
      throw new RouteDefinitionError(`${route.operationId}: a route group's routes must share one functionId and one entry.`);
    }
  }
  return {
    byName,
    routes,
    handle: (fn, options) => {
      const stacks = (Object.entries(byName) as [string, Route][]).map(([name, route]) => ({
        route,
        handler: route.handle((request) => fn(request as never, name as never), options),
      }));
      return (event, context) => {
        const method = event.requestContext.http.method;
        const match = stacks.find(({ route }) => route.method === method && matchesPathTemplate(route.path, event.rawPath));
        // API Gateway only invokes this function for the group's routes; anything else is a wiring fault (500).
        if (!match) throw new RouteDefinitionError(`No route of this function serves ${method} ${event.rawPath}.`);
        return match.handler(event, context);
      };
    },
  };
};

/** Requests under `pathPrefix` are answered in `format` (the catch-all's errors under the FHIR face's path). */
export interface PathFormat {
  readonly pathPrefix: string;
  readonly format: ResponseFormat;
}

/** The catch-all route (`$default` on AWS): no method or path of its own, public. */
export interface DefaultRoute {
  readonly operationId: string;
  /** The Lambda that serves it (its slice's); default: its own `operationId`. */
  readonly functionId?: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly auth: 'none';
  /**
   * The Lambda handler: `fn` inside the standard stack, answering requests under a path of
   * `formats` in that path's format (a FHIR client gets an OperationOutcome, not a problem).
   */
  handle(
    fn: (request: HttpRequest<undefined, undefined, 'none'>) => Promise<HttpResult> | HttpResult,
    formats?: readonly PathFormat[],
  ): HttpLambdaHandler;
}

/** Whether `path` is `prefix` or below it. */
const isUnder = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);

/** Defines the catch-all route. */
export const defineDefaultRoute = (definition: Pick<DefaultRoute, 'operationId' | 'functionId' | 'entry'>): DefaultRoute => ({
  ...definition,
  auth: 'none',
  handle: (fn, formats = []) => {
    const plain = httpHandler({ auth: 'none' }, fn);
    const formatted = formats.map(({ pathPrefix, format }) => ({ pathPrefix, handler: httpHandler({ auth: 'none', format }, fn) }));
    return (event, context) => (formatted.find(({ pathPrefix }) => isUnder(event.rawPath, pathPrefix))?.handler ?? plain)(event, context);
  },
});
