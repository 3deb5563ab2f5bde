/**
 * The local stand-in for Cognito: an RS256 key pair made at start-up that signs ID-token
 * shaped JWTs with the deployed claim names (`custom:org`, `cognito:groups`). Nothing here
 * is deployed; tokens die with the process.
 */
import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import * as z from 'zod';
import { ROLES } from '../../shared/domain/reference-data.ts';

/** Body of `POST /_local/token`. */
export const TokenRequestSchema = z.strictObject({
  sub: z.string().min(1).max(128),
  org: z.string().min(1).max(64),
  roles: z.array(z.enum(ROLES)).max(ROLES.length),
  name: z.string().min(1).max(200).optional(),
  email: z.email().optional(),
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
      return new SignJWT({
        'custom:org': request.org,
        'cognito:groups': [...request.roles],
        token_use: 'id',
        ...(request.name ? { name: request.name } : {}),
        ...(request.email ? { email: request.email } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'local' })
        .setSubject(request.sub)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + (options.expiresInSeconds ?? request.expiresInSeconds ?? TOKEN_LIFETIME_SECONDS))
        .sign(privateKey);
    },
  };
};
