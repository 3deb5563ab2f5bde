/**
 * Verifies bearer tokens the way the HTTP API JWT authorizer does (signature, `alg`,
 * issuer, audience, expiry, not-before) and hands claims on in the same form: every value
 * a string, arrays flattened to `"[a b]"`.
 */
import { jwtVerify, type CryptoKey, type JWTPayload } from 'jose';

/** The 401 API Gateway's JWT authorizer sends; the local gateway sends the same. */
export const UNAUTHORIZED_BODY = '{"message":"Unauthorized"}';

/** Claims as HTTP API passes them to Lambda. */
export const stringifyClaims = (payload: JWTPayload): Record<string, string> => {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) claims[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
};

/** What the verifier needs to know about the issuer. */
export interface JwtAuthorizerOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly publicKey: CryptoKey;
}

/** Tokens remembered per verifier key; past this many, the oldest is forgotten first. */
export const VERIFIED_TOKENS_KEPT = 1000;

/** A token that verified, and the time bounds that still apply to it on every later use. */
interface VerifiedToken {
  readonly claims: Readonly<Record<string, string>>;
  readonly exp: number;
  readonly nbf?: number | undefined;
}

/**
 * Tokens already verified, per public key, keyed by issuer, audience and the whole token
 * (signature included). Verifying an RS256 signature is the costliest step of a local
 * request; a client sends the same token for an hour, and the same bytes under the same key
 * verify the same way every time, so only the time checks are repeated. A forged or altered
 * token never matches (only tokens that verified are kept, whole), and an expired one is
 * dropped and rejected exactly as `jwtVerify` would reject it.
 */
const verifiedTokens = new WeakMap<CryptoKey, Map<string, VerifiedToken>>();

/** Whether a remembered token is still inside its validity window now (jose's rules, no clock tolerance). */
const stillValid = (token: VerifiedToken, nowSeconds: number): boolean =>
  token.exp > nowSeconds && (token.nbf === undefined || token.nbf <= nowSeconds);

const remember = (cache: Map<string, VerifiedToken>, key: string, token: VerifiedToken): void => {
  // A Map iterates in insertion order: its first key is the oldest entry.
  if (cache.size >= VERIFIED_TOKENS_KEPT) cache.delete(cache.keys().next().value!);
  cache.set(key, token);
};

/**
 * The HTTP API JWT authorizer's audience rule: `aud` must name the client when present;
 * only a token without `aud` is checked on `client_id` instead. That is how a Cognito
 * access token (which has `client_id`, no `aud`) gets through in AWS, so it gets through
 * here too, and the API itself refuses it (only ID tokens become a caller).
 */
export const audienceMatches = (payload: JWTPayload, audience: string): boolean => {
  if (payload.aud !== undefined) return Array.isArray(payload.aud) ? payload.aud.includes(audience) : payload.aud === audience;
  return payload.client_id === audience;
};

/**
 * Returns the stringified claims of a valid `Authorization: Bearer` header, or `undefined`
 * (→ 401) for a missing, malformed, forged, `alg: none`, wrong-issuer/audience or expired token.
 */
export const authorize = async (
  authorization: string | undefined,
  options: JwtAuthorizerOptions,
): Promise<Record<string, string> | undefined> => {
  const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  let cache = verifiedTokens.get(options.publicKey);
  if (!cache) {
    cache = new Map();
    verifiedTokens.set(options.publicKey, cache);
  }
  const key = `${options.issuer}\n${options.audience}\n${match[1]}`;
  const known = cache.get(key);
  if (known) {
    if (stillValid(known, Math.floor(Date.now() / 1000))) return { ...known.claims };
    cache.delete(key);
    return undefined;
  }
  try {
    const { payload } = await jwtVerify(match[1], options.publicKey, {
      algorithms: ['RS256'],
      issuer: options.issuer,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    if (!audienceMatches(payload, options.audience)) return undefined;
    const claims = stringifyClaims(payload);
    // `requiredClaims` guarantees a numeric `exp`; jose has checked `nbf` is numeric if present.
    remember(cache, key, { claims, exp: payload.exp!, nbf: payload.nbf });
    return { ...claims };
  } catch {
    return undefined;
  }
};
