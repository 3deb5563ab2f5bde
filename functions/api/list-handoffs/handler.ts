import { ListHandoffsQuerySchema } from '../../../shared/referrals/domain/handoff-schemas.ts';
import { httpHandler } from '../../../shared/platform/http/middleware.ts';
import { paging } from '../../../shared/core/pagination.ts';
import { cursorKey, handoffService } from '../../../shared/wiring/referrals.ts';

/** `GET /handoffs?box=inbox|outbox&status=`: offers received or made, newest first. */
export const handler = httpHandler({ auth: 'jwt', query: ListHandoffsQuerySchema }, async ({ caller, query }) => {
  const page = paging(cursorKey, caller, 'GET /handoffs', query);
  const result = await handoffService.list(caller, { ...query, limit: page.limit, after: page.after });
  return { statusCode: 200, body: { items: result.items, ...page.next(result.after) } };
});
