import { addNoteRoute } from '../../../shared/referrals/api/routes.ts';
import { idempotency } from '../../../shared/wiring/idempotency.ts';
import { referralService } from '../../../shared/wiring/referrals.ts';

/** `POST /referrals/{id}/notes`: a case note by a party's practitioner. Honours `Idempotency-Key`. */
export const handler = addNoteRoute.handle(
  async ({ caller, body, path }) => {
    const note = await referralService.addNote(caller, path.id, body.text);
    return { statusCode: 201, body: note };
  },
  { idempotency: idempotency() },
);
