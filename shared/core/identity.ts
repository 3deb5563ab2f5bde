import { isKnownOrganisation, type OrgId } from './organisations.ts';
import { ForbiddenError } from './errors.ts';
import { ROLES, type Role } from './reference-data.ts';

/** Who is calling, as established by the JWT authorizer and {@link identify}. */
export interface Caller {
  readonly sub: string;
  /**
   * The caller's organisation (`custom:org`): always a registered one. A token without an
   * org, or with one the registry does not know, never becomes a caller (see {@link identify}).
   */
  readonly org: OrgId;
  /** Known roles only; unknown groups are dropped. */
  readonly roles: readonly Role[];
}

/**
 * Claims as the HTTP API JWT authorizer hands them to Lambda: every value a string,
 * arrays flattened to `"[a b]"`. Local tokens arrive in exactly this form too.
 */
export type AuthorizerClaims = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

/**
 * Parses a claim that may hold a list. The HTTP API stringifies arrays as `"[a b c]"`;
 * a bare value (`"practitioner"`) or a real array (other integrations) are accepted too.
 */
export const parseListClaim = (value: AuthorizerClaims[string]): string[] => {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String).filter((item) => item.length > 0);
  const text = String(value).trim();
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
};

const knownRoles = new Set<string>(ROLES);

/**
 * What a set of claims amounts to. Fails closed: anything but an ID token with a `sub` is
 * `unauthenticated` (401); an ID token whose `custom:org` is missing or unregistered is
 * `unregistered-org` (403): it is someone, but someone who may see nothing.
 */
export type Identification =
  | { readonly outcome: 'caller'; readonly caller: Caller }
  | { readonly outcome: 'unauthenticated'; readonly reason: string }
  | { readonly outcome: 'unregistered-org'; readonly reason: string };

/**
 * The one place claims become a {@link Caller}. Only Cognito ID tokens (`token_use: "id"`)
 * are accepted: an access token passes the HTTP API JWT authorizer too (it checks
 * `client_id` when there is no `aud`) but carries no `custom:org`, and must not be read as
 * "a caller of no organisation".
 */
export const identify = (claims: AuthorizerClaims | undefined): Identification => {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) {
    return { outcome: 'unauthenticated', reason: 'A valid bearer token is required.' };
  }
  if (claims?.token_use !== 'id') {
    return { outcome: 'unauthenticated', reason: 'Only ID tokens are accepted: send the ID token, not an access token.' };
  }
  const org = claims['custom:org'];
  if (typeof org !== 'string' || !isKnownOrganisation(org)) {
    return { outcome: 'unregistered-org', reason: 'Your account has no organisation registered with Jointly.' };
  }
  const roles = parseListClaim(claims['cognito:groups']).filter((role): role is Role => knownRoles.has(role));
  return { outcome: 'caller', caller: { sub, org, roles: [...new Set(roles)] } };
};

/**
 * The caller for these claims, or `undefined` when {@link identify} refuses them (no token,
 * not an ID token, no registered org). Public routes use it for an optional caller.
 */
export const callerFromClaims = (claims: AuthorizerClaims | undefined): Caller | undefined => {
  const identification = identify(claims);
  return identification.outcome === 'caller' ? identification.caller : undefined;
};

/** Whether the caller holds `role`. */
export const hasRole = (caller: Caller, role: Role): boolean => caller.roles.includes(role);

/** The acting role a caller takes: practitioners act; programme managers only read. */
export const actingRole = (caller: Caller): Role | undefined =>
  hasRole(caller, 'practitioner') ? 'practitioner' : hasRole(caller, 'programme_manager') ? 'programme_manager' : undefined;

/** A caller with no known role may do nothing (403), whatever the record. */
export const assertHasKnownRole = (caller: Caller): void => {
  if (!actingRole(caller)) throw new ForbiddenError('Your account has no Jointly role (practitioner or programme_manager).');
};

/**
 * What a repository read may return. Required by every list and search port, so an
 * unscoped read cannot be expressed; adapters switch on `kind` exhaustively.
 * - `org`: only records the organisation is party to (practitioners);
 * - `programme`: every organisation's records (programme managers).
 */
export type ReadScope = { readonly kind: 'org'; readonly org: OrgId } | { readonly kind: 'programme' };

/**
 * The one place a read scope is built from a caller: programme managers read
 * programme-wide, practitioners their own organisation. A caller with neither role reads
 * nothing (403).
 */
export const readScopeOf = (caller: Caller): ReadScope => {
  if (hasRole(caller, 'programme_manager')) return { kind: 'programme' };
  if (hasRole(caller, 'practitioner')) return { kind: 'org', org: caller.org };
  throw new ForbiddenError('Your account has no Jointly role (practitioner or programme_manager).');
};

/** For the `default` branch of an exhaustive `switch`: a new variant fails to compile. */
export const unreachable = (value: never): never => {
  throw new Error(`Unhandled variant: ${JSON.stringify(value)}`);
};
