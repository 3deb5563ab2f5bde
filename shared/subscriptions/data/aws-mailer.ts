/**
 * The maker of the SES mailer (mailers.ts), sending from `JOINTLY_SES_SENDER`. Only the
 * delivery worker's composition root imports it, so only its bundle holds the SES client.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { requiredSetting, type AwsAdapterMaker } from '../../platform/aws/on-first-use.ts';
import { EVENT_ENV } from '../../platform/config/environment.ts';
import { SesMailer } from './mailers.ts';
import type { Mailer } from '../../core/messaging-ports.ts';

/** SES v2 with a default client, sending from `JOINTLY_SES_SENDER`. */
export const awsMailer: AwsAdapterMaker<Mailer> = (config) =>
  new SesMailer({ client: new SESv2Client({}), from: requiredSetting(config.sesSender, EVENT_ENV.sesSender, 'send e-mail') });
