/**
 * The maker of the SES mailer (mailers.ts), sending from `JOINTLY_SES_SENDER`. Only the
 * delivery worker's composition root imports it, so only its bundle holds the SES adapter,
 * and there only as a chunk loaded on demand: only e-mail deliveries need it.
 */
import { requiredSetting, type AwsAdapterMaker } from '../../platform/aws/on-first-use.ts';
import { EVENT_ENV } from '../../platform/config/environment.ts';
import type { Mailer } from '../../core/messaging-ports.ts';

/**
 * SES v2 with a default client, sending from `JOINTLY_SES_SENDER`; the mailer's module
 * loaded by `import()` once the setting is known to be there.
 */
export const awsMailer: AwsAdapterMaker<Mailer> = async (config) => {
  const from = requiredSetting(config.sesSender, EVENT_ENV.sesSender, 'send e-mail');
  const { SesMailer } = await import('./mailers.ts');
  return new SesMailer({ from });
};
