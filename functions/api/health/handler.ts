import { httpHandler } from '../../../shared/platform/http/middleware.ts';

/** `GET /health`: liveness only; touches no dependency, so it answers during incidents. */
export const handler = httpHandler({ auth: 'none' }, () => ({ statusCode: 200, body: { status: 'ok' } }));
