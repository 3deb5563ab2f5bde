import { DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { awsSealer } from '#shared/subscriptions/data/aws-sealer.ts';
import { ConfigurationError } from '#shared/platform/config/runtime-config.ts';
import { loadEventConfig } from '#shared/platform/config/event-config.ts';
import { KmsSealer, SEAL_PURPOSE, SealedSecretError, type KmsLike } from '#shared/subscriptions/data/sealers.ts';

const SECRET = 'whsec_0123456789abcdef-ÄÖ✓';
const CONTEXT = { subscriptionId: '01SUBSCRIPTIONAAAAAAAAAAAA' };
const OTHER_CONTEXT = { subscriptionId: '01SUBSCRIPTIONBBBBBBBBBBBB' };

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
      if (!entry || entry.context !== JSON.stringify(command.input.EncryptionContext))
        throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' });
      return { Plaintext: entry.plaintext };
    }) as KmsLike['send'],
  };
  return { client, sent };
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
    expect((kms.sent[1] as DecryptCommand).input.EncryptionContext).toEqual({
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
