/**
 * Webhook secrets at rest (the {@link SecretSealer} port). Deployed stages seal with a
 * dedicated KMS key (`JOINTLY_SEAL_KEY_ARN`); the local runtime seals with AES-256-GCM
 * under `JOINTLY_LOCAL_SEAL_KEY`. Either way the ciphertext is bound to its purpose and to
 * the subscription it belongs to (KMS encryption context / GCM additional data), so a
 * sealed value copied onto another subscription, or used for anything else, will not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { ConfigurationError } from '../../platform/config/runtime-config.ts';
import { EVENT_ENV, type EventConfig } from '../../platform/config/event-config.ts';
import type { SealContext, SecretSealer } from '../../core/messaging-ports.ts';

/** What a sealed value is for: bound into the GCM tag locally and the KMS encryption context. */
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

/** The context as GCM additional data: keys sorted, so the bytes do not depend on object order. */
const additionalDataOf = (context: SealContext): Buffer => {
  const entries = Object.entries(encryptionContextOf(context)).sort(([a], [b]) => (a < b ? -1 : 1));
  return Buffer.from(JSON.stringify(entries), 'utf8');
};

const LOCAL_PREFIX = 'v2';
const KMS_PREFIX = 'kms2';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with a local key: `v2.<iv>.<tag>.<ciphertext>`, each part base64url; the
 * additional data is the encryption context (`v1` values, bound to the purpose only, are
 * refused: they could be moved between subscriptions).
 */
export class LocalSealer implements SecretSealer {
  private readonly key: Buffer;

  /** `keyHex`: 64 hex characters (32 bytes). */
  constructor(keyHex: string) {
    if (!/^[0-9a-fA-F]{64}$/.test(keyHex)) throw new ConfigurationError(`${EVENT_ENV.localSealKey} must be 64 hex characters.`);
    this.key = Buffer.from(keyHex, 'hex');
  }

  async seal(plaintext: string, context: SealContext): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalDataOf(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [LOCAL_PREFIX, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  async open(sealed: string, context: SealContext): Promise<string> {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== LOCAL_PREFIX) throw new SealedSecretError('The sealed secret is not in the local sealer’s format.');
    const [iv, tag, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'));
    if (iv!.length !== IV_BYTES || tag!.length !== TAG_BYTES) throw new SealedSecretError('The sealed secret is malformed.');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv!, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalDataOf(context));
      decipher.setAuthTag(tag!);
      return Buffer.concat([decipher.update(ciphertext!), decipher.final()]).toString('utf8');
    } catch {
      throw new SealedSecretError('The sealed secret was tampered with, sealed under another key, or belongs to another subscription.');
    }
  }
}

/** The KMS operations the sealer uses (a seam for tests). */
export type KmsLike = Pick<KMSClient, 'send'>;

/**
 * KMS Encrypt/Decrypt under one key, the encryption context naming the purpose and the
 * subscription: `kms2.<ciphertext blob>`. KMS refuses to decrypt under any other context.
 */
export class KmsSealer implements SecretSealer {
  private readonly keyArn: string;
  private readonly client: KmsLike;

  constructor(keyArn: string, client: KmsLike = new KMSClient({})) {
    this.keyArn = keyArn;
    this.client = client;
  }

  async seal(plaintext: string, context: SealContext): Promise<string> {
    const { CiphertextBlob } = await this.client.send(
      new EncryptCommand({ KeyId: this.keyArn, Plaintext: Buffer.from(plaintext, 'utf8'), EncryptionContext: encryptionContextOf(context) }),
    );
    if (!CiphertextBlob) throw new Error('KMS returned no ciphertext.');
    return `${KMS_PREFIX}.${Buffer.from(CiphertextBlob).toString('base64url')}`;
  }

  async open(sealed: string, context: SealContext): Promise<string> {
    const [prefix, blob, extra] = sealed.split('.');
    if (prefix !== KMS_PREFIX || !blob || extra !== undefined) throw new SealedSecretError('The sealed secret is not in the KMS sealer’s format.');
    let Plaintext: Uint8Array | undefined;
    try {
      ({ Plaintext } = await this.client.send(
        new DecryptCommand({ KeyId: this.keyArn, CiphertextBlob: Buffer.from(blob, 'base64url'), EncryptionContext: encryptionContextOf(context) }),
      ));
    } catch (error) {
      // Another context (or key) is KMS's InvalidCiphertextException: the value is not this subscription's.
      if ((error as Error)?.name === 'InvalidCiphertextException') {
        throw new SealedSecretError('The sealed secret belongs to another subscription or key.');
      }
      throw error;
    }
    if (!Plaintext) throw new SealedSecretError('KMS returned no plaintext.');
    return Buffer.from(Plaintext).toString('utf8');
  }
}

/**
 * The sealer this process is configured for: the local key if set (local runtime, tests),
 * else the KMS key (deployed), else a {@link ConfigurationError} naming both variables.
 */
export const sealerFromConfig = (config: Pick<EventConfig, 'localSealKey' | 'sealKeyArn'>): SecretSealer => {
  if (config.localSealKey) return new LocalSealer(config.localSealKey);
  if (config.sealKeyArn) return new KmsSealer(config.sealKeyArn);
  throw new ConfigurationError(
    `No webhook secret sealer is configured: set ${EVENT_ENV.sealKeyArn} (KMS, deployed) or ${EVENT_ENV.localSealKey} (64 hex characters, local).`,
  );
};
