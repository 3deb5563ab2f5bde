/** zod schemas of the handoff contract (DESIGN §4). */
import * as z from 'zod';
import { DECLINE_REASON_CODES, HANDOFF_STATUSES } from '../reference-data.ts';
import { CommentSchema, LimitSchema, OrgIdSchema, ReasonSchema, TeamIdSchema } from './referral.ts';

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

const ActorSchema = z.object({ sub: z.string(), org: z.string(), role: z.string() });

export const HandoffSchema = z
  .object({
    id: z.string(),
    referralId: z.string(),
    fromOrg: z.string(),
    fromTeam: z.string().optional(),
    toOrg: z.string(),
    toTeam: z.string().optional(),
    reason: z.string(),
    status: z.enum(HANDOFF_STATUSES),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    dueAt: z.string(),
    offeredBy: ActorSchema,
    answeredBy: ActorSchema.optional(),
    reasonCode: z.string().optional(),
    allowedActions: z.array(z.string()).meta({ description: 'accept, decline or withdraw: what this caller may POST now' }),
  })
  .meta({ id: 'Handoff' });

export const HandoffListSchema = z
  .object({ items: z.array(HandoffSchema), nextCursor: z.string().optional() })
  .meta({ id: 'HandoffList' });
