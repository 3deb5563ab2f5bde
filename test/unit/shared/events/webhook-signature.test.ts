import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '#shared/subscriptions/domain/webhook-signature.ts';
import { signatureMatches } from '#test/support/independent-signature.ts';

/**
 * Known-answer vector, computed once outside this code base:
 *   printf '%s' '1767225600.{"id":"01JOINTLYVECTOR","type":"referral.submitted"}' \
 *     | openssl dgst -sha256 -hmac 'whsec_jointly_test_vector_0001' -hex
 * (and cross-checked with Python's hmac module). docs/webhooks-and-secrets.md quotes it.
 */
const VECTOR = {
  secret: 'whsec_jointly_test_vector_0001',
  timestamp: 1767225600,
  rawBody: '{"id":"01JOINTLYVECTOR","type":"referral.submitted"}',
  hex: 'c9630e59ede831e679358ed2cc8be9d152afd251e33b94230606700a2fd36595',
} as const;
const HEADER = `t=${VECTOR.timestamp},v1=${VECTOR.hex}`;

describe('webhook signature: known-answer vector', () => {
  it('our signer produces exactly the vector’s header', () => {
    // Prepare / Act
    const header = signWebhook(VECTOR.secret, VECTOR.rawBody, VECTOR.timestamp);

    // Assess
    expect(header).toBe(HEADER);
  });

  it('node:crypto alone reproduces the vector (the recipe receivers follow)', () => {
    // Prepare / Act
    const hex = createHmac('sha256', VECTOR.secret).update(`${VECTOR.timestamp}.${VECTOR.rawBody}`).digest('hex');

    // Assess
    expect(hex).toBe(VECTOR.hex);
    expect(signatureMatches(VECTOR.secret, VECTOR.rawBody, HEADER)).toBe(true);
  });

  it('verifyWebhookSignature accepts the vector at its own time and up to 5 minutes either side', () => {
    // Prepare
    const at = (nowSeconds: number) =>
      verifyWebhookSignature({ secret: VECTOR.secret, rawBody: VECTOR.rawBody, header: HEADER, nowSeconds });

    // Act
    const results = [at(VECTOR.timestamp), at(VECTOR.timestamp + 300), at(VECTOR.timestamp - 300)];

    // Assess
    expect(results).toEqual([0, 0, 0].map(() => ({ ok: true, timestamp: VECTOR.timestamp })));
  });
});

describe('verifyWebhookSignature: what a receiver refuses', () => {
  it.each([
    ['a stale timestamp (5 min 1 s old): a replay', { nowSeconds: VECTOR.timestamp + 301 }, 'stale'],
    ['a timestamp from the future beyond tolerance', { nowSeconds: VECTOR.timestamp - 301 }, 'stale'],
    ['another secret', { secret: 'whsec_someone_else' }, 'mismatch'],
    ['a body changed by one byte', { rawBody: VECTOR.rawBody.replace('submitted', 'submitteD') }, 'mismatch'],
    ['the body re-serialised (whitespace added)', { rawBody: JSON.stringify(JSON.parse(VECTOR.rawBody), null, 1) }, 'mismatch'],
    [
      'a timestamp swapped for a fresh one (the HMAC covers t)',
      { header: `t=${VECTOR.timestamp + 60},v1=${VECTOR.hex}`, nowSeconds: VECTOR.timestamp + 60 },
      'mismatch',
    ],
    ['no header', { header: undefined }, 'malformed'],
    ['no v1', { header: `t=${VECTOR.timestamp}` }, 'malformed'],
    ['a short v1', { header: `t=${VECTOR.timestamp},v1=${VECTOR.hex.slice(2)}` }, 'malformed'],
    ['a non-numeric t', { header: `t=soon,v1=${VECTOR.hex}` }, 'malformed'],
  ] as const)('refuses %s', (_, overrides, reason) => {
    // Prepare
    const input = {
      secret: VECTOR.secret,
      rawBody: VECTOR.rawBody,
      header: HEADER as string | undefined,
      nowSeconds: VECTOR.timestamp,
      ...overrides,
    };

    // Act
    const result = verifyWebhookSignature(input);

    // Assess
    expect(result).toEqual({ ok: false, reason });
  });

  it('accepts a header that also carries a future scheme, ignoring it', () => {
    // Prepare
    const header = `t=${VECTOR.timestamp},v2=abc,v1=${VECTOR.hex}`;

    // Act
    const result = verifyWebhookSignature({ secret: VECTOR.secret, rawBody: VECTOR.rawBody, header, nowSeconds: VECTOR.timestamp });

    // Assess
    expect(result).toEqual({ ok: true, timestamp: VECTOR.timestamp });
  });
});
