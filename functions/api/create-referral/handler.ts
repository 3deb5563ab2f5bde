import { CreateReferralBodySchema } from '../../../shared/referrals/domain/referral-schemas.ts';
import { etagOf } from '../../../shared/platform/http/conditional-request.ts';
import { idempotencyFromConfig } from '../../../shared/platform/http/idempotency.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { referralService } from '../../../shared/wiring/referrals.ts';

/** `POST /referrals`: refer a person to another organisation. Honours `Idempotency-Key`. */
export const handler = httpHandler({ auth: 'jwt', body: CreateReferralBodySchema, idempotency: idempotencyFromConfig() }, async ({ caller, body }) => {
  const referral = await referralService.submit(caller, body);
  return {
    statusCode: 201,
    headers: { ETag: etagOf(referral.version), Location: `/referrals/${referral.id}` },
    body: referral,
  };
});
