import { describe, expect, it } from 'vitest';
import { BadRequestError } from '#shared/core/errors.ts';
import type { Caller } from '#shared/core/identity.ts';
import { DEFAULT_LIMIT, paging } from '#shared/core/pagination.ts';

const KEY = 'unit-test-paging-key-0123456789';
const CALLER: Caller = { sub: 'u-receiver', org: 'ecc', roles: ['practitioner'] };
const OTHER_CALLER: Caller = { sub: 'u-colleague', org: 'ecc', roles: ['practitioner'] };
const SCOPE = 'GET /referrals';

describe('paging', () => {
  it('defaults the limit to 25 and starts from the beginning without a cursor', () => {
    // Prepare
    const query = { box: 'inbox' };

    // Act
    const page = paging(KEY, CALLER, SCOPE, query);

    // Assess
    expect(DEFAULT_LIMIT).toBe(25);
    expect(page.limit).toBe(25);
    expect(page.after).toBeUndefined();
  });

  it('gives a nextCursor only when there is more', () => {
    // Prepare
    const page = paging(KEY, CALLER, SCOPE, { box: 'inbox', limit: 10 });

    // Act
    const more = page.next('SK#1');
    const done = page.next(undefined);

    // Assess
    expect(more.nextCursor).toEqual(expect.any(String));
    expect(done).toEqual({});
  });

  it('resumes after the key of a cursor it issued for the same caller and query, whatever the limit', () => {
    // Prepare
    const first = paging(KEY, CALLER, SCOPE, { box: 'inbox', status: 'submitted', limit: 10 });
    const { nextCursor } = first.next('SK#10');

    // Act
    const second = paging(KEY, CALLER, SCOPE, { box: 'inbox', status: 'submitted', limit: 50, cursor: nextCursor });

    // Assess
    expect(second.after).toBe('SK#10');
    expect(second.limit).toBe(50);
  });

  it.each([
    { name: 'another caller', caller: OTHER_CALLER, scope: SCOPE, query: { box: 'inbox', status: 'submitted' } },
    { name: 'another route', caller: CALLER, scope: 'GET /handoffs', query: { box: 'inbox', status: 'submitted' } },
    { name: 'another filter', caller: CALLER, scope: SCOPE, query: { box: 'outbox', status: 'submitted' } },
  ])('rejects the cursor on $name with a 400 naming cursor', ({ caller, scope, query }) => {
    // Prepare
    const { nextCursor } = paging(KEY, CALLER, SCOPE, { box: 'inbox', status: 'submitted' }).next('SK#10');

    // Act
    let error: unknown;
    try {
      paging(KEY, caller, scope, { ...query, cursor: nextCursor });
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).errors[0]?.path).toBe('cursor');
  });
});
