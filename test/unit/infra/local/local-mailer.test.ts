/**
 * The local runtime's mailer: alert e-mails as RFC 5322 `.eml` files.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalMailer, rfc5322Date, toEml } from '#infra/local/adapters/local-mailer.ts';
import { logger } from '#shared/platform/http/logger.ts';
import type { MailMessage } from '#shared/core/messaging-ports.ts';

const message: MailMessage = {
  to: 'pm@example.nhs.uk',
  subject: 'Referral submitted: provide → ecc (rapid-response, urgent)',
  text: 'Referral submitted: provide → ecc (rapid-response, urgent)\n\nOpen it in Jointly: https://app.test/referrals/R1\n',
  eventId: '01EVENT',
};

describe('toEml', () => {
  it('is an RFC 5322 message with CRLF lines, an RFC 2047 subject, a UTC date and the event id header', () => {
    // Act
    const eml = toEml(message, 'Jointly <alerts@jointly.localhost>', new Date('2026-11-28T00:06:46.123Z'), 'm1@jointly.localhost');

    // Assess
    const [head, body] = [eml.slice(0, eml.indexOf('\r\n\r\n')), eml.slice(eml.indexOf('\r\n\r\n') + 4)];
    expect(head.split('\r\n')).toEqual([
      'From: Jointly <alerts@jointly.localhost>',
      'To: pm@example.nhs.uk',
      `Subject: =?UTF-8?B?${Buffer.from(message.subject).toString('base64')}?=`,
      'Date: Sat, 28 Nov 2026 00:06:46 +0000',
      'Message-ID: <m1@jointly.localhost>',
      'Jointly-Event-Id: 01EVENT',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
    ]);
    expect(body).toBe(message.text.replace(/\n/g, '\r\n'));
    expect(eml.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('keeps an ASCII subject as is and never lets a value start a new header', () => {
    // Act
    const eml = toEml(
      { ...message, subject: 'Plain\r\nBcc: victim@example.org', to: 'a@example.org\nBcc: b@example.org' },
      'x@y',
      new Date(0),
      'm',
    );

    // Assess
    expect(eml).toContain('Subject: Plain Bcc: victim@example.org\r\n');
    expect(eml.split('\r\n').filter((l) => l.startsWith('Bcc:'))).toEqual([]);
    expect(rfc5322Date(new Date(0))).toBe('Thu, 01 Jan 1970 00:00:00 +0000');
  });
});

describe('LocalMailer', () => {
  let dir: string;
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'jointly-mailer-')), 'nested', 'mail');
  });
  afterEach(async () => {
    await rm(join(dir, '..', '..'), { recursive: true, force: true });
  });

  it('writes one <time>-<eventId>.eml per message, creating the folder, never overwriting within one millisecond, logging only the file name', async () => {
    // Prepare
    const mailer = new LocalMailer({ dir, now: () => new Date('2026-11-28T00:06:46.123Z') });
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);

    // Act
    await mailer.send(message);
    await mailer.send({ ...message, to: 'other@example.org' });

    // Assess
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['20261128T000646123Z-01EVENT-2.eml', '20261128T000646123Z-01EVENT.eml']);
    expect(await readFile(join(dir, '20261128T000646123Z-01EVENT.eml'), 'utf8')).toContain('To: pm@example.nhs.uk\r\n');
    expect(await readFile(join(dir, '20261128T000646123Z-01EVENT-2.eml'), 'utf8')).toContain('To: other@example.org\r\n');
    expect(info.mock.calls).toEqual([
      ['Alert e-mail written', { file: '20261128T000646123Z-01EVENT.eml' }],
      ['Alert e-mail written', { file: '20261128T000646123Z-01EVENT-2.eml' }],
    ]);
    info.mockRestore();
  });

  it('keeps an unusual event id from escaping the folder', async () => {
    // Prepare
    const mailer = new LocalMailer({ dir, now: () => new Date('2026-11-28T00:06:46.123Z') });
    vi.spyOn(logger, 'info').mockImplementationOnce(() => undefined);

    // Act
    await mailer.send({ ...message, eventId: '../../escape' });

    // Assess
    expect(await readdir(dir)).toEqual(['20261128T000646123Z-______escape.eml']);
  });
});
