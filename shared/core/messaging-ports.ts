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
export interface DeliveryJob {
  readonly subscriptionId: string;
  readonly ownerSub: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly event: PublishedEvent;
}

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
