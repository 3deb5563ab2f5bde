import { loadRuntimeConfig } from '../../../shared/platform/config/runtime-config.ts';
import { buildReference } from '../../../shared/reference/domain/reference.ts';
import { assertHasKnownRole } from '../../../shared/referrals/domain/referral.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';

// Built once per cold start: the reference data only changes with a deploy.
const reference = buildReference(loadRuntimeConfig().priorityTargetMinutes);

/** `GET /reference` (authenticated, any Jointly role; a caller with none gets 403 as on every route): registries and closed code lists. */
export const handler = httpHandler({ auth: 'jwt' }, ({ caller }) => {
  assertHasKnownRole(caller);
  return { statusCode: 200, body: reference };
});
