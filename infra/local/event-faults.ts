/**
 * Failures injected on purpose into the event path (`JOINTLY_FAULT_RATE`, tests and
 * benchmarks only), to show retries lose and duplicate nothing. Both are wrappers the local
 * runtime puts around the adapters it builds the handlers on; the handlers are the deployed
 * ones, unaware of them.
 *
 * - Publishing: a bus that fails each event of a publish with probability `rate`, from the
 *   first one drawn: what precedes it is published, it and the rest are reported failed
 *   without reaching the bus, as a PutEvents call failing there would.
 * - Delivering: each delivery attempt fails with probability `rate` before calling out,
 *   recorded as `injected fault` (then retried, or dead-lettered after the last attempt).
 */
import type { EventBus } from '../../shared/core/messaging-ports.ts';
import type { AttemptResult, DeliverDeps } from '../../shared/subscriptions/domain/delivery.ts';

/** The reason an injected delivery failure is recorded with. */
export const INJECTED_DELIVERY_ERROR = 'injected fault';

/** `bus`, failing publishes at `rate` (see the module comment). */
export const failingPublishes = (bus: EventBus, rate: number, random: () => number = Math.random): EventBus => ({
  publish: async (events) => {
    const drawn = rate > 0 ? events.findIndex(() => random() < rate) : -1;
    if (drawn < 0) return bus.publish(events);
    const failed = events.slice(drawn).map((event) => event.id);
    const sent = drawn > 0 ? await bus.publish(events.slice(0, drawn)) : { failedIds: [] };
    return { failedIds: [...sent.failedIds, ...failed] };
  },
});

/** A delivery call-out wrapper failing attempts at `rate` without calling out (see the module comment). */
export const failingAttempts =
  (rate: number, random: () => number = Math.random): NonNullable<DeliverDeps['callOut']> =>
  (send) =>
    rate > 0 && random() < rate ? Promise.resolve<AttemptResult>({ ok: false, error: INJECTED_DELIVERY_ERROR }) : send();
