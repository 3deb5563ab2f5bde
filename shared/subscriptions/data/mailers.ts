/**
 * The SES mailer. Alert e-mails carry a one-line summary and a link, never personal data,
 * and a `Jointly-Event-Id` header so a recipient's system can dedupe retried deliveries.
 * (The local runtime writes them as `.eml` files instead: infra/local/adapters/local-mailer.ts.)
 * Deployed, this module is loaded on demand by its maker (aws-mailer.ts), and the SES
 * client with it.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailMessage, Mailer } from '../../core/messaging-ports.ts';
import { EVENT_ID_HEADER } from '../domain/webhook-signature.ts';

/** Options of {@link SesMailer}. */
export interface SesMailerOptions {
  /** An SES v2 client (only `send` is used); a default one otherwise. */
  readonly client?: Pick<SESv2Client, 'send'>;
  /** The verified sender identity (`JOINTLY_SES_SENDER`). */
  readonly from: string;
}

/** Sends alert e-mails through SES v2 `SendEmail` (a simple text message). */
export class SesMailer implements Mailer {
  private readonly client: Pick<SESv2Client, 'send'>;
  private readonly from: string;

  constructor(options: SesMailerOptions) {
    this.client = options.client ?? new SESv2Client({});
    this.from = options.from;
  }

  async send(message: MailMessage): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
            Headers: [{ Name: EVENT_ID_HEADER, Value: message.eventId }],
          },
        },
      }),
    );
  }
}
