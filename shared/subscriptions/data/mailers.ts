/**
 * The SES mailer. Alert e-mails carry a one-line summary and a link, never personal data,
 * and a `Jointly-Event-Id` header so a recipient's system can dedupe retried deliveries.
 * (The local runtime writes them as `.eml` files instead: infra/local/adapters/local-mailer.ts.)
 * Deployed, this module is loaded on demand by its maker (aws-mailer.ts), and the SES
 * client with it: SES v2's REST-JSON `SendEmail` through the small client (aws-json-client.ts,
 * decision record 49).
 */
import { type AwsJsonClient, awsJsonClient } from '../../platform/aws/aws-json-client.ts';
import type { MailMessage, Mailer } from '../../core/messaging-ports.ts';
import { EVENT_ID_HEADER } from '../domain/webhook-signature.ts';

/** Options of {@link SesMailer}. */
export interface SesMailerOptions {
  /** An SES v2 client (only `callRest` is used); a default one otherwise. */
  readonly client?: Pick<AwsJsonClient, 'callRest'>;
  /** The verified sender identity (`JOINTLY_SES_SENDER`). */
  readonly from: string;
}

/** Sends alert e-mails through SES v2 `SendEmail` (a simple text message). */
export class SesMailer implements Mailer {
  private readonly client: Pick<AwsJsonClient, 'callRest'>;
  private readonly from: string;

  constructor(options: SesMailerOptions) {
    this.client = options.client ?? awsJsonClient('sesV2');
    this.from = options.from;
  }

  async send(message: MailMessage): Promise<void> {
    await this.client.callRest('SendEmail', '/v2/email/outbound-emails', {
      FromEmailAddress: this.from,
      Destination: { ToAddresses: [message.to] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
          Headers: [{ Name: EVENT_ID_HEADER, Value: message.eventId }],
        },
      },
    });
  }
}
