import { HandoffPathSchema } from '../../../shared/referrals/domain/handoff-schemas.ts';
import { etagOf } from '../../../shared/platform/http/conditional-request.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { handoffService } from '../../../shared/wiring/referrals.ts';

/** `GET /handoffs/{id}`: the handoff and what the caller may do with it (ETag: its version). */
export const handler = httpHandler({ auth: 'jwt' }, async ({ caller, pathParameters }) => {
  const { id } = parseOrThrow(HandoffPathSchema, pathParameters, 'The path is invalid');
  const handoff = await handoffService.get(caller, id);
  return { statusCode: 200, headers: { ETag: etagOf(handoff.version) }, body: handoff };
});
