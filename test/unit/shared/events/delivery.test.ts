import { describe, expect, it } from 'vitest';
import type { AttemptGate, RecordedAttempt, WebhookTransport } from '#shared/subscriptions/domain/ports.ts';
import type { Subscription } from '#shared/subscriptions/domain/subscription.ts';
import {
  AttemptInProgressError,
  backoffDelaySeconds,
  deliver,
  DELIVERY_ERRORS,
  MAX_ATTEMPTS,
  type DeliverDeps,
} from '#shared/subscriptions/domain/delivery.ts';
import type { PublishedEvent } from '#shared/core/event-envelope.ts';
import type { DeliveryJob, DeliveryQueueMessage } from '#shared/core/messaging-ports.ts';
import { LocalSealer } from '#infra/local/adapters/local-sealer.ts';
import { WebhookAddressRefusedError } from '#shared/subscriptions/domain/webhook-url.ts';

const event: PublishedEvent = {
  specVersion: 1,
  id: '01EVENT',
  type: 'referral.submitted',
  seq: 1,
  at: '2026-11-28T00:00:00.000Z',
  actor: { sub: 'pat', org: 'provide', role: 'practitioner' },
  referralId: '01REFERRAL',
  data: { fromOrg: 'provide', toOrg: 'ecc', serviceArea: 'rapid-response', priority: 'urgent', parties: ['provide', 'ecc'] },
};

const webhook: Subscription = {
  id: 'S1',
  ownerSub: 'owner',
  ownerOrg: 'ecc',
  eventTypes: ['*'],
  filters: {},
  channel: { type: 'webhook', url: 'http://127.0.0.1:9/hook', sealedSecret: 'sealed:secret' },
  createdAt: '2026-11-01T00:00:00.000Z',
  expiresAt: '2999-01-01T00:00:00.000Z',
};

/** A webhook transport over a fake `fetch` (the pinned transport opens real sockets). */
const fetchTransport = (doFetch: typeof fetch): WebhookTransport => ({
  post: async (url, request) => {
    const response = await doFetch(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: request.signal,
    });
    await response.body?.cancel().catch(() => undefined);
    return response.status;
  },
});

/** The delivery with in-memory fakes; override any dependency (`fetch`: what the receiver answers). */
const setup = (
  { fetch: doFetch = async () => new Response(null, { status: 204 }), ...overrides }: Partial<DeliverDeps> & { fetch?: typeof fetch } = {},
  options: { subscription?: Subscription | undefined; gate?: AttemptGate } = {},
) => {
  const recorded: RecordedAttempt[] = [];
  const queued: { job: DeliveryQueueMessage; delaySeconds: number | undefined }[] = [];
  const statuses: string[] = [];
  const deadLetters: { job: DeliveryJob; lastError: string }[] = [];
  const deps: DeliverDeps = {
    repository: {
      getSubscription: async () => ('subscription' in options ? options.subscription : webhook),
      beginAttempt: async () => options.gate ?? 'proceed',
      recordAttempt: async (a) => void recorded.push(a),
      setStatus: async (_s, _e, _n, status) => void statuses.push(status),
      deadLetter: async (job, lastError) => void deadLetters.push({ job, lastError }),
    },
    deliveryQueue: { send: async (job, delaySeconds) => void queued.push({ job, delaySeconds }) },
    sealer: { seal: async (s) => `sealed:${s}`, open: async (s) => s.replace(/^sealed:/, '') },
    mailer: { send: async () => undefined },
    webhookPolicy: 'allow-loopback',
    appBaseUrl: 'https://app.test',
    backoffBaseMs: 2000,
    webhookTransport: fetchTransport(doFetch),
    ...overrides,
  };
  return { deps, recorded, queued, statuses, deadLetters };
};

const job = (attempt = 1): DeliveryJob => ({ subscriptionId: 'S1', ownerSub: 'owner', attempt, event });

describe('backoffDelaySeconds', () => {
  it('doubles from the base (2, 4, 8, 16 s by default), rounds up to whole seconds and stops at 900', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelaySeconds(n))).toEqual([2, 4, 8, 16]);
    expect([1, 2, 3, 4].map((n) => backoffDelaySeconds(n, 50))).toEqual([1, 1, 1, 1]);
    expect(backoffDelaySeconds(3, 300)).toBe(2);
    expect(backoffDelaySeconds(20)).toBe(900);
    expect(backoffDelaySeconds(1, 0)).toBe(0);
  });
});

describe('deliver', () => {
  it('records a receiver that does not answer within the timeout as a timeout failure and queues the next attempt with backoff', async () => {
    // Prepare: a fetch that only ends when its signal aborts
    const hanging = ((_: unknown, init?: RequestInit) =>
      new Promise((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)))) as typeof fetch;
    const { deps, recorded, queued, statuses } = setup({ fetch: hanging, timeoutMs: 20 });

    // Act
    const result = await deliver(job(2), deps);

    // Assess
    expect(result).toEqual({ status: 'retry-queued', attempt: 2, error: 'timeout' });
    expect(recorded).toMatchObject([{ attempt: 2, outcome: 'failed', error: 'timeout' }]);
    expect(queued).toEqual([{ job: job(3), delaySeconds: 4 }]);
    expect(statuses).toEqual(['retrying']);
  });

  it('fails the attempt (never calls out) when the sealed secret cannot be opened', async () => {
    // Prepare
    let called = false;
    const { deps, recorded } = setup({
      sealer: { seal: async (s) => s, open: async () => Promise.reject(new Error('tampered')) },
      fetch: (async () => {
        called = true;
        return new Response(null);
      }) as typeof fetch,
    });

    // Act
    await deliver(job(), deps);

    // Assess
    expect(called).toBe(false);
    expect(recorded).toMatchObject([{ outcome: 'failed', error: 'secret could not be opened' }]);
  });

  it('dead-letters the last attempt: recorded as dead-lettered, filed for redrive, nothing re-queued', async () => {
    // Prepare
    const { deps, recorded, queued, deadLetters } = setup({ fetch: (async () => new Response('oops', { status: 503 })) as typeof fetch });

    // Act
    const result = await deliver(job(MAX_ATTEMPTS), deps);

    // Assess
    expect(result).toMatchObject({ status: 'dead-lettered', httpStatus: 503 });
    expect(recorded).toMatchObject([{ attempt: MAX_ATTEMPTS, outcome: 'dead-lettered', httpStatus: 503, error: 'HTTP 5xx' }]);
    expect(queued).toEqual([]);
    expect(deadLetters).toEqual([{ job: job(MAX_ATTEMPTS), lastError: 'HTTP 5xx' }]);
  });

  it('drops a duplicate quietly and makes a copy of an attempt under way retry later', async () => {
    // Prepare
    const duplicate = setup({}, { gate: 'duplicate' });
    const busy = setup({}, { gate: 'busy' });

    // Act
    const dropped = await deliver(job(), duplicate.deps);
    const retried = deliver(job(), busy.deps);

    // Assess
    expect(dropped).toEqual({ status: 'duplicate' });
    expect(duplicate.recorded).toEqual([]);
    await expect(retried).rejects.toBeInstanceOf(AttemptInProgressError);
    expect(busy.recorded).toEqual([]);
  });

  it('drops a job whose subscription is gone, or is an inbox, without recording anything', async () => {
    // Prepare
    const gone = setup({}, { subscription: undefined });
    const inbox = setup({}, { subscription: { ...webhook, channel: { type: 'inbox' } } });

    // Act
    const results = [await deliver(job(), gone.deps), await deliver(job(), inbox.deps)];

    // Assess
    expect(results).toEqual([
      { status: 'dropped', reason: 'subscription-deleted' },
      { status: 'dropped', reason: 'not-deliverable' },
    ]);
    expect([...gone.recorded, ...inbox.recorded]).toEqual([]);
  });

  it('records what its call-out wrapper returns: a wrapper may decide an attempt without calling out', async () => {
    // Prepare
    let calls = 0;
    const decided = [true, false];
    const { deps, recorded } = setup({
      callOut: (send) => (decided.shift() ? Promise.resolve({ ok: false, error: 'decided by the wrapper' }) : send()),
      fetch: (async () => (calls++, new Response(null, { status: 200 }))) as typeof fetch,
    });

    // Act
    await deliver(job(1), deps);
    await deliver(job(2), deps);

    // Assess
    expect(recorded.map((r) => [r.attempt, r.outcome, r.error])).toEqual([
      [1, 'failed', 'decided by the wrapper'],
      [2, 'delivered', undefined],
    ]);
    expect(calls).toBe(1);
  });

  it('sends an e-mail with the summary as subject, a link to the referral and the event id', async () => {
    // Prepare
    const sent: unknown[] = [];
    const { deps } = setup(
      { mailer: { send: async (m) => void sent.push(m) }, appBaseUrl: 'https://app.test/' },
      {
        subscription: { ...webhook, channel: { type: 'email', address: 'pm@example.org' } },
      },
    );

    // Act
    await deliver(job(), deps);

    // Assess
    expect(sent).toEqual([
      {
        to: 'pm@example.org',
        subject: 'Referral submitted: provide → ecc (rapid-response, urgent)',
        text: expect.stringContaining('https://app.test/console/referrals/01REFERRAL'),
        eventId: '01EVENT',
      },
    ]);
  });
});

describe('deliver: the reasons a subscriber reads are coarse', () => {
  const rejectingWith = (cause: unknown) => (async () => Promise.reject(new TypeError('fetch failed', { cause }))) as typeof fetch;
  const answering = (status: number) => (async () => new Response(null, { status })) as typeof fetch;

  it.each([
    [
      'a refused connection (ECONNREFUSED)',
      { fetch: rejectingWith(Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { code: 'ECONNREFUSED' })) },
      'connection failed',
      undefined,
    ],
    [
      'an unknown host (ENOTFOUND)',
      { fetch: rejectingWith(Object.assign(new Error('getaddrinfo ENOTFOUND intranet.corp'), { code: 'ENOTFOUND' })) },
      'connection failed',
      undefined,
    ],
    [
      'a reset (ECONNRESET)',
      { fetch: rejectingWith(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })) },
      'connection failed',
      undefined,
    ],
    [
      'a refused address at connect time',
      { fetch: rejectingWith(new WebhookAddressRefusedError('resolves to 169.254.169.254')) },
      'address not allowed',
      undefined,
    ],
    ['a URL the policy refuses', { webhookPolicy: 'public-https' as const }, 'address not allowed', undefined],
    ['a 404', { fetch: answering(404) }, 'HTTP 4xx', 404],
    ['a 502', { fetch: answering(502) }, 'HTTP 5xx', 502],
    ['a 301', { fetch: answering(301) }, 'redirect not followed', 301],
  ] as const)('records %s as "%s"', async (_, overrides, error, httpStatus) => {
    // Prepare
    const { deps, recorded } = setup(overrides);

    // Act
    await deliver(job(), deps);

    // Assess
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.error).toBe(error);
    expect(recorded[0]!.httpStatus).toBe(httpStatus);
    expect(Object.values(DELIVERY_ERRORS).includes(recorded[0]!.error as never) || /^HTTP [45]xx$/.test(recorded[0]!.error!)).toBe(true);
    expect(recorded[0]!.error).not.toMatch(/E[A-Z]{4,}|\d+\.\d+\.\d+\.\d+|intranet/);
  });

  it('opens the secret with the job’s subscription as context: a secret sealed for another subscription is not used', async () => {
    // Prepare: a real sealer; the stored value was sealed for subscription S2, then copied onto S1
    const sealer = new LocalSealer('c3'.repeat(32));
    const copied: Subscription = {
      ...webhook,
      channel: { type: 'webhook', url: 'http://127.0.0.1:9/hook', sealedSecret: await sealer.seal('s2-secret', { subscriptionId: 'S2' }) },
    };
    let called = false;
    const { deps, recorded } = setup(
      {
        sealer,
        fetch: (async () => {
          called = true;
          return new Response(null);
        }) as typeof fetch,
      },
      { subscription: copied },
    );

    // Act
    await deliver(job(), deps);

    // Assess
    expect(called).toBe(false);
    expect(recorded).toMatchObject([{ outcome: 'failed', error: 'secret could not be opened' }]);
  });
});
