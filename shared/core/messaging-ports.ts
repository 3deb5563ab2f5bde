/**
 * Ports of the event path. AWS adapters (EventBridge, SQS, SES, KMS) and the local
 * runtime's (an in-process bus and queues, `.eml` files, AES-GCM) implement them; each
 * composition root (shared/wiring) builds its handler on one set or the other, so the same
 * handlers run in Lambda and in the local runtime.
 */
import type { PublishedEvent } from './event-envelope.ts';

/** Publishes events to the bus. Returns the ids that failed (PutEvents partial failure). */
export interface EventBus {
  publish(events: readonly PublishedEvent[]): Promise<{ readonly failedIds: readonly string[] }>;
}

/** One delivery of one event to one webhook or email subscription. */
export interface EventDeliveryJob {
  readonly kind?: 'event';
  readonly subscriptionId: string;
  readonly ownerSub: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly event: PublishedEvent;
}

/** One event as a digest lists it: ids, codes and organisations, never personal data. */
export interface DigestEntry {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly referralId: string;
  readonly handoffId?: string;
  /** The organisations it is between (`provide → ecc`), for grouping. */
  readonly orgs: string;
  readonly summary: string;
}

/** One digest message: a window's events (or one part of them), in event order. */
export interface Digest {
  /** Deterministic per subscription, window and part (ULID-shaped), so a re-run composes the same digest. */
  readonly id: string;
  /** When the window was due (ISO). */
  readonly sendAt: string;
  readonly part: number;
  readonly parts: number;
  readonly events: readonly DigestEntry[];
}

/** One delivery of one digest to one webhook or email subscription. */
export interface DigestDeliveryJob {
  readonly kind: 'digest';
  readonly subscriptionId: string;
  readonly ownerSub: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly digest: Digest;
}

/** One delivery (an event or a digest): attempted, retried with backoff, dead-lettered, redriven. */
export type DeliveryJob = EventDeliveryJob | DigestDeliveryJob;

/** Sends the held pushes of one subscription's window that fell due (queued by the sweep). */
export interface ReleaseJob {
  readonly kind: 'release';
  readonly subscriptionId: string;
  readonly ownerSub: string;
  /** The window's send time (ISO). */
  readonly sendAt: string;
}

/** What the deliveries queue carries: deliveries, and releases of due windows. */
export type DeliveryQueueMessage = DeliveryJob | ReleaseJob;

/** The id a delivery is recorded, deduplicated and dead-lettered under: its event's, or its digest's. */
export const deliveryIdOf = (job: DeliveryJob): string => (job.kind === 'digest' ? job.digest.id : job.event.id);

/** A work queue (SQS in AWS). `delaySeconds` ≤ 900. */
export interface JobQueue<T> {
  send(job: T, delaySeconds?: number): Promise<void>;
}

/**
 * What a sealed secret belongs to: bound into the ciphertext (KMS encryption context,
 * AES-GCM additional data), so a sealed value copied onto another subscription cannot be
 * opened there.
 */
export interface SealContext {
  readonly subscriptionId: string;
}

/** Encrypts webhook secrets at rest (KMS in AWS, AES-256-GCM locally), bound to a {@link SealContext}. */
export interface SecretSealer {
  seal(plaintext: string, context: SealContext): Promise<string>;
  /** Fails unless `context` is the one the value was sealed with. */
  open(sealed: string, context: SealContext): Promise<string>;
}

/** An e-mail to send (no personal data: a summary and a link). */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Sent as `Jointly-Event-Id`, so a recipient's system can dedupe. */
  readonly eventId: string;
}

/** Sends e-mail (SES in AWS, `.eml` files locally). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
