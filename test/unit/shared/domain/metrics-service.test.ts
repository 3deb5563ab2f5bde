/**
 * `GET /metrics/summary` rules: the query schema (400 naming the field), the period
 * (defaults, order, at most 366 days), known orgs, and who may read (programme managers
 * only; 400 is judged before 403).
 */
import { describe, expect, it } from 'vitest';
import { BadRequestError, ForbiddenError } from '#shared/core/errors.ts';
import type { Caller } from '#shared/core/identity.ts';
import { MetricsService } from '#shared/metrics/domain/metrics-service.ts';
import type { MetricsReader } from '#shared/metrics/domain/ports.ts';
import { MetricsSummaryQuerySchema } from '#shared/metrics/domain/metrics-schemas.ts';
import { parseOrThrow } from '#shared/platform/http/validation.ts';

const PM: Caller = { sub: 'pm', org: 'ecc', roles: ['programme_manager'] };
const PRACTITIONER: Caller = { sub: 'p', org: 'provide', roles: ['practitioner'] };
const NOBODY: Caller = { sub: 'n', org: 'provide', roles: [] };

const reader = () => {
  const calls: Parameters<MetricsReader['readCells']>[0][] = [];
  return {
    calls,
    readCells: async (query: Parameters<MetricsReader['readCells']>[0]) => {
      calls.push(query);
      return [];
    },
  };
};

const service = (r = reader()) =>
  new MetricsService({
    reader: r,
    organisations: ['provide', 'ecc', 'meht', 'ageuk-essex'],
    clock: () => new Date('2026-03-10T15:00:00Z'),
  });

const parse = (query: Record<string, string>) => parseOrThrow(MetricsSummaryQuerySchema, query, 'The query string is invalid');
const pathsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    return (error as BadRequestError).errors.map((e) => e.path);
  }
  return [];
};

describe('query schema', () => {
  it('defaults groupBy to serviceArea and accepts the documented parameters', () => {
    expect(parse({})).toEqual({ groupBy: 'serviceArea' });
    expect(
      parse({ from: '2026-02-28', to: '2026-03-01', serviceArea: 'crisis-prevention', org: 'meht', groupBy: 'orgPair', format: 'csv' }),
    ).toMatchObject({
      groupBy: 'orgPair',
      format: 'csv',
    });
  });

  it.each([
    [{ from: '2026-2-1' }, 'from'],
    [{ to: '2026-02-30' }, 'to'],
    [{ serviceArea: 'dentistry' }, 'serviceArea'],
    [{ org: 'ECC!' }, 'org'],
    [{ groupBy: 'week' }, 'groupBy'],
    [{ format: 'xlsx' }, 'format'],
    [{ limit: '5' }, 'limit'],
  ])('rejects %j with a 400 naming %s', (query, path) => {
    expect(() => parse(query as Record<string, string>)).toThrow(BadRequestError);
    expect(pathsOf(() => parse(query as Record<string, string>))).toEqual([path]);
  });
});

describe('period', () => {
  it('defaults to the last 7 days, today included (UTC)', () => {
    expect(service().period({})).toEqual({ from: '2026-03-04', to: '2026-03-10' });
    expect(service().period({ to: '2026-01-03' })).toEqual({ from: '2025-12-28', to: '2026-01-03' });
    expect(service().period({ from: '2026-03-01' })).toEqual({ from: '2026-03-01', to: '2026-03-10' });
  });

  it('takes today in UK time: just after midnight BST it is already the next day', () => {
    const bst = new MetricsService({ reader: reader(), organisations: ['ecc'], clock: () => new Date('2026-06-30T23:30:00Z') });
    expect(bst.period({})).toEqual({ from: '2026-06-25', to: '2026-07-01' });
  });

  it('rejects to before from (naming to) and more than 366 days (naming both); 366 is fine', () => {
    expect(pathsOf(() => service().period({ from: '2026-03-02', to: '2026-03-01' }))).toEqual(['to']);
    expect(pathsOf(() => service().period({ from: '2024-01-01', to: '2025-01-01' }))).toEqual(['from', 'to']);
    expect(service().period({ from: '2024-01-01', to: '2024-12-31' })).toEqual({ from: '2024-01-01', to: '2024-12-31' });
  });
});

describe('summary access', () => {
  it('answers a programme manager, reading only the service areas and days asked for', async () => {
    // Prepare
    const r = reader();

    // Act
    const summary = await service(r).summary(PM, {
      groupBy: 'serviceArea',
      serviceArea: 'rapid-response',
      from: '2026-02-27',
      to: '2026-03-02',
    });

    // Assess
    expect(r.calls).toEqual([{ serviceAreas: ['rapid-response'], from: '2026-02-27', to: '2026-03-02' }]);
    expect(summary).toMatchObject({ from: '2026-02-27', to: '2026-03-02', groupBy: 'serviceArea', serviceArea: 'rapid-response' });
    expect(summary.groups.map((g) => g.key)).toEqual([{ serviceArea: 'rapid-response' }]);
  });

  it('refuses practitioners and callers with no role (403), reading nothing', async () => {
    for (const caller of [PRACTITIONER, NOBODY]) {
      const r = reader();
      await expect(service(r).summary(caller, { groupBy: 'serviceArea' })).rejects.toThrow(ForbiddenError);
      expect(r.calls).toEqual([]);
    }
  });

  it('judges a bad request (400) before the role (403), and an unknown org is a 400 naming org', async () => {
    await expect(service().summary(PRACTITIONER, { groupBy: 'day', from: '2026-03-02', to: '2026-03-01' })).rejects.toThrow(
      BadRequestError,
    );
    await expect(service().summary(PM, { groupBy: 'day', org: 'nhs-elsewhere' })).rejects.toMatchObject({ errors: [{ path: 'org' }] });
  });
});
