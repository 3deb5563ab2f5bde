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

/**
 * Verifies a signature header against the raw body, as a receiver should: right HMAC,
 * and a timestamp within `toleranceSeconds` of `nowSeconds`.
 */
export const verifyWebhook = (
  secret: string,
  body: string,
  header: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean => {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
};
