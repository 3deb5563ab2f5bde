/**
 * What every signed AWS call of the project shares: SHA-256 and HMAC on node:crypto for
 * AWS's SigV4 signer, and the default credential chain read once and again only near expiry.
 * Used by the JSON-protocol client (aws-json-client.ts) and the S3 object writer.
 */
import { createHash, createHmac, createSecretKey } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';

/** Credentials as the SDK's providers return them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  readonly expiration?: Date | undefined;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytesOf = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/**
 * SHA-256 and HMAC-SHA-256 on node:crypto, in the shape the signer asks for. A binary HMAC
 * key (the derived signing key) is handed over as a `KeyObject`: given raw bytes, Node 24's
 * `createHmac` first checks whether they are a key object in a way that costs ≈ 20 µs (a
 * thrown and caught brand check), five times what the HMAC itself costs.
 */
export class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    if (secret === undefined) this.hash = createHash('sha256');
    else {
      const key = bytesOf(secret);
      this.hash = createHmac('sha256', typeof key === 'string' ? key : createSecretKey(key));
    }
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/** The default chain's credentials, read once and again only when they are about to expire (5 minutes left). */
export const memoizedCredentials = () => {
  const provider = defaultProvider();
  let current: Promise<AwsCredentials> | undefined;
  let expiration: Date | undefined;
  return async (): Promise<AwsCredentials> => {
    if (!current || (expiration && expiration.getTime() - Date.now() < 300_000)) {
      current = Promise.resolve(provider()).catch((error: unknown) => {
        current = undefined;
        throw error;
      });
      expiration = (await current).expiration;
    }
    return current;
  };
};
