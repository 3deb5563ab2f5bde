import { OfferHandoffBodySchema } from '../../../shared/referrals/domain/handoff-schemas.ts';
import { ReferralPathSchema } from '../../../shared/referrals/domain/referral-schemas.ts';
import { etagOf, parseIfMatch } from '../../../shared/platform/http/conditional-request.ts';
import { idempotencyFromConfig } from '../../../shared/platform/http/idempotency.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { handoffService } from '../../../shared/wiring/referrals.ts';

/** `POST /referrals/{id}/handoffs`: the owning org offers responsibility to another. Honours `Idempotency-Key` and `If-Match` (the referral's version). */
export const handler = httpHandler(
  { auth: 'jwt', body: OfferHandoffBodySchema, idempotency: idempotencyFromConfig() },
  async ({ caller, body, pathParameters, event }) => {
    const { id } = parseOrThrow(ReferralPathSchema, pathParameters, 'The path is invalid');
    const handoff = await handoffService.offer(caller, id, body, parseIfMatch(event.headers));
    return { statusCode: 201, headers: { ETag: etagOf(handoff.version), Location: `/handoffs/${handoff.id}` }, body: handoff };
  },
);
