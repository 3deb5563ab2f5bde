/**
 * S3 `PutObject`, and nothing else: one signed `PUT /<key>` per object, as the audit archive
 * needs it. A bucket with Object Lock and a default retention refuses any upload that carries
 * neither a `Content-MD5` nor an `x-amz-checksum-*` header, so every upload carries both (MD5
 * and SHA-256 of the body), and S3 rejects a body that does not match them.
 *
 * Built like the project's JSON-protocol client (shared/platform/aws/aws-json-client.ts,
 * decision record 49) rather than on the SDK's S3 client, which would bring its whole Smithy
 * runtime into the archiver's bundle for one call: AWS's own SigV4 signer and credential chain,
 * the SDK's standard retries (3 attempts, throttling and transient errors only, full jitter),
 * and errors shaped as the SDK's (`name` is S3's error code).
 */
import { createHash } from 'node:crypto';
import https from 'node:https';
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { memoizedCredentials, NodeSha256 } from './aws-signing.ts';
import { type AwsCredentials, AwsServiceError, configuredEndpoint, retryDelayMs, retryKindOf, serviceErrorOf } from './aws-json-client.ts';

/** One object to store. */
export interface PutObjectInput {
  readonly bucket: string;
  readonly key: string;
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly contentEncoding?: string | undefined;
}

/** Stores objects (the {@link S3ObjectWriter}, or a fake in tests). */
export interface ObjectWriter {
  putObject(input: PutObjectInput): Promise<void>;
}

/** Options of {@link S3ObjectWriter}. */
export interface S3ObjectWriterOptions {
  /** @default `AWS_REGION`, then `AWS_DEFAULT_REGION` */
  readonly region?: string | undefined;
  /**
   * Another endpoint (a test server), addressed path-style (`<endpoint>/<bucket>/<key>`).
   * Otherwise `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` as the SDK reads them, else the
   * regional virtual-hosted address `https://<bucket>.s3.<region>.amazonaws.com/<key>`.
   */
  readonly endpoint?: string | undefined;
  /** Fixed credentials (tests); the default chain otherwise. */
  readonly credentials?: AwsCredentials | undefined;
  /** Attempts per object, the first included. @default 3 (the SDK's standard mode) */
  readonly maxAttempts?: number | undefined;
  /** Waits before retry `n`, for tests. @default the SDK's full-jitter back-off */
  readonly retryDelayMs?: ((kind: 'throttling' | 'transient', retry: number) => number) | undefined;
}

/** S3's error code in an XML error body (`<Error><Code>SlowDown</Code>…`). */
const xmlField = (body: string, field: string): string | undefined => new RegExp(`<${field}>([^<]*)</${field}>`).exec(body)?.[1];

/** Each key segment percent-encoded as S3 encodes it for signing (`/` kept). */
const encodedPath = (key: string): string => key.split('/').map(encodeURIComponent).join('/');

/** Stores objects in S3 with `PutObject`; see the module comment. */
export class S3ObjectWriter implements ObjectWriter {
  private readonly options: S3ObjectWriterOptions;
  private resolved:
    | {
        readonly endpoint: URL | undefined;
        readonly region: string;
        readonly signer: SignatureV4;
        readonly agent: https.Agent | http.Agent;
      }
    | undefined;

  constructor(options: S3ObjectWriterOptions = {}) {
    this.options = options;
  }

  private target() {
    if (this.resolved) return this.resolved;
    const region = this.options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error('No region for s3: set AWS_REGION.');
    const configured = this.options.endpoint ?? configuredEndpoint('S3');
    const endpoint = configured ? new URL(configured) : undefined;
    const fixed = this.options.credentials;
    this.resolved = {
      endpoint,
      region,
      agent: endpoint?.protocol === 'http:' ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true }),
      signer: new SignatureV4({
        service: 's3',
        region,
        sha256: NodeSha256,
        credentials: fixed ? async () => fixed : memoizedCredentials(),
        // S3 signs the path as sent (each segment encoded once), and the payload's own hash.
        uriEscapePath: false,
        applyChecksum: true,
      }),
    };
    return this.resolved;
  }

  /** Closes pooled connections (tests). */
  destroy(): void {
    this.resolved?.agent.destroy();
  }

  async putObject(input: PutObjectInput): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(input, attempt);
      } catch (error) {
        const kind = error instanceof AwsServiceError ? retryKindOf(error) : undefined;
        if (!kind || attempt >= maxAttempts) throw error;
        const wait = this.options.retryDelayMs ?? retryDelayMs;
        await new Promise((resolve) => setTimeout(resolve, wait(kind, attempt)));
      }
    }
  }

  private async attempt(input: PutObjectInput, attempt: number): Promise<void> {
    const { endpoint, region, signer, agent } = this.target();
    const url = endpoint
      ? new URL(`${endpoint.pathname.replace(/\/$/, '')}/${input.bucket}/${encodedPath(input.key)}`, endpoint)
      : new URL(`https://${input.bucket}.s3.${region}.amazonaws.com/${encodedPath(input.key)}`);
    const body = Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength);
    const signed = await signer.sign({
      method: 'PUT',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers: {
        host: url.host,
        'content-length': String(body.byteLength),
        'content-type': input.contentType,
        ...(input.contentEncoding ? { 'content-encoding': input.contentEncoding } : {}),
        // Object Lock's requirement, and S3's own check of the body.
        'content-md5': createHash('md5').update(body).digest('base64'),
        'x-amz-checksum-sha256': createHash('sha256').update(body).digest('base64'),
        'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
      },
      body,
    });
    let response: { status: number; headers: http.IncomingHttpHeaders; body: string };
    try {
      response = await send(url, agent, signed.headers, body);
    } catch (error) {
      const { name, code, message } = error as { name?: string; code?: string; message?: string };
      throw new AwsServiceError(name ?? 'Error', message ?? 'request failed', 'server', { attempts: attempt }, { code });
    }
    if (response.status < 300) return;
    const name = xmlField(response.body, 'Code') ?? `Http${response.status}Error`;
    throw serviceErrorOf(
      name,
      xmlField(response.body, 'Message') ?? name,
      response.status,
      {},
      {
        requestId: String(response.headers['x-amz-request-id'] ?? '') || undefined,
        attempts: attempt,
      },
    );
  }
}

const send = (
  url: URL,
  agent: http.Agent,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> =>
  new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      { method: 'PUT', hostname: url.hostname, port: url.port || undefined, path: url.pathname, headers, agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
