/**
 * The event-latency section: from a committed handoff (the 201 of `POST
 * /referrals/{id}/handoffs`) to its `handoff.offered` alert being readable in a subscribed
 * programme manager's inbox (`GET /alerts?unread=true`). Rather than hammering the inbox
 * (which would load the very event path being timed), the inbox is read as soon as the
 * event path has written an alert for this handoff (seen at the client, see
 * {@link CallCounter.onAlert}), with a slow poll as a fallback; the clock stops at the read
 * that shows it. Each sample starts on a drained runtime after a random pause, so offers
 * land at every phase of the stream poller's cycle rather than always at the same one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Caller } from '../../shared/core/identity.ts';
import type { CallCounter } from './call-counter.ts';
import type { JsonClient } from './http-client.ts';
import { ECC, HANDOFF_REASON, HANDOFF_TARGET, newReferralInput, PROVIDE } from './operations.ts';
import type { EventLatencyResult } from './results.ts';
import { round, summarize } from './stats.ts';

/** The boundary-spanning role listening: a programme manager, subscribed to `handoff.*` programme-wide. */
export const PROGRAMME_MANAGER: Caller = { sub: 'bench-programme-manager', org: 'ecc', roles: ['programme_manager'] };

/** Fallback poll of the inbox should the alert write go unseen (ms). */
const FALLBACK_POLL_MS = 100;
/** Longest a sample may take before the run fails. */
const SAMPLE_TIMEOUT_MS = 30_000;
/** Upper bound of the random pause before each offer (ms): longer than the poller's idle cycle. */
const MAX_JITTER_MS = 200;

/** What the section needs from the running system. */
export interface EventLatencyContext {
  readonly api: JsonClient;
  readonly counter: CallCounter;
  readonly drain: () => Promise<void>;
  readonly samples: number;
  readonly progress: (line: string) => void;
}

/** Runs the section. */
export const measureEventLatency = async (context: EventLatencyContext): Promise<EventLatencyResult> => {
  const { api, counter } = context;
  const [provideToken, eccToken, pmToken] = await Promise.all([api.tokenFor(PROVIDE), api.tokenFor(ECC), api.tokenFor(PROGRAMME_MANAGER)]);
  await api.expect(201, 'POST', '/subscriptions', pmToken, JSON.stringify({ eventTypes: ['handoff.*'], channel: { type: 'inbox' } }));

  // Accepted referrals to hand off, made a few at a time (not timed).
  const referralIds: string[] = [];
  for (let made = 0; made < context.samples; made += 4) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(4, context.samples - made) }, async () => {
        const { id } = await api.expect(201, 'POST', '/referrals', provideToken, JSON.stringify(newReferralInput()));
        await api.expect(200, 'POST', `/referrals/${id}/accept`, eccToken, '{}');
        return id as string;
      }),
    );
    referralIds.push(...batch);
  }

  const written = new Set<string>();
  let wake: (() => void) | undefined;
  const stopListening = counter.onAlert((alert) => {
    if (alert.handoffId) written.add(alert.handoffId);
    wake?.();
  });
  const latencies: number[] = [];
  let seenByHook = 0;
  try {
    const offerBody = JSON.stringify({ toOrg: HANDOFF_TARGET, reason: HANDOFF_REASON });
    for (const referralId of referralIds) {
      await context.drain();
      await sleep(Math.random() * MAX_JITTER_MS);
      const offered = await api.send('POST', `/referrals/${referralId}/handoffs`, eccToken, offerBody);
      const committedAt = performance.now();
      if (offered.status !== 201) throw new Error(`offer → ${offered.status}: ${offered.text.slice(0, 300)}`);
      const handoffId = JSON.parse(offered.text).id as string;
      for (;;) {
        if (!written.has(handoffId)) {
          await new Promise<void>((done) => {
            const timer = setTimeout(done, FALLBACK_POLL_MS);
            wake = () => {
              clearTimeout(timer);
              done();
            };
          });
          wake = undefined;
        }
        const hooked = written.has(handoffId);
        const inbox = await api.expect(200, 'GET', '/alerts?unread=true&limit=10', pmToken);
        if ((inbox.items as { handoffId?: string }[]).some((a) => a.handoffId === handoffId)) {
          latencies.push(performance.now() - committedAt);
          if (hooked) seenByHook += 1;
          break;
        }
        if (performance.now() - committedAt > SAMPLE_TIMEOUT_MS)
          throw new Error(`no alert for handoff ${handoffId} after ${SAMPLE_TIMEOUT_MS} ms`);
      }
    }
  } finally {
    stopListening();
  }
  const summary = summarize(latencies);
  context.progress(
    `  ${latencies.length} alerts: p50 ${summary.p50Ms} ms, p95 ${summary.p95Ms} ms, max ${round(Math.max(...latencies))} ms ` +
      `(${seenByHook} read right after the alert write was seen)`,
  );
  return { p50Ms: summary.p50Ms, p95Ms: summary.p95Ms, samples: latencies.length };
};
