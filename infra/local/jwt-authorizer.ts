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
  try {
    const { payload } = await jwtVerify(match[1], options.publicKey, {
      algorithms: ['RS256'],
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    return stringifyClaims(payload);
  } catch {
    return undefined;
  }
};
