/**
 * Webhook secrets at rest (the {@link SecretSealer} port): sealed with a dedicated KMS key
 * (`JOINTLY_SEAL_KEY_ARN`). The ciphertext is bound to its purpose and to the subscription
 * it belongs to (the KMS encryption context), so a sealed value copied onto another
 * subscription, or used for anything else, will not open. (The local runtime's sealer,
 * infra/local/adapters/local-sealer.ts, binds the same context as AES-GCM additional data.)
 * Deployed, this module is loaded on demand by its maker (aws-sealer.ts), and the KMS
 * client with it: nothing a cold start loads may import it statically. KMS is reached through
 * the JSON-protocol client (aws-json-client.ts, decision record 49): blobs travel base64.
 */
import { type AwsJsonClient, awsJsonClient } from '../../platform/aws/aws-json-client.ts';
import type { SealContext, SecretSealer } from '../../core/messaging-ports.ts';

/** What a sealed value is for: bound into the KMS encryption context (and the local sealer's GCM tag). */
export const SEAL_PURPOSE = 'jointly-webhook-secret';

/** A sealed value that cannot be opened: malformed, tampered with, or sealed under another key. */
export class SealedSecretError extends Error {}

/**
 * The KMS encryption context of a sealed secret (also the local sealer's additional data):
 * the purpose and the subscription. KMS logs it in CloudTrail, so it holds ids, never secrets.
 */
export const encryptionContextOf = (context: SealContext): Record<string, string> => ({
  purpose: SEAL_PURPOSE,
  subscriptionId: context.subscriptionId,
});

const KMS_PREFIX = 'kms2';

/** The KMS client the sealer uses (a seam for tests): `Encrypt` and `Decrypt` by `call`. */
export type KmsLike = Pick<AwsJsonClient, 'call'>;

/**
 * KMS Encrypt/Decrypt under one key, the encryption context naming the purpose and the
 * subscription: `kms2.<ciphertext blob>`. KMS refuses to decrypt under any other context.
 */
export class KmsSealer implements SecretSealer {
  private readonly keyArn: string;
  private readonly client: KmsLike;

  constructor(keyArn: string, client: KmsLike = awsJsonClient('kms')) {
    this.keyArn = keyArn;
    this.client = client;
  }

  async seal(plaintext: string, context: SealContext): Promise<string> {
    const { CiphertextBlob } = await this.client.call<{ CiphertextBlob?: string }>('Encrypt', {
      KeyId: this.keyArn,
      Plaintext: Buffer.from(plaintext, 'utf8').toString('base64'),
      EncryptionContext: encryptionContextOf(context),
    });
    if (!CiphertextBlob) throw new Error('KMS returned no ciphertext.');
    return `${KMS_PREFIX}.${Buffer.from(CiphertextBlob, 'base64').toString('base64url')}`;
  }

  async open(sealed: string, context: SealContext): Promise<string> {
    const [prefix, blob, extra] = sealed.split('.');
    if (prefix !== KMS_PREFIX || !blob || extra !== undefined)
      throw new SealedSecretError('The sealed secret is not in the KMS sealer’s format.');
    let Plaintext: string | undefined;
    try {
      ({ Plaintext } = await this.client.call<{ Plaintext?: string }>('Decrypt', {
        KeyId: this.keyArn,
        CiphertextBlob: Buffer.from(blob, 'base64url').toString('base64'),
        EncryptionContext: encryptionContextOf(context),
      }));
    } catch (error) {
      // Another context (or key) is KMS's InvalidCiphertextException: the value is not this subscription's.
      if ((error as Error)?.name === 'InvalidCiphertextException') {
        throw new SealedSecretError('The sealed secret belongs to another subscription or key.');
      }
      throw error;
    }
    if (!Plaintext) throw new SealedSecretError('KMS returned no plaintext.');
    return Buffer.from(Plaintext, 'base64').toString('utf8');
  }
}
