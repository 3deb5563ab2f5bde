/**
 * The maker of the webhook-secret sealer (sealers.ts): KMS under `JOINTLY_SEAL_KEY_ARN`.
 * Imported by the composition roots that seal or open secrets (the subscription API, the
 * delivery worker), so only their bundles hold the KMS client.
 */
import { requiredSetting, type AwsAdapterMaker } from '../../platform/aws/on-first-use.ts';
import { EVENT_ENV } from '../../platform/config/environment.ts';
import { KmsSealer } from './sealers.ts';
import type { SecretSealer } from '../../core/messaging-ports.ts';

/** KMS Encrypt/Decrypt under the key `JOINTLY_SEAL_KEY_ARN` names. */
export const awsSealer: AwsAdapterMaker<SecretSealer> = (config) =>
  new KmsSealer(requiredSetting(config.sealKeyArn, EVENT_ENV.sealKeyArn, 'seal or open webhook secrets'));
