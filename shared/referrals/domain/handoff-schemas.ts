/** zod schemas of the handoff contract (DESIGN §4). */
import * as z from 'zod';
import { DECLINE_REASON_CODES, HANDOFF_STATUSES } from '../../core/reference-data.ts';
import { CommentSchema, HandoffRecordSchema, LimitSchema, OrgIdSchema, ReasonSchema, TeamIdSchema } from './referral-schemas.ts';

export const OfferHandoffBodySchema = z
  .strictObject({ toOrg: OrgIdSchema, toTeam: TeamIdSchema.optional(), reason: ReasonSchema })
  .meta({ id: 'OfferHandoff' });

export const HandoffCommentBodySchema = z.strictObject({ comment: CommentSchema.optional() }).meta({ id: 'HandoffComment' });

export const DeclineHandoffBodySchema = z
  .strictObject({ reasonCode: z.enum(DECLINE_REASON_CODES), comment: CommentSchema.optional() })
  .meta({ id: 'DeclineHandoff' });

export const HandoffIdSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a handoff id (26-character ULID)');
export const HandoffPathSchema = z.object({ id: HandoffIdSchema });

export const ListHandoffsQuerySchema = z.strictObject({
  box: z.enum(['inbox', 'outbox']).default('inbox'),
  status: z.enum(HANDOFF_STATUSES).optional(),
  org: OrgIdSchema.optional(),
  limit: LimitSchema,
  cursor: z.string().max(2048).optional(),
});

export const HandoffSchema = HandoffRecordSchema.extend({
  allowedActions: z.array(z.string()).meta({ description: 'accept, decline or withdraw: what this caller may POST now' }),
}).meta({ id: 'Handoff' });

export const HandoffListSchema = z
  .strictObject({ items: z.array(HandoffSchema), nextCursor: z.string().optional() })
  .meta({ id: 'HandoffList' });
