/** zod schemas of the handoff contract (DESIGN §4). */
import * as z from 'zod';
import { HANDOFF_ACTIONS } from './handoff.ts';
import { DECLINE_REASON_CODES, HANDOFF_STATUSES } from '../../core/reference-data.ts';
import {
  CommentSchema,
  CursorSchema,
  HandoffRecordSchema,
  LimitSchema,
  OrgIdSchema,
  PAGE_MAX,
  patterned,
  ReasonSchema,
  TeamIdSchema,
  ULID_LENGTH,
} from './referral-schemas.ts';

export const OfferHandoffBodySchema = z
  .strictObject({ toOrg: OrgIdSchema, toTeam: TeamIdSchema.optional(), reason: ReasonSchema })
  .meta({ id: 'OfferHandoff' });

export const HandoffCommentBodySchema = z.strictObject({ comment: CommentSchema.optional() }).meta({ id: 'HandoffComment' });

export const DeclineHandoffBodySchema = z
  .strictObject({ reasonCode: z.enum(DECLINE_REASON_CODES), comment: CommentSchema.optional() })
  .meta({ id: 'DeclineHandoff' });

export const HandoffIdSchema = patterned(/^[0-9A-HJKMNP-TV-Z]{26}$/, ULID_LENGTH, 'must be a handoff id (26-character ULID)');
export const HandoffPathSchema = z.object({ id: HandoffIdSchema });

export const ListHandoffsQuerySchema = z.strictObject({
  box: z.enum(['inbox', 'outbox']).default('inbox'),
  status: z.enum(HANDOFF_STATUSES).optional(),
  org: OrgIdSchema.optional(),
  limit: LimitSchema,
  cursor: CursorSchema.optional(),
});

export const HandoffSchema = HandoffRecordSchema.extend({
  allowedActions: z
    .array(z.enum(HANDOFF_ACTIONS))
    .max(HANDOFF_ACTIONS.length)
    .meta({ description: 'accept, decline or withdraw: what this caller may POST now' }),
}).meta({ id: 'Handoff' });

export const HandoffListSchema = z
  .strictObject({ items: z.array(HandoffSchema).max(PAGE_MAX), nextCursor: CursorSchema.optional() })
  .meta({ id: 'HandoffList' });
