import { describe, expect, it } from 'vitest';
import { awsSealer } from '#shared/subscriptions/data/aws-sealer.ts';
import { ConfigurationError } from '#shared/platform/config/runtime-config.ts';
import { loadEventConfig } from '#shared/platform/config/event-config.ts';
import { KmsSealer, SEAL_PURPOSE, SealedSecretError } from '#shared/subscriptions/data/sealers.ts';
import { fakeAwsService, serviceError } from '#test/support/aws-service-fake.ts';

const SECRET = 'whsec_0123456789abcdef-ÄÖ✓';
const CONTEXT = { subscriptionId: '01SUBSCRIPTIONAAAAAAAAAAAA' };
const OTHER_CONTEXT = { subscriptionId: '01SUBSCRIPTIONBBBBBBBBBBBB' };

/** An in-memory KMS (JSON protocol: blobs base64) that remembers each ciphertext's encryption context, like the real one. */
const fakeKms = () => {
  const store = new Map<string, { plaintext: string; context: string }>();
  const kms = fakeAwsService(({ operation, input }) => {
    if (operation === 'Encrypt') {
      const blob = Buffer.from(`blob-${store.size}`).toString('base64');
      store.set(blob, { plaintext: input.Plaintext, context: JSON.stringify(input.EncryptionContext) });
      return { CiphertextBlob: blob, KeyId: input.KeyId };
    }
    const entry = store.get(input.CiphertextBlob);
    if (!entry || entry.context !== JSON.stringify(input.EncryptionContext)) throw serviceError('InvalidCiphertextException');
    return { Plaintext: entry.plaintext, KeyId: input.KeyId };
  });
  return { client: kms.client, sent: kms.requests };
};

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
    expect(encrypt!.operation).toBe('Encrypt');
    expect(encrypt!.input).toMatchObject({ KeyId: 'arn:aws:kms:eu-west-2:111111111111:key/abc' });
    expect(Buffer.from(encrypt!.input.Plaintext, 'base64').toString('utf8')).toBe(SECRET);
    expect(encrypt!.input.EncryptionContext).toEqual({ purpose: SEAL_PURPOSE, subscriptionId: CONTEXT.subscriptionId });
    expect(decrypt!.operation).toBe('Decrypt');
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
    expect(kms.sent[1]!.input.EncryptionContext).toEqual({
      purpose: SEAL_PURPOSE,
      subscriptionId: OTHER_CONTEXT.subscriptionId,
    });
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

describe('awsSealer', () => {
  it('is KMS under JOINTLY_SEAL_KEY_ARN, its module loaded when it is made', async () => {
    // Prepare
    const config = loadEventConfig({ JOINTLY_SEAL_KEY_ARN: 'arn:aws:kms:eu-west-2:111111111111:key/abc' });

    // Act
    const sealer = await awsSealer(config);

    // Assess
    expect(sealer).toBeInstanceOf(KmsSealer);
  });

  it('without the key ARN says which variable to set', async () => {
    // Prepare
    const config = loadEventConfig({});

    // Act
    const making = Promise.resolve().then(() => awsSealer(config));

    // Assess
    await expect(making).rejects.toThrow(ConfigurationError);
    await expect(making).rejects.toThrow(/JOINTLY_SEAL_KEY_ARN is not set/);
  });
});
