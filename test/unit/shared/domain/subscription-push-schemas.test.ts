/**
 * The push-timing parts of the subscription contract (shared/subscriptions/domain/subscription-schemas.ts):
 * quiet hours, digest delivery and the critical rule on `CreateSubscriptionBodySchema`, and
 * that every refusal names the field it is about.
 */
import { describe, expect, it } from 'vitest';
import {
  CreateSubscriptionBodySchema,
  CriticalRuleSchema,
  DeliveryModeBodySchema,
  QuietHoursSchema,
} from '#shared/subscriptions/domain/subscription-schemas.ts';

const WEBHOOK = { type: 'webhook', url: 'https://hooks.example.org/jointly', secret: 's'.repeat(16) } as const;
const FHIR_WEBHOOK = { ...WEBHOOK, payload: 'fhir-r4-backport-id-only' } as const;
const EMAIL = { type: 'email', address: 'duty.manager@example.nhs.uk' } as const;
const INBOX = { type: 'inbox' } as const;

const QUIET = { start: '20:00', end: '07:00', timeZone: 'Europe/London' } as const;
const DIGEST = { mode: 'digest', schedule: 'daily 08:00', timeZone: 'Europe/London' } as const;

/** A body on `channel` (a webhook unless told) with whatever push-timing fields `extra` gives. */
const bodyWith = (extra: Record<string, unknown>, channel: unknown = WEBHOOK) => ({ eventTypes: ['referral.*'], channel, ...extra });

/** The issues of a refused `input` as `{ path, message }`, failing the test if it parsed. */
const issuesOf = (input: unknown) => {
  const result = CreateSubscriptionBodySchema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};

describe('CreateSubscriptionBodySchema: accepted push timing', () => {
  it('accepts a webhook with quiet hours on named days and a critical rule', () => {
    // Prepare
    const body = bodyWith({
      quietHours: { ...QUIET, days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
      critical: { override: true, eventTypes: ['handoff.*', 'referral.declined'], priorities: ['urgent', 'soon'] },
    });

    // Act
    const result = CreateSubscriptionBodySchema.safeParse(body);

    // Assess
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    expect(result.data).toEqual(body);
  });

  it('accepts an e-mail subscription with a daily digest and a critical rule', () => {
    // Prepare
    const body = bodyWith({ delivery: DIGEST, critical: { override: false } }, EMAIL);

    // Act
    const result = CreateSubscriptionBodySchema.safeParse(body);

    // Assess
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    expect(result.data).toEqual(body);
  });

  it.each([
    { why: 'an hourly digest to a webhook', body: bodyWith({ delivery: { ...DIGEST, schedule: 'hourly' } }) },
    { why: 'a digest with quiet hours', body: bodyWith({ quietHours: QUIET, delivery: { ...DIGEST, schedule: 'daily 23:59' } }, EMAIL) },
    { why: 'quiet hours that do not span midnight', body: bodyWith({ quietHours: { ...QUIET, start: '00:00', end: '23:59' } }) },
    { why: 'immediate delivery on an inbox', body: bodyWith({ delivery: { mode: 'immediate' } }, INBOX) },
    { why: 'immediate delivery with the FHIR payload', body: bodyWith({ delivery: { mode: 'immediate' } }, FHIR_WEBHOOK) },
    { why: 'quiet hours with the FHIR payload', body: bodyWith({ quietHours: QUIET }, FHIR_WEBHOOK) },
    { why: 'quiet hours in UTC', body: bodyWith({ quietHours: { ...QUIET, timeZone: 'UTC' } }, EMAIL) },
  ])('accepts $why', ({ body }) => {
    // Prepare
    const input = body;

    // Act
    const result = CreateSubscriptionBodySchema.safeParse(input);

    // Assess
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });
});

describe('CreateSubscriptionBodySchema: refused push timing, naming the field', () => {
  it.each([
    {
      why: 'an unknown quiet-hours time zone',
      body: bodyWith({ quietHours: { ...QUIET, timeZone: 'Mars/Olympus' } }),
      path: 'quietHours.timeZone',
      message: 'IANA time zone',
    },
    {
      why: 'an offset as the quiet-hours time zone',
      body: bodyWith({ quietHours: { ...QUIET, timeZone: '+01:00' } }),
      path: 'quietHours.timeZone',
      message: 'IANA time zone',
    },
    {
      why: 'an unknown digest time zone',
      body: bodyWith({ delivery: { ...DIGEST, timeZone: 'BST' } }, EMAIL),
      path: 'delivery.timeZone',
      message: 'IANA time zone',
    },
    {
      why: 'quiet hours ending when they start',
      body: bodyWith({ quietHours: { ...QUIET, start: '07:00', end: '07:00' } }),
      path: 'quietHours.end',
      message: 'must differ from start',
    },
    {
      why: 'a start of 24:00',
      body: bodyWith({ quietHours: { ...QUIET, start: '24:00' } }),
      path: 'quietHours.start',
      message: '"HH:MM"',
    },
    {
      why: 'a start with a one-digit hour',
      body: bodyWith({ quietHours: { ...QUIET, start: '7:00' } }),
      path: 'quietHours.start',
      message: '"HH:MM"',
    },
    {
      why: 'an end with seconds',
      body: bodyWith({ quietHours: { ...QUIET, end: '07:00:00' } }),
      path: 'quietHours.end',
      message: '"HH:MM"',
    },
    {
      why: 'a weekly schedule',
      body: bodyWith({ delivery: { ...DIGEST, schedule: 'weekly' } }, EMAIL),
      path: 'delivery.schedule',
      message: '"hourly" or "daily HH:MM"',
    },
    {
      why: 'a daily schedule at 25:00',
      body: bodyWith({ delivery: { ...DIGEST, schedule: 'daily 25:00' } }, EMAIL),
      path: 'delivery.schedule',
      message: '"hourly" or "daily HH:MM"',
    },
    {
      why: 'a daily schedule without a time',
      body: bodyWith({ delivery: { ...DIGEST, schedule: 'daily' } }, EMAIL),
      path: 'delivery.schedule',
      message: '"hourly" or "daily HH:MM"',
    },
    {
      why: 'an unknown day',
      body: bodyWith({ quietHours: { ...QUIET, days: ['monday'] } }),
      path: 'quietHours.days.0',
      message: 'must be one of mon, tue, wed, thu, fri, sat, sun',
    },
    {
      why: 'an empty list of days',
      body: bodyWith({ quietHours: { ...QUIET, days: [] } }),
      path: 'quietHours.days',
      message: 'at least one day',
    },
    {
      why: 'quiet hours on an inbox',
      body: bodyWith({ quietHours: QUIET }, INBOX),
      path: 'quietHours',
      message: 'webhook and e-mail channels only',
    },
    {
      why: 'a digest on an inbox',
      body: bodyWith({ delivery: DIGEST }, INBOX),
      path: 'delivery.mode',
      message: 'webhook and e-mail channels only',
    },
    {
      why: 'a digest with the fhir-r4-backport-id-only payload',
      body: bodyWith({ delivery: DIGEST }, FHIR_WEBHOOK),
      path: 'delivery.mode',
      message: 'fhir-r4-backport-id-only',
    },
    {
      why: 'a critical rule without quiet hours or a digest',
      body: bodyWith({ critical: { override: true } }),
      path: 'critical',
      message: 'only with quietHours or a digest',
    },
    {
      why: 'a critical rule with immediate delivery',
      body: bodyWith({ critical: { priorities: ['urgent'] }, delivery: { mode: 'immediate' } }, EMAIL),
      path: 'critical',
      message: 'only with quietHours or a digest',
    },
    {
      why: 'an unknown delivery mode',
      body: bodyWith({ delivery: { mode: 'batched' } }, EMAIL),
      path: 'delivery.mode',
      message: '',
    },
    {
      why: 'an unknown critical priority',
      body: bodyWith({ quietHours: QUIET, critical: { priorities: ['asap'] } }),
      path: 'critical.priorities.0',
      message: '',
    },
    {
      why: 'an unknown critical event type',
      body: bodyWith({ quietHours: QUIET, critical: { eventTypes: ['metrics.*'] } }),
      path: 'critical.eventTypes.0',
      message: 'event type',
    },
  ])('refuses $why at $path', ({ body, path, message }) => {
    // Prepare
    const input = body;

    // Act
    const issues = issuesOf(input);

    // Assess: one field named (a value failing two checks of a field may be reported twice)
    expect([...new Set(issues.map((issue) => issue.path))]).toEqual([path]);
    for (const issue of issues) expect(issue.message).toContain(message);
  });

  it.each([
    { field: 'quietHours', key: 'timezone', body: bodyWith({ quietHours: { ...QUIET, timezone: 'Europe/London' } }) },
    { field: 'delivery', key: 'window', body: bodyWith({ delivery: { ...DIGEST, window: 60 } }, EMAIL) },
    { field: 'delivery', key: 'schedule', body: bodyWith({ delivery: { mode: 'immediate', schedule: 'hourly' } }, EMAIL) },
    { field: 'critical', key: 'overide', body: bodyWith({ quietHours: QUIET, critical: { overide: false } }) },
  ])('refuses the unknown field $key inside $field, naming it', ({ field, key, body }) => {
    // Prepare
    const input = body;

    // Act
    const result = CreateSubscriptionBodySchema.safeParse(input);

    // Assess
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(result.error?.issues).toHaveLength(1);
    expect(issue?.path.join('.')).toBe(field);
    expect(issue?.code).toBe('unrecognized_keys');
    expect(issue && 'keys' in issue ? issue.keys : []).toEqual([key]);
  });
});

describe('the push-timing schemas on their own', () => {
  it('QuietHoursSchema refuses a missing time zone and an end equal to the start', () => {
    // Prepare
    const noZone = { start: '20:00', end: '07:00' };
    const empty = { ...QUIET, end: QUIET.start };

    // Act
    const noZoneResult = QuietHoursSchema.safeParse(noZone);
    const emptyResult = QuietHoursSchema.safeParse(empty);

    // Assess
    expect(noZoneResult.error?.issues.map((i) => i.path.join('.'))).toEqual(['timeZone']);
    expect(emptyResult.error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))).toEqual([
      { path: 'end', message: 'must differ from start' },
    ]);
  });

  it('DeliveryModeBodySchema takes immediate alone and a digest with a schedule and a zone', () => {
    // Prepare
    const inputs = [{ mode: 'immediate' }, DIGEST, { mode: 'digest', schedule: 'hourly' }, { mode: 'digest', timeZone: 'UTC' }];

    // Act
    const results = inputs.map((input) => DeliveryModeBodySchema.safeParse(input));

    // Assess
    expect(results.map((r) => r.success)).toEqual([true, true, false, false]);
    expect(results[2]?.error?.issues.map((i) => i.path.join('.'))).toEqual(['timeZone']);
    expect(results[3]?.error?.issues.map((i) => i.path.join('.'))).toEqual(['schedule']);
  });

  it('CriticalRuleSchema takes an empty rule and refuses empty lists', () => {
    // Prepare
    const inputs = [{}, { eventTypes: [] }, { priorities: [] }, { override: 'yes' }];

    // Act
    const results = inputs.map((input) => CriticalRuleSchema.safeParse(input));

    // Assess
    expect(results.map((r) => r.success)).toEqual([true, false, false, false]);
    expect(results.slice(1).map((r) => r.error?.issues.map((i) => i.path.join('.')))).toEqual([
      ['eventTypes'],
      ['priorities'],
      ['override'],
    ]);
  });
});
