/**
 * Subscription-side test support: items seeded in the exact shapes the fan-out and
 * delivery workers write (alerts, delivery attempts, dead letters), a capturing delivery
 * queue, and the real subscription service over a test table with a counting client.
 */
import { systemResolver } from '#shared/subscriptions/data/system-resolver.ts';
import { BatchWriteCommand, type DocumentClient } from '#shared/platform/dynamodb/document-client.ts';
import { monotonicFactory, ulid } from 'ulid';
import { emailDomainsByOrg, ORGANISATIONS } from '#shared/core/organisations.ts';
import { createDocumentClient } from '#shared/platform/dynamodb/dynamo-client.ts';
import { subscriptionKeys, userKeys } from '#shared/platform/dynamodb/keys.ts';
import { DynamoSubscriptionRepository } from '#shared/subscriptions/data/subscription-repository.ts';
import { SubscriptionService } from '#shared/subscriptions/domain/subscription-service.ts';
import type { EventDeliveryJob, JobQueue } from '#shared/core/messaging-ports.ts';
import { LocalSealer } from '#infra/local/adapters/local-sealer.ts';
import { probe } from './referral-fixtures.ts';
import type { TestTable } from './table.ts';

/** The AES key tests seal webhook secrets with (64 hex characters). */
export const TEST_SEAL_KEY = '7a'.repeat(32);

const nextUlid = monotonicFactory();

/** A ULID for an instant, increasing even within one millisecond. */
export const ulidAt = (iso: string): string => nextUlid(Date.parse(iso));

/** An alert item as the fan-out worker writes it. */
export const alertItem = (options: {
  sub: string;
  eventId: string;
  subscriptionId: string;
  createdAt: string;
  read?: string | undefined;
  type?: string;
  handoffId?: string;
}): Record<string, unknown> => {
  const id = `${options.eventId}.${options.subscriptionId}`;
  return {
    ...userKeys.alert(options.sub, options.eventId, options.subscriptionId),
    entity: 'alert',
    id,
    eventId: options.eventId,
    subscriptionId: options.subscriptionId,
    type: options.type ?? 'handoff.offered',
    referralId: ulid(),
    ...(options.handoffId ? { handoffId: options.handoffId } : {}),
    summary: 'Handoff offered by ecc to meht (rapid-response, urgent)',
    createdAt: options.createdAt,
    ...(options.read ? { readAt: options.read } : { inboxPk: userKeys.unreadAlertsPartition(options.sub) }),
    createdSk: `${options.createdAt}#${id}`,
  };
};

/** A delivery attempt item as the delivery worker writes it. */
export const deliveryItem = (
  subscriptionId: string,
  attempt: {
    eventId: string;
    attempt: number;
    at: string;
    outcome: 'delivered' | 'failed' | 'dead-lettered';
    httpStatus?: number;
    error?: string;
  },
): Record<string, unknown> => ({
  ...subscriptionKeys.delivery(subscriptionId, attempt.at, attempt.eventId, attempt.attempt),
  entity: 'delivery',
  ...attempt,
});

/** A delivery job for one event to one subscription. */
export const deliveryJob = (subscriptionId: string, ownerSub: string, eventId: string, attempt: number): EventDeliveryJob => ({
  subscriptionId,
  ownerSub,
  attempt,
  event: {
    specVersion: 1,
    id: eventId,
    type: 'referral.overdue',
    seq: 2,
    at: '2026-01-05T09:00:00.000Z',
    actor: { sub: 'system', org: 'ecc', role: 'system' },
    referralId: ulid(),
    data: { fromOrg: 'provide', toOrg: 'ecc', serviceArea: 'rapid-response', priority: 'urgent', parties: ['provide', 'ecc'] },
  },
});

/** A dead-letter item as the delivery worker writes it. */
export const deadLetterItem = (job: EventDeliveryJob): Record<string, unknown> => ({
  ...subscriptionKeys.deadLetter(job.subscriptionId, job.event.id),
  entity: 'dead-letter',
  job,
  deadLetteredAt: '2026-01-05T10:00:00.000Z',
  lastError: 'HTTP 503',
});

/** Writes items (≤ 25 per call). */
export const seed = async (client: DocumentClient, tableName: string, items: readonly Record<string, unknown>[]): Promise<void> => {
  for (let i = 0; i < items.length; i += 25) {
    await client.send(
      new BatchWriteCommand({ RequestItems: { [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }),
    );
  }
};

/** A delivery queue that remembers what was sent. */
export const capturingQueue = (): JobQueue<EventDeliveryJob> & { readonly sent: EventDeliveryJob[] } => {
  const sent: EventDeliveryJob[] = [];
  return {
    sent,
    send: async (job) => {
      sent.push(job);
    },
  };
};

/** The real subscription service over a test table, with its client probe and captured queue. */
export const subscriptionServiceOn = (table: TestTable, options: { cap?: number; clock?: () => Date } = {}) => {
  const client = createDocumentClient({ endpoint: table.endpoint });
  const clientProbe = probe(client);
  const repository = new DynamoSubscriptionRepository({ client, tableName: table.tableName });
  const queue = capturingQueue();
  const service = new SubscriptionService({
    repository,
    sealer: new LocalSealer(TEST_SEAL_KEY),
    deliveryQueue: () => queue,
    organisations: ORGANISATIONS.map((o) => o.id),
    emailDomains: emailDomainsByOrg(),
    subscriptionCap: options.cap,
    webhookPolicy: 'allow-loopback',
    resolve: systemResolver,
    newId: ulid,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { service, repository, probe: clientProbe, client, queue };
};
