/**
 * The local runtime's sealer: AES-256-GCM bound to the subscription, as KMS binds it deployed.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalSealer } from '#infra/local/adapters/local-sealer.ts';
import { ConfigurationError } from '#shared/platform/config/runtime-config.ts';
import { SEAL_PURPOSE, SealedSecretError } from '#shared/subscriptions/data/sealers.ts';

const KEY = 'a1'.repeat(32);
const OTHER_KEY = 'b2'.repeat(32);
const SECRET = 'whsec_0123456789abcdef-ÄÖ✓';
const CONTEXT = { subscriptionId: '01SUBSCRIPTIONAAAAAAAAAAAA' };
const OTHER_CONTEXT = { subscriptionId: '01SUBSCRIPTIONBBBBBBBBBBBB' };

/** Flips one bit of a base64url part of a sealed value. */
const tamper = (sealed: string, partIndex: number): string => {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[partIndex]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join('.');
};

describe('LocalSealer (AES-256-GCM)', () => {
  it('round-trips a secret, and the sealed form is v2.<iv>.<tag>.<ciphertext> without the plaintext', async () => {
    // Prepare
    const sealer = new LocalSealer(KEY);

    // Act
    const sealed = await sealer.seal(SECRET, CONTEXT);
    const opened = await sealer.open(sealed, CONTEXT);

    // Assess
    expect(opened).toBe(SECRET);
    expect(sealed).toMatch(/^v2\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('whsec');
  });

  it('seals the same secret differently every time (random IV)', async () => {
    // Prepare
    const sealer = new LocalSealer(KEY);

    // Act
    const [a, b] = await Promise.all([sealer.seal(SECRET, CONTEXT), sealer.seal(SECRET, CONTEXT)]);

    // Assess
    expect(a).not.toBe(b);
  });

  it.each([
    ['the IV', 1],
    ['the tag', 2],
    ['the ciphertext', 3],
  ])('detects tampering with %s', async (_, part) => {
    // Prepare
    const sealer = new LocalSealer(KEY);
    const sealed = await sealer.seal(SECRET, CONTEXT);

    // Act
    const opening = sealer.open(tamper(sealed, part), CONTEXT);

    // Assess
    await expect(opening).rejects.toBeInstanceOf(SealedSecretError);
  });

  it('refuses a value sealed under another key, and malformed values', async () => {
    // Prepare
    const sealed = await new LocalSealer(OTHER_KEY).seal(SECRET, CONTEXT);
    const sealer = new LocalSealer(KEY);

    // Act
    const results = await Promise.allSettled(
      [sealed, 'v2.a.b', 'v3.a.b.c', 'plaintext-secret', 'kms2.abc'].map((s) => sealer.open(s, CONTEXT)),
    );

    // Assess
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(SealedSecretError);
    }
  });

  it('will not open a value sealed for another subscription (a sealed secret copied across)', async () => {
    // Prepare
    const sealer = new LocalSealer(KEY);
    const sealed = await sealer.seal(SECRET, CONTEXT);

    // Act
    const opening = sealer.open(sealed, OTHER_CONTEXT);

    // Assess
    await expect(opening).rejects.toBeInstanceOf(SealedSecretError);
    await expect(sealer.open(sealed, CONTEXT)).resolves.toBe(SECRET);
  });

  it('refuses values in the old purpose-only format (v1), which could be moved between subscriptions', async () => {
    // Prepare: a v1 value as the previous sealer wrote it (AAD = the purpose alone)
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(KEY, 'hex'), iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(SEAL_PURPOSE));
    const ciphertext = Buffer.concat([cipher.update(SECRET, 'utf8'), cipher.final()]);
    const v1 = ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');

    // Act
    const opening = new LocalSealer(KEY).open(v1, CONTEXT);

    // Assess
    await expect(opening).rejects.toBeInstanceOf(SealedSecretError);
  });

  it('rejects a key that is not 64 hex characters, naming the variable', () => {
    // Prepare
    const short = 'ab'.repeat(16);

    // Act
    const construct = () => new LocalSealer(short);

    // Assess
    expect(construct).toThrow(ConfigurationError);
    expect(construct).toThrow(/JOINTLY_LOCAL_SEAL_KEY/);
  });
});
