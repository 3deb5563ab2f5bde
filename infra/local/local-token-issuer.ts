/**
 * The local stand-in for Cognito: an RS256 key pair made at start-up that signs JWTs shaped
 * as a Cognito user pool shapes them: an ID token (the default; `aud`, `custom:org`,
 * `cognito:groups`, `cognito:username`) or an access token (`client_id`, `scope`,
 * `username`, no `aud`, no custom attributes). The API accepts only the first; the second
 * exists so tests can prove it is refused. Nothing here is deployed; tokens die with the
 * process.
 */
import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import * as z from 'zod';
import { ROLES } from '../../shared/core/reference-data.ts';

/** Body of `POST /_local/token`. */
export const TokenRequestSchema = z.strictObject({
  sub: z.string().min(1).max(128),
  /** `custom:org`; absent for a user created without one. Access tokens never carry it. */
  org: z.string().min(1).max(64).optional(),
  roles: z.array(z.enum(ROLES)).max(ROLES.length),
  name: z.string().min(1).max(200).optional(),
  email: z.email().optional(),
  /** Which Cognito token to mint: `id` (default) or `access`. */
  tokenUse: z.enum(['id', 'access']).optional(),
  /** Local convenience for trying expiry: lifetime in seconds (default an hour). */
  expiresInSeconds: z.number().int().min(1).max(86_400).optional(),
});
export type TokenRequest = z.infer<typeof TokenRequestSchema>;

/** A local issuer: mints tokens and exposes what a verifier needs. */
export interface LocalTokenIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly publicKey: CryptoKey;
  mint(request: TokenRequest, options?: { expiresInSeconds?: number; now?: Date }): Promise<string>;
}

/** Default lifetime of a local token: an hour, like a Cognito ID token. */
export const TOKEN_LIFETIME_SECONDS = 3600;

/** Creates an issuer with a fresh key pair. */
export const createLocalTokenIssuer = async (
  issuer = 'https://jointly.local/issuer',
  audience = 'jointly-local-client',
): Promise<LocalTokenIssuer> => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  return {
    issuer,
    audience,
    publicKey,
    mint: (request, options = {}) => {
      const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
      // Claims both kinds share. Cognito leaves `cognito:groups` out for a user in no group.
      const common: JWTPayload = {
        ...(request.roles.length > 0 ? { 'cognito:groups': [...request.roles] } : {}),
        auth_time: issuedAt,
        jti: randomUUID(),
        origin_jti: randomUUID(),
      };
      const claims: JWTPayload =
        request.tokenUse === 'access'
          ? { ...common, token_use: 'access', client_id: audience, scope: 'openid email', username: request.sub }
          : {
              ...common,
              token_use: 'id',
              'cognito:username': request.sub,
              ...(request.org ? { 'custom:org': request.org } : {}),
              ...(request.name ? { name: request.name } : {}),
              ...(request.email ? { email: request.email, email_verified: true } : {}),
            };
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'local' })
        .setSubject(request.sub)
        .setIssuer(issuer)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + (options.expiresInSeconds ?? request.expiresInSeconds ?? TOKEN_LIFETIME_SECONDS));
      // An access token names its client in `client_id` and has no `aud`, as Cognito's does.
      return (request.tokenUse === 'access' ? jwt : jwt.setAudience(audience)).sign(privateKey);
    },
  };
};
