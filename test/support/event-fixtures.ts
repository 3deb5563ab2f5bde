/**
 * Fixtures for the event workers: hand-built SQS events, published events and bus
 * envelopes, a capturing job queue (with injectable send failures), subscriptions written
 * to a test table as the subscriptions API stores them, and local HTTP receivers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryCommand, type DocumentClient } from '#shared/platform/dynamodb/document-client.ts';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { DynamoSubscriptionRepository } from '#shared/subscriptions/data/subscription-repository.ts';
import type { Subscription } from '#shared/subscriptions/domain/subscription.ts';
import { EVENT_SOURCE, EVENT_SPEC_VERSION, type PublishedEvent } from '#shared/core/event-envelope.ts';
import type { EventBus, JobQueue, MailMessage, Mailer } from '#shared/core/messaging-ports.ts';
import { lambdaContext } from './http-event.ts';

/** An SQS batch handler as the worker modules export it. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** An SQS event of one message per body (JSON-serialised unless a string). */
export const sqsEvent = (bodies: readonly unknown[]): SQSEvent => ({
  Records: bodies.map((body) => {
    const messageId = ulid();
    return {
      messageId,
      receiptHandle: `receipt-${messageId}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-2:000000000000:jointly-test',
      awsRegion: 'eu-west-2',
    };
  }),
});

/** Invokes an SQS handler with these bodies; returns the ids of failed messages too. */
export const invokeSqs = async (handler: SqsHandler, bodies: readonly unknown[]) => {
  const event = sqsEvent(bodies);
  const response = await handler(event, lambdaContext());
  const failedIds = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  return { response, failed: event.Records.filter((r) => failedIds.has(r.messageId)).map((r) => r.body) };
};

/** A published event of a referral from Provide to ECC (override anything). */
export const publishedEvent = (overrides: Partial<PublishedEvent> = {}): PublishedEvent => ({
  specVersion: EVENT_SPEC_VERSION,
  id: ulid(),
  type: 'referral.submitted',
  seq: 1,
  at: new Date().toISOString(),
  actor: { sub: 'pat', org: 'provide', role: 'practitioner' },
  referralId: ulid(),
  data: {
    status: 'submitted',
    fromOrg: 'provide',
    toOrg: 'ecc',
    ownerOrg: 'provide',
    serviceArea: 'rapid-response',
    priority: 'urgent',
    parties: ['provide', 'ecc'],
  },
  ...overrides,
});

/** EventBridge's envelope around a published event, as the bus rule delivers it to SQS. */
export const busMessage = (event: PublishedEvent) => ({
  version: '0',
  id: ulid(),
  'detail-type': event.type,
  source: EVENT_SOURCE,
  account: '000000000000',
  time: event.at,
  region: 'eu-west-2',
  resources: [],
  detail: event,
});

/** A subscription (override anything). */
export const subscription = (overrides: Partial<Subscription> = {}): Subscription => ({
  id: ulid(),
  ownerSub: `user-${ulid().toLowerCase()}`,
  ownerOrg: 'ecc',
  eventTypes: ['*'],
  filters: {},
  channel: { type: 'inbox' },
  createdAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 90 * 24 * 3600 * 1000).toISOString(),
  ...overrides,
});

/** Stores subscriptions exactly as the subscriptions API does (owner item + match entries). */
export const storeSubscriptions = async (client: DocumentClient, tableName: string, ...subscriptions: Subscription[]) => {
  const repository = new DynamoSubscriptionRepository({ client, tableName });
  for (const s of subscriptions) await repository.create(s, Number.MAX_SAFE_INTEGER);
  return repository;
};

/** Every item of a partition whose sort key starts with `prefix`. */
export const itemsUnder = async (client: DocumentClient, tableName: string, pk: string, prefix: string) => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
};

/** A job queue that keeps what is sent; `failNext(n)` makes the next n sends throw. */
export class CapturingQueue<T> implements JobQueue<T> {
  readonly sent: { job: T; delaySeconds: number | undefined }[] = [];
  private failures = 0;

  failNext(count: number): void {
    this.failures = count;
  }

  async send(job: T, delaySeconds?: number): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('Injected queue failure'), { name: 'InjectedQueueFailure' });
    }
    // A real queue serialises the job: so does this one.
    this.sent.push({ job: JSON.parse(JSON.stringify(job)) as T, delaySeconds });
  }

  /** Removes and returns everything sent so far. */
  drain(): { job: T; delaySeconds: number | undefined }[] {
    return this.sent.splice(0, this.sent.length);
  }
}

/** A bus that keeps what is published (the workers never publish). */
export const capturingBus = (): EventBus & { published: PublishedEvent[] } => {
  const published: PublishedEvent[] = [];
  return { published, publish: async (events) => (published.push(...events), { failedIds: [] }) };
};

/** A mailer that keeps what is sent. */
export const capturingMailer = (): Mailer & { messages: MailMessage[] } => {
  const messages: MailMessage[] = [];
  return { messages, send: async (message) => void messages.push(message) };
};

/** What a receiver saw of one request. */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A local HTTP receiver on 127.0.0.1 and a free port; `respond` decides each answer. */
export interface Receiver {
  readonly url: string;
  readonly received: ReceivedRequest[];
  close(): Promise<void>;
}

export const startReceiver = async (
  respond: (request: ReceivedRequest, res: ServerResponse) => void = (_, res) => res.writeHead(204).end(),
): Promise<Receiver> => {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      respond(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
