import { offerHandoffRoute } from '../../../shared/referrals/api/routes.ts';
import { idempotency } from '../../../shared/wiring/idempotency.ts';
import { handoffService } from '../../../shared/wiring/referrals.ts';

/** `POST /referrals/{id}/handoffs`: the owning org offers responsibility to another. Honours `Idempotency-Key` and `If-Match` (the referral's version). */
export const handler = offerHandoffRoute.handle(
  async ({ caller, body, path, ifMatch }) => {
    const handoff = await handoffService.offer(caller, path.id, body, ifMatch);
    return { statusCode: 201, etag: handoff.version, headers: { Location: `/handoffs/${handoff.id}` }, body: handoff };
  },
  { idempotency: idempotency() },
);
