/**
 * A digest travels whole: as one job on the deliveries queue (SQS refuses bodies over
 * 256 KiB, and so does the local queue) and, when dead-lettered, inside one table item
 * (DynamoDB refuses items over 400 KB). The largest digest part, every field at its
 * longest, must fit both.
 */
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type PublishedEvent } from '#shared/core/event-envelope.ts';
import type { DigestDeliveryJob } from '#shared/core/messaging-ports.ts';
import { SQS_MAX_MESSAGE_BYTES } from '#shared/platform/aws/aws-job-queue.ts';
import { ID_MAX, SUB_MAX } from '#shared/referrals/domain/referral-schemas.ts';
import { composeDigests, DIGEST_MAX_EVENTS, digestEntryOf } from '#shared/subscriptions/domain/digest.ts';

/** DynamoDB's item size limit. */
const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

const ULID = '01KBZZZZZZZZZZZZZZZZZZZZZZ';
const WINDOW_ID = '6f1c2d3e-0000-4000-8000-000000000001';
const LONGEST_ORG = 'o'.repeat(ID_MAX);
const LONGEST_TYPE = [...EVENT_TYPES].sort((a, b) => b.length - a.length)[0]!;

/** An event whose every field a digest keeps is as long as it may be. */
const longestEvent = (i: number): PublishedEvent => ({
  specVersion: 1,
  id: `${ULID.slice(0, 20)}${String(i).padStart(6, '0')}`,
  type: LONGEST_TYPE,
  seq: 1,
  at: '2026-12-03T08:00:00.000Z',
  actor: { sub: 's'.repeat(SUB_MAX), org: LONGEST_ORG, role: 'programme_manager' },
  referralId: ULID,
  handoffId: ULID,
  data: {
    fromOrg: LONGEST_ORG,
    toOrg: LONGEST_ORG,
    handoffFromOrg: LONGEST_ORG,
    handoffToOrg: LONGEST_ORG,
    serviceArea: 'crisis-prevention',
    priority: 'routine',
    reasonCode: 'r'.repeat(ID_MAX),
  },
});

describe('the size of a digest job', () => {
  it(`a full part (${DIGEST_MAX_EVENTS} events, every field at its longest) fits an SQS message and a dead-letter item`, () => {
    // Prepare
    const entries = Array.from({ length: DIGEST_MAX_EVENTS + 1 }, (_, i) => digestEntryOf(longestEvent(i)));
    const [first] = composeDigests(ULID, '2026-12-03T08:00:00.000Z', WINDOW_ID, entries);
    const job: DigestDeliveryJob = { kind: 'digest', subscriptionId: ULID, ownerSub: 's'.repeat(SUB_MAX), attempt: 5, digest: first! };

    // Act
    const messageBytes = Buffer.byteLength(JSON.stringify(job));
    const deadLetterBytes = Buffer.byteLength(
      JSON.stringify({ pk: `SUBSCRIPTION#${ULID}`, sk: `DEADLETTER#${ULID}`, job, lastError: 'x'.repeat(64) }),
    );

    // Assess
    expect(first!.events).toHaveLength(DIGEST_MAX_EVENTS);
    expect(messageBytes).toBeLessThan(SQS_MAX_MESSAGE_BYTES);
    expect(deadLetterBytes).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES);
  });
});
