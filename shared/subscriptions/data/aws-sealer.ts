/**
 * The maker of the webhook-secret sealer (sealers.ts): KMS under `JOINTLY_SEAL_KEY_ARN`.
 * Imported by the composition roots that seal or open secrets (the subscription API, the
 * delivery worker), so only their bundles hold the KMS adapter, and there only as a chunk
 * loaded on demand: a subscription is created with a webhook, or a webhook delivered, by
 * some requests only, so the others' cold starts do not parse it.
 */
import { requiredSetting, type AwsAdapterMaker } from '../../platform/aws/on-first-use.ts';
import { EVENT_ENV } from '../../platform/config/environment.ts';
import type { SecretSealer } from '../../core/messaging-ports.ts';

/**
 * KMS Encrypt/Decrypt under the key `JOINTLY_SEAL_KEY_ARN` names, its module loaded by
 * `import()` once the setting is known to be there.
 */
export const awsSealer: AwsAdapterMaker<SecretSealer> = async (config) => {
  const keyArn = requiredSetting(config.sealKeyArn, EVENT_ENV.sealKeyArn, 'seal or open webhook secrets');
  const { KmsSealer } = await import('./sealers.ts');
  return new KmsSealer(keyArn);
};
