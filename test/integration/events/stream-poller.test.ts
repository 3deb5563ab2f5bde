/**
 * The local stream poller on Amazon's DynamoDB Local, feeding the real publisher handler:
 * every committed event is published exactly once, in `seq` order per referral — across a
 * poller restart from its saved position, and with publishes failing on purpose
 * (JOINTLY_FAULT_RATE 0.3) and retried. Nothing but event items is published.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { failingPublishes } from '#infra/local/event-faults.ts';
import { publisherHandler } from '#shared/wiring/publisher.ts';
import { StreamPoller, type StreamPollerOptions } from '#infra/local/stream-poller.ts';
import { ORGANISATIONS } from '#shared/core/organisations.ts';
import { DynamoReferralRepository } from '#shared/referrals/data/referral-repository.ts';
import { HandoffService } from '#shared/referrals/domain/handoff-service.ts';
import { DEFAULT_PRIORITY_TARGET_MINUTES } from '#shared/core/reference-data.ts';
import { ReferralService } from '#shared/referrals/domain/referral-service.ts';
import type { EventBus } from '#shared/core/messaging-ports.ts';
import { logger } from '#shared/platform/http/logger.ts';
import { caller, newReferral } from '#test/support/referral-fixtures.ts';
import { CapturingBus } from '#test/support/stream-records.ts';
import { createTestTable, type TestTable } from '#test/support/table.ts';

const provide = caller('pat', 'provide');
const ecc = caller('eve', 'ecc');
const meht = caller('max', 'meht');

let table: TestTable;
let repository: DynamoReferralRepository;
let referrals: ReferralService;
let handoffs: HandoffService;
const pollers: StreamPoller[] = [];

beforeEach(async () => {
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  table = await createTestTable('stream-poller');
  repository = new DynamoReferralRepository({ client: table.documentClient, tableName: table.tableName, subjectHashKey: 'k'.repeat(32) });
  const common = {
    repository,
    priorityTargetMinutes: DEFAULT_PRIORITY_TARGET_MINUTES,
    organisations: ORGANISATIONS.map((o) => o.id),
    newId: ulid,
    retryDelayMs: () => 0,
  };
  referrals = new ReferralService(common);
  handoffs = new HandoffService(common);
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
  await table?.drop();
  vi.restoreAllMocks();
});

/** A poller on the test table publishing into `bus` (fast polling and retries for tests). */
const pollerFor = (bus: EventBus, options: Partial<StreamPollerOptions> & { faultRate?: number } = {}): StreamPoller => {
  const { faultRate = 0, ...rest } = options;
  const poller = new StreamPoller({
    endpoint: table.endpoint,
    tableName: table.tableName,
    handler: publisherHandler({ bus: faultRate > 0 ? failingPublishes(bus, faultRate) : bus }),
    idlePollMs: 50,
    retryBaseMs: 5,
    retryMaxMs: 50,
    ...rest,
  });
  pollers.push(poller);
  return poller;
};

/**
 * Real traffic on `count` referrals: creates, concurrent notes, reads (access-log items:
 * not events), info requested and provided, accept, a declined handoff, completion.
 */
const traffic = async (count: number): Promise<string[]> =>
  Promise.all(
    Array.from({ length: count }, async () => {
      const { id } = await referrals.submit(provide, newReferral());
      await Promise.all([
        referrals.addNote(provide, id, 'Called the family'),
        referrals.addNote(ecc, id, 'Triage booked'),
        referrals.get(ecc, id),
      ]);
      await referrals.act(ecc, id, { action: 'request-info', body: { comment: 'Is there a carer?' } });
      await referrals.act(provide, id, { action: 'provide-info', body: { comment: 'Daughter visits' } });
      await referrals.act(ecc, id, { action: 'accept', body: {} });
      const offer = await handoffs.offer(ecc, id, { toOrg: 'meht', reason: 'Hospital admission' });
      await handoffs.answer(meht, offer.id, { action: 'decline', body: { reasonCode: 'no-capacity' } });
      await referrals.act(ecc, id, { action: 'complete', body: { outcome: 'admission-avoided' } });
      return id;
    }),
  );

/** Every committed event of these referrals, by referral, in `seq` order (from the table). */
const committed = async (ids: readonly string[]) =>
  new Map(await Promise.all(ids.map(async (id) => [id, (await repository.history(id, { limit: 100 })).items.map((e) => e.id)] as const)));

/** Asserts the bus saw each committed event exactly once, in seq order per referral. */
const expectExactlyOnceInOrder = async (bus: CapturingBus, ids: readonly string[]) => {
  const expected = await committed(ids);
  const total = [...expected.values()].reduce((n, events) => n + events.length, 0);
  expect(bus.published).toHaveLength(total);
  expect(new Set(bus.published.map((e) => e.id)).size).toBe(total);
  for (const [id, eventIds] of expected) {
    const seen = bus.published.filter((e) => e.referralId === id);
    expect(seen.map((e) => e.id)).toEqual(eventIds);
    expect(seen.map((e) => e.seq)).toEqual(eventIds.map((_, i) => i + 1));
  }
  expect(JSON.stringify(bus.published)).not.toContain('Called the family');
};

describe('StreamPoller → publisher', () => {
  it('publishes every committed event exactly once, in seq order per referral, and nothing else', async () => {
    // Prepare
    const bus = new CapturingBus();
    const poller = pollerFor(bus);

    // Act
    poller.start();
    const ids = await traffic(6);
    await poller.caughtUp();

    // Assess
    await expectExactlyOnceInOrder(bus, ids);
    expect(bus.published.some((e) => e.type === 'note.added')).toBe(true);
    expect(bus.published.every((e) => e.specVersion === 1)).toBe(true);
  });

  it('a restarted poller resumes from its saved position: no event lost, none published twice', async () => {
    // Prepare
    const bus = new CapturingBus();
    const positionFile = join(mkdtempSync(join(tmpdir(), 'jointly-stream-')), 'stream-position.json');
    const before = await traffic(5);
    // The first poller's bus holds its second call until the poller is being stopped.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holdingBus: EventBus = {
      publish: async (events) => {
        if (bus.published.length > 0) await held;
        return bus.publish(events);
      },
    };
    const first = pollerFor(holdingBus, { positionFile, batchSize: 7 });

    // Act: stop the first poller part-way, commit more while none runs, then start another.
    first.start();
    await vi.waitFor(() => expect(bus.published.length).toBeGreaterThan(0), { timeout: 10_000 });
    const stopping = first.stop();
    release();
    await stopping;
    const publishedByFirst = bus.published.length;
    const after = await traffic(3);
    const second = pollerFor(bus, { positionFile, batchSize: 7 });
    second.start();
    await second.caughtUp();

    // Assess
    expect(publishedByFirst).toBeGreaterThan(0);
    expect(publishedByFirst).toBeLessThan([...(await committed(before)).values()].flat().length);
    await expectExactlyOnceInOrder(bus, [...before, ...after]);
    const saved = JSON.parse(readFileSync(positionFile, 'utf8')) as {
      streamArn: string;
      shards: Record<string, { sequenceNumber?: string }>;
    };
    expect(saved.streamArn).toContain(table.tableName);
    expect(Object.values(saved.shards).some((s) => s.sequenceNumber)).toBe(true);
  });

  it('with 30% of publishes failing on purpose, retries until every event is published exactly once, in order', async () => {
    // Prepare
    const bus = new CapturingBus();
    const poller = pollerFor(bus, { faultRate: 0.3 });
    const ids = await traffic(6);

    // Act
    poller.start();
    await poller.caughtUp();

    // Assess
    await expectExactlyOnceInOrder(bus, ids);
  });

  it('when the bus rejects events, resumes at the first and never skips one; first deliveries stay in seq order', async () => {
    // Prepare
    const bus = new CapturingBus();
    let rejections = 4;
    bus.fail = (event) => event.seq === 3 && rejections-- > 0;
    const poller = pollerFor(bus);
    const ids = await traffic(3);

    // Act
    poller.start();
    await poller.caughtUp();

    // Assess: at-least-once — entries a call accepted after a rejected one are sent again
    // with the retry; consumers dedupe on the id. Nothing is lost and nothing overtakes.
    const expected = await committed(ids);
    const firstDeliveries = bus.published.filter((e, i) => bus.published.findIndex((x) => x.id === e.id) === i);
    expect(rejections).toBeLessThanOrEqual(0);
    for (const [id, eventIds] of expected) expect(firstDeliveries.filter((e) => e.referralId === id).map((e) => e.id)).toEqual(eventIds);
    expect(firstDeliveries).toHaveLength([...expected.values()].flat().length);
  });

  it('an idle poller asked whether it has caught up reads the stream at once, not after its idle pause', async () => {
    // Prepare: an idle pause far longer than the test may run, so only the wake-up can answer.
    const bus = new CapturingBus();
    const poller = pollerFor(bus, { idlePollMs: 600_000 });
    poller.start();
    await poller.caughtUp();
    const ids = await traffic(1);

    // Act
    await poller.caughtUp();

    // Assess
    await expectExactlyOnceInOrder(bus, ids);
  });
});
