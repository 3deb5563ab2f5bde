import { createReferralRoute } from '../../../shared/referrals/api/routes.ts';
import { idempotency } from '../../../shared/wiring/idempotency.ts';
import { referralService } from '../../../shared/wiring/referrals.ts';

/** `POST /referrals`: refer a person to another organisation. Honours `Idempotency-Key`. */
export const handler = createReferralRoute.handle(
  async ({ caller, body }) => {
    const referral = await referralService.submit(caller, body);
    return { statusCode: 201, etag: referral.version, headers: { Location: `/referrals/${referral.id}` }, body: referral };
  },
  { idempotency: idempotency() },
);
