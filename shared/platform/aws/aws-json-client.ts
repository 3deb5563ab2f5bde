/**
 * A small client for AWS services that speak the AWS JSON protocol (DynamoDB, Secrets
 * Manager, EventBridge, SQS, KMS): one signed `POST /` per operation, the operation in
 * `X-Amz-Target`, JSON in and out. It replaces the SDK's generated clients on the paths
 * every cold start takes (decision record 49): those clients bring about 200 KB of Smithy
 * runtime (a middleware stack, schema-driven serde, endpoint rule sets) that costs a cold
 * start about 30 ms to load and more on the first call.
 *
 * What stays the SDK's: the request signing (`@smithy/signature-v4`, AWS's own SigV4
 * signer) and the credential chain (`@aws-sdk/credential-provider-node`, which Lambda
 * bundles alias to its environment-and-container part). What is ours, and tested
 * against the SDK's behaviour (test/unit/platform/aws-json-client.test.ts):
 * - keep-alive connections, as the SDK's Node handler keeps them (50 sockets);
 * - the SDK's standard retry policy: 3 attempts, throttling and transient errors only,
 *   full-jitter exponential back-off (100 ms base, 500 ms for throttling, 20 s cap);
 * - errors as the SDK raises them: `name` is the service's error code, `$fault`,
 *   `$metadata.httpStatusCode`, `$retryable` for retryable ones, and the error's own
 *   fields (`CancellationReasons`, `Item`) on the error;
 * - an optional per-attempt timeout, which fails the attempt with a `TimeoutError`.
 *
 * Interceptors let the local runtime, the bench and the capacity script observe calls and
 * inject DynamoDB's faults (as SDK middleware did); deployed code registers none.
 */
import http from 'node:http';
import https from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { type AwsCredentials, memoizedCredentials, NodeSha256 } from './aws-signing.ts';

export type { AwsCredentials } from './aws-signing.ts';

/** One call as interceptors see it: the operation (`GetItem`) and the JSON body sent. */
export interface AwsCallContext {
  readonly operation: string;
  readonly input: Record<string, unknown>;
  /** For a REST-JSON call ({@link AwsJsonClient.callRest}): the path it posts to. */
  readonly path?: string | undefined;
}

/** Wraps a call (`call`: once per operation, retries inside) or one attempt of it (`attempt`). */
export type AwsInterceptor = (context: AwsCallContext, next: () => Promise<Record<string, unknown>>) => Promise<Record<string, unknown>>;

/** Options of {@link AwsJsonClient}. */
export interface AwsJsonClientOptions {
  /** The signing name (`dynamodb`, `secretsmanager`, `events`, `sqs`, `kms`, `ses`). */
  readonly service: string;
  /** The endpoint's first label when it is not the signing name (`email` for SES). @default service */
  readonly endpointPrefix?: string | undefined;
  /** The `X-Amz-Target` prefix (`DynamoDB_20120810`, `secretsmanager`, `AWSEvents`, `AmazonSQS`, `TrentService`; unused by REST calls). */
  readonly targetPrefix: string;
  /** `application/x-amz-json-<version>`. */
  readonly jsonVersion: '1.0' | '1.1';
  /** The service's id in `AWS_ENDPOINT_URL_<ID>` (`DYNAMODB`, `SECRETS_MANAGER`, `EVENTBRIDGE`, `SQS`, `KMS`, `SESV2`). */
  readonly endpointId: string;
  /**
   * Another endpoint (DynamoDB Local). Otherwise, as the SDK: `AWS_ENDPOINT_URL_<ID>`, then
   * `AWS_ENDPOINT_URL` (unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), then the regional
   * `https://<service>.<region>.amazonaws.com`.
   */
  readonly endpoint?: string | undefined;
  /** @default `AWS_REGION`, then `AWS_DEFAULT_REGION` */
  readonly region?: string | undefined;
  /** Fixed credentials (local endpoints); the default chain otherwise. */
  readonly credentials?: AwsCredentials | undefined;
  /** Attempts per call, the first included. @default 3 (the SDK's standard mode) */
  readonly maxAttempts?: number | undefined;
  /** Give up on one attempt after this many ms (a `TimeoutError`, retried). @default none, as the SDK */
  readonly attemptTimeoutMs?: number | undefined;
}

/** What the JSON client needs to know of each service Jointly calls: its protocol's constants. */
export const AWS_JSON_SERVICES = {
  dynamodb: { service: 'dynamodb', endpointId: 'DYNAMODB', targetPrefix: 'DynamoDB_20120810', jsonVersion: '1.0' },
  dynamodbStreams: { service: 'dynamodb', endpointId: 'DYNAMODB_STREAMS', targetPrefix: 'DynamoDBStreams_20120810', jsonVersion: '1.0' },
  secretsManager: { service: 'secretsmanager', endpointId: 'SECRETS_MANAGER', targetPrefix: 'secretsmanager', jsonVersion: '1.1' },
  eventBridge: { service: 'events', endpointId: 'EVENTBRIDGE', targetPrefix: 'AWSEvents', jsonVersion: '1.1' },
  sqs: { service: 'sqs', endpointId: 'SQS', targetPrefix: 'AmazonSQS', jsonVersion: '1.0' },
  kms: { service: 'kms', endpointId: 'KMS', targetPrefix: 'TrentService', jsonVersion: '1.1' },
  // SES v2 is REST-JSON: called with `callRest`, so its target prefix is never sent.
  sesV2: { service: 'ses', endpointPrefix: 'email', endpointId: 'SESV2', targetPrefix: 'SimpleEmailService_v2', jsonVersion: '1.1' },
} as const satisfies Record<
  string,
  Pick<AwsJsonClientOptions, 'service' | 'endpointPrefix' | 'endpointId' | 'targetPrefix' | 'jsonVersion'>
>;

/** A client of one of {@link AWS_JSON_SERVICES}, with any other option (endpoint, credentials, attempts). */
export const awsJsonClient = (
  name: keyof typeof AWS_JSON_SERVICES,
  options: Omit<AwsJsonClientOptions, 'service' | 'endpointPrefix' | 'endpointId' | 'targetPrefix' | 'jsonVersion'> = {},
): AwsJsonClient => new AwsJsonClient({ ...AWS_JSON_SERVICES[name], ...options });

/** An error answered by an AWS service (or a failed attempt to reach it), shaped as the SDK's. */
export class AwsServiceError extends Error {
  /** `client` for 4xx answers, `server` for 5xx answers and transport failures. */
  readonly $fault: 'client' | 'server';
  readonly $metadata: { readonly httpStatusCode?: number | undefined; readonly requestId?: string | undefined; readonly attempts: number };
  /** Set when the SDK would have retried it (`throttling` for throttling). */
  $retryable?: { readonly throttling: boolean } | undefined;
  [field: string]: unknown;

  constructor(
    name: string,
    message: string,
    fault: 'client' | 'server',
    metadata: AwsServiceError['$metadata'],
    fields: Record<string, unknown> = {},
  ) {
    super(message);
    Object.assign(this, fields);
    this.name = name;
    this.$fault = fault;
    this.$metadata = metadata;
  }
}

/**
 * The error a service's answer with HTTP `status` raises (`$fault` by status), as
 * {@link AwsJsonClient} makes it; also what the local runtime's fault injection and tests
 * raise in its place.
 */
export const serviceErrorOf = (
  name: string,
  message: string,
  status: number,
  fields: Record<string, unknown> = {},
  metadata: { readonly requestId?: string | undefined; readonly attempts?: number } = {},
): AwsServiceError =>
  new AwsServiceError(
    name,
    message,
    status >= 500 ? 'server' : 'client',
    { httpStatusCode: status, requestId: metadata.requestId, attempts: metadata.attempts ?? 1 },
    fields,
  );

/** The SDK's throttling error codes (Smithy's service-error-classification). */
const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
/** The SDK's transient error codes. */
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
/** HTTP statuses the SDK retries whatever the code. */
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);
/** Socket errors the SDK retries. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

const DELAY_BASE_MS = 100;
const THROTTLING_DELAY_BASE_MS = 500;
const MAX_DELAY_MS = 20_000;

/** Whether the SDK's standard mode would retry `error`, and how (`throttling` waits longer). */
export const retryKindOf = (error: AwsServiceError): 'throttling' | 'transient' | undefined => {
  if (THROTTLING_CODES.has(error.name) || error.$metadata.httpStatusCode === 429) return 'throttling';
  if (TRANSIENT_CODES.has(error.name)) return 'transient';
  if (error.$metadata.httpStatusCode !== undefined && TRANSIENT_STATUSES.has(error.$metadata.httpStatusCode)) return 'transient';
  if (error.$metadata.httpStatusCode === undefined && NETWORK_CODES.has(String(error.code ?? ''))) return 'transient';
  return undefined;
};

/** The full-jitter back-off before retry number `retry` (1 for the first retry). */
export const retryDelayMs = (kind: 'throttling' | 'transient', retry: number, random: () => number = Math.random): number =>
  Math.floor(random() * Math.min(MAX_DELAY_MS, (kind === 'throttling' ? THROTTLING_DELAY_BASE_MS : DELAY_BASE_MS) * 2 ** (retry - 1)));

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → `ConditionalCheckFailedException`. */
export const errorCodeOf = (type: unknown): string | undefined => {
  if (typeof type !== 'string' || type === '') return undefined;
  const afterHash = type.slice(type.lastIndexOf('#') + 1);
  return afterHash.split(/[:;]/)[0] || undefined;
};

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A client of one AWS JSON-protocol service; see the module comment. */
export class AwsJsonClient {
  private readonly options: AwsJsonClientOptions;
  private readonly callInterceptors: AwsInterceptor[] = [];
  private readonly attemptInterceptors: AwsInterceptor[] = [];
  /** Where and how it sends, settled on the first call (as the SDK resolves region and endpoint then, not when it is made). */
  private resolved: { readonly url: URL; readonly signer: SignatureV4; readonly agent: http.Agent } | undefined;

  constructor(options: AwsJsonClientOptions) {
    this.options = options;
  }

  private target() {
    if (this.resolved) return this.resolved;
    const options = this.options;
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error(`No region for ${options.service}: set AWS_REGION.`);
    const url = new URL(
      options.endpoint ??
        configuredEndpoint(options.endpointId) ??
        `https://${options.endpointPrefix ?? options.service}.${region}.amazonaws.com`,
    );
    const fixed = options.credentials;
    this.resolved = {
      url,
      // Its own connection pool, as each SDK client has (kept alive, 50 sockets, as the SDK's).
      agent:
        url.protocol === 'https:'
          ? new https.Agent({ keepAlive: true, maxSockets: 50 })
          : new http.Agent({ keepAlive: true, maxSockets: 50 }),
      signer: new SignatureV4({
        service: options.service,
        region,
        sha256: NodeSha256,
        credentials: fixed ? async () => fixed : memoizedCredentials(),
        applyChecksum: false,
      }),
    };
    return this.resolved;
  }

  /** Adds an interceptor around each call (`call`) or each attempt (`attempt`, inside the retries). */
  intercept(where: 'call' | 'attempt', interceptor: AwsInterceptor): void {
    (where === 'call' ? this.callInterceptors : this.attemptInterceptors).push(interceptor);
  }

  /** Closes its pooled connections (tests and scripts; a Lambda keeps them for the next request). */
  destroy(): void {
    this.resolved?.agent.destroy();
  }

  /** Calls `operation` with `input`; resolves with the parsed answer, or rejects with an {@link AwsServiceError}. */
  async call<Output = Record<string, unknown>>(operation: string, input: Record<string, unknown>): Promise<Output> {
    return (await this.run({ operation, input })) as Output;
  }

  /**
   * Calls a REST-JSON operation that takes its whole input as a JSON body (`POST <path>`,
   * no `X-Amz-Target`), such as SES v2's `SendEmail`: signed, retried and answered as {@link call}.
   */
  async callRest<Output = Record<string, unknown>>(operation: string, path: string, input: Record<string, unknown>): Promise<Output> {
    return (await this.run({ operation, input, path })) as Output;
  }

  private run(context: AwsCallContext): Promise<Record<string, unknown>> {
    return chain(this.callInterceptors, context, () => this.withRetries(context));
  }

  private async withRetries(context: AwsCallContext): Promise<Record<string, unknown>> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return await chain(this.attemptInterceptors, context, () => this.attempt(context, attempt));
      } catch (error) {
        const kind = error instanceof AwsServiceError ? retryKindOf(error) : undefined;
        if (kind && error instanceof AwsServiceError) error.$retryable = { throttling: kind === 'throttling' };
        if (!kind || attempt >= maxAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs(kind, attempt)));
      }
    }
  }

  private async attempt(context: AwsCallContext, attempt: number): Promise<Record<string, unknown>> {
    const body = JSON.stringify(context.input);
    const { url, signer, agent } = this.target();
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: context.path ?? '/',
      query: {},
      headers: {
        host: url.host,
        'content-length': String(Buffer.byteLength(body)),
        ...(context.path === undefined
          ? {
              'content-type': `application/x-amz-json-${this.options.jsonVersion}`,
              'x-amz-target': `${this.options.targetPrefix}.${context.operation}`,
            }
          : { 'content-type': 'application/json' }),
      },
      body,
    });
    let response: RawResponse;
    try {
      response = await this.send(url, agent, context.path ?? '/', signed.headers, body);
    } catch (error) {
      const { name, code, message } = error as { name?: string; code?: string; message?: string };
      const timedOut = name === 'TimeoutError';
      throw new AwsServiceError(
        timedOut ? 'TimeoutError' : (name ?? 'Error'),
        timedOut ? `${this.options.service} did not answer within ${this.options.attemptTimeoutMs} ms` : (message ?? 'request failed'),
        'server',
        { attempts: attempt },
        { code },
      );
    }
    const requestId = String(response.headers['x-amzn-requestid'] ?? response.headers['x-amz-request-id'] ?? '') || undefined;
    const parsed = parseJson(response.body);
    if (response.status < 300) return parsed ?? {};
    const fields = parsed ?? {};
    const name =
      errorCodeOf(response.headers['x-amzn-query-error']) ??
      errorCodeOf(fields.__type) ??
      errorCodeOf(fields.code) ??
      errorCodeOf(response.headers['x-amzn-errortype']) ??
      `Http${response.status}Error`;
    const { __type: _type, message, Message, ...rest } = fields;
    throw serviceErrorOf(name, String(message ?? Message ?? name), response.status, rest, { requestId, attempts: attempt });
  }

  private send(url: URL, agent: http.Agent, path: string, headers: Record<string, string>, body: string): Promise<RawResponse> {
    const secure = url.protocol === 'https:';
    const timeoutMs = this.options.attemptTimeoutMs;
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(
        {
          method: 'POST',
          hostname: url.hostname,
          port: url.port || undefined,
          path,
          headers,
          agent,
          ...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
          );
        },
      );
      request.on('error', (error: Error & { code?: string }) =>
        reject(error.name === 'AbortError' ? Object.assign(new Error('timed out'), { name: 'TimeoutError' }) : error),
      );
      request.end(body);
    });
  }
}

/** The endpoint the environment configures for a service, as the SDK reads it. */
export const configuredEndpoint = (endpointId: string, env: NodeJS.ProcessEnv = process.env): string | undefined => {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  return env[`AWS_ENDPOINT_URL_${endpointId}`] || env.AWS_ENDPOINT_URL || undefined;
};

const parseJson = (text: string): Record<string, unknown> | undefined => {
  if (text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const chain = (
  interceptors: readonly AwsInterceptor[],
  context: AwsCallContext,
  last: () => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> => {
  const at = (i: number): Promise<Record<string, unknown>> =>
    i < interceptors.length ? interceptors[i]!(context, () => at(i + 1)) : last();
  return at(0);
};
