/**
 * One attempt to deliver one event to one webhook or email subscription (DESIGN §4):
 * checked, signed, sent, recorded; on failure re-queued with exponential backoff until
 * the last attempt, then dead-lettered for redrive. A job carries no secrets: the
 * subscription is re-read at every attempt (a deleted one drops the job).
 */
import * as z from '../../core/zod.ts';
import { referralPageUrl } from '../../core/console-links.ts';
import { summaryOf, type Subscription } from './subscription.ts';
import { PublishedEventSchema } from '../../core/event-envelope.ts';
import {
  deliveryIdOf,
  type DeliveryJob,
  type DeliveryQueueMessage,
  type JobQueue,
  type Mailer,
  type SecretSealer,
} from '../../core/messaging-ports.ts';
import { digestEmail, digestWebhookBody } from './digest.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from './webhook-signature.ts';
import { backportIdOnlyNotification } from '../../fhir/domain/subscription-notification.ts';
import type { DeliveryOutcome, DeliveryRepository, WebhookRequest, WebhookTransport } from './ports.ts';
import { checkWebhookUrlSyntax, WebhookAddressRefusedError, type WebhookPolicy } from './webhook-url.ts';

/** Attempts per delivery before it is dead-lettered. */
export const MAX_ATTEMPTS = 5;

/** SQS's longest message delay. */
export const MAX_DELAY_SECONDS = 900;

/** Default backoff base: 2 s, 4 s, 8 s, 16 s between the five attempts. */
export const DEFAULT_BACKOFF_BASE_MS = 2000;

/** A webhook receiver has this long to answer. */
export const WEBHOOK_TIMEOUT_MS = 5000;

/**
 * How long an attempt is exclusive: a copy of its message arriving meanwhile is retried,
 * not repeated. It must outlast the deliver function's timeout (a unit test holds it to the
 * deployed settings, test/unit/infra/function-budgets.test.ts), so an attempt still marked
 * under way after that died or timed out mid-way and may be taken over.
 */
export const ATTEMPT_LEASE_MS = 30_000;

/**
 * Delay before the attempt after `failedAttempt`: `base × 2^(failedAttempt−1)`, in whole
 * seconds (SQS `DelaySeconds`), rounded up, at most 900.
 */
export const backoffDelaySeconds = (failedAttempt: number, baseMs: number = DEFAULT_BACKOFF_BASE_MS): number =>
  Math.min(MAX_DELAY_SECONDS, Math.ceil((baseMs * 2 ** (failedAttempt - 1)) / 1000));

const jobFields = {
  subscriptionId: z.string().check(z.minLength(1)),
  ownerSub: z.string().check(z.minLength(1)),
};
const attemptField = { attempt: z.number().check(z.int(), z.gte(1), z.lte(MAX_ATTEMPTS)) };

const DigestEntrySchema = z.object({
  id: z.string(),
  type: z.string(),
  at: z.string(),
  referralId: z.string(),
  handoffId: z.optional(z.string()),
  orgs: z.string(),
  summary: z.string(),
});

/** A message of the deliveries queue as it arrives: an event's or a digest's delivery, or a window's release. */
export const DeliveryQueueMessageSchema = z.union([
  z.object({ ...jobFields, ...attemptField, kind: z.optional(z.literal('event')), event: PublishedEventSchema }),
  z.object({
    ...jobFields,
    ...attemptField,
    kind: z.literal('digest'),
    digest: z.object({
      id: z.string().check(z.minLength(1)),
      sendAt: z.string(),
      part: z.number().check(z.int(), z.gte(1)),
      parts: z.number().check(z.int(), z.gte(1)),
      events: z.array(DigestEntrySchema).check(z.minLength(1)),
    }),
  }),
  z.object({ ...jobFields, kind: z.literal('release'), sendAt: z.iso.datetime() }),
]);

/** Attempt `n` of this delivery is being made by another invocation; the message is retried. */
export class AttemptInProgressError extends Error {
  override readonly name = 'AttemptInProgressError';
}

/** What a delivery needs. */
export interface DeliverDeps {
  readonly repository: Pick<DeliveryRepository, 'getSubscription' | 'beginAttempt' | 'recordAttempt' | 'setStatus' | 'deadLetter'>;
  /** Where retries (and a release going on where it stopped) are queued. */
  readonly deliveryQueue: JobQueue<DeliveryQueueMessage>;
  readonly sealer: SecretSealer;
  readonly mailer: Mailer;
  /** Sends webhook POSTs (the pinned transport, which checks every address it connects to). */
  readonly webhookTransport: WebhookTransport;
  readonly webhookPolicy: WebhookPolicy;
  /** Base URL alert e-mails link to. */
  readonly appBaseUrl: string;
  readonly backoffBaseMs: number;
  /**
   * Makes an attempt's call-out (the webhook request or the e-mail), once the attempt is
   * claimed and before it is recorded: given the call-out, returns what is recorded.
   * Default: calls out. The local runtime wraps it to fail some attempts on purpose.
   */
  readonly callOut?: (send: () => Promise<AttemptResult>) => Promise<AttemptResult>;
  readonly random?: () => number;
  readonly now?: () => Date;
  readonly timeoutMs?: number;
}

/** What became of a job. */
export type DeliverResult =
  | { readonly status: 'dropped'; readonly reason: 'subscription-deleted' | 'subscription-disabled' | 'not-deliverable' }
  | { readonly status: 'duplicate' }
  | { readonly status: DeliveryOutcome | 'retry-queued'; readonly attempt: number; readonly httpStatus?: number; readonly error?: string };

/** What one attempt's call-out came to: recorded as the attempt's outcome, status and reason. */
export type AttemptResult = { readonly ok: boolean; readonly httpStatus?: number; readonly error?: string };

const failure = (error: string, httpStatus?: number): AttemptResult => ({
  ok: false,
  error,
  ...(httpStatus !== undefined ? { httpStatus } : {}),
});

/**
 * The coarse reasons a subscriber may read in `GET /subscriptions/{id}/deliveries`. Never
 * an errno name, resolver message or address: those would let a subscriber map the
 * network behind the delivery worker (ECONNREFUSED vs ETIMEDOUT vs ENOTFOUND per target).
 */
export const DELIVERY_ERRORS = {
  addressNotAllowed: 'address not allowed',
  connectionFailed: 'connection failed',
  timeout: 'timeout',
  redirect: 'redirect not followed',
  secret: 'secret could not be opened',
} as const;

/** Whether `error` or anything in its `cause` chain is a refused address. */
const isRefusedAddress = (error: unknown): boolean => {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof WebhookAddressRefusedError || (e as { code?: unknown }).code === 'EJOINTLY_ADDRESS_REFUSED') return true;
  }
  return false;
};

/** A short, safe reason for a failed request: one of {@link DELIVERY_ERRORS}, nothing else. */
const requestFailure = (error: unknown): AttemptResult => {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return failure(DELIVERY_ERRORS.timeout);
  if (isRefusedAddress(error)) return failure(DELIVERY_ERRORS.addressNotAllowed);
  return failure(DELIVERY_ERRORS.connectionFailed);
};

/** The recorded reason of a non-2xx answer: its class only (`HTTP 4xx`, `HTTP 5xx`); the exact status is `httpStatus`. */
const statusFailure = (status: number): AttemptResult =>
  status >= 300 && status < 400 ? failure(DELIVERY_ERRORS.redirect, status) : failure(`HTTP ${Math.floor(status / 100)}xx`, status);

const postWebhook = async (
  channel: Extract<Subscription['channel'], { type: 'webhook' }>,
  job: DeliveryJob,
  deps: DeliverDeps,
  now: Date,
): Promise<AttemptResult> => {
  let url: URL;
  try {
    // Again at every attempt: the policy may be stricter than when the subscription was made.
    // The addresses are checked when the socket is opened (pinned lookup), so DNS changing
    // between subscribing and delivering, or between a check and the connect, cannot help.
    url = checkWebhookUrlSyntax(channel.url, deps.webhookPolicy);
  } catch {
    return failure(DELIVERY_ERRORS.addressNotAllowed);
  }
  let secret: string;
  try {
    secret = await deps.sealer.open(channel.sealedSecret, { subscriptionId: job.subscriptionId });
  } catch {
    return failure(DELIVERY_ERRORS.secret);
  }
  // Our event JSON, the FHIR Backport notification of it, or a digest: signed, retried and recorded alike.
  const fhir = channel.payload === 'fhir-r4-backport-id-only' && job.kind !== 'digest';
  const body = JSON.stringify(
    job.kind === 'digest'
      ? digestWebhookBody(job.subscriptionId, job.digest)
      : fhir
        ? backportIdOnlyNotification(job.subscriptionId, job.event)
        : job.event,
  );
  const request: WebhookRequest = {
    headers: {
      'Content-Type': fhir ? 'application/fhir+json' : 'application/json',
      [SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor(now.getTime() / 1000)),
      [EVENT_ID_HEADER]: deliveryIdOf(job),
    },
    body,
    signal: AbortSignal.timeout(deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
  };
  let status: number;
  try {
    status = await deps.webhookTransport.post(url, request);
  } catch (error) {
    return requestFailure(error);
  }
  if (status >= 200 && status < 300) return { ok: true, httpStatus: status };
  return statusFailure(status);
};

const sendEmail = async (
  channel: Extract<Subscription['channel'], { type: 'email' }>,
  job: DeliveryJob,
  deps: DeliverDeps,
): Promise<AttemptResult> => {
  let message: { subject: string; text: string };
  if (job.kind === 'digest') message = digestEmail(job.digest, deps.appBaseUrl);
  else {
    const summary = summaryOf(job.event);
    const link = referralPageUrl(deps.appBaseUrl, job.event.referralId);
    message = {
      subject: summary,
      text: `${summary}\n\nOpen it in Jointly: ${link}\n\nYou receive this because you subscribed to Jointly alerts.\n`,
    };
  }
  try {
    await deps.mailer.send({ to: channel.address, ...message, eventId: deliveryIdOf(job) });
    return { ok: true };
  } catch (error) {
    return failure(`mail not sent (${(error as Error)?.name ?? 'Error'})`);
  }
};

/**
 * Makes attempt `job.attempt`. Returns what became of it; throws only when the outcome
 * could not be stored or the next attempt could not be queued (the message is retried).
 */
export const deliver = async (job: DeliveryJob, deps: DeliverDeps): Promise<DeliverResult> => {
  const clock = deps.now ?? (() => new Date());
  const subscription = await deps.repository.getSubscription(job.ownerSub, job.subscriptionId);
  if (!subscription) return { status: 'dropped', reason: 'subscription-deleted' };
  // A programme manager's disable stops deliveries already queued or retrying too.
  if (subscription.status === 'disabled') return { status: 'dropped', reason: 'subscription-disabled' };
  const { channel } = subscription;
  if (channel.type === 'inbox') return { status: 'dropped', reason: 'not-deliverable' };

  const started = clock();
  const deliveryId = deliveryIdOf(job);
  const gate = await deps.repository.beginAttempt(job.subscriptionId, deliveryId, job.attempt, started, ATTEMPT_LEASE_MS);
  if (gate === 'duplicate') return { status: 'duplicate' };
  if (gate === 'busy') throw new AttemptInProgressError(`Attempt ${job.attempt} is under way elsewhere.`);

  const send = (): Promise<AttemptResult> =>
    channel.type === 'webhook' ? postWebhook(channel, job, deps, started) : sendEmail(channel, job, deps);
  const result = await (deps.callOut ? deps.callOut(send) : send());

  const outcome: DeliveryOutcome = result.ok ? 'delivered' : job.attempt < MAX_ATTEMPTS ? 'failed' : 'dead-lettered';
  // Recorded first, so an attempt that was made is in the history even if what follows fails.
  await deps.repository.recordAttempt({
    subscriptionId: job.subscriptionId,
    eventId: deliveryId,
    ...(job.kind === 'digest' ? { digestId: deliveryId, eventCount: job.digest.events.length } : {}),
    attempt: job.attempt,
    at: started.toISOString(),
    outcome,
    ...(result.httpStatus !== undefined ? { httpStatus: result.httpStatus } : {}),
    ...(result.error !== undefined ? { error: result.error } : {}),
  });
  const detail = {
    attempt: job.attempt,
    ...(result.httpStatus !== undefined ? { httpStatus: result.httpStatus } : {}),
    ...(result.error !== undefined ? { error: result.error } : {}),
  };

  if (outcome === 'delivered') {
    await deps.repository.setStatus(job.subscriptionId, deliveryId, job.attempt, 'delivered', clock());
    return { status: 'delivered', ...detail };
  }
  if (outcome === 'failed') {
    await deps.deliveryQueue.send({ ...job, attempt: job.attempt + 1 }, backoffDelaySeconds(job.attempt, deps.backoffBaseMs));
    await deps.repository.setStatus(job.subscriptionId, deliveryId, job.attempt, 'retrying', clock());
    return { status: 'retry-queued', ...detail };
  }
  await deps.repository.deadLetter(job, result.error ?? 'failed', clock());
  return { status: 'dead-lettered', ...detail };
};
