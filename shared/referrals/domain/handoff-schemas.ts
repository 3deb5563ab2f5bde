/** zod schemas of the handoff contract (DESIGN §4). */
import * as z from '../../core/zod.ts';
import { HANDOFF_ACTIONS } from './handoff.ts';
import { DECLINE_REASON_CODES, HANDOFF_STATUSES } from '../../core/reference-data.ts';
import {
  CommentSchema,
  CursorSchema,
  HandoffRecordSchema,
  LimitSchema,
  OrgIdSchema,
  pageOf,
  patterned,
  ReasonSchema,
  TeamIdSchema,
  ULID_LENGTH,
} from './referral-schemas.ts';

export const OfferHandoffBodySchema = z
  .strictObject({ toOrg: OrgIdSchema, toTeam: z.optional(TeamIdSchema), reason: ReasonSchema })
  .register(z.globalRegistry, { id: 'OfferHandoff' });

export const HandoffCommentBodySchema = z
  .strictObject({ comment: z.optional(CommentSchema) })
  .register(z.globalRegistry, { id: 'HandoffComment' });

export const DeclineHandoffBodySchema = z
  .strictObject({ reasonCode: z.enum(DECLINE_REASON_CODES), comment: z.optional(CommentSchema) })
  .register(z.globalRegistry, { id: 'DeclineHandoff' });

export const HandoffIdSchema = patterned(/^[0-9A-HJKMNP-TV-Z]{26}$/, ULID_LENGTH, 'must be a handoff id (26-character ULID)');
export const HandoffPathSchema = z.object({ id: HandoffIdSchema });

export const ListHandoffsQuerySchema = z.strictObject({
  box: z._default(z.enum(['inbox', 'outbox']), 'inbox'),
  status: z.optional(z.enum(HANDOFF_STATUSES)),
  org: z.optional(OrgIdSchema),
  limit: LimitSchema,
  cursor: z.optional(CursorSchema),
});

export const HandoffSchema = z
  .extend(HandoffRecordSchema, {
    allowedActions: z
      .array(z.enum(HANDOFF_ACTIONS))
      .check(z.maxLength(HANDOFF_ACTIONS.length))
      .register(z.globalRegistry, { description: 'accept, decline or withdraw: what this caller may POST now' }),
  })
  .register(z.globalRegistry, { id: 'Handoff' });

export const HandoffListSchema = pageOf(HandoffSchema).register(z.globalRegistry, { id: 'HandoffList' });
