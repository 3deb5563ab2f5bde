/**
 * The metrics consumer's batch logic with a fake repository: malformed messages fail alone,
 * events that move no figure are skipped, a failed write retries every countable message,
 * and EMF is published only for events counted now (never for a redelivery).
 */
import { describe, expect, it } from 'vitest';
import type { EventDeltas, RecordResult } from '#shared/metrics/domain/ports.ts';
import { countMessages } from '#shared/metrics/domain/metrics-consumer.ts';
import { busMessage, publishedEvent } from '#test/support/event-fixtures.ts';

const message = (body: unknown, messageId: string) => ({ messageId, body: typeof body === 'string' ? body : JSON.stringify(body) });
const submitted = (id: string) =>
  publishedEvent({
    id,
    data: {
      status: 'submitted',
      submittedAt: '2026-03-02T09:00:00.000Z',
      fromOrg: 'provide',
      toOrg: 'ecc',
      serviceArea: 'rapid-response',
      priority: 'urgent',
      parties: ['provide', 'ecc'],
    },
  });

const fakes = (record: (events: readonly EventDeltas[]) => Promise<RecordResult>) => {
  const published: { serviceArea: string; metrics: readonly { name: string }[] }[] = [];
  return {
    published,
    deps: { repository: { record }, sink: { publish: (events: Readonly<typeof published>) => void published.push(...events) } },
  };
};

describe('countMessages', () => {
  it('counts what it can, fails a malformed message alone, skips note.added, and publishes EMF only for events counted now', async () => {
    // Prepare
    const seen: EventDeltas[][] = [];
    const { published, deps } = fakes(async (events) => {
      seen.push([...events]);
      return { counted: ['A'], duplicates: ['B'] };
    });

    // Act
    const result = await countMessages(
      [
        message(busMessage(submitted('A')), 'm1'),
        message(busMessage(submitted('B')), 'm2'),
        message('{not json', 'm3'),
        message(busMessage(publishedEvent({ id: 'N', type: 'note.added' })), 'm4'),
      ],
      deps,
    );

    // Assess
    expect(seen).toHaveLength(1);
    expect(seen[0]!.map((e) => e.eventId)).toEqual(['A', 'B']);
    expect(result).toMatchObject({
      counted: 1,
      duplicates: 1,
      skipped: [{ eventId: 'N', incomplete: false }],
      failed: [{ messageId: 'm3', error: 'MalformedMessageError' }],
    });
    expect(published).toEqual([{ serviceArea: 'rapid-response', metrics: [{ name: 'ReferralsSubmitted', unit: 'Count', value: 1 }] }]);
  });

  it('fails every countable message of the batch when the write fails (nothing was written), and publishes nothing', async () => {
    // Prepare
    const { published, deps } = fakes(async () => {
      throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    });

    // Act
    const result = await countMessages([message(busMessage(submitted('A')), 'm1'), message(busMessage(submitted('B')), 'm2')], deps);

    // Assess
    expect(result.failed).toEqual([
      { messageId: 'm1', eventId: 'A', error: 'ThrottlingException' },
      { messageId: 'm2', eventId: 'B', error: 'ThrottlingException' },
    ]);
    expect(published).toEqual([]);
  });
});
