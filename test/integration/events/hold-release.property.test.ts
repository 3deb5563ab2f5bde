/**
 * Quiet hours and digests are exactly-once, on DynamoDB Local: for any interleaving of
 * events, redelivered events, concurrent fan-outs, sweeps, duplicated release jobs, failing
 * and retried sends and the clock moving on, every event reaches a digest subscription in
 * exactly one digest, and a quiet-hours subscription exactly once (held and released, or at
 * once), none lost and none twice; afterwards nothing is left held and no window is left.
 *
 * The real fan-out, release, delivery and window sweep run on the real repository; only the
 * receiver (a webhook transport that answers 200 or, when told to, 500), the clock and
 * crashes (a release stopping after a send, before it forgets what it sent) are the test's.
 */
import fc from 'fast-check';
import { monotonicFactory } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedEvent } from '#shared/core/event-envelope.ts';
import type { DeliveryQueueMessage, JobQueue } from '#shared/core/messaging-ports.ts';
import { DynamoDeliveryRepository } from '#shared/subscriptions/data/delivery-repository.ts';
import { readDeadLetters } from '#shared/subscriptions/data/subscription-collections.ts';
import { deliver, type DeliverDeps } from '#shared/subscriptions/domain/delivery.ts';
import { fanOut } from '#shared/subscriptions/domain/fan-out.ts';
import { releaseWindow } from '#shared/subscriptions/domain/release.ts';
import type { Subscription } from '#shared/subscriptions/domain/subscription.ts';
import { queueDueReleases } from '#shared/subscriptions/domain/window-sweep.ts';
import { publishedEvent, storeSubscriptions, subscription } from '#test/support/event-fixtures.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

let table: TestTable;
let repository: DynamoDeliveryRepository;

beforeAll(async () => {
  table = await createTestTable('hold-release');
  repository = new DynamoDeliveryRepository({ client: table.documentClient, tableName: table.tableName });
});

afterAll(async () => {
  await table?.drop();
});

/** Windows are {@link WINDOW_SECONDS} long, so a run's clock crosses several. */
const WINDOW_SECONDS = 30;
/** 06:58 in London in January: the quiet hours (20:00–07:00) end two minutes in. */
const START = Date.parse('2027-01-11T06:58:00.000Z');

type Action =
  /** `lag`: the fan-out's clock runs this many seconds behind (a slow or skewed worker). */
  | { readonly kind: 'publish'; readonly lag: number }
  | { readonly kind: 'redeliver'; readonly pick: number; readonly lag: number }
  | { readonly kind: 'tick'; readonly seconds: number }
  | { readonly kind: 'sweep' }
  | { readonly kind: 'work'; readonly duplicate: boolean }
  | { readonly kind: 'fail'; readonly posts: number }
  /** The next release stops after a send, before forgetting what it sent (a crash there). */
  | { readonly kind: 'crash' };

/** Mostly none; sometimes up to a window and a half behind. */
const lagArb = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 45 }) });

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: lagArb.map((lag) => ({ kind: 'publish', lag }) as const) },
  { weight: 2, arbitrary: fc.tuple(fc.nat(50), lagArb).map(([pick, lag]) => ({ kind: 'redeliver', pick, lag }) as const) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 45 }).map((seconds) => ({ kind: 'tick', seconds }) as const) },
  { weight: 2, arbitrary: fc.constant({ kind: 'sweep' } as const) },
  { weight: 3, arbitrary: fc.boolean().map((duplicate) => ({ kind: 'work', duplicate }) as const) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((posts) => ({ kind: 'fail', posts }) as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' } as const) },
);

/** Steps of one to three actions each; the actions of a step run at once. */
const scriptArb = fc.array(fc.array(actionArb, { minLength: 1, maxLength: 3 }), { minLength: 5, maxLength: 30 });

/** One run's world: the clock, the queue, the receiver. */
const world = async () => {
  const newId = monotonicFactory();
  let clock = START;
  const now = () => new Date(clock);
  const queue: DeliveryQueueMessage[] = [];
  const deliveryQueue: JobQueue<DeliveryQueueMessage> = { send: async (job) => void queue.push(job) };
  let failing = 0;
  let crashes = 0;
  // The real repository, but forgetting sent pushes fails when a crash is due.
  const crashing: DynamoDeliveryRepository = Object.assign(Object.create(repository) as DynamoDeliveryRepository, {
    removeHeld: async (...args: Parameters<DynamoDeliveryRepository['removeHeld']>) => {
      if (crashes > 0) {
        crashes -= 1;
        throw new Error('crashed before forgetting what was sent');
      }
      return repository.removeHeld(...args);
    },
  });
  const received: { eventId: string; body: Record<string, unknown> }[] = [];
  // Each run's subscriptions hear only its own organisation's events (the table is shared by the runs).
  const org = `org-${newId().toLowerCase().slice(-8)}`;
  const webhook = (extra: Partial<Subscription>): Subscription =>
    subscription({
      eventTypes: ['referral.*'],
      filters: { orgs: [org] },
      channel: { type: 'webhook', url: 'http://127.0.0.1/hook', sealedSecret: 'sealed:prop-test-secret-0123456789' },
      ...extra,
    });
  const digest = webhook({ delivery: { mode: 'digest', schedule: 'hourly', timeZone: 'Europe/London' } });
  const quiet = webhook({ quietHours: { start: '20:00', end: '07:00', timeZone: 'Europe/London' } });
  await storeSubscriptions(table.documentClient, table.tableName, digest, quiet);
  const deps: DeliverDeps & { repository: DynamoDeliveryRepository } = {
    repository: crashing,
    deliveryQueue,
    sealer: { seal: async (s) => `sealed:${s}`, open: async (s) => s.replace(/^sealed:/, '') },
    mailer: { send: async () => undefined },
    webhookTransport: {
      post: async (_url, request) => {
        if (failing > 0) {
          failing -= 1;
          return 500;
        }
        received.push({ eventId: request.headers['Jointly-Event-Id']!, body: JSON.parse(request.body) });
        return 200;
      },
    },
    webhookPolicy: 'allow-loopback',
    appBaseUrl: 'https://app.test',
    backoffBaseMs: 0,
    now,
  };
  const published: PublishedEvent[] = [];
  const fanOutOf = (event: PublishedEvent, lag: number) =>
    fanOut(event, {
      repository,
      deliveryQueue,
      now: () => new Date(clock - lag * 1000),
      holdOptions: { windowSeconds: WINDOW_SECONDS },
    }).catch(() => undefined);
  const work = async (duplicate: boolean): Promise<void> => {
    const job = duplicate ? queue[0] : queue.shift();
    if (!job) return;
    // A failed job stays on the queue (SQS redelivers it), as a duplicated one does.
    try {
      if (job.kind === 'release') await releaseWindow(job, deps);
      else await deliver(job, deps);
    } catch {
      if (!duplicate) queue.push(job);
    }
  };
  const run = async (action: Action): Promise<void> => {
    switch (action.kind) {
      case 'publish': {
        const event = publishedEvent({
          id: newId(clock),
          at: now().toISOString(),
          type: 'referral.submitted',
          data: { fromOrg: org, toOrg: 'ecc', parties: [org, 'ecc'], serviceArea: 'joint-referral', priority: 'routine' },
        });
        published.push(event);
        return void (await fanOutOf(event, action.lag));
      }
      case 'redeliver':
        if (published.length > 0) await fanOutOf(published[action.pick % published.length]!, action.lag);
        return;
      case 'tick':
        clock += action.seconds * 1000;
        return;
      case 'sweep':
        return void (await queueDueReleases(now(), { repository, deliveryQueue }));
      case 'work':
        return work(action.duplicate);
      case 'fail':
        failing += action.posts;
        return;
      case 'crash':
        crashes += 1;
        return;
    }
  };
  /** After the script: the receiver heals, the clock moves a day on, every window is released and every dead letter redriven. */
  const settle = async (): Promise<void> => {
    failing = 0;
    crashes = 0;
    for (let round = 0; round < 50; round++) {
      clock += 24 * 3600 * 1000;
      await queueDueReleases(now(), { repository, deliveryQueue });
      for (const s of [digest, quiet]) {
        for (const letter of await readDeadLetters({ client: table.documentClient, tableName: table.tableName }, s.id, 250))
          queue.push({ ...letter.job, attempt: 1 });
      }
      while (queue.length > 0) await work(false);
      const left = await Promise.all([digest, quiet].map((s) => repository.latestWindow(s.id)));
      if (left.every((window) => window === undefined) && queue.length === 0) break;
    }
  };
  return { run, settle, published, received, digest, quiet };
};

describe('holds and releases, under any interleaving', () => {
  it('every event in exactly one digest and exactly one quiet-hours delivery; nothing left held', async () => {
    await fc.assert(
      fc.asyncProperty(scriptArb, async (script) => {
        // Prepare
        const w = await world();

        // Act
        for (const step of script) await Promise.all(step.map((action) => w.run(action)));
        // Every event published is fanned out once more at the end (the last redelivery).
        for (const event of w.published) await w.run({ kind: 'redeliver', pick: w.published.indexOf(event), lag: 0 });
        await w.settle();

        // Assess
        const ids = w.published.map((e) => e.id).sort();
        const digests = new Map<string, string[]>();
        for (const r of w.received.filter((x) => x.body.type === 'digest' && x.body.subscriptionId === w.digest.id)) {
          digests.set(
            r.eventId,
            (r.body.events as { id: string }[]).map((e) => e.id),
          );
        }
        const inDigests = [...digests.values()].flat().sort();
        expect(inDigests).toEqual(ids);
        const quietDeliveries = w.received.filter((x) => x.body.type !== 'digest').map((x) => x.eventId);
        expect([...new Set(quietDeliveries)].sort()).toEqual(ids);
        expect(quietDeliveries).toHaveLength(ids.length);
        for (const s of [w.digest, w.quiet]) expect(await repository.latestWindow(s.id)).toBeUndefined();
      }),
      { numRuns: 12, endOnFailure: true },
    );
  }, 120_000);
});
