import { handoffActionRoutes, handoffAnswerOf } from '../../../shared/referrals/api/routes.ts';
import { handoffService } from '../../../shared/wiring/referrals.ts';

/** `POST /handoffs/{id}/accept|decline|withdraw`: one Lambda; the route names the answer and its body schema. */
export const handler = handoffActionRoutes.handle(async ({ caller, path, body, ifMatch }, action) => {
  const handoff = await handoffService.answer(caller, path.id, handoffAnswerOf(action, body), ifMatch);
  return { statusCode: 200, etag: handoff.version, body: handoff };
});
