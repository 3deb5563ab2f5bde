import { describe, expect, it } from 'vitest';
import type { ZodMiniType } from 'zod/mini';
import { EVENT_TYPES } from '#shared/core/event-envelope.ts';
import {
  AlertPathSchema,
  CreateSubscriptionBodySchema,
  ListAlertsQuerySchema,
  SubscriptionPathSchema,
} from '#shared/subscriptions/domain/subscription-schemas.ts';
import { fieldErrorsOf } from '#shared/platform/http/validation.ts';

const ULID_A = '01JNE0000000000000000000AA';
const ULID_B = '01JNS0000000000000000000BB';

const INBOX = { eventTypes: ['handoff.*'], channel: { type: 'inbox' } } as const;

/** Parses `input` and returns the field errors (contract paths), failing the test if it parsed. */
const failuresOf = (schema: ZodMiniType, input: unknown) => {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return fieldErrorsOf(result.error);
};

describe('CreateSubscriptionBodySchema', () => {
  it('accepts a minimal inbox subscription', () => {
    // Prepare
    const body = { ...INBOX };

    // Act
    const result = CreateSubscriptionBodySchema.safeParse(body);

    // Assess
    expect(result.success).toBe(true);
    expect(result.data).toEqual(INBOX);
  });

  it('accepts every channel and every filter', () => {
    // Prepare
    const filters = { orgs: ['ecc'], serviceAreas: ['crisis-prevention'], priorities: ['urgent', 'soon'] };
    const channels = [
      { type: 'inbox' },
      { type: 'webhook', url: 'https://hooks.example.org/jointly', secret: 's'.repeat(16) },
      { type: 'email', address: 'duty.manager@example.nhs.uk' },
    ];

    // Act
    const results = channels.map((channel) => CreateSubscriptionBodySchema.safeParse({ eventTypes: ['*'], filters, channel }));

    // Assess
    for (const result of results) expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it.each([
    ...EVENT_TYPES.map((type) => [type] as const),
    ['referral.*'] as const,
    ['handoff.*'] as const,
    ['note.*'] as const,
    ['*'] as const,
  ])('accepts the event type pattern %s', (pattern) => {
    // Prepare
    const body = { ...INBOX, eventTypes: [pattern] };

    // Act
    const result = CreateSubscriptionBodySchema.safeParse(body);

    // Assess
    expect(result.success).toBe(true);
  });

  it.each([['referral.nope'], ['metrics.*'], ['referral.'], ['handoff.**'], ['Referral.submitted'], ['*.*'], [''], ['referral*']])(
    'rejects the event type pattern %j, naming its index',
    (pattern) => {
      // Prepare
      const body = { ...INBOX, eventTypes: ['handoff.offered', pattern] };

      // Act
      const errors = failuresOf(CreateSubscriptionBodySchema, body);

      // Assess
      expect(errors.map((e) => e.path)).toEqual(['eventTypes.1']);
    },
  );

  it('requires at least one and at most 20 event types', () => {
    // Prepare
    const none = { ...INBOX, eventTypes: [] };
    const tooMany = { ...INBOX, eventTypes: Array.from({ length: 21 }, () => 'handoff.offered') };
    const twenty = { ...INBOX, eventTypes: Array.from({ length: 20 }, () => 'handoff.offered') };

    // Act
    const noneErrors = failuresOf(CreateSubscriptionBodySchema, none);
    const tooManyErrors = failuresOf(CreateSubscriptionBodySchema, tooMany);
    const twentyResult = CreateSubscriptionBodySchema.safeParse(twenty);

    // Assess
    expect(noneErrors).toEqual([{ path: 'eventTypes', message: 'must name at least one event type' }]);
    expect(tooManyErrors).toEqual([{ path: 'eventTypes', message: 'must name at most 20 event types' }]);
    expect(twentyResult.success).toBe(true);
  });

  it('names every unknown field, at the top level, in filters and in the channel', () => {
    // Prepare
    const body = {
      ...INBOX,
      owner: 'someone-else',
      filters: { orgs: ['ecc'], teams: ['x'] },
      channel: { type: 'webhook', url: 'https://hooks.example.org/', secret: 's'.repeat(20), sealedSecret: 'v1.x' },
    };

    // Act
    const errors = failuresOf(CreateSubscriptionBodySchema, body);

    // Assess
    expect(errors.map((e) => e.path).sort()).toEqual(['channel.sealedSecret', 'filters.teams', 'owner']);
    for (const e of errors) expect(e.message).toBe('is not a known field');
  });

  it('rejects an unknown channel type at channel.type, and a missing channel', () => {
    // Prepare
    const sms = { ...INBOX, channel: { type: 'sms', number: '07700900000' } };
    const missing = { eventTypes: ['*'] };

    // Act
    const smsErrors = failuresOf(CreateSubscriptionBodySchema, sms);
    const missingErrors = failuresOf(CreateSubscriptionBodySchema, missing);

    // Assess
    expect(smsErrors.map((e) => e.path)).toEqual(['channel.type']);
    expect(missingErrors.map((e) => e.path)).toEqual(['channel']);
  });

  it.each([
    [15, false],
    [16, true],
    [256, true],
    [257, false],
  ])('a webhook secret of %i characters is accepted: %s', (length, accepted) => {
    // Prepare
    const body = { ...INBOX, channel: { type: 'webhook', url: 'https://hooks.example.org/', secret: 'k'.repeat(length) } };

    // Act
    const result = CreateSubscriptionBodySchema.safeParse(body);

    // Assess
    expect(result.success).toBe(accepted);
    if (!accepted) expect(fieldErrorsOf(result.error!).map((e) => e.path)).toEqual(['channel.secret']);
  });

  it('requires a webhook url and secret, and a valid e-mail address', () => {
    // Prepare
    const webhook = { ...INBOX, channel: { type: 'webhook' } };
    const email = { ...INBOX, channel: { type: 'email', address: 'not-an-address' } };

    // Act
    const webhookErrors = failuresOf(CreateSubscriptionBodySchema, webhook);
    const emailErrors = failuresOf(CreateSubscriptionBodySchema, email);

    // Assess
    expect(webhookErrors.map((e) => e.path).sort()).toEqual(['channel.secret', 'channel.url']);
    expect(emailErrors).toEqual([{ path: 'channel.address', message: 'must be an e-mail address' }]);
  });

  it('rejects empty filter lists and values outside the closed lists, naming each', () => {
    // Prepare
    const body = { ...INBOX, filters: { orgs: [], serviceAreas: ['dentistry'], priorities: ['urgent', 'whenever'] } };

    // Act
    const errors = failuresOf(CreateSubscriptionBodySchema, body);

    // Assess
    expect(errors.map((e) => e.path).sort()).toEqual(['filters.orgs', 'filters.priorities.1', 'filters.serviceAreas.0']);
  });

  it('rejects a malformed org id at its index (unknown but well-formed ids are the service’s 422)', () => {
    // Prepare
    const malformed = { ...INBOX, filters: { orgs: ['ecc', 'ECC County'] } };
    const wellFormed = { ...INBOX, filters: { orgs: ['atlantis'] } };

    // Act
    const errors = failuresOf(CreateSubscriptionBodySchema, malformed);
    const result = CreateSubscriptionBodySchema.safeParse(wellFormed);

    // Assess
    expect(errors.map((e) => e.path)).toEqual(['filters.orgs.1']);
    expect(result.success).toBe(true);
  });
});

describe('path and query schemas', () => {
  it('accepts an alert id of two ULIDs joined by a dot, and nothing else', () => {
    // Prepare
    const good = `${ULID_A}.${ULID_B}`;
    const bad = [ULID_A, `${ULID_A}#${ULID_B}`, `${ULID_A}.${ULID_B}.x`, `${ULID_A.toLowerCase()}.${ULID_B}`, `../${ULID_B}`];

    // Act
    const goodResult = AlertPathSchema.safeParse({ id: good });
    const badResults = bad.map((id) => AlertPathSchema.safeParse({ id }));

    // Assess
    expect(goodResult.success).toBe(true);
    for (const result of badResults) expect(result.success).toBe(false);
  });

  it('accepts a subscription id only as a ULID', () => {
    // Prepare
    const ids = [ULID_A, 'not-a-ulid'];

    // Act
    const results = ids.map((id) => SubscriptionPathSchema.safeParse({ id }).success);

    // Assess
    expect(results).toEqual([true, false]);
  });

  it('takes unread=true|false, limit 1–100, and nothing unknown', () => {
    // Prepare
    const good = { unread: 'true', limit: '10' };
    const bad = { unread: 'yes', limit: '0', sort: 'oldest' };

    // Act
    const parsed = ListAlertsQuerySchema.parse(good);
    const errors = failuresOf(ListAlertsQuerySchema, bad);

    // Assess
    expect(parsed).toEqual({ unread: 'true', limit: 10 });
    expect(errors.map((e) => e.path).sort()).toEqual(['limit', 'sort', 'unread']);
  });
});
