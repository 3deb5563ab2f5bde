import { getHealthRoute } from '../../../shared/meta/api/routes.ts';

/** `GET /health`: liveness only; touches no dependency, so it answers during incidents. */
export const handler = getHealthRoute.handle(() => ({ statusCode: 200, body: { status: 'ok' } }));
