/**
 * The S3 writer the audit archive stores its objects with (shared/platform/aws/s3-object-writer.ts),
 * against a local HTTP server standing in for S3: a path-style `PUT` signed with SigV4 (checked
 * by an independent verifier), carrying the MD5 and SHA-256 checksums a bucket under Object Lock
 * requires; throttling and 5xx retried as the SDK's standard mode retries them; anything else
 * raised at once with S3's error code as its name.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsServiceError } from '#shared/platform/aws/aws-json-client.ts';
import { S3ObjectWriter } from '#shared/platform/aws/s3-object-writer.ts';
import { verifySigv4 } from '#test/support/sigv4-verifier.ts';

const CREDENTIALS = { accessKeyId: 'AKIDAUDITTEST', secretAccessKey: 'audit-test-secret' };

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the stand-in answers, request by request (the last answer repeats). */
type Answer = { readonly status: number; readonly body?: string };

let server: Server;
let received: Received[];
let answers: Answer[];
let endpoint: string;
let writer: S3ObjectWriter | undefined;

beforeEach(async () => {
  received = [];
  answers = [{ status: 200 }];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)]!;
      response.writeHead(answer.status, { 'content-type': 'application/xml', 'x-amz-request-id': 'REQ123' });
      response.end(answer.body ?? '');
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  writer?.destroy();
  writer = undefined;
  await new Promise((done) => server.close(done));
});

const writerOf = (maxAttempts = 3) => {
  writer = new S3ObjectWriter({ region: 'eu-west-2', endpoint, credentials: CREDENTIALS, maxAttempts, retryDelayMs: () => 0 });
  return writer;
};

const errorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

const BODY = '{"kind":"access","sequenceNumber":"000000000000000000001"}\n';
const PUT = {
  bucket: 'jointly-audit-bucket',
  key: 'access-log/day=2026-11-28/000000000000000000001-000000000000000000001.jsonl',
  body: new TextEncoder().encode(BODY),
  contentType: 'application/x-ndjson',
};

describe('S3 object writer', () => {
  it('puts the object path-style, signed, with the checksums Object Lock asks for', async () => {
    // Act
    await writerOf().putObject(PUT);

    // Assess
    expect(received).toHaveLength(1);
    const [request] = received as [Received];
    expect(request.method).toBe('PUT');
    expect(request.path).toBe('/jointly-audit-bucket/access-log/day%3D2026-11-28/000000000000000000001-000000000000000000001.jsonl');
    expect(request.body).toBe(BODY);
    expect(request.headers['content-type']).toBe('application/x-ndjson');
    expect(request.headers['content-md5']).toBe(createHash('md5').update(BODY).digest('base64'));
    expect(request.headers['x-amz-checksum-sha256']).toBe(createHash('sha256').update(BODY).digest('base64'));
    const check = verifySigv4(request, CREDENTIALS.secretAccessKey);
    expect(check).toMatchObject({ valid: true, accessKeyId: CREDENTIALS.accessKeyId });
    expect(check.scope).toMatch(/^\d{8}\/eu-west-2\/s3\/aws4_request$/);
    expect(check.signedHeaders).toEqual(expect.arrayContaining(['host', 'content-md5', 'x-amz-checksum-sha256', 'x-amz-content-sha256']));
    expect(request.headers).not.toHaveProperty('x-amz-object-lock-mode');
  });

  it('retries throttling and server errors, then stores the object', async () => {
    // Prepare
    answers = [
      { status: 503, body: errorXml('SlowDown', 'Please reduce your request rate.') },
      { status: 500, body: errorXml('InternalError', 'x') },
      { status: 200 },
    ];

    // Act
    await writerOf().putObject(PUT);

    // Assess
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.body))).toEqual(new Set([BODY]));
  });

  it('gives up after its attempts, raising S3’s error as the SDK would', async () => {
    // Prepare
    answers = [{ status: 503, body: errorXml('SlowDown', 'Please reduce your request rate.') }];

    // Act
    const failure = await writerOf(2)
      .putObject(PUT)
      .catch((error: unknown) => error);

    // Assess
    expect(received).toHaveLength(2);
    expect(failure).toBeInstanceOf(AwsServiceError);
    expect(failure).toMatchObject({
      name: 'SlowDown',
      message: 'Please reduce your request rate.',
      $metadata: { httpStatusCode: 503, attempts: 2 },
    });
  });

  it('does not retry a refusal: access denied is raised at once, with its code and request id', async () => {
    // Prepare
    answers = [{ status: 403, body: errorXml('AccessDenied', 'Access Denied') }];

    // Act
    const failure = await writerOf()
      .putObject(PUT)
      .catch((error: unknown) => error);

    // Assess
    expect(received).toHaveLength(1);
    expect(failure).toMatchObject({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403, requestId: 'REQ123', attempts: 1 },
    });
  });

  it('names the status when S3’s answer has no error code', async () => {
    // Prepare
    answers = [{ status: 400, body: '' }];

    // Act
    const failure = await writerOf()
      .putObject(PUT)
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ name: 'Http400Error' });
  });
});
