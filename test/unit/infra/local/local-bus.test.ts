/**
 * The local bus wraps each event in EventBridge's envelope and routes it by BUS_RULES (and
 * only by matching rules) to the rules' queues.
 */
import { describe, expect, it } from 'vitest';
import { LocalBus, type RuleTarget } from '#infra/local/local-bus.ts';
import { BUS_RULES, type BusRule } from '#shared/wiring/bus-rules.ts';
import type { PublishedEvent } from '#shared/core/event-envelope.ts';

const event = (overrides: Partial<PublishedEvent> = {}): PublishedEvent => ({
  specVersion: 1,
  id: '01M8FV9MJKY9XWD8CEW8NCEK77',
  type: 'referral.submitted',
  seq: 1,
  at: '2026-11-28T00:06:46.123Z',
  actor: { sub: 'alice', org: 'provide', role: 'practitioner' },
  referralId: '01M8FV9MJ7PSBGQ0BAPSFFTK1P',
  data: { fromOrg: 'provide', toOrg: 'ecc' },
  ...overrides,
});

/** A target recording the bodies it was sent. */
const recorder = (): RuleTarget & { bodies: string[] } => {
  const bodies: string[] = [];
  return { bodies, sendBody: (body: string) => void bodies.push(body) };
};

describe('LocalBus', () => {
  it('routes every Jointly event to the fan-out queue (and figure-moving ones to metrics) by BUS_RULES, in an EventBridge envelope', async () => {
    // Prepare
    const fanOut = recorder();
    const deliveries = recorder();
    const metrics = recorder();
    const bus = new LocalBus({ targets: { fanOut, deliveries, metrics } });
    const published = event();

    // Act
    const result = await bus.publish([published, event({ id: 'note', type: 'note.added' })]);

    // Assess
    expect(BUS_RULES.map((r) => r.target)).toEqual(['fanOut', 'metrics']);
    expect(result.failedIds).toEqual([]);
    expect(deliveries.bodies).toEqual([]);
    expect(fanOut.bodies.map((b) => JSON.parse(b).detail.id)).toEqual([published.id, 'note']);
    expect(metrics.bodies.map((b) => JSON.parse(b).detail.id)).toEqual([published.id]);
    const envelope = JSON.parse(fanOut.bodies[0]!);
    expect(envelope).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'referral.submitted',
      source: 'jointly',
      account: '000000000000',
      time: '2026-11-28T00:06:46Z',
      region: 'local',
      resources: [],
      detail: published,
    });
  });

  it('sends an event only to the queues of rules whose pattern matches it', async () => {
    // Prepare
    const rules: BusRule[] = [
      { id: 'handoffs', description: 'handoff events', pattern: { 'detail-type': [{ prefix: 'handoff.' }] }, target: 'deliveries' },
      {
        id: 'overdue',
        description: 'ECC overdue',
        pattern: { 'detail-type': ['referral.overdue'], detail: { data: { toOrg: ['ecc'] } } },
        target: 'fanOut',
      },
    ];
    const fanOut = recorder();
    const deliveries = recorder();
    const bus = new LocalBus({ targets: { fanOut, deliveries, metrics: recorder() }, rules });

    // Act
    await bus.publish([
      event({ id: 'a', type: 'handoff.offered' }),
      event({ id: 'b', type: 'referral.overdue' }),
      event({ id: 'c', type: 'referral.overdue', data: { toOrg: 'meht' } }),
      event({ id: 'd', type: 'referral.accepted' }),
    ]);

    // Assess
    expect(deliveries.bodies.map((b) => JSON.parse(b).detail.id)).toEqual(['a']);
    expect(fanOut.bodies.map((b) => JSON.parse(b).detail.id)).toEqual(['b']);
  });

  it('reports the events a queue would not take as failed', async () => {
    // Prepare
    const fanOut: RuleTarget = {
      sendBody: (body: string) => {
        if (JSON.parse(body).detail.id === 'bad') throw new Error('queue stopped');
      },
    };
    const bus = new LocalBus({ targets: { fanOut, deliveries: recorder(), metrics: recorder() } });

    // Act
    const result = await bus.publish([event({ id: 'good' }), event({ id: 'bad' })]);

    // Assess
    expect(result.failedIds).toEqual(['bad']);
  });
});
