import { createCipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../shared/platform/config/runtime-config.ts';
import { KmsSealer, LocalSealer, SEAL_PURPOSE, SealedSecretError, sealerFromConfig, type KmsLike } from '../../../../shared/subscriptions/data/sealers.ts';

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
    const results = await Promise.allSettled([sealed, 'v2.a.b', 'v3.a.b.c', 'plaintext-secret', 'kms2.abc'].map((s) => sealer.open(s, CONTEXT)));

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

describe('KmsSealer', () => {
  it('encrypts and decrypts under the key ARN with the webhook-secret encryption context', async () => {
    // Prepare
    const kms = fakeKms();
    const sealer = new KmsSealer('arn:aws:kms:eu-west-2:111111111111:key/abc', kms.client);

    // Act
    const sealed = await sealer.seal(SECRET, CONTEXT);
    const opened = await sealer.open(sealed, CONTEXT);

    // Assess
    expect(opened).toBe(SECRET);
    expect(sealed).toMatch(/^kms2\.[A-Za-z0-9_-]+$/);
    const [encrypt, decrypt] = kms.sent;
    expect(encrypt).toBeInstanceOf(EncryptCommand);
    expect(encrypt!.input).toMatchObject({ KeyId: 'arn:aws:kms:eu-west-2:111111111111:key/abc' });
    expect(encrypt!.input.EncryptionContext).toEqual({ purpose: SEAL_PURPOSE, subscriptionId: CONTEXT.subscriptionId });
    expect(decrypt).toBeInstanceOf(DecryptCommand);
    expect(decrypt!.input.EncryptionContext).toEqual({ purpose: 'jointly-webhook-secret', subscriptionId: CONTEXT.subscriptionId });
  });

  it('will not open a value under another subscription’s context: it sends that context and KMS refuses', async () => {
    // Prepare
    const kms = fakeKms();
    const sealer = new KmsSealer('arn:aws:kms:eu-west-2:111111111111:key/abc', kms.client);
    const sealed = await sealer.seal(SECRET, CONTEXT);

    // Act
    const opening = sealer.open(sealed, OTHER_CONTEXT);

    // Assess
    await expect(opening).rejects.toBeInstanceOf(SealedSecretError);
    expect((kms.sent[1] as DecryptCommand).input.EncryptionContext).toEqual({ purpose: SEAL_PURPOSE, subscriptionId: OTHER_CONTEXT.subscriptionId });
  });

  it('refuses values not in its format without calling KMS', async () => {
    // Prepare
    const kms = fakeKms();
    const sealer = new KmsSealer('arn:aws:kms:eu-west-2:111111111111:key/abc', kms.client);

    // Act
    const opening = sealer.open('v2.a.b.c', CONTEXT);

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
