/**
 * Fan-out of one published event to the subscriptions that hear it: an inbox alert, or one
 * delivery job per webhook/email subscription. Safe under redelivery and concurrency: the
 * alert is a conditional put of a deterministic item, and a delivery is claimed once with
 * a conditional put of its state marker before its job is queued.
 */
import * as z from 'zod';
import type { DeliveryRepository } from '../data/delivery-repository.ts';
import { matchesSubscription, summaryOf, type Subscription } from '../domain/subscription.ts';
import { EVENT_SOURCE, EVENT_TYPES, orgsOf, PublishedEventSchema, type PublishedEvent } from './event-envelope.ts';
import type { DeliveryJob, JobQueue } from './ports.ts';

/** A queue message that is not a Jointly bus event. Its message names fields, never values. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/** Some subscriptions could not be served yet; the message is retried (every step is idempotent). */
export class FanOutIncompleteError extends Error {
  override readonly name = 'FanOutIncompleteError';
}

const BusMessageSchema = z.object({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.enum(EVENT_TYPES),
  detail: PublishedEventSchema,
});

/** The published event inside an EventBridge envelope (an SQS message body). */
export const parseBusMessage = (body: string): PublishedEvent => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedMessageError('Message body is not JSON.');
  }
  const result = BusMessageSchema.safeParse(json);
  if (!result.success) {
    const paths = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(root)'))].join(', ');
    throw new MalformedMessageError(`Message is not a Jointly bus event (${paths}).`);
  }
  if (result.data['detail-type'] !== result.data.detail.type) throw new MalformedMessageError('detail-type does not match detail.type.');
  return result.data.detail;
};

/** What the fan-out needs. */
export interface FanOutDeps {
  readonly repository: Pick<DeliveryRepository, 'subscriptionsFiledUnder' | 'putAlertOnce' | 'claimDelivery' | 'markJobQueued' | 'releaseClaim'>;
  readonly deliveryQueue: JobQueue<DeliveryJob>;
  readonly now?: () => Date;
}

/** What one fan-out did (counts, for logs and tests). */
export interface FanOutResult {
  readonly matched: number;
  readonly alerted: number;
  readonly jobsQueued: number;
}

/** The subscriptions hearing `event`: Queries on its orgs' match partitions and `*`, then the full match rule. */
export const subscriptionsHearing = async (event: PublishedEvent, repository: FanOutDeps['repository']): Promise<Subscription[]> => {
  const candidates = await repository.subscriptionsFiledUnder([...orgsOf(event), '*']);
  return candidates.filter((subscription) => matchesSubscription(subscription, event));
};

/**
 * Serves every subscription hearing `event`. Subscriptions are served independently; if
 * any failed, throws {@link FanOutIncompleteError} after the others are done, so the
 * message is retried and only the unserved ones do anything the second time.
 */
export const fanOut = async (event: PublishedEvent, deps: FanOutDeps): Promise<FanOutResult> => {
  const now = deps.now ?? (() => new Date());
  const subscriptions = await subscriptionsHearing(event, deps.repository);
  let alerted = 0;
  let jobsQueued = 0;

  const serve = async (subscription: Subscription): Promise<void> => {
    if (subscription.channel.type === 'inbox') {
      const written = await deps.repository.putAlertOnce({
        ownerSub: subscription.ownerSub,
        subscriptionId: subscription.id,
        event,
        summary: summaryOf(event),
        createdAt: now().toISOString(),
      });
      if (written) alerted += 1;
      return;
    }
    const claim = await deps.repository.claimDelivery(subscription.id, event.id, now());
    if (claim === 'done') return;
    if (claim === 'in-progress') throw new FanOutIncompleteError('Another fan-out is queueing this delivery.');
    try {
      await deps.deliveryQueue.send({ subscriptionId: subscription.id, ownerSub: subscription.ownerSub, attempt: 1, event });
    } catch (error) {
      await deps.repository.releaseClaim(subscription.id, event.id);
      throw error;
    }
    jobsQueued += 1;
    await deps.repository.markJobQueued(subscription.id, event.id, now());
  };

  const results = await Promise.allSettled(subscriptions.map(serve));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    // Error names only: a dependency's message might echo input.
    const names = [...new Set(failures.map((f) => (f.reason as Error)?.name ?? 'Error'))].join(', ');
    throw new FanOutIncompleteError(`${failures.length} of ${subscriptions.length} subscriptions not served yet (${names}); will retry.`);
  }
  return { matched: subscriptions.length, alerted, jobsQueued };
};
