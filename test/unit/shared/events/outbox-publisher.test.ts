/**
 * The publisher maps bus failures to `batchItemFailures` exactly, publishes in stream order
 * (≤ 10 per call), holds back what follows a failure and never publishes comments. (Its
 * failures injected on purpose locally: test/unit/infra/local/event-faults.test.ts.)
 */
import { beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { createPublisherHandler } from '#shared/platform/dynamodb/outbox-publisher.ts';
import { logger } from '#shared/platform/http/logger.ts';
import { publisherHandler } from '#shared/wiring/publisher.ts';
import {
  CapturingBus,
  eventIdOf,
  eventItem,
  eventRecords,
  oneEventPerReferral,
  sequenceOf,
  streamRecord,
} from '#test/support/stream-records.ts';

let warn: MockInstance<typeof logger.warn>;
beforeEach(() => {
  warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});

const failuresOf = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier);

describe('publisher: partial failures', () => {
  it('reports exactly the records whose events the bus rejected', async () => {
    // Prepare
    const bus = new CapturingBus();
    const records = oneEventPerReferral(8);
    const rejected = new Set([records[2]!, records[5]!].map(eventIdOf));
    bus.fail = (event) => rejected.has(event.id);
    const publish = createPublisherHandler({ bus });

    // Act
    const response = await publish({ Records: records });

    // Assess
    expect(failuresOf(response)).toEqual([sequenceOf(records[2]!), sequenceOf(records[5]!)]);
    expect(bus.calls).toHaveLength(1);
    expect(bus.published.map((e) => e.id)).toEqual(records.filter((_, i) => i !== 2 && i !== 5).map(eventIdOf));
    expect(warn).toHaveBeenCalledWith(expect.any(String), { records: 8, PublishFailedError: 2 });
  });

  it('reports nothing when every event is accepted, in one call per 10 events, in stream order', async () => {
    // Prepare
    const bus = new CapturingBus();
    const records = oneEventPerReferral(23);
    const publish = createPublisherHandler({ bus });

    // Act
    const response = await publish({ Records: records });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(bus.calls.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(bus.published.map((e) => e.id)).toEqual(records.map(eventIdOf));
  });

  it('puts at most one event of a referral in a call, so a partly failed call cannot reorder a referral', async () => {
    // Prepare
    const bus = new CapturingBus();
    const [a1, a2] = [eventItem('A', 1), eventItem('A', 2)];
    const [b1, c1] = [eventItem('B', 1), eventItem('C', 1)];
    const records = [streamRecord(1, a1), streamRecord(2, b1), streamRecord(3, a2), streamRecord(4, c1)];
    const publish = createPublisherHandler({ bus });

    // Act
    await publish({ Records: records });

    // Assess
    expect(bus.calls.map((call) => call.map((e) => e.id))).toEqual([
      [a1.id, b1.id],
      [a2.id, c1.id],
    ]);
  });

  it('after a rejected call, does not attempt later events and reports them too (they are retried in order)', async () => {
    // Prepare
    const bus = new CapturingBus();
    const records = oneEventPerReferral(25);
    const rejectedId = eventIdOf(records[3]!);
    bus.fail = (event) => event.id === rejectedId;
    const publish = createPublisherHandler({ bus });

    // Act
    const response = await publish({ Records: records });

    // Assess
    expect(bus.calls).toHaveLength(1);
    expect(failuresOf(response)).toEqual([sequenceOf(records[3]!), ...records.slice(10).map(sequenceOf)]);
  });

  it('fails every record of a call that throws', async () => {
    // Prepare
    const records = eventRecords(4);
    const publish = createPublisherHandler({ bus: { publish: async () => Promise.reject(new Error('EventBridge unavailable')) } });

    // Act
    const response = await publish({ Records: records });

    // Assess
    expect(failuresOf(response)).toEqual(records.map(sequenceOf));
  });
});

describe('publisher: what is published', () => {
  it('publishes the event without its comment or keys', async () => {
    // Prepare
    const bus = new CapturingBus();
    const item = eventItem('01M8FV9MJ7PSBGQ0BAPSFFTK1P', 1, { handoffId: '01M8FV9MJ7PSBGQ0BAPSFFTK1Q' });
    const publish = createPublisherHandler({ bus });

    // Act
    await publish({ Records: [streamRecord(1, item)] });

    // Assess
    expect(bus.published).toEqual([
      {
        specVersion: 1,
        id: item.id,
        type: 'referral.submitted',
        seq: 1,
        at: item.at,
        actor: item.actor,
        referralId: item.referralId,
        handoffId: '01M8FV9MJ7PSBGQ0BAPSFFTK1Q',
        data: item.data,
      },
    ]);
    expect(JSON.stringify(bus.published)).not.toContain('Free text');
  });

  it('skips records that are not inserted event items (nothing to publish, nothing failed)', async () => {
    // Prepare
    const bus = new CapturingBus();
    const event = eventItem('01M8FV9MJ7PSBGQ0BAPSFFTK1P', 1);
    const records = [
      streamRecord(1, { pk: 'REFERRAL#x', sk: 'REFERRAL', entity: 'referral' }),
      streamRecord(2, event, 'MODIFY'),
      streamRecord(3, event),
    ];
    const publish = createPublisherHandler({ bus });

    // Act
    const response = await publish({ Records: records });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(bus.published.map((e) => e.id)).toEqual([event.id]);
  });

  it('fails a malformed event item and holds back what follows it (never skipped)', async () => {
    // Prepare
    const bus = new CapturingBus();
    const records = [
      streamRecord(1, eventItem('r1', 1)),
      streamRecord(2, eventItem('r1', 2, { type: 'not.a.type' })),
      streamRecord(3, eventItem('r1', 3)),
    ];
    const publish = createPublisherHandler({ bus });

    // Act
    const response = await publish({ Records: records });

    // Assess
    expect(bus.published.map((e) => e.seq)).toEqual([1]);
    expect(failuresOf(response)).toEqual([sequenceOf(records[1]!), sequenceOf(records[2]!)]);
  });

  it('its composition root builds it on the bus it is given (the local runtime gives its own)', async () => {
    // Prepare
    const bus = new CapturingBus();
    const records = eventRecords(2);

    // Act
    const response = await publisherHandler({ bus })({ Records: records });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(bus.published.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('by default publishes to EventBridge, and without JOINTLY_EVENT_BUS_NAME fails every record (retried, never lost)', async () => {
    // Prepare
    vi.stubEnv('JOINTLY_EVENT_BUS_NAME', '');
    const records = eventRecords(2);

    // Act
    const response = await publisherHandler()({ Records: records });
    vi.unstubAllEnvs();

    // Assess
    expect(failuresOf(response)).toEqual(records.map(sequenceOf));
  });
});
