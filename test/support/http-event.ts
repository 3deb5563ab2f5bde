/**
 * Hand-built API Gateway HTTP API (payload 2.0) events and a minimal Lambda context, for
 * invoking middy handlers directly in unit tests without a gateway.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/** What a test says about the request it wants; everything else gets a sensible default. */
export interface HttpEventOptions {
  readonly method?: string;
  /** Path, optionally with a query string (`/referrals?box=inbox`). */
  readonly path?: string;
  readonly routeKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is; anything else is JSON-serialised. */
  readonly body?: unknown;
  readonly isBase64Encoded?: boolean;
  /** Authorizer claims, as the HTTP API JWT authorizer hands them over. */
  readonly claims?: Readonly<Record<string, string>>;
  readonly pathParameters?: Readonly<Record<string, string>>;
}

/** Builds a payload 2.0 event. Header names are passed through as given. */
export const httpEvent = (options: HttpEventOptions = {}): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const method = (options.method ?? 'GET').toUpperCase();
  const url = options.path ?? '/';
  const queryAt = url.indexOf('?');
  const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? '' : url.slice(queryAt + 1);
  const query = rawQueryString === '' ? undefined : Object.fromEntries(new URLSearchParams(rawQueryString));
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const routeKey = options.routeKey ?? `${method} ${rawPath}`;
  const now = new Date('2026-11-28T00:06:46Z');
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers: { host: 'api.test', 'user-agent': 'vitest', ...options.headers },
    ...(query ? { queryStringParameters: query } : {}),
    ...(options.pathParameters ? { pathParameters: { ...options.pathParameters } } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: { ...(options.claims ?? {}) }, scopes: [] },
      },
      domainName: 'api.test',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'test-request-id',
      routeKey,
      stage: '$default',
      time: '28/Nov/2026:00:06:46 +0000',
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
};

/** Claims of a practitioner of `provide`'s ID token, in the HTTP API's stringified form. */
export const practitionerClaims = (overrides: Readonly<Record<string, string>> = {}): Record<string, string> => ({
  sub: 'user-1',
  token_use: 'id',
  'custom:org': 'provide',
  'cognito:groups': '[practitioner]',
  ...overrides,
});

/** A minimal Lambda context, enough for middy and the Powertools logger. */
export const lambdaContext = (): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'jointly-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:jointly-test',
  memoryLimitInMB: '128',
  awsRequestId: 'test-aws-request-id',
  logGroupName: '/aws/lambda/jointly-test',
  logStreamName: 'test-stream',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** A handler as `httpHandler` builds it. */
export type TestableHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Invokes `handler` with `event` and a fresh context; the result always has headers. */
export const invoke = async (
  handler: TestableHandler,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<APIGatewayProxyStructuredResultV2 & { headers: Record<string, string | number | boolean> }> => {
  const result = await handler(event, lambdaContext());
  return { ...result, headers: result.headers ?? {} };
};

/** The response body parsed as JSON. */
export const jsonBody = <T = Record<string, unknown>>(result: APIGatewayProxyStructuredResultV2): T =>
  JSON.parse(result.body ?? 'null') as T;

/** A response header, looked up case-insensitively. */
export const headerOf = (result: APIGatewayProxyStructuredResultV2, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(result.headers ?? {})) if (key.toLowerCase() === wanted) return String(value);
  return undefined;
};
