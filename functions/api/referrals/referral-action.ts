import { actionInputOf, referralActionRoutes } from '../../../shared/referrals/api/routes.ts';
import { referralService } from '../../../shared/wiring/referrals.ts';

/** `POST /referrals/{id}/{action}`: one Lambda for the eight transitions; the route names the action and its body schema. */
export const handler = referralActionRoutes.handle(async ({ caller, path, body, ifMatch }, action) => {
  const referral = await referralService.act(caller, path.id, actionInputOf(action, body), ifMatch);
  return { statusCode: 200, etag: referral.version, body: referral };
});
