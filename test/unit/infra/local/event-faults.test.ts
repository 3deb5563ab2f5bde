/**
 * The local runtime's fault injection on the event path (`JOINTLY_FAULT_RATE`), wrapped
 * around the adapters the deployed handlers are built on: publishes fail from the first one
 * drawn, without losing or reordering anything once retried; delivery attempts fail before
 * calling out, recorded as `injected fault`.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { failingAttempts, failingPublishes, INJECTED_DELIVERY_ERROR } from '#infra/local/event-faults.ts';
import { createPublisherHandler } from '#shared/platform/dynamodb/outbox-publisher.ts';
import { logger } from '#shared/platform/http/logger.ts';
import type { AttemptResult } from '#shared/subscriptions/domain/delivery.ts';
import { CapturingBus, eventRecords, sequenceOf } from '#test/support/stream-records.ts';

beforeEach(() => {
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});

const failuresOf = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier);

/** A random source returning `draws` in turn, then `rest`. */
const drawing =
  (draws: number[], rest = 0.9) =>
  () =>
    draws.shift() ?? rest;

describe('failingPublishes', () => {
  it('fails from the first publish drawn to fail: what precedes it is published, the rest reported', async () => {
    // Prepare
    const bus = new CapturingBus();
    const records = eventRecords(6);
    const publish = createPublisherHandler({ bus: failingPublishes(bus, 0.3, drawing([0.9, 0.9, 0.1, 0.9, 0.9, 0.9])) });

    // Act
    const response = await publish({ Records: records });

    // Assess
    expect(bus.published.map((e) => e.seq)).toEqual([1, 2]);
    expect(failuresOf(response)).toEqual(records.slice(2).map(sequenceOf));
  });

  it('does not call the bus when the first publish is drawn to fail', async () => {
    // Prepare
    const bus = new CapturingBus();
    const records = eventRecords(3);
    const publish = createPublisherHandler({ bus: failingPublishes(bus, 0.3, drawing([0.1])) });

    // Act
    const response = await publish({ Records: records });

    // Assess
    expect(bus.calls).toEqual([]);
    expect(failuresOf(response)).toEqual(records.map(sequenceOf));
  });

  it('retried from the first failure until none is left, publishes each event exactly once, in order', async () => {
    // Prepare
    const bus = new CapturingBus();
    let pending = eventRecords(40);
    const publish = createPublisherHandler({ bus: failingPublishes(bus, 0.3) });

    // Act: what a poller does — resume at the lowest failed sequence number.
    for (let attempt = 0; pending.length > 0 && attempt < 1_000; attempt++) {
      const failed = failuresOf(await publish({ Records: pending }));
      pending = failed.length === 0 ? [] : pending.slice(pending.findIndex((r) => sequenceOf(r) === failed[0]));
    }

    // Assess
    expect(pending).toEqual([]);
    expect(bus.published.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});

describe('failingAttempts', () => {
  it('fails an attempt drawn to fail without calling out, and calls out otherwise', async () => {
    // Prepare
    let calls = 0;
    const send = async (): Promise<AttemptResult> => (calls++, { ok: true, httpStatus: 204 });
    const callOut = failingAttempts(0.5, drawing([0.1, 0.9]));

    // Act
    const results = [await callOut(send), await callOut(send)];

    // Assess
    expect(results).toEqual([
      { ok: false, error: INJECTED_DELIVERY_ERROR },
      { ok: true, httpStatus: 204 },
    ]);
    expect(INJECTED_DELIVERY_ERROR).toBe('injected fault');
    expect(calls).toBe(1);
  });
});
