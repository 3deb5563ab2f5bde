/**
 * The local runtime's webhook-secret sealer (the {@link SecretSealer} port): AES-256-GCM
 * under `JOINTLY_LOCAL_SEAL_KEY`, made (and, with persisted data, kept) by the runtime. The
 * ciphertext is bound to the same context KMS binds deployed (purpose and subscription),
 * as GCM additional data, so a sealed value copied onto another subscription will not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigurationError } from '../../../shared/platform/config/runtime-config.ts';
import { encryptionContextOf, SealedSecretError } from '../../../shared/subscriptions/data/sealers.ts';
import type { SealContext, SecretSealer } from '../../../shared/core/messaging-ports.ts';
import { LOCAL_ENV } from '../local-env.ts';

/** The context as GCM additional data: keys sorted, so the bytes do not depend on object order. */
const additionalDataOf = (context: SealContext): Buffer => {
  const entries = Object.entries(encryptionContextOf(context)).sort(([a], [b]) => (a < b ? -1 : 1));
  return Buffer.from(JSON.stringify(entries), 'utf8');
};

const LOCAL_PREFIX = 'v2';
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
    if (!/^[0-9a-fA-F]{64}$/.test(keyHex)) throw new ConfigurationError(`${LOCAL_ENV.sealKey} must be 64 hex characters.`);
    this.key = Buffer.from(keyHex, 'hex');
  }

  async seal(plaintext: string, context: SealContext): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalDataOf(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [LOCAL_PREFIX, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  async open(sealed: string, context: SealContext): Promise<string> {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== LOCAL_PREFIX)
      throw new SealedSecretError('The sealed secret is not in the local sealer’s format.');
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
