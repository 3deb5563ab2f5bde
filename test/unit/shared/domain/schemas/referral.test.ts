import { describe, expect, it } from 'vitest';
import type { ZodMiniType } from 'zod/mini';
import {
  AmendBodySchema,
  CreateReferralBodySchema,
  ListReferralsQuerySchema,
  SearchBodySchema,
} from '#shared/referrals/domain/referral-schemas.ts';
import { fieldErrorsOf } from '#shared/platform/http/validation.ts';

const MINIMAL_BODY = {
  toOrg: 'ecc',
  serviceArea: 'rapid-response',
  priority: 'urgent',
  subject: { nhsNumber: '9434765919' },
  reason: 'Falls at home, lives alone',
} as const;

/** Parses `input` and returns the field errors (contract paths), failing the test if it parsed. */
const failuresOf = (schema: ZodMiniType, input: unknown) => {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return { errors: fieldErrorsOf(result.error), issues: result.error.issues };
};

const isoDate = (date: Date): string => date.toISOString().slice(0, 10);

describe('CreateReferralBodySchema', () => {
  it('accepts a minimal valid body', () => {
    // Prepare
    const body = { ...MINIMAL_BODY };

    // Act
    const result = CreateReferralBodySchema.safeParse(body);

    // Assess
    expect(result.success).toBe(true);
    expect(result.data).toEqual(MINIMAL_BODY);
  });

  it('accepts a full body, normalising the postcode and trimming the reason', () => {
    // Prepare
    const body = {
      ...MINIMAL_BODY,
      toTeam: 'crisis-team',
      fromTeam: 'community_mdt',
      subject: { nhsNumber: '4010232137', localId: 'CASE-77', name: 'Ada Placeholder', dateOfBirth: '1941-07-19', postcode: ' cm1 1aa ' },
      reason: '  Falls at home  ',
    };

    // Act
    const parsed = CreateReferralBodySchema.parse(body);

    // Assess
    expect(parsed.subject.postcode).toBe('CM1 1AA');
    expect(parsed.reason).toBe('Falls at home');
  });

  it('accepts a subject identified by a local id only', () => {
    // Prepare
    const body = { ...MINIMAL_BODY, subject: { localId: 'ECC-000123' } };

    // Act
    const result = CreateReferralBodySchema.safeParse(body);

    // Assess
    expect(result.success).toBe(true);
  });

  it('rejects unknown top-level fields, naming them', () => {
    // Prepare
    const body = { ...MINIMAL_BODY, ownerOrg: 'meht', status: 'accepted' };

    // Act
    const { errors, issues } = failuresOf(CreateReferralBodySchema, body);

    // Assess
    expect(errors.map((e) => e.path).sort()).toEqual(['ownerOrg', 'status']);
    const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
    expect(unknown).toBeDefined();
    expect(unknown && 'keys' in unknown ? [...unknown.keys].sort() : []).toEqual(['ownerOrg', 'status']);
    expect(unknown?.message).toContain('ownerOrg');
    expect(unknown?.message).toContain('status');
  });

  it('rejects unknown fields inside the subject, naming them under subject', () => {
    // Prepare
    const body = { ...MINIMAL_BODY, subject: { nhsNumber: '9434765919', address: '1 High St' } };

    // Act
    const { errors, issues } = failuresOf(CreateReferralBodySchema, body);

    // Assess
    expect(errors.map((e) => e.path)).toContain('subject.address');
    expect(issues.some((issue) => issue.message.includes('address'))).toBe(true);
  });

  it('rejects a subject with neither nhsNumber nor localId at subject.nhsNumber', () => {
    // Prepare
    const body = { ...MINIMAL_BODY, subject: { name: 'Ada Placeholder' } };

    // Act
    const { errors } = failuresOf(CreateReferralBodySchema, body);

    // Assess
    expect(errors.map((e) => e.path)).toEqual(['subject.nhsNumber']);
  });

  it.each(['9434765918', '0000000000', '943476591', '943 476 5919', 9434765919])(
    'rejects the NHS number %s at subject.nhsNumber',
    (nhsNumber) => {
      // Prepare
      const body = { ...MINIMAL_BODY, subject: { nhsNumber } };

      // Act
      const { errors } = failuresOf(CreateReferralBodySchema, body);

      // Assess
      expect(errors.map((e) => e.path)).toContain('subject.nhsNumber');
    },
  );

  it('rejects a date of birth in the future', () => {
    // Prepare
    const tomorrow = isoDate(new Date(Date.now() + 2 * 24 * 60 * 60 * 1000));
    const body = { ...MINIMAL_BODY, subject: { nhsNumber: '9434765919', dateOfBirth: tomorrow } };

    // Act
    const { errors } = failuresOf(CreateReferralBodySchema, body);

    // Assess
    expect(errors.map((e) => e.path)).toEqual(['subject.dateOfBirth']);
  });

  it.each(['1941-02-30', '1941-13-01', '19-07-1941', '1941-7-19'])(
    'rejects the malformed or impossible date of birth %s',
    (dateOfBirth) => {
      // Prepare
      const body = { ...MINIMAL_BODY, subject: { nhsNumber: '9434765919', dateOfBirth } };

      // Act
      const { errors } = failuresOf(CreateReferralBodySchema, body);

      // Assess
      expect(errors.map((e) => e.path)).toContain('subject.dateOfBirth');
    },
  );

  it.each(['XYZ', 'CM1', '12345', 'CM1 1AAA'])('rejects the postcode %s at subject.postcode', (postcode) => {
    // Prepare
    const body = { ...MINIMAL_BODY, subject: { nhsNumber: '9434765919', postcode } };

    // Act
    const { errors } = failuresOf(CreateReferralBodySchema, body);

    // Assess
    expect(errors.map((e) => e.path)).toEqual(['subject.postcode']);
  });

  it.each([
    { field: 'serviceArea', value: 'dentistry' },
    { field: 'priority', value: 'whenever' },
    { field: 'priority', value: 'URGENT' },
  ])('rejects $field outside its enum ($value)', ({ field, value }) => {
    // Prepare
    const body = { ...MINIMAL_BODY, [field]: value };

    // Act
    const { errors } = failuresOf(CreateReferralBodySchema, body);

    // Assess
    expect(errors.map((e) => e.path)).toEqual([field]);
  });

  it('accepts a reason of exactly 4000 characters and rejects 4001', () => {
    // Prepare
    const longest = { ...MINIMAL_BODY, reason: 'x'.repeat(4000) };
    const tooLong = { ...MINIMAL_BODY, reason: 'x'.repeat(4001) };

    // Act
    const accepted = CreateReferralBodySchema.safeParse(longest);
    const { errors } = failuresOf(CreateReferralBodySchema, tooLong);

    // Assess
    expect(accepted.success).toBe(true);
    expect(errors.map((e) => e.path)).toEqual(['reason']);
  });

  it.each(['', '   \n\t'])('rejects an empty or blank reason (%j)', (reason) => {
    // Prepare
    const body = { ...MINIMAL_BODY, reason };

    // Act
    const { errors } = failuresOf(CreateReferralBodySchema, body);

    // Assess
    expect(errors.map((e) => e.path)).toEqual(['reason']);
  });

  it.each(['toOrg', 'serviceArea', 'priority', 'subject', 'reason'])('requires %s', (field) => {
    // Prepare
    const body: Record<string, unknown> = { ...MINIMAL_BODY };
    delete body[field];

    // Act
    const { errors } = failuresOf(CreateReferralBodySchema, body);

    // Assess
    expect(errors.map((e) => e.path)).toContain(field);
  });
});

describe('SearchBodySchema', () => {
  it.each([{ nhsNumber: '9434765919' }, { localId: 'CASE-77' }])('accepts exactly one identifier %j', (body) => {
    // Prepare
    const input = { ...body };

    // Act
    const result = SearchBodySchema.safeParse(input);

    // Assess
    expect(result.success).toBe(true);
    expect(result.data).toEqual(body);
  });

  it.each([
    { name: 'both identifiers', body: { nhsNumber: '9434765919', localId: 'CASE-77' } },
    { name: 'no identifier', body: {} },
    { name: 'an invalid NHS number', body: { nhsNumber: '9434765918' } },
    { name: 'an identifier plus an unknown field', body: { localId: 'CASE-77', name: 'Ada' } },
  ])('rejects $name', ({ body }) => {
    // Prepare
    const input = { ...body };

    // Act
    const result = SearchBodySchema.safeParse(input);

    // Assess
    expect(result.success).toBe(false);
  });
});

describe('ListReferralsQuerySchema', () => {
  it('defaults box to inbox and sort to newest, leaving limit unset', () => {
    // Prepare
    const query = {};

    // Act
    const parsed = ListReferralsQuerySchema.parse(query);

    // Assess
    expect(parsed).toEqual({ box: 'inbox', sort: 'newest' });
    expect(parsed.limit).toBeUndefined();
  });

  it.each([
    { raw: '1', limit: 1 },
    { raw: '100', limit: 100 },
    { raw: '25', limit: 25 },
  ])('accepts limit $raw as the number $limit', ({ raw, limit }) => {
    // Prepare
    const query = { limit: raw };

    // Act
    const parsed = ListReferralsQuerySchema.parse(query);

    // Assess
    expect(parsed.limit).toBe(limit);
  });

  it.each(['0', '101', 'abc', '1.5', '-1', '', '1e2', '1000'])('rejects limit %j at path limit', (raw) => {
    // Prepare
    const query = { limit: raw };

    // Act
    const { errors } = failuresOf(ListReferralsQuerySchema, query);

    // Assess
    expect(errors.map((e) => e.path)).toEqual(['limit']);
  });

  it('accepts every filter and sort=due', () => {
    // Prepare
    const query = {
      box: 'owned',
      status: 'accepted',
      serviceArea: 'joint-referral',
      team: 'crisis-team',
      sort: 'due',
      org: 'ecc',
      cursor: 'abc.def',
    };

    // Act
    const parsed = ListReferralsQuerySchema.parse(query);

    // Assess
    expect(parsed).toEqual(query);
  });

  it.each([
    { field: 'box', value: 'trash' },
    { field: 'sort', value: 'oldest' },
    { field: 'status', value: 'open' },
    { field: 'org', value: 'ECC!' },
  ])('rejects $field=$value', ({ field, value }) => {
    // Prepare
    const query = { [field]: value };

    // Act
    const { errors } = failuresOf(ListReferralsQuerySchema, query);

    // Assess
    expect(errors.map((e) => e.path)).toEqual([field]);
  });

  it('rejects unknown query parameters', () => {
    // Prepare
    const query = { pageSize: '10' };

    // Act
    const { issues } = failuresOf(ListReferralsQuerySchema, query);

    // Assess
    expect(issues[0]?.code).toBe('unrecognized_keys');
    expect(issues[0]?.message).toContain('pageSize');
  });
});

describe('AmendBodySchema', () => {
  it('requires at least one of priority, reason, subject', () => {
    // Prepare
    const body = {};

    // Act
    const { errors } = failuresOf(AmendBodySchema, body);

    // Assess
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('priority');
    expect(errors[0]?.message).toMatch(/priority, reason, subject/);
  });

  it.each([{ priority: 'soon' }, { reason: 'Corrected reason' }, { subject: { localId: 'CASE-77' } }])('accepts %j alone', (body) => {
    // Prepare
    const input = { ...body };

    // Act
    const result = AmendBodySchema.safeParse(input);

    // Assess
    expect(result.success).toBe(true);
  });

  it('rejects fields that amend cannot change', () => {
    // Prepare
    const body = { reason: 'Corrected', toOrg: 'meht' };

    // Act
    const { issues } = failuresOf(AmendBodySchema, body);

    // Assess
    expect(issues.some((issue) => issue.code === 'unrecognized_keys' && issue.message.includes('toOrg'))).toBe(true);
  });
});

describe('ids bounded by their pattern', () => {
  it('declares the bound as a maxLength, and a longer id fails once, with the pattern’s message', () => {
    // Prepare
    const body = { ...MINIMAL_BODY, toOrg: 'a'.repeat(65) };

    // Act
    const { errors } = failuresOf(CreateReferralBodySchema, body);

    // Assess
    expect(errors).toEqual([{ path: 'toOrg', message: 'must be an organisation id such as "ecc"' }]);
  });

  it('still accepts the longest id its pattern allows', () => {
    // Prepare
    const body = { ...MINIMAL_BODY, toOrg: 'a'.repeat(64), subject: { localId: 'L'.repeat(64) } };

    // Act
    const result = CreateReferralBodySchema.safeParse(body);

    // Assess
    expect(result.success).toBe(true);
  });
});
