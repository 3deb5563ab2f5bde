/**
 * Alerts and webhooks under injected faults, over HTTP against the local runtime: with
 * JOINTLY_FAULT_RATE=0.2 a fifth of publishes and of delivery attempts fail on purpose, the
 * webhook receiver answers 500 to its first 30 requests, and it refuses every event of one
 * "poisoned" referral until the test heals it (so at least one delivery is always
 * dead-lettered and redriven). 1,000 events generated through the API must still end as
 * exactly one inbox alert each and at least one acknowledged webhook POST each, with
 * every failed attempt recorded and the dead letters redriven.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPool } from '#scripts/resilience/common.ts';
import { signatureMatches, signatureTimestamp } from '#test/support/independent-signature.ts';
import { handoffApi, validNhsNumber, type HandoffApi, type Reply, type Who } from '#test/support/handoff-api.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import {
  arrivalSeconds,
  headerOf,
  pollUntil,
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '#test/support/webhook-receiver.ts';

const REFERRALS = 250;
/** Each referral: submitted, accepted, note.added, completed. */
const EVENTS_PER_REFERRAL = 4;
const EVENTS = REFERRALS * EVENTS_PER_REFERRAL;
const IN_FLIGHT = 16;
const FAILING_FIRST_REQUESTS = 30;
/** The one referral whose webhook deliveries fail until healed (only its events carry this service area). */
const POISONED_SERVICE_AREA = 'rapid-response';
const SECRET = 'fi-webhook-secret-0c5e9a17b2d4f863';
const SETTLE_TIMEOUT_MS = 120_000;

let runtime: RuntimeProcess;
let api: HandoffApi;
let receiver: WebhookReceiver;
let poisonHealed = false;

const isPoisoned = (rawBody: string): boolean => {
  try {
    return (JSON.parse(rawBody) as { data?: { serviceArea?: unknown } }).data?.serviceArea === POISONED_SERVICE_AREA;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  receiver = await startWebhookReceiver((request) => {
    if (request.index < FAILING_FIRST_REQUESTS) return 500;
    if (!poisonHealed && isPoisoned(request.rawBody)) return 500;
    return 200;
  });
  // Its own DynamoDB Local (the runtime starts one when given no endpoint, as `npm start`
  // does): a thousand events leave the shared instance slower for every file after this one.
  runtime = await startRuntimeProcess({
    DYNAMODB_ENDPOINT: undefined,
    JOINTLY_FAULT_RATE: '0.2',
    JOINTLY_DELIVERY_BACKOFF_BASE_MS: '50',
  });
  api = handoffApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
  await receiver?.close();
});

const PROVIDE: Who = { sub: 'fi-provide-nurse', org: 'provide', roles: ['practitioner'] };
const ECC: Who = { sub: 'fi-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };
const PM: Who = { sub: 'fi-programme-manager', org: 'ecc', roles: ['programme_manager'] };

const expectStatus = (reply: Reply, status: number) => expect(reply.status, `${reply.status} ${reply.text}`).toBe(status);

/** Throws with the response when the status is not the expected one (inside the pool, where `expect` would be noisy). */
const must = (reply: Reply, status: number, what: string): Reply => {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${reply.text}`);
  return reply;
};

/** One referral's whole life through the API: four events. */
const liveOneReferral = async (serviceArea: string): Promise<string> => {
  const created = must(
    await api.post(PROVIDE, '/referrals', {
      toOrg: 'ecc',
      serviceArea,
      priority: 'routine',
      subject: { nhsNumber: validNhsNumber(), name: 'Fault Injection Person' },
      reason: 'Load under injected faults.',
    }),
    201,
    'create referral',
  );
  const id: string = created.body.id;
  must(await api.post(ECC, `/referrals/${id}/accept`, {}), 200, 'accept');
  must(await api.post(ECC, `/referrals/${id}/notes`, { text: 'Visited; plan agreed with the family.' }), 201, 'note');
  must(await api.post(ECC, `/referrals/${id}/complete`, { outcome: 'care-package-started' }), 200, 'complete');
  return id;
};

interface Delivery {
  eventId: string;
  attempt: number;
  at: string;
  outcome: 'delivered' | 'failed' | 'dead-lettered';
  httpStatus?: number;
  error?: string;
}

/** Event ids the receiver acknowledged (answered 2xx), with how many times each. */
const acknowledgedCounts = (requests: readonly ReceivedRequest[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const r of requests) {
    if (r.status < 200 || r.status >= 300) continue;
    const id = headerOf(r, 'Jointly-Event-Id') ?? '';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
};

/**
 * Per event id: `delivered` if any attempt was; else `dead-lettered` if its latest attempt
 * was; else `pending` (a retry is still to come).
 */
const finalOutcomes = (deliveries: readonly Delivery[]): Map<string, 'delivered' | 'dead-lettered' | 'pending'> => {
  const latest = new Map<string, Delivery>();
  const delivered = new Set<string>();
  for (const d of deliveries) {
    if (d.outcome === 'delivered') delivered.add(d.eventId);
    const seen = latest.get(d.eventId);
    if (!seen || d.at > seen.at || (d.at === seen.at && d.attempt > seen.attempt)) latest.set(d.eventId, d);
  }
  return new Map(
    [...latest].map(
      ([id, d]) => [id, delivered.has(id) ? 'delivered' : d.outcome === 'dead-lettered' ? 'dead-lettered' : 'pending'] as const,
    ),
  );
};

describe(`${EVENTS} events under JOINTLY_FAULT_RATE=0.2: every alert once, every webhook delivered, failures recorded, dead letters redriven`, () => {
  let inboxId: string;
  let webhookId: string;
  let referralIds: string[];
  let eventIds: Set<string>;
  /** The poisoned referral's events that carry its service area: submitted, accepted, completed (a note carries none). */
  let poisonedIds: string[];

  it('the programme manager subscribes to every event (*) on the inbox and on a webhook', async () => {
    // Prepare
    const channels = [{ type: 'inbox' }, { type: 'webhook', url: receiver.url, secret: SECRET }];

    // Act
    const [inbox, webhook] = await Promise.all(channels.map((channel) => api.post(PM, '/subscriptions', { eventTypes: ['*'], channel })));

    // Assess
    expectStatus(inbox!, 201);
    expectStatus(webhook!, 201);
    expect(webhook!.text).not.toContain(SECRET);
    inboxId = inbox!.body.id;
    webhookId = webhook!.body.id;
  });

  it(`${REFERRALS} referrals × (submitted, accepted, note.added, completed), ${IN_FLIGHT} in flight: history holds exactly ${EVENTS} events`, async () => {
    // Prepare: one referral (the first) is the poisoned one; the rest are spread over the other areas.
    const areas = Array.from({ length: REFERRALS }, (_, i) =>
      i === 0 ? POISONED_SERVICE_AREA : i % 2 === 0 ? 'crisis-prevention' : 'joint-referral',
    );

    // Act
    referralIds = await inPool(areas, IN_FLIGHT, (area) => liveOneReferral(area));
    const histories = await inPool(
      referralIds,
      IN_FLIGHT,
      async (id) => must(await api.get(PM, `/referrals/${id}/history`), 200, 'history').body.items as { id: string; type: string }[],
    );

    // Assess
    expect(new Set(referralIds).size).toBe(REFERRALS);
    for (const events of histories)
      expect(events.map((e) => e.type)).toEqual(['referral.submitted', 'referral.accepted', 'note.added', 'referral.completed']);
    eventIds = new Set(histories.flat().map((e) => e.id));
    poisonedIds = histories[0]!.filter((e) => e.type !== 'note.added').map((e) => e.id);
    expect(eventIds.size).toBe(EVENTS);
  }, 150_000);

  it(
    'the inbox ends with exactly one alert per event: the same set of event ids as the histories, none twice',
    async () => {
      // Prepare
      const readAlerts = async () =>
        (await api.allPages(PM, '/alerts?limit=100')).items as { id: string; eventId: string; subscriptionId: string }[];

      // Act
      const alerts = await pollUntil(readAlerts, (all) => all.length >= EVENTS, { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 1_000 });

      // Assess
      expect(alerts).toHaveLength(EVENTS);
      expect(new Set(alerts.map((a) => a.id)).size).toBe(EVENTS);
      expect(alerts.every((a) => a.subscriptionId === inboxId && a.id === `${a.eventId}.${inboxId}`)).toBe(true);
      expect(new Set(alerts.map((a) => a.eventId))).toEqual(eventIds);
    },
    SETTLE_TIMEOUT_MS + 30_000,
  );

  it(
    'every webhook attempt settles (delivered or dead-lettered); failures are recorded: 500s, injected faults, the poisoned referral dead-lettered',
    async () => {
      // Prepare
      const readDeliveries = async () => (await api.allPages(PM, `/subscriptions/${webhookId}/deliveries?limit=100`)).items as Delivery[];
      const settled = (deliveries: Delivery[]) => {
        const outcomes = finalOutcomes(deliveries);
        return [...eventIds].every((id) => outcomes.get(id) === 'delivered' || outcomes.get(id) === 'dead-lettered');
      };

      // Act
      const deliveries = await pollUntil(readDeliveries, settled, { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 2_000 });

      // Assess
      const outcomes = finalOutcomes(deliveries);
      expect([...eventIds].filter((id) => outcomes.get(id) !== 'delivered' && outcomes.get(id) !== 'dead-lettered')).toEqual([]);
      expect(new Set(deliveries.map((d) => d.eventId))).toEqual(eventIds);
      const failed = deliveries.filter((d) => d.outcome === 'failed');
      expect(failed.filter((d) => d.httpStatus === 500).length).toBeGreaterThan(0);
      expect(failed.filter((d) => d.error === 'injected fault').length).toBeGreaterThan(0);
      expect(deliveries.every((d) => d.attempt >= 1 && d.attempt <= 5)).toBe(true);
      const deadLettered = deliveries.filter((d) => d.outcome === 'dead-lettered');
      expect(deadLettered.every((d) => d.attempt === 5)).toBe(true);
      expect(poisonedIds.map((id) => outcomes.get(id))).toEqual(['dead-lettered', 'dead-lettered', 'dead-lettered']);
      expect(receiver.requests.filter((r) => isPoisoned(r.rawBody) && r.status < 300)).toEqual([]);
    },
    SETTLE_TIMEOUT_MS + 30_000,
  );

  it(
    'redrive → 202 with every dead letter queued again; afterwards the receiver has acknowledged every event id, duplicates ≤ 1 %',
    async () => {
      // Prepare
      poisonHealed = true;
      const before = finalOutcomes((await api.allPages(PM, `/subscriptions/${webhookId}/deliveries?limit=100`)).items as Delivery[]);
      const deadBefore = [...before.entries()].filter(([, outcome]) => outcome === 'dead-lettered').map(([id]) => id);

      // Act
      const redrive = await api.post(PM, `/subscriptions/${webhookId}/redrive`);
      const acknowledged = await pollUntil(
        () => acknowledgedCounts(receiver.requests),
        (counts) => [...eventIds].every((id) => counts.has(id)),
        { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 500 },
      );

      // Assess
      expectStatus(redrive, 202);
      expect(redrive.body).toEqual({ redriven: deadBefore.length });
      expect(deadBefore.length).toBeGreaterThanOrEqual(3);
      expect([...eventIds].filter((id) => !acknowledged.has(id))).toEqual([]);
      expect([...acknowledged.keys()].filter((id) => !eventIds.has(id))).toEqual([]);
      const duplicates = [...acknowledged.values()].reduce((sum, n) => sum + n - 1, 0);
      expect(duplicates).toBeLessThanOrEqual(EVENTS / 100);
      // Every request on the wire was signed with the secret and carried its body's event id.
      const unsigned = receiver.requests.filter(
        (r) =>
          !signatureMatches(SECRET, r.rawBody, headerOf(r, 'Jointly-Signature')) ||
          Math.abs(arrivalSeconds(r) - signatureTimestamp(headerOf(r, 'Jointly-Signature'))) > 300 ||
          JSON.parse(r.rawBody).id !== headerOf(r, 'Jointly-Event-Id'),
      );
      expect(unsigned).toEqual([]);
      // And the deliveries now say delivered for every event.
      const after = await pollUntil(
        async () => finalOutcomes((await api.allPages(PM, `/subscriptions/${webhookId}/deliveries?limit=100`)).items as Delivery[]),
        (outcomes) => [...eventIds].every((id) => outcomes.get(id) === 'delivered'),
        { timeoutMs: 30_000, intervalMs: 1_000 },
      );
      expect([...eventIds].filter((id) => after.get(id) !== 'delivered')).toEqual([]);
    },
    SETTLE_TIMEOUT_MS + 60_000,
  );

  it('redriving again finds nothing left: 202 { redriven: 0 }', async () => {
    // Prepare
    const path = `/subscriptions/${webhookId}/redrive`;

    // Act
    const reply = await api.post(PM, path);

    // Assess
    expectStatus(reply, 202);
    expect(reply.body).toEqual({ redriven: 0 });
  });
});
