import { ROLES, type Role } from './reference-data.ts';

/** Who is calling, as established by the JWT authorizer. */
export interface Caller {
  readonly sub: string;
  /** The caller's organisation (`custom:org`); empty when the token carries none. */
  readonly org: string;
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
 * The one place claims become a {@link Caller}. Returns `undefined` without a `sub`,
 * which handlers treat as unauthenticated.
 */
export const callerFromClaims = (claims: AuthorizerClaims | undefined): Caller | undefined => {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  const org = typeof claims?.['custom:org'] === 'string' ? (claims['custom:org'] as string) : '';
  const roles = parseListClaim(claims?.['cognito:groups']).filter((role): role is Role => knownRoles.has(role));
  return { sub, org, roles: [...new Set(roles)] };
};

/** Whether the caller holds `role`. */
export const hasRole = (caller: Caller, role: Role): boolean => caller.roles.includes(role);
