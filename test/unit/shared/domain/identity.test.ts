import { describe, expect, it } from 'vitest';
import { callerFromClaims, hasRole, parseListClaim } from '../../../../shared/domain/identity.ts';

describe('parseListClaim', () => {
  it('parses the HTTP API "[a b]" form into its items', () => {
    // Prepare
    const claim = '[practitioner programme_manager]';

    // Act
    const items = parseListClaim(claim);

    // Assess
    expect(items).toEqual(['practitioner', 'programme_manager']);
  });

  it('accepts a bare single value', () => {
    // Prepare
    const claim = 'practitioner';

    // Act
    const items = parseListClaim(claim);

    // Assess
    expect(items).toEqual(['practitioner']);
  });

  it('accepts a real array and drops empty items', () => {
    // Prepare
    const claim = ['practitioner', '', 'programme_manager'] as const;

    // Act
    const items = parseListClaim(claim);

    // Assess
    expect(items).toEqual(['practitioner', 'programme_manager']);
  });

  it('returns an empty list for "[]"', () => {
    // Prepare
    const claim = '[]';

    // Act
    const items = parseListClaim(claim);

    // Assess
    expect(items).toEqual([]);
  });

  it('returns an empty list for undefined and the empty string', () => {
    // Prepare
    const missing = undefined;
    const empty = '';

    // Act
    const fromMissing = parseListClaim(missing);
    const fromEmpty = parseListClaim(empty);

    // Assess
    expect(fromMissing).toEqual([]);
    expect(fromEmpty).toEqual([]);
  });

  it('ignores extra whitespace inside and around the brackets', () => {
    // Prepare
    const claim = '  [  practitioner    programme_manager  ]  ';

    // Act
    const items = parseListClaim(claim);

    // Assess
    expect(items).toEqual(['practitioner', 'programme_manager']);
  });

  it('also splits on commas', () => {
    // Prepare
    const claim = '[practitioner,programme_manager]';

    // Act
    const items = parseListClaim(claim);

    // Assess
    expect(items).toEqual(['practitioner', 'programme_manager']);
  });
});

describe('callerFromClaims', () => {
  it('returns undefined when there are no claims at all', () => {
    // Prepare
    const claims = undefined;

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller).toBeUndefined();
  });

  it('returns undefined without a sub, whatever else the claims hold', () => {
    // Prepare
    const claims = { 'custom:org': 'provide', 'cognito:groups': '[practitioner]' };

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller).toBeUndefined();
  });

  it('returns undefined for an empty sub', () => {
    // Prepare
    const claims = { sub: '', 'custom:org': 'provide', 'cognito:groups': '[practitioner]' };

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller).toBeUndefined();
  });

  it('builds a caller from claims in the HTTP API string form', () => {
    // Prepare
    const claims = { sub: 'user-1', 'custom:org': 'ecc', 'cognito:groups': '[practitioner programme_manager]' };

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller).toEqual({ sub: 'user-1', org: 'ecc', roles: ['practitioner', 'programme_manager'] });
  });

  it('drops groups that are not known roles', () => {
    // Prepare
    const claims = { sub: 'user-1', 'custom:org': 'ecc', 'cognito:groups': '[admin practitioner superuser]' };

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller?.roles).toEqual(['practitioner']);
  });

  it('removes duplicate roles', () => {
    // Prepare
    const claims = { sub: 'user-1', 'custom:org': 'ecc', 'cognito:groups': '[practitioner practitioner programme_manager practitioner]' };

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller?.roles).toEqual(['practitioner', 'programme_manager']);
  });

  it('uses an empty org when custom:org is missing', () => {
    // Prepare
    const claims = { sub: 'user-1', 'cognito:groups': '[practitioner]' };

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller).toEqual({ sub: 'user-1', org: '', roles: ['practitioner'] });
  });

  it('gives a caller with no roles when cognito:groups is missing', () => {
    // Prepare
    const claims = { sub: 'user-1', 'custom:org': 'meht' };

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller?.roles).toEqual([]);
    expect(caller?.org).toBe('meht');
  });
});

describe('hasRole', () => {
  it('tells whether the caller holds a role', () => {
    // Prepare
    const caller = callerFromClaims({ sub: 'user-1', 'custom:org': 'ecc', 'cognito:groups': '[programme_manager]' });

    // Act
    const isManager = caller ? hasRole(caller, 'programme_manager') : undefined;
    const isPractitioner = caller ? hasRole(caller, 'practitioner') : undefined;

    // Assess
    expect(isManager).toBe(true);
    expect(isPractitioner).toBe(false);
  });
});
