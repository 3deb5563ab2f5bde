import { loadRuntimeConfig } from '../../../shared/config/runtime-config.ts';
import { buildReference } from '../../../shared/domain/reference.ts';
import { httpHandler } from '../../../shared/http/middleware.ts';

// Built once per cold start: the reference data only changes with a deploy.
const reference = buildReference(loadRuntimeConfig().priorityTargetMinutes);

/** `GET /reference` (authenticated): registries and closed code lists. */
export const handler = httpHandler({ auth: 'jwt' }, () => ({ statusCode: 200, body: reference }));
