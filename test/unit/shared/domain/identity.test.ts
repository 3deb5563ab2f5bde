import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '#shared/core/errors.ts';
import { callerFromClaims, hasRole, identify, parseListClaim, readScopeOf, type Caller } from '#shared/core/identity.ts';

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
    const claims = { sub: 'user-1', token_use: 'id', 'custom:org': 'ecc', 'cognito:groups': '[practitioner programme_manager]' };

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller).toEqual({ sub: 'user-1', org: 'ecc', roles: ['practitioner', 'programme_manager'] });
  });

  it('drops groups that are not known roles', () => {
    // Prepare
    const claims = { sub: 'user-1', token_use: 'id', 'custom:org': 'ecc', 'cognito:groups': '[admin practitioner superuser]' };

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller?.roles).toEqual(['practitioner']);
  });

  it('removes duplicate roles', () => {
    // Prepare
    const claims = {
      sub: 'user-1',
      token_use: 'id',
      'custom:org': 'ecc',
      'cognito:groups': '[practitioner practitioner programme_manager practitioner]',
    };

    // Act
    const caller = callerFromClaims(claims);

    // Assess
    expect(caller?.roles).toEqual(['practitioner', 'programme_manager']);
  });

  it('refuses an ID token without custom:org: no caller, never an empty org', () => {
    // Prepare
    const claims = { sub: 'user-1', token_use: 'id', 'cognito:groups': '[practitioner]' };

    // Act
    const caller = callerFromClaims(claims);
    const identification = identify(claims);

    // Assess
    expect(caller).toBeUndefined();
    expect(identification.outcome).toBe('unregistered-org');
  });

  it('gives a caller with no roles when cognito:groups is missing', () => {
    // Prepare
    const claims = { sub: 'user-1', token_use: 'id', 'custom:org': 'meht' };

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
    const caller = callerFromClaims({ sub: 'user-1', token_use: 'id', 'custom:org': 'ecc', 'cognito:groups': '[programme_manager]' });

    // Act
    const isManager = caller ? hasRole(caller, 'programme_manager') : undefined;
    const isPractitioner = caller ? hasRole(caller, 'practitioner') : undefined;

    // Assess
    expect(isManager).toBe(true);
    expect(isPractitioner).toBe(false);
  });
});

describe('identify: only ID tokens of a registered org become a caller', () => {
  /** A Cognito access token as the HTTP API authorizer hands it on: no aud, no custom attributes. */
  const accessTokenClaims = {
    sub: 'user-1',
    token_use: 'access',
    client_id: 'jointly-local-client',
    scope: 'openid email',
    username: 'user-1',
    'cognito:groups': '[practitioner]',
  };

  it('refuses an access token as unauthenticated, whatever groups it carries', () => {
    // Prepare
    const claims = { ...accessTokenClaims, 'cognito:groups': '[programme_manager]' };

    // Act
    const identification = identify(claims);

    // Assess
    expect(identification.outcome).toBe('unauthenticated');
    expect(callerFromClaims(claims)).toBeUndefined();
  });

  it('refuses a token without token_use, and an access token that somehow carries custom:org', () => {
    // Prepare
    const noTokenUse = { sub: 'user-1', 'custom:org': 'ecc', 'cognito:groups': '[practitioner]' };
    const accessWithOrg = { ...accessTokenClaims, 'custom:org': 'ecc' };

    // Act
    const outcomes = [identify(noTokenUse).outcome, identify(accessWithOrg).outcome];

    // Assess
    expect(outcomes).toEqual(['unauthenticated', 'unauthenticated']);
  });

  it('refuses an ID token whose org is not in the registry (or empty) as unregistered-org', () => {
    // Prepare
    const orgs = ['nhs-fake', '', 'ECC', ' ecc'];

    // Act
    const outcomes = orgs.map(
      (org) => identify({ sub: 'u', token_use: 'id', 'custom:org': org, 'cognito:groups': '[practitioner]' }).outcome,
    );

    // Assess
    expect(outcomes).toEqual(['unregistered-org', 'unregistered-org', 'unregistered-org', 'unregistered-org']);
  });

  it('accepts an ID token of a registered org', () => {
    // Prepare
    const claims = { sub: 'user-9', token_use: 'id', 'custom:org': 'ageuk-essex', 'cognito:groups': '[practitioner]' };

    // Act
    const identification = identify(claims);

    // Assess
    expect(identification).toEqual({ outcome: 'caller', caller: { sub: 'user-9', org: 'ageuk-essex', roles: ['practitioner'] } });
  });
});

describe('readScopeOf', () => {
  it('scopes a practitioner to their org and a programme manager programme-wide', () => {
    // Prepare
    const practitioner: Caller = { sub: 'p', org: 'ecc', roles: ['practitioner'] };
    const manager: Caller = { sub: 'm', org: 'meht', roles: ['programme_manager'] };
    const both: Caller = { sub: 'b', org: 'provide', roles: ['practitioner', 'programme_manager'] };

    // Act
    const scopes = [practitioner, manager, both].map(readScopeOf);

    // Assess
    expect(scopes).toEqual([{ kind: 'org', org: 'ecc' }, { kind: 'programme' }, { kind: 'programme' }]);
  });

  it('gives a caller with no role no scope at all (403)', () => {
    // Prepare
    const nobody: Caller = { sub: 'n', org: 'ecc', roles: [] };

    // Act
    const read = () => readScopeOf(nobody);

    // Assess
    expect(read).toThrow(ForbiddenError);
  });
});
