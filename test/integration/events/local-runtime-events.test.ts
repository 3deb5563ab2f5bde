/**
 * The local runtime's event path in-process: the stream poller feeds the publisher, the
 * local bus routes to the local queues, `drain()` waits for all of it, and `stop()` leaves
 * nothing running.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '#infra/local/runtime.ts';
import type { PublishedEvent } from '#shared/core/event-envelope.ts';
import { tokenFor } from '#test/support/local-runtime-process.ts';
import { ulid } from 'ulid';

let runtime: LocalRuntime;
const published: PublishedEvent[] = [];

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tableName: `runtime-events-${ulid().toLowerCase()}`,
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
    // Observe what the publisher hands to the runtime's bus.
    instruments: {
      bus: (bus) => ({
        publish: async (events) => {
          published.push(...events);
          return bus.publish(events);
        },
      }),
    },
  });
});

afterAll(async () => {
  await runtime?.stop();
});

describe('local runtime event path', () => {
  it('publishes each committed event once; drain() resolves when it and the queues are done', async () => {
    // Prepare
    const token = await tokenFor(runtime.url, { sub: 'pat', org: 'provide', roles: ['practitioner'] });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const body = JSON.stringify({
      toOrg: 'ecc',
      serviceArea: 'crisis-prevention',
      priority: 'urgent',
      subject: { nhsNumber: '9434765919' },
      reason: 'Falls at home',
    });

    // Act
    const created = (await (await fetch(`${runtime.url}/referrals`, { method: 'POST', headers, body })).json()) as { id: string };
    await fetch(`${runtime.url}/referrals/${created.id}/notes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text: 'Called the family' }),
    });
    await runtime.drain();

    // Assess
    expect(published.filter((e) => e.referralId === created.id).map((e) => [e.type, e.seq])).toEqual([
      ['referral.submitted', 1],
      ['note.added', 2],
    ]);
  });

  it('runs the SLA sweep handler on demand, with the window sweep (nothing is due yet)', async () => {
    // Prepare
    const sweep = runtime.sweepSla;

    // Act
    const result = await sweep();

    // Assess
    expect(result).toEqual({ due: 0, raised: 0, skipped: 0, windows: { due: 0, queued: 0 } });
  });
});
