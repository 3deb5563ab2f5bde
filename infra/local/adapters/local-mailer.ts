/**
 * The local runtime's mailer (the {@link Mailer} port): alert e-mails written as `.eml`
 * files to `JOINTLY_LOCAL_MAIL_DIR` (default `<data dir>/mail`) instead of sent by SES, with
 * the same headers SES sends (`Jointly-Event-Id` included), so a mail client opens them.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { logger } from '../../../shared/platform/http/logger.ts';
import type { MailMessage, Mailer } from '../../../shared/core/messaging-ports.ts';
import { EVENT_ID_HEADER } from '../../../shared/subscriptions/domain/webhook-signature.ts';

/** Options of {@link LocalMailer}. */
export interface LocalMailerOptions {
  /** Folder the `.eml` files are written to (`JOINTLY_LOCAL_MAIL_DIR`); created if missing. */
  readonly dir: string;
  /** `From` address (default `Jointly <alerts@jointly.localhost>`). */
  readonly from?: string;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

const CRLF = '\r\n';

/** RFC 2047 encoded word, for header text that is not plain ASCII (a summary's `→`). */
const encodeHeaderText = (text: string): string =>
  /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** RFC 5322 `date-time` in UTC, e.g. `Sat, 28 Nov 2026 00:06:46 +0000`. */
export const rfc5322Date = (d: Date): string =>
  `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
  `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;

/** Header values may not carry line breaks (header injection). */
const headerValue = (value: string): string => value.replace(/[\r\n]+/g, ' ');

/** The message as an RFC 5322 / MIME text (CRLF line ends; the short UTF-8 text body as 8bit, readable as is). */
export const toEml = (message: MailMessage, from: string, date: Date, messageId: string): string => {
  const headers = [
    `From: ${headerValue(from)}`,
    `To: ${headerValue(message.to)}`,
    `Subject: ${encodeHeaderText(headerValue(message.subject))}`,
    `Date: ${rfc5322Date(date)}`,
    `Message-ID: <${messageId}>`,
    `${EVENT_ID_HEADER}: ${headerValue(message.eventId)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  const body = message.text.replace(/\r?\n/g, CRLF);
  return `${headers.join(CRLF)}${CRLF}${CRLF}${body}${body.endsWith(CRLF) ? '' : CRLF}`;
};

/**
 * Writes each message as an `.eml` file (open it in any mail client), named
 * `<time>-<eventId>.eml` with the time in ISO 8601 basic format (`20261128T000646123Z`:
 * no colons, so the names are valid on every file system). Logs the file name only.
 */
export class LocalMailer implements Mailer {
  private readonly dir: string;
  private readonly from: string;
  private readonly now: () => Date;

  constructor(options: LocalMailerOptions) {
    this.dir = options.dir;
    this.from = options.from ?? 'Jointly <alerts@jointly.localhost>';
    this.now = options.now ?? (() => new Date());
  }

  async send(message: MailMessage): Promise<void> {
    const date = this.now();
    const stamp = date.toISOString().replace(/[-:.]/g, '');
    const safeEventId = message.eventId.replace(/[^A-Za-z0-9_-]/g, '_');
    const messageId = randomUUID();
    const eml = toEml(message, this.from, date, `${messageId}@jointly.localhost`);
    await mkdir(this.dir, { recursive: true });
    // Written whole under a hidden temporary name first, then linked into place: a reader
    // watching the folder never sees a half-written `.eml`.
    const temporary = join(this.dir, `.${messageId}.tmp`);
    await writeFile(temporary, eml, { flag: 'wx' });
    try {
      // Two subscriptions may mail the same event in the same millisecond: never overwrite.
      for (let n = 1; ; n++) {
        const file = `${stamp}-${safeEventId}${n === 1 ? '' : `-${n}`}.eml`;
        try {
          await link(temporary, join(this.dir, file));
          logger.info('Alert e-mail written', { file });
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw error;
        }
      }
    } finally {
      await rm(temporary, { force: true });
    }
  }
}
