/**
 * The JSON-protocol client against a real HTTP server on loopback playing an AWS service:
 * what goes on the wire (an independently verified SigV4 signature, the target, the content
 * type, the body), how answers and errors come back (shaped as the SDK's), and the SDK's
 * standard retry policy (throttling and transient failures retried, nothing else), the
 * per-attempt timeout and the endpoint variables.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsJsonClient, AwsServiceError, configuredEndpoint, retryDelayMs } from '#shared/platform/aws/aws-json-client.ts';
import { verifySigv4 } from '#test/support/sigv4-verifier.ts';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Answers with `reply(request, n)` (n counts from 1), or leaves the request hanging when it returns `undefined`. */
type Reply = (request: Received, n: number) => { status: number; body?: unknown; headers?: Record<string, string> } | 'drop' | undefined;

const servers: Server[] = [];

const serve = async (reply: Reply) => {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      const answer = reply(request, received.length);
      if (answer === undefined) return;
      if (answer === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': `req-${received.length}`,
        ...answer.headers,
      });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
};

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

const CREDENTIALS = { accessKeyId: 'AKIDJSONCLIENTTEST', secretAccessKey: 'json-client-secret', sessionToken: 'session-token-1' };

const dynamodbAt = (endpoint: string, options: Partial<ConstructorParameters<typeof AwsJsonClient>[0]> = {}) =>
  new AwsJsonClient({
    service: 'dynamodb',
    endpointId: 'DYNAMODB',
    targetPrefix: 'DynamoDB_20120810',
    jsonVersion: '1.0',
    region: 'eu-west-2',
    endpoint,
    credentials: CREDENTIALS,
    ...options,
  });

describe('AwsJsonClient on the wire', () => {
  it('posts the JSON body to / with the target and content type, signed with SigV4 for the service and region', async () => {
    // Prepare
    const service = await serve(() => ({ status: 200, body: { Item: { pk: { S: 'a' } } } }));
    const client = dynamodbAt(service.endpoint);

    // Act
    const answer = await client.call('GetItem', { TableName: 't', Key: { pk: { S: 'a' } } });

    // Assess
    expect(answer).toEqual({ Item: { pk: { S: 'a' } } });
    const [request] = service.received;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/');
    expect(request!.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(request!.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request!.headers['x-amz-security-token']).toBe('session-token-1');
    expect(JSON.parse(request!.body)).toEqual({ TableName: 't', Key: { pk: { S: 'a' } } });
    const check = verifySigv4(request!, CREDENTIALS.secretAccessKey);
    expect(check.valid).toBe(true);
    expect(check.accessKeyId).toBe(CREDENTIALS.accessKeyId);
    expect(check.scope).toMatch(/^\d{8}\/eu-west-2\/dynamodb\/aws4_request$/);
    expect(check.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target', 'content-type']));
  });

  it('a signature made with another secret does not verify (the verifier can fail)', async () => {
    // Prepare
    const service = await serve(() => ({ status: 200, body: {} }));

    // Act
    await dynamodbAt(service.endpoint).call('DescribeLimits', {});

    // Assess
    expect(verifySigv4(service.received[0]!, 'another-secret').valid).toBe(false);
  });

  it('posts a REST-JSON call to its path as application/json, without a target', async () => {
    // Prepare
    const service = await serve(() => ({ status: 200, body: { MessageId: 'm-1' }, headers: { 'content-type': 'application/json' } }));
    const client = new AwsJsonClient({
      service: 'ses',
      endpointPrefix: 'email',
      endpointId: 'SESV2',
      targetPrefix: 'unused',
      jsonVersion: '1.1',
      region: 'eu-west-2',
      endpoint: service.endpoint,
      credentials: CREDENTIALS,
    });

    // Act
    const answer = await client.callRest('SendEmail', '/v2/email/outbound-emails', { FromEmailAddress: 'a@b.example' });

    // Assess
    expect(answer).toEqual({ MessageId: 'm-1' });
    const [request] = service.received;
    expect(request!.path).toBe('/v2/email/outbound-emails');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-amz-target']).toBeUndefined();
    expect(verifySigv4(request!, CREDENTIALS.secretAccessKey)).toMatchObject({
      valid: true,
      scope: expect.stringMatching(/\/eu-west-2\/ses\//),
    });
  });
});

describe('AwsJsonClient errors and retries', () => {
  it('raises a service error as the SDK does: the code as its name, its fields on it, not retried', async () => {
    // Prepare
    const service = await serve(() => ({
      status: 400,
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        Message: 'Transaction cancelled',
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      },
    }));

    // Act
    const failure = await dynamodbAt(service.endpoint)
      .call('TransactWriteItems', { TransactItems: [] })
      .catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(AwsServiceError);
    expect(failure).toMatchObject({
      name: 'TransactionCanceledException',
      message: 'Transaction cancelled',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'req-1', attempts: 1 },
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
    });
    expect((failure as AwsServiceError).$retryable).toBeUndefined();
    expect(service.received).toHaveLength(1);
  });

  it('retries throttling until it succeeds, within three attempts', async () => {
    // Prepare
    const service = await serve((_, n) =>
      n < 3
        ? { status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'slow down' } }
        : { status: 200, body: { Count: 0 } },
    );

    // Act
    const answer = await dynamodbAt(service.endpoint).call('Query', {});

    // Assess
    expect(answer).toEqual({ Count: 0 });
    expect(service.received).toHaveLength(3);
  });

  it('gives up after three attempts, marking the error retryable throttling', async () => {
    // Prepare
    const service = await serve(() => ({ status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } }));

    // Act
    const failure = await dynamodbAt(service.endpoint)
      .call('Query', {})
      .catch((e: unknown) => e);

    // Assess
    expect(failure).toMatchObject({ name: 'ThrottlingException', $retryable: { throttling: true }, $metadata: { attempts: 3 } });
    expect(service.received).toHaveLength(3);
  });

  it('retries a 5xx answer and a dropped connection as transient', async () => {
    // Prepare
    const service = await serve((_, n) =>
      n === 1 ? { status: 500, body: { __type: 'InternalServerError', message: 'oops' } } : n === 2 ? 'drop' : { status: 200, body: {} },
    );

    // Act
    const answer = await dynamodbAt(service.endpoint).call('PutItem', {});

    // Assess
    expect(answer).toEqual({});
    expect(service.received).toHaveLength(3);
  });

  it('fails an attempt that outlives attemptTimeoutMs with a retryable TimeoutError', async () => {
    // Prepare: the service never answers.
    const service = await serve(() => undefined);
    const client = dynamodbAt(service.endpoint, { attemptTimeoutMs: 50, maxAttempts: 2 });

    // Act
    const failure = await client.call('GetItem', {}).catch((e: unknown) => e);

    // Assess
    expect(failure).toMatchObject({
      name: 'TimeoutError',
      $fault: 'server',
      $retryable: { throttling: false },
      $metadata: { attempts: 2 },
    });
    expect(service.received).toHaveLength(2);
  });

  it('names an SQS error by its query-compatible code', async () => {
    // Prepare
    const service = await serve(() => ({
      status: 400,
      body: { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' },
      headers: { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' },
    }));
    const sqs = new AwsJsonClient({
      service: 'sqs',
      endpointId: 'SQS',
      targetPrefix: 'AmazonSQS',
      jsonVersion: '1.0',
      region: 'eu-west-2',
      endpoint: service.endpoint,
      credentials: CREDENTIALS,
    });

    // Act
    const failure = await sqs.call('SendMessage', { QueueUrl: 'q' }).catch((e: unknown) => e);

    // Assess
    expect(failure).toMatchObject({ name: 'AWS.SimpleQueueService.NonExistentQueue', $metadata: { httpStatusCode: 400 } });
  });
});

describe('AwsJsonClient interceptors and endpoints', () => {
  it('runs call interceptors once per call and attempt interceptors once per attempt', async () => {
    // Prepare
    const service = await serve((_, n) => (n === 1 ? { status: 503, body: { __type: 'ServiceUnavailable' } } : { status: 200, body: {} }));
    const client = dynamodbAt(service.endpoint);
    const seen: string[] = [];
    client.intercept('call', async (context, next) => {
      seen.push(`call ${context.operation}`);
      return next();
    });
    client.intercept('attempt', async (context, next) => {
      seen.push(`attempt ${context.operation}`);
      return next();
    });

    // Act
    await client.call('UpdateItem', {});

    // Assess
    expect(seen).toEqual(['call UpdateItem', 'attempt UpdateItem', 'attempt UpdateItem']);
  });

  it('reads AWS_ENDPOINT_URL_<ID>, then AWS_ENDPOINT_URL, unless told to ignore them', () => {
    // Act
    const found = [
      configuredEndpoint('DYNAMODB', { AWS_ENDPOINT_URL_DYNAMODB: 'http://a', AWS_ENDPOINT_URL: 'http://b' }),
      configuredEndpoint('DYNAMODB', { AWS_ENDPOINT_URL: 'http://b' }),
      configuredEndpoint('DYNAMODB', { AWS_ENDPOINT_URL_DYNAMODB: 'http://a', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }),
      configuredEndpoint('DYNAMODB', {}),
    ];

    // Assess
    expect(found).toEqual(['http://a', 'http://b', undefined, undefined]);
  });

  it('waits a full-jitter back-off: below 100 ms × 2ⁿ⁻¹ (500 for throttling), capped at 20 s', () => {
    // Act
    const highest = [1, 2, 3, 20].map((retry) => [
      retryDelayMs('transient', retry, () => 0.999),
      retryDelayMs('throttling', retry, () => 0.999),
    ]);

    // Assess
    expect(highest).toEqual([
      [99, 499],
      [199, 999],
      [399, 1998],
      [19980, 19980],
    ]);
    expect(retryDelayMs('transient', 3, () => 0)).toBe(0);
  });
});
