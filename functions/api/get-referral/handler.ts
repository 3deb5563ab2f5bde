import { ReferralPathSchema } from '../../../shared/referrals/domain/referral-schemas.ts';
import { etagOf } from '../../../shared/platform/http/conditional-request.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { referralService } from '../../../shared/wiring/referrals.ts';

/** `GET /referrals/{id}`: the referral, the caller's `allowedActions` and its handoffs; the read is audited. */
export const handler = httpHandler({ auth: 'jwt' }, async ({ caller, pathParameters }) => {
  const { id } = parseOrThrow(ReferralPathSchema, pathParameters, 'The path is invalid');
  const referral = await referralService.get(caller, id);
  return { statusCode: 200, headers: { ETag: etagOf(referral.version) }, body: referral };
});
