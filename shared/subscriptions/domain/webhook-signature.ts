/**
 * Webhook signatures (DESIGN §4): `Jointly-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256
 * of "<t>.<raw body>" keyed by the subscription's secret>`. Receivers recompute it over
 * the raw body and reject old timestamps to stop replays.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Jointly-Signature';
export const EVENT_ID_HEADER = 'Jointly-Event-Id';

/** The signature header value for `body` sent at `timestampSeconds`. */
export const signWebhook = (secret: string, body: string, timestampSeconds: number): string =>
  `t=${timestampSeconds},v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;

/** Why a signature was not accepted. */
export type SignatureRejection = 'malformed' | 'stale' | 'mismatch';

/** Default receiver tolerance: a signature older (or newer) than 5 minutes is refused as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Checks a `Jointly-Signature` header the way a receiver should, and says why it fails:
 * the header must be `t=<unix seconds>,v1=<64 hex>` (other `v…` schemes are ignored, so a
 * receiver keeps working when a scheme is added); `t` within `toleranceSeconds` of
 * `nowSeconds` (replays of an old delivery are refused); and `v1` equal, in constant time,
 * to HMAC-SHA256 over `"<t>.<raw body>"` keyed by the secret. `rawBody` must be the bytes as
 * received, before any JSON parsing. Copy it into a receiver as it is: it needs only
 * `node:crypto`.
 */
export const verifyWebhookSignature = (input: {
  readonly secret: string;
  readonly rawBody: string;
  readonly header: string | undefined;
  readonly nowSeconds?: number;
  readonly toleranceSeconds?: number;
}): { readonly ok: true; readonly timestamp: number } | { readonly ok: false; readonly reason: SignatureRejection } => {
  const fields = new Map<string, string[]>();
  for (const part of (input.header ?? '').split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const key = part.slice(0, at).trim();
    fields.set(key, [...(fields.get(key) ?? []), part.slice(at + 1).trim()]);
  }
  const t = fields.get('t')?.[0];
  const signatures = (fields.get('v1') ?? []).filter((v) => /^[0-9a-f]{64}$/i.test(v));
  if (!t || !/^\d{1,12}$/.test(t) || signatures.length === 0) return { ok: false, reason: 'malformed' };
  const timestamp = Number(t);
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale' };
  const expected = createHmac('sha256', input.secret).update(`${t}.${input.rawBody}`, 'utf8').digest();
  const matches = signatures.some((v) => timingSafeEqual(Buffer.from(v, 'hex'), expected));
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
};

/**
 * Verifies a signature header against the raw body: {@link verifyWebhookSignature} as a
 * boolean (kept for the resilience scripts).
 */
export const verifyWebhook = (
  secret: string,
  body: string,
  header: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean => verifyWebhookSignature({ secret, rawBody: body, header, nowSeconds, toleranceSeconds }).ok;
