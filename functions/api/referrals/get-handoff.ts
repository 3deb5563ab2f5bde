import { getHandoffRoute } from '../../../shared/referrals/api/routes.ts';
import { handoffService } from '../../../shared/wiring/referrals.ts';

/** `GET /handoffs/{id}`: the handoff and what the caller may do with it (ETag: its version). */
export const handler = getHandoffRoute.handle(async ({ caller, path }) => {
  const handoff = await handoffService.get(caller, path.id);
  return { statusCode: 200, etag: handoff.version, body: handoff };
});
