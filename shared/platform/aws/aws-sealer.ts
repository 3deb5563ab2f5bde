/**
 * The maker of the webhook-secret sealer (sealers.ts): KMS under `JOINTLY_SEAL_KEY_ARN`
 * deployed, or the local key when `JOINTLY_LOCAL_SEAL_KEY` is set. Imported by the
 * composition roots that seal or open secrets (the subscription API, the delivery worker),
 * so only their bundles hold the KMS client.
 */
import type { AwsAdapterMaker } from './adapter-registry.ts';
import { sealerFromConfig } from '../../subscriptions/data/sealers.ts';

/** The sealer this function is configured for (see `sealerFromConfig`). */
export const awsSealer: AwsAdapterMaker<'sealer'> = (config) => sealerFromConfig(config);
