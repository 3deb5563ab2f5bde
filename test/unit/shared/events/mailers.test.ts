import { describe, expect, it } from 'vitest';
import { SesMailer } from '#shared/subscriptions/data/mailers.ts';
import { awsMailer } from '#shared/subscriptions/data/aws-mailer.ts';
import { ConfigurationError } from '#shared/platform/config/runtime-config.ts';
import { loadEventConfig } from '#shared/platform/config/event-config.ts';
import type { MailMessage } from '#shared/core/messaging-ports.ts';
import { fakeAwsService } from '#test/support/aws-service-fake.ts';

const message: MailMessage = {
  to: 'pm@example.nhs.uk',
  subject: 'Referral submitted: provide → ecc (rapid-response, urgent)',
  text: 'Referral submitted: provide → ecc (rapid-response, urgent)\n\nOpen it in Jointly: https://app.test/referrals/R1\n',
  eventId: '01EVENT',
};

describe('SesMailer', () => {
  it('sends one SES v2 SendEmail from the configured sender with UTF-8 subject and text and the event id header', async () => {
    // Prepare
    const ses = fakeAwsService(() => ({ MessageId: 'ses-1' }));
    const mailer = new SesMailer({ client: ses.client, from: 'alerts@jointly.example' });

    // Act
    await mailer.send(message);

    // Assess
    expect(ses.requests).toHaveLength(1);
    expect(ses.requests[0]!.operation).toBe('SendEmail');
    expect(ses.paths).toEqual(['/v2/email/outbound-emails']);
    expect(ses.requests[0]!.input).toEqual({
      FromEmailAddress: 'alerts@jointly.example',
      Destination: { ToAddresses: ['pm@example.nhs.uk'] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
          Headers: [{ Name: 'Jointly-Event-Id', Value: '01EVENT' }],
        },
      },
    });
  });
});

describe('awsMailer', () => {
  it('is SES from JOINTLY_SES_SENDER, its module loaded when it is made', async () => {
    // Prepare
    const config = loadEventConfig({ JOINTLY_SES_SENDER: 'alerts@jointly.example' });

    // Act
    const mailer = await awsMailer(config);

    // Assess
    expect(mailer).toBeInstanceOf(SesMailer);
  });

  it('without the sender says which variable to set', async () => {
    // Prepare
    const config = loadEventConfig({});

    // Act
    const making = Promise.resolve().then(() => awsMailer(config));

    // Assess
    await expect(making).rejects.toThrow(ConfigurationError);
    await expect(making).rejects.toThrow(/JOINTLY_SES_SENDER is not set/);
  });
});
