import { PageQuerySchema, ReferralPathSchema } from '../../../shared/referrals/domain/referral-schemas.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { paging } from '../../../shared/core/pagination.ts';
import { parseOrThrow } from '../../../shared/platform/http/validation.ts';
import { cursorKey, referralService } from '../../../shared/wiring/referrals.ts';

/** `GET /referrals/{id}/notes`: case notes, newest first. */
export const handler = httpHandler({ auth: 'jwt', query: PageQuerySchema }, async ({ caller, query, pathParameters }) => {
  const { id } = parseOrThrow(ReferralPathSchema, pathParameters, 'The path is invalid');
  const page = paging(cursorKey, caller, `GET /referrals/${id}/notes`, query);
  const result = await referralService.notes(caller, id, { limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
