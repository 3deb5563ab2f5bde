import { NoteBodySchema, ReferralPathSchema } from '../../../shared/referrals/domain/referral-schemas.ts';
import { idempotencyFromConfig } from '../../../shared/platform/http/idempotency.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { referralService } from '../../../shared/wiring/referrals.ts';

/** `POST /referrals/{id}/notes`: a case note by a party's practitioner. Honours `Idempotency-Key`. */
export const handler = httpHandler({ auth: 'jwt', body: NoteBodySchema, idempotency: idempotencyFromConfig() }, async ({ caller, body, pathParameters }) => {
  const { id } = parseOrThrow(ReferralPathSchema, pathParameters, 'The path is invalid');
  const note = await referralService.addNote(caller, id, body.text);
  return { statusCode: 201, body: note };
});
