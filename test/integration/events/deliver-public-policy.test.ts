/**
 * The delivery worker under the deployed webhook policy (`public-https`): a loopback URL
 * that got into a subscription is refused at delivery time, before any request is made,
 * and the refusal is recorded as a failed attempt.
 */
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionKeys } from '#shared/platform/dynamodb/keys.ts';
import type { DeliveryJob } from '#shared/core/messaging-ports.ts';
import {
  CapturingQueue,
  capturingMailer,
  invokeSqs,
  itemsUnder,
  publishedEvent,
  startReceiver,
  storeSubscriptions,
  subscription,
  type Receiver,
  type SqsHandler,
} from '#test/support/event-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;
let handler: SqsHandler;
let loopback: Receiver;
const queue = new CapturingQueue<DeliveryJob>();

beforeAll(async () => {
  table = await createTestTable('deliverpub');
  loopback = await startReceiver();
  Object.assign(process.env, {
    JOINTLY_TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    JOINTLY_WEBHOOK_POLICY: 'public-https',
  });
  const { deliverHandler } = await import('#shared/wiring/deliver.ts');
  handler = deliverHandler({ deliveryQueue: queue, sealer: { seal: async (s) => s, open: async (s) => s }, mailer: capturingMailer() });
});

afterAll(async () => {
  await loopback?.close();
  await table?.drop();
});

describe('deliver under the public-https policy', () => {
  it.each([
    ['a plain-http loopback URL', (url: string) => `${url}/hook`, 'address not allowed'],
    ['an https loopback address', (url: string) => `${url.replace('http://', 'https://')}/hook`, 'address not allowed'],
    ['the instance metadata endpoint', () => 'https://169.254.169.254/latest/meta-data/', 'address not allowed'],
    ['a public host on a port other than 443', () => 'https://hooks.example.org:8443/jointly', 'address not allowed'],
    [
      'localhost by name',
      (url: string) => url.replace('http://127.0.0.1', 'https://localhost').replace(/:\d+$/, '') + '/hook',
      'address not allowed',
    ],
  ])('refuses %s at delivery and records a failed attempt', async (_, urlOf, error) => {
    // Prepare
    const sub = subscription({ channel: { type: 'webhook', url: urlOf(loopback.url), sealedSecret: `secret-${ulid()}` } });
    await storeSubscriptions(table.documentClient, table.tableName, sub);
    const event = publishedEvent();

    // Act
    const run = await invokeSqs(handler, [{ subscriptionId: sub.id, ownerSub: sub.ownerSub, attempt: 1, event }]);

    // Assess
    expect(run.failed).toEqual([]);
    expect(loopback.received).toHaveLength(0);
    const deliveries = await itemsUnder(table.documentClient, table.tableName, `SUBSCRIPTION#${sub.id}`, subscriptionKeys.deliveryPrefix);
    expect(deliveries).toMatchObject([{ eventId: event.id, attempt: 1, outcome: 'failed', error }]);
    expect(deliveries[0]).not.toHaveProperty('httpStatus');
    expect(queue.sent.filter((s) => s.job.subscriptionId === sub.id).map((s) => s.job.attempt)).toEqual([2]);
  });
});
