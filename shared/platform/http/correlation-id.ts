import { newUlid } from '../../core/ids.ts';

/** Header carrying the correlation id in and out. */
export const CORRELATION_HEADER = 'x-correlation-id';

const SAFE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The client's correlation id when it is safe to echo (bounded, no control characters,
 * nothing that could split a header or a log line); otherwise a fresh ULID.
 */
export const correlationIdFrom = (headers: Record<string, string | undefined> | undefined): string => {
  const sent = headers?.[CORRELATION_HEADER] ?? headers?.['X-Correlation-Id'];
  return sent && SAFE_CORRELATION_ID.test(sent) ? sent : newUlid();
};
