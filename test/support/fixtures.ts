/**
 * The test fixtures every layer shares: callers and a valid new referral. Pure data, no AWS
 * and no network, so unit tests import them as freely as integration and e2e tests. Tokens
 * for those callers come from `referral-api.ts` (through the runtime's `POST /_local/token`).
 */
import type { Caller } from '#shared/core/identity.ts';
import type { NewReferral, Referral } from '#shared/referrals/domain/referral.ts';

/** A signed-in caller of one organisation with one role. */
export const caller = (sub: string, org: Caller['org'], role: 'practitioner' | 'programme_manager' = 'practitioner'): Caller => ({
  sub,
  org,
  roles: [role],
});

/** A practitioner of `org`. */
export const practitioner = (sub: string, org: Caller['org']): Caller => caller(sub, org, 'practitioner');

/** A programme manager (reads across organisations, subscribes programme-wide). */
export const programmeManager = (sub: string, org: Caller['org']): Caller => caller(sub, org, 'programme_manager');

/** A valid new referral from Provide to ECC (override as needed). */
export const newReferral = (overrides: Partial<NewReferral> = {}): NewReferral => ({
  toOrg: 'ecc',
  serviceArea: 'rapid-response',
  priority: 'urgent',
  subject: { nhsNumber: '9434765919', name: 'Test Person' },
  reason: 'Falls at home',
  ...overrides,
});

/**
 * A referral as stored: submitted by Provide to ECC, urgent rapid response, version 1.
 * Tests override what their case is about (status, owner, versions, times).
 */
export const storedReferral = (overrides: Partial<Referral> = {}): Referral => ({
  id: '01M8FV9MJ7PSBGQ0BAPSFFTK1P',
  fromOrg: 'provide',
  toOrg: 'ecc',
  ownerOrg: 'provide',
  serviceArea: 'rapid-response',
  priority: 'urgent',
  subject: { nhsNumber: '9434765919' },
  reason: 'Falls at home',
  status: 'submitted',
  version: 1,
  seq: 1,
  createdAt: '2025-03-03T09:00:00.000Z',
  updatedAt: '2025-03-03T09:00:00.000Z',
  dueAt: '2025-03-03T11:00:00.000Z',
  pausedMs: 0,
  parties: ['provide', 'ecc'],
  ...overrides,
});
