/**
 * Retention rules (shared/core/retention.ts): which ISO 8601 durations are accepted, the
 * calendar arithmetic that turns a last activity into a disposal instant, and how a bad rule
 * stops the runtime configuration (`JOINTLY_RETENTION`) and the stage configuration.
 */
import { describe, expect, it } from 'vitest';
import { loadStageConfig, StageConfigError } from '#infra/config/stage-config.ts';
import {
  addIsoDuration,
  DEFAULT_RETENTION,
  disposalEpochSeconds,
  InvalidDurationError,
  ISO_DURATION,
  IsoDurationSchema,
  isPastRetention,
  RETENTION_RANGE_MESSAGE,
  RetentionPolicySchema,
} from '#shared/core/retention.ts';
import { ENV } from '#shared/platform/config/environment.ts';
import { ConfigurationError, loadRuntimeConfig } from '#shared/platform/config/runtime-config.ts';

const at = (iso: string): Date => new Date(iso);

describe('ISO_DURATION and IsoDurationSchema', () => {
  it.each(['P8Y', 'P1Y6M', 'P30D', 'P2W', 'PT12H', 'PT10S', 'PT1M', 'P1M', 'P1DT2H3M4S'])('accepts %s', (duration) => {
    // Act
    const parsed = IsoDurationSchema.safeParse(duration);

    // Assess
    expect(ISO_DURATION.test(duration)).toBe(true);
    expect(parsed.success).toBe(true);
  });

  it.each([
    ['the empty string', ''],
    ['a bare P', 'P'],
    ['a bare PT', 'PT'],
    ['a T with a number and no unit', 'PT5'],
    ['time units without T', 'P5H'],
    ['a fraction', 'P1.5Y'],
    ['a negative duration', '-P1Y'],
    ['units out of order', 'P1D1Y'],
    ['lower-case letters', 'p8y'],
    ['words', 'eight years'],
    ['a number of seconds', '30'],
    ['surrounding space', ' P8Y'],
  ])('rejects %s', (_name, duration) => {
    // Act
    const parsed = IsoDurationSchema.safeParse(duration);

    // Assess
    expect(ISO_DURATION.test(duration)).toBe(false);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/ISO 8601 duration/);
  });
});

describe('RetentionPolicySchema', () => {
  it('fills in eight years for closed referrals when nothing is set', () => {
    // Act
    const policy = RetentionPolicySchema.parse({});

    // Assess
    expect(policy).toEqual({ closedReferral: 'P8Y' });
    expect(policy).toEqual(DEFAULT_RETENTION);
  });

  it('keeps a valid rule and refuses a bad one at closedReferral', () => {
    // Act
    const good = RetentionPolicySchema.safeParse({ closedReferral: 'PT30S' });
    const bad = RetentionPolicySchema.safeParse({ closedReferral: '8 years' });

    // Assess
    expect(good.data).toEqual({ closedReferral: 'PT30S' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['closedReferral']);
  });

  it.each([
    ['zero', 'P0D'],
    ['zero in every unit', 'P0Y0M0DT0H0M0S'],
    ['longer than 100 years', 'P101Y'],
    ['beyond the calendar', 'PT99999999999999999999S'],
  ])('refuses a retention of %s at closedReferral', (_name, duration) => {
    // Act
    const result = RetentionPolicySchema.safeParse({ closedReferral: duration });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['closedReferral']);
    expect(result.error?.issues[0]?.message).toBe(RETENTION_RANGE_MESSAGE);
  });

  it('takes one second and exactly 100 years', () => {
    // Act
    const shortest = RetentionPolicySchema.safeParse({ closedReferral: 'PT1S' });
    const longest = RetentionPolicySchema.safeParse({ closedReferral: 'P100Y' });

    // Assess
    expect(shortest.success).toBe(true);
    expect(longest.success).toBe(true);
  });

  it('refuses a rule for a record type it does not know (a typo would otherwise keep eight years)', () => {
    // Act
    const result = RetentionPolicySchema.safeParse({ closedReferal: 'PT30S' });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });
});

describe('addIsoDuration', () => {
  it.each([
    ['seconds', '2025-03-03T09:00:00.000Z', 'PT10S', '2025-03-03T09:00:10.000Z'],
    ['minutes and hours across midnight', '2025-03-03T23:30:00.000Z', 'PT1H45M', '2025-03-04T01:15:00.000Z'],
    ['days across a month end', '2025-01-30T12:00:00.000Z', 'P3D', '2025-02-02T12:00:00.000Z'],
    ['weeks', '2025-03-03T09:00:00.000Z', 'P2W', '2025-03-17T09:00:00.000Z'],
    ['days across the UK clocks going forward (UTC: no lost hour)', '2025-03-29T12:00:00.000Z', 'P1D', '2025-03-30T12:00:00.000Z'],
    ['a year and a half', '2025-03-03T09:00:00.000Z', 'P1Y6M', '2026-09-03T09:00:00.000Z'],
    ['months across a year end', '2025-11-15T09:00:00.000Z', 'P3M', '2026-02-15T09:00:00.000Z'],
    ['eight years from a leap day to a leap day', '2024-02-29T10:00:00.000Z', 'P8Y', '2032-02-29T10:00:00.000Z'],
    ['every unit at once', '2025-01-01T00:00:00.000Z', 'P1Y1M1W1DT1H1M1S', '2026-02-09T01:01:01.000Z'],
    ['nothing', '2025-03-03T09:00:00.123Z', 'P0D', '2025-03-03T09:00:00.123Z'],
  ])('adds %s', (_name, start, duration, expected) => {
    // Act
    const end = addIsoDuration(at(start), duration);

    // Assess
    expect(end.toISOString()).toBe(expected);
  });

  it('moves a leap day plus one year to 1 March, never to a day short of a year', () => {
    // Act
    const end = addIsoDuration(at('2024-02-29T10:00:00.000Z'), 'P1Y');

    // Assess
    expect(end.toISOString()).toBe('2025-03-01T10:00:00.000Z');
  });

  it('moves 31 January plus one month past the short February, so the period is never cut short', () => {
    // Act
    const common = addIsoDuration(at('2025-01-31T10:00:00.000Z'), 'P1M');
    const leap = addIsoDuration(at('2024-01-31T10:00:00.000Z'), 'P1M');

    // Assess: February has no 31st, so the day runs on into March (JavaScript's UTC calendar).
    expect(common.toISOString()).toBe('2025-03-03T10:00:00.000Z');
    expect(leap.toISOString()).toBe('2024-03-02T10:00:00.000Z');
    expect(common.getTime()).toBeGreaterThan(at('2025-02-28T10:00:00.000Z').getTime());
  });

  it('does not change the date it is given', () => {
    // Prepare
    const start = at('2025-03-03T09:00:00.000Z');

    // Act
    addIsoDuration(start, 'P1Y2M3D');

    // Assess
    expect(start.toISOString()).toBe('2025-03-03T09:00:00.000Z');
  });

  it('throws InvalidDurationError naming a duration it cannot read', () => {
    // Act
    const add = () => addIsoDuration(at('2025-03-03T09:00:00.000Z'), 'P1.5Y');

    // Assess
    expect(add).toThrow(InvalidDurationError);
    expect(add).toThrow('P1.5Y is not an ISO 8601 duration of whole units.');
  });
});

describe('disposalEpochSeconds', () => {
  it('is the last activity plus the retention, in epoch seconds (the TTL unit)', () => {
    // Act
    const seconds = disposalEpochSeconds('2025-03-03T09:00:00.000Z', 'P8Y');

    // Assess
    expect(seconds).toBe(Date.parse('2033-03-03T09:00:00.000Z') / 1000);
    expect(Number.isInteger(seconds)).toBe(true);
  });

  it('rounds a fraction of a second up, so a record is never due before its retention ends', () => {
    // Act
    const seconds = disposalEpochSeconds('2025-03-03T09:00:00.001Z', 'PT10S');

    // Assess
    expect(seconds).toBe(Date.parse('2025-03-03T09:00:11.000Z') / 1000);
  });
});

describe('isPastRetention', () => {
  const expiresAt = Date.parse('2025-03-03T09:00:00.000Z') / 1000;

  it.each([
    ['a second before', '2025-03-03T08:59:59.000Z', false],
    ['a millisecond before', '2025-03-03T08:59:59.999Z', false],
    ['at the very instant', '2025-03-03T09:00:00.000Z', true],
    ['a day after', '2025-03-04T09:00:00.000Z', true],
  ])('%s expiry: past = %s', (_name, now, expected) => {
    // Act
    const past = isPastRetention(expiresAt, at(now));

    // Assess
    expect(past).toBe(expected);
  });

  it.each([
    ['no expiry (an open referral)', undefined],
    ['null', null],
    ['a number as text', String(expiresAt)],
  ])('never treats %s as past', (_name, value) => {
    // Act
    const past = isPastRetention(value, at('2099-01-01T00:00:00.000Z'));

    // Assess
    expect(past).toBe(false);
  });
});

describe('the retention rule in the runtime configuration (JOINTLY_RETENTION)', () => {
  it('defaults to eight years, and reads a shortened rule', () => {
    // Act
    const unset = loadRuntimeConfig({});
    const shortened = loadRuntimeConfig({ [ENV.retention]: '{"closedReferral":"PT30S"}' });

    // Assess
    expect(unset.retention).toEqual({ closedReferral: 'P8Y' });
    expect(shortened.retention).toEqual({ closedReferral: 'PT30S' });
  });

  it('fails loading on a bad duration, naming the variable and the field', () => {
    // Act
    const load = () => loadRuntimeConfig({ [ENV.retention]: '{"closedReferral":"eight years"}' });

    // Assess
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(
      'Invalid runtime configuration at retention.closedReferral (JOINTLY_RETENTION): must be an ISO 8601 duration of whole units, such as P8Y, P30D or PT10S.',
    );
  });

  it('fails loading on text that is not JSON, naming the variable', () => {
    // Act
    const load = () => loadRuntimeConfig({ [ENV.retention]: 'P8Y' });

    // Assess
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow('JOINTLY_RETENTION must be a JSON object.');
  });
});

describe('the retention rule in the stage configuration', () => {
  it('is eight years in every stage unless overridden', () => {
    // Act
    const configs = (['dev', 'staging', 'prod'] as const).map((stage) => loadStageConfig(stage, { env: {} }));

    // Assess
    expect(configs.map((c) => c.retention.closedReferral)).toEqual(['P8Y', 'P8Y', 'P8Y']);
  });

  it('takes a valid override and rejects a bad one at retention.closedReferral', () => {
    // Act
    const shortened = loadStageConfig('dev', { env: {}, overrides: { retention: { closedReferral: 'P30D' } } });
    const bad = () => loadStageConfig('dev', { env: {}, overrides: { retention: { closedReferral: '30 days' } } });

    // Assess
    expect(shortened.retention.closedReferral).toBe('P30D');
    expect(bad).toThrow(StageConfigError);
    expect(bad).toThrow(
      "Invalid configuration for stage 'dev' at retention.closedReferral: must be an ISO 8601 duration of whole units, such as P8Y, P30D or PT10S.",
    );
  });

  it('rejects a zero retention at retention.closedReferral', () => {
    // Act
    const zero = () => loadStageConfig('dev', { env: {}, overrides: { retention: { closedReferral: 'P0D' } } });

    // Assess
    expect(zero).toThrow(`Invalid configuration for stage 'dev' at retention.closedReferral: ${RETENTION_RANGE_MESSAGE}.`);
  });

  it('rejects a rule for a record type it does not know', () => {
    // Act
    const unknown = () => loadStageConfig('dev', { env: {}, overrides: { retention: { closedReferal: 'P8Y' } } });

    // Assess
    expect(unknown).toThrow(/at retention: Unrecognized key/);
  });
});
