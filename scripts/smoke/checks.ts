/**
 * What the smoke test checks with, independently of the code it checks: a synthetic NHS
 * number, the webhook signature, and a receiver on 127.0.0.1 for runs against the local runtime.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A synthetic NHS number from the reserved test range 999 000 0000–999 999 9999, Modulus-11 valid. */
export const syntheticNhsNumber = (): string => {
  for (;;) {
    const nine = [9, 9, 9, ...Array.from({ length: 6 }, () => randomInt(0, 10))];
    const remainder = nine.reduce((sum, digit, i) => sum + digit * (10 - i), 0) % 11;
    const check = remainder === 0 ? 0 : 11 - remainder;
    if (check !== 10) return `${nine.join('')}${check}`;
  }
};

/** Verifies `Jointly-Signature: t=<s>,v1=<hex HMAC-SHA256 of "<t>.<body>">` independently of the sender's code. */
export const signatureValid = (secret: string, body: string, header: string | undefined, nowSeconds = Date.now() / 1000): boolean => {
  const parts = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts['t']);
  if (!Number.isInteger(t) || !parts['v1'] || Math.abs(nowSeconds - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts['v1'], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/** A request the receiver got. */
export interface Received {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A webhook receiver on 127.0.0.1 for runs against the local runtime. */
export const startReceiver = async (): Promise<{ url: string; requests: Received[]; close: () => Promise<void> }> => {
  const requests: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/smoke`,
    requests,
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
};

/**
 * What is wrong with the console's page as served (empty when nothing is): a page, never
 * cached, under a Content-Security-Policy that allows scripts and styles from its own
 * origin only, with nothing inline.
 */
export const consolePageProblems = (status: number, headers: Headers): string[] => {
  const csp = headers.get('content-security-policy') ?? '';
  const problems: string[] = [];
  if (status !== 200) problems.push(`status ${status}`);
  if (!(headers.get('content-type') ?? '').startsWith('text/html')) problems.push(`content-type ${headers.get('content-type')}`);
  if (!/(^|; )script-src 'self'(;|$)/.test(csp) || !/(^|; )style-src 'self'(;|$)/.test(csp)) problems.push(`CSP "${csp}"`);
  if (csp.includes('unsafe-inline') || csp.includes('unsafe-eval')) problems.push('the CSP allows inline code');
  if (headers.get('cache-control') !== 'no-store') problems.push(`cache-control ${headers.get('cache-control')}`);
  return problems;
};
