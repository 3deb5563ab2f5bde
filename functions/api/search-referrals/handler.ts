import { createHash } from 'node:crypto';
import { PageQuerySchema, SearchBodySchema } from '../../../shared/referrals/domain/referral-schemas.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { paging } from '../../../shared/core/pagination.ts';
import { cursorKey, referralService } from '../../../shared/wiring/referrals.ts';

/**
 * `POST /referrals/search`: a person's referrals the caller may see. The identifier is in
 * the body, never the URL; the cursor is bound to a hash of it, never the identifier itself.
 */
export const handler = httpHandler(
  { auth: 'jwt', body: SearchBodySchema, query: PageQuerySchema },
  async ({ caller, body, query }) => {
    const person = createHash('sha256').update(JSON.stringify(body)).digest('base64url');
    const page = paging(cursorKey, caller, 'POST /referrals/search', { ...query, person });
    const result = await referralService.search(caller, body, { limit: page.limit, after: page.after });
    return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
  },
);
