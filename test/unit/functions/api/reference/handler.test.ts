import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CANCEL_REASON_CODES,
  DECLINE_REASON_CODES,
  HANDOFF_STATUSES,
  OUTCOME_CODES,
  PRIORITIES,
  REFERRAL_STATUSES,
  SERVICE_AREAS,
} from '#shared/core/reference-data.ts';
import type { Reference } from '#shared/reference/domain/reference-schemas.ts';
import { ReferenceSchema } from '#shared/reference/domain/reference-schemas.ts';
import { headerOf, httpEvent, invoke, jsonBody, practitionerClaims, type TestableHandler } from '#test/support/http-event.ts';

const PRIORITY_ENV = 'JOINTLY_PRIORITY_TARGET_MINUTES';

/** Imports the handler afresh, so its cold-start configuration reads the current environment. */
const loadHandler = async (): Promise<TestableHandler> => {
  vi.resetModules();
  const module = await import('#functions/api/reference/get-reference.ts');
  return module.handler;
};

const referenceEvent = (claims?: Record<string, string>) => httpEvent({ method: 'GET', path: '/reference', ...(claims ? { claims } : {}) });

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.stubEnv(PRIORITY_ENV, '');
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('GET /reference', () => {
  it('answers 401 problem+json without claims', async () => {
    // Prepare
    const handler = await loadHandler();

    // Act
    const result = await invoke(handler, referenceEvent());

    // Assess
    expect(result.statusCode).toBe(401);
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
    expect(jsonBody(result).type).toBe('https://jointly.dev/problems/unauthenticated');
  });

  it('answers 403 problem+json to a caller with no Jointly role, as every route does', async () => {
    // Prepare
    const handler = await loadHandler();
    const { 'cognito:groups': _groups, ...noRole } = practitionerClaims();

    // Act
    const result = await invoke(handler, referenceEvent(noRole));

    // Assess
    expect(result.statusCode).toBe(403);
    expect(headerOf(result, 'Content-Type')).toBe('application/problem+json');
    expect(jsonBody(result).type).toBe('https://jointly.dev/problems/forbidden');
  });

  it('answers 200 with a document matching the Reference schema', async () => {
    // Prepare
    const handler = await loadHandler();

    // Act
    const result = await invoke(handler, referenceEvent(practitionerClaims()));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(headerOf(result, 'Content-Type')).toBe('application/json');
    expect(ReferenceSchema.safeParse(jsonBody(result)).success).toBe(true);
  });

  it('lists the organisations provide, ecc, meht and ageuk-essex', async () => {
    // Prepare
    const handler = await loadHandler();

    // Act
    const result = await invoke(handler, referenceEvent(practitionerClaims()));

    // Assess
    const reference = jsonBody<Reference>(result);
    expect(reference.organisations.map((org) => org.id)).toEqual(expect.arrayContaining(['provide', 'ecc', 'meht', 'ageuk-essex']));
    for (const org of reference.organisations) expect(org.name.length).toBeGreaterThan(0);
  });

  it('gives the default priority targets of 120, 1440 and 7200 minutes', async () => {
    // Prepare
    const handler = await loadHandler();

    // Act
    const result = await invoke(handler, referenceEvent(practitionerClaims()));

    // Assess
    const reference = jsonBody<Reference>(result);
    expect(reference.priorities.map(({ code, targetMinutes }) => ({ code, targetMinutes }))).toEqual([
      { code: 'urgent', targetMinutes: 120 },
      { code: 'soon', targetMinutes: 1440 },
      { code: 'routine', targetMinutes: 7200 },
    ]);
  });

  it('includes every code list from the reference data, with labels', async () => {
    // Prepare
    const handler = await loadHandler();

    // Act
    const result = await invoke(handler, referenceEvent(practitionerClaims()));

    // Assess
    const reference = jsonBody<Reference>(result);
    const codesOf = (list: readonly { code: string }[]) => list.map((item) => item.code);
    expect(codesOf(reference.serviceAreas)).toEqual([...SERVICE_AREAS]);
    expect(codesOf(reference.priorities)).toEqual([...PRIORITIES]);
    expect(reference.referralStatuses).toEqual([...REFERRAL_STATUSES]);
    expect(reference.handoffStatuses).toEqual([...HANDOFF_STATUSES]);
    expect(codesOf(reference.declineReasonCodes)).toEqual([...DECLINE_REASON_CODES]);
    expect(codesOf(reference.cancelReasonCodes)).toEqual([...CANCEL_REASON_CODES]);
    expect(codesOf(reference.outcomeCodes)).toEqual([...OUTCOME_CODES]);
    for (const item of [...reference.serviceAreas, ...reference.declineReasonCodes, ...reference.outcomeCodes]) {
      expect(item.label.length).toBeGreaterThan(0);
    }
  });

  it('is open to a programme manager too', async () => {
    // Prepare
    const handler = await loadHandler();
    const claims = practitionerClaims({ 'custom:org': 'ecc', 'cognito:groups': '[programme_manager]' });

    // Act
    const result = await invoke(handler, referenceEvent(claims));

    // Assess
    expect(result.statusCode).toBe(200);
  });

  it('reflects a priority target override from the environment', async () => {
    // Prepare
    vi.stubEnv(PRIORITY_ENV, '{"urgent":1}');
    const handler = await loadHandler();

    // Act
    const result = await invoke(handler, referenceEvent(practitionerClaims()));

    // Assess
    const targets = Object.fromEntries(jsonBody<Reference>(result).priorities.map((p) => [p.code, p.targetMinutes]));
    expect(targets).toEqual({ urgent: 1, soon: 1440, routine: 7200 });
  });
});
