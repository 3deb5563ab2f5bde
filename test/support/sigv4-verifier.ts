/**
 * Checks an AWS Signature Version 4 `Authorization` header without any of our code or the
 * SDK's: the canonical request, string to sign and signing key recomputed with `node:crypto`
 * as AWS documents them, for a request without a query string. Tests use it so a bug shared
 * by the signer and a verifier built on the same library cannot pass unnoticed.
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** What the check found: whether it matched, and the scope and signed headers it read. */
export interface Sigv4Check {
  readonly valid: boolean;
  readonly accessKeyId?: string | undefined;
  readonly scope?: string | undefined;
  readonly signedHeaders?: readonly string[] | undefined;
}

/** Verifies the request's signature under `secretAccessKey`. */
export const verifySigv4 = (
  request: { method: string; path: string; headers: IncomingHttpHeaders; body: string },
  secretAccessKey: string,
): Sigv4Check => {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
    String(request.headers.authorization ?? ''),
  );
  if (!match) return { valid: false };
  const [, accessKeyId, scope, signed, signature] = match as unknown as [string, string, string, string, string];
  const [date, region, service, terminator] = scope.split('/');
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!date || !region || !service || terminator !== 'aws4_request' || !amzDate.startsWith(date)) return { valid: false };
  const signedHeaders = signed.split(';');
  const canonicalHeaders = signedHeaders
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalRequest = [request.method, request.path, '', canonicalHeaders, signed, sha256Hex(request.body)].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  return { valid: expected === signature, accessKeyId, scope, signedHeaders };
};
