import { getReferralRoute } from '../../../shared/referrals/api/routes.ts';
import { referralService } from '../../../shared/wiring/referrals.ts';

/** `GET /referrals/{id}`: the referral, the caller's `allowedActions` and its handoffs; the read is audited. */
export const handler = getReferralRoute.handle(async ({ caller, path }) => {
  const referral = await referralService.get(caller, path.id);
  return { statusCode: 200, etag: referral.version, body: referral };
});
