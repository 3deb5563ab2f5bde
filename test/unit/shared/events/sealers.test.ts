import { DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../shared/config/runtime-config.ts';
import { KmsSealer, LocalSealer, SEAL_PURPOSE, SealedSecretError, sealerFromConfig, type KmsLike } from '../../../../shared/events/sealers.ts';

const KEY = 'a1'.repeat(32);
const OTHER_KEY = 'b2'.repeat(32);
const SECRET = 'whsec_0123456789abcdef-ÄÖ✓';

/** Flips one bit of a base64url part of a sealed value. */
const tamper = (sealed: string, partIndex: number): string => {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[partIndex]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join('.');
};

/** An in-memory KMS that remembers each ciphertext's encryption context, like the real one. */
const fakeKms = () => {
  const sent: (EncryptCommand | DecryptCommand)[] = [];
  const store = new Map<string, { plaintext: Uint8Array; context: string }>();
  const client: KmsLike = {
    send: (async (command: EncryptCommand | DecryptCommand) => {
      sent.push(command);
      if (command instanceof EncryptCommand) {
        const blob = Buffer.from(`blob-${store.size}`);
        store.set(blob.toString('hex'), { plaintext: command.input.Plaintext!, context: JSON.stringify(command.input.EncryptionContext) });
        return { CiphertextBlob: new Uint8Array(blob) };
      }
      const entry = store.get(Buffer.from(command.input.CiphertextBlob!).toString('hex'));
      if (!entry || entry.context !== JSON.stringify(command.input.EncryptionContext)) throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' });
      return { Plaintext: entry.plaintext };
    }) as KmsLike['send'],
  };
  return { client, sent };
};

describe('LocalSealer (AES-256-GCM)', () => {
  it('round-trips a secret, and the sealed form is v1.<iv>.<tag>.<ciphertext> without the plaintext', async () => {
    // Prepare
    const sealer = new LocalSealer(KEY);

    // Act
    const sealed = await sealer.seal(SECRET);
    const opened = await sealer.open(sealed);

    // Assess
    expect(opened).toBe(SECRET);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('whsec');
  });

  it('seals the same secret differently every time (random IV)', async () => {
    // Prepare
    const sealer = new LocalSealer(KEY);

    // Act
    const [a, b] = await Promise.all([sealer.seal(SECRET), sealer.seal(SECRET)]);

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
    const sealed = await sealer.seal(SECRET);

    // Act
    const opening = sealer.open(tamper(sealed, part));

    // Assess
    await expect(opening).rejects.toBeInstanceOf(SealedSecretError);
  });

  it('refuses a value sealed under another key, and malformed values', async () => {
    // Prepare
    const sealed = await new LocalSealer(OTHER_KEY).seal(SECRET);
    const sealer = new LocalSealer(KEY);

    // Act
    const results = await Promise.allSettled([sealed, 'v1.a.b', 'v2.a.b.c', 'plaintext-secret', 'kms1.abc'].map((s) => sealer.open(s)));

    // Assess
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(SealedSecretError);
    }
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

describe('KmsSealer', () => {
  it('encrypts and decrypts under the key ARN with the webhook-secret encryption context', async () => {
    // Prepare
    const kms = fakeKms();
    const sealer = new KmsSealer('arn:aws:kms:eu-west-2:111111111111:key/abc', kms.client);

    // Act
    const sealed = await sealer.seal(SECRET);
    const opened = await sealer.open(sealed);

    // Assess
    expect(opened).toBe(SECRET);
    expect(sealed).toMatch(/^kms1\.[A-Za-z0-9_-]+$/);
    const [encrypt, decrypt] = kms.sent;
    expect(encrypt).toBeInstanceOf(EncryptCommand);
    expect(encrypt!.input).toMatchObject({ KeyId: 'arn:aws:kms:eu-west-2:111111111111:key/abc', EncryptionContext: { purpose: SEAL_PURPOSE } });
    expect(decrypt).toBeInstanceOf(DecryptCommand);
    expect(decrypt!.input).toMatchObject({ EncryptionContext: { purpose: 'jointly-webhook-secret' } });
  });

  it('refuses values not in its format without calling KMS', async () => {
    // Prepare
    const kms = fakeKms();
    const sealer = new KmsSealer('arn:aws:kms:eu-west-2:111111111111:key/abc', kms.client);

    // Act
    const opening = sealer.open('v1.a.b.c');

    // Assess
    await expect(opening).rejects.toBeInstanceOf(SealedSecretError);
    expect(kms.sent).toHaveLength(0);
  });
});

describe('sealerFromConfig', () => {
  it('prefers the local key, else KMS', () => {
    // Prepare
    const both = { localSealKey: KEY, sealKeyArn: 'arn:aws:kms:eu-west-2:111111111111:key/abc' };
    const kmsOnly = { sealKeyArn: 'arn:aws:kms:eu-west-2:111111111111:key/abc' };

    // Act
    const local = sealerFromConfig(both);
    const kms = sealerFromConfig(kmsOnly);

    // Assess
    expect(local).toBeInstanceOf(LocalSealer);
    expect(kms).toBeInstanceOf(KmsSealer);
  });

  it('without either says which variables to set', () => {
    // Prepare
    const none = {};

    // Act
    const resolve = () => sealerFromConfig(none);

    // Assess
    expect(resolve).toThrow(ConfigurationError);
    expect(resolve).toThrow(/JOINTLY_SEAL_KEY_ARN.*JOINTLY_LOCAL_SEAL_KEY/);
  });
});
