/**
 * zod schemas of the referral contract (DESIGN §4): one source for validation, types and
 * the OpenAPI document. Request bodies are strict: unknown fields are a 400 naming them.
 */
import * as z from 'zod';
import { isValidNhsNumber } from './nhs-number.ts';
import {
  CANCEL_REASON_CODES,
  DECLINE_REASON_CODES,
  HANDOFF_STATUSES,
  OUTCOME_CODES,
  PRIORITIES,
  REFERRAL_STATUSES,
  SERVICE_AREAS,
} from '../../core/reference-data.ts';

const trimmed = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const OrgIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be an organisation id such as "ecc"');
export const TeamIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be a team id of letters, digits, - or _');

export const NhsNumberSchema = z
  .string()
  .regex(/^\d{10}$/, 'must be 10 digits')
  .refine(isValidNhsNumber, 'is not a valid NHS number (check digit or all zeros)')
  .meta({ description: 'NHS number, 10 digits, Modulus 11 valid', example: '9434765919' });

export const LocalIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/, 'must be 1–64 letters, digits, . _ / -')
  .meta({ description: 'An organisation’s own identifier for the person (e.g. a case-management system id)' });

const isPastOrToday = (iso: string) => {
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso && date.getTime() <= Date.now();
};

/** The person, minimised: at least one identifier; everything else optional. */
export const SubjectSchema = z
  .strictObject({
    nhsNumber: NhsNumberSchema.optional(),
    localId: LocalIdSchema.optional(),
    name: trimmed(200).optional(),
    dateOfBirth: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
      .refine(isPastOrToday, 'must be a real date, not in the future')
      .optional(),
    postcode: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/, 'must be a UK postcode')
      .optional(),
  })
  .refine((s) => s.nhsNumber !== undefined || s.localId !== undefined, {
    message: 'needs an nhsNumber or a localId',
    path: ['nhsNumber'],
  })
  .meta({ id: 'Subject' });
export type Subject = z.infer<typeof SubjectSchema>;

export const ReasonSchema = trimmed(4000).meta({ description: 'Why the person is being referred' });
export const CommentSchema = trimmed(2000);

export const CreateReferralBodySchema = z
  .strictObject({
    toOrg: OrgIdSchema,
    toTeam: TeamIdSchema.optional(),
    fromTeam: TeamIdSchema.optional(),
    serviceArea: z.enum(SERVICE_AREAS),
    priority: z.enum(PRIORITIES),
    subject: SubjectSchema,
    reason: ReasonSchema,
  })
  .meta({ id: 'CreateReferral' });
export type CreateReferralBody = z.infer<typeof CreateReferralBodySchema>;

export const AcceptBodySchema = z.strictObject({ comment: CommentSchema.optional() }).meta({ id: 'AcceptReferral' });
export const DeclineBodySchema = z
  .strictObject({ reasonCode: z.enum(DECLINE_REASON_CODES), comment: CommentSchema })
  .meta({ id: 'DeclineReferral' });
export const RedirectBodySchema = z
  .strictObject({ toOrg: OrgIdSchema, toTeam: TeamIdSchema.optional(), comment: CommentSchema })
  .meta({ id: 'RedirectReferral' });
export const CommentBodySchema = z.strictObject({ comment: CommentSchema }).meta({ id: 'CommentRequired' });
export const AmendBodySchema = z
  .strictObject({
    priority: z.enum(PRIORITIES).optional(),
    reason: ReasonSchema.optional(),
    subject: SubjectSchema.optional().meta({ description: 'Replaces the whole subject' }),
  })
  .refine((b) => b.priority !== undefined || b.reason !== undefined || b.subject !== undefined, {
    message: 'needs at least one of priority, reason, subject',
    path: ['priority'],
  })
  .meta({ id: 'AmendReferral' });
export const CancelBodySchema = z
  .strictObject({ reasonCode: z.enum(CANCEL_REASON_CODES), comment: CommentSchema.optional() })
  .meta({ id: 'CancelReferral' });
export const CompleteBodySchema = z
  .strictObject({ outcome: z.enum(OUTCOME_CODES), comment: CommentSchema.optional() })
  .meta({ id: 'CompleteReferral' });

export const NoteBodySchema = z.strictObject({ text: trimmed(4000) }).meta({ id: 'CreateNote' });

export const SearchBodySchema = z
  .union([
    z.strictObject({ nhsNumber: NhsNumberSchema }),
    z.strictObject({
      localId: LocalIdSchema,
      issuer: z
        .string()
        .min(1)
        .max(64)
        .optional()
        .meta({ description: 'The organisation that issued the local id. Default: the caller’s own; required for programme managers.' }),
    }),
  ])
  .meta({ id: 'SearchReferrals', description: 'Exactly one of nhsNumber or localId (with the issuing organisation: one organisation’s 12345 is not another’s)' });

/** `limit`: 1–100 whole number as a query string. */
export const LimitSchema = z
  .string()
  .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
  .transform(Number)
  .refine((n) => n >= 1 && n <= 100, 'must be a whole number from 1 to 100')
  .optional();

export const ListReferralsQuerySchema = z.strictObject({
  box: z.enum(['inbox', 'outbox', 'owned']).default('inbox'),
  status: z.enum(REFERRAL_STATUSES).optional(),
  serviceArea: z.enum(SERVICE_AREAS).optional(),
  team: TeamIdSchema.optional(),
  sort: z.enum(['newest', 'due']).default('newest'),
  org: OrgIdSchema.optional(),
  limit: LimitSchema,
  cursor: z.string().max(2048).optional(),
});
export type ListReferralsQuery = z.infer<typeof ListReferralsQuerySchema>;

export const PageQuerySchema = z.strictObject({ limit: LimitSchema, cursor: z.string().max(2048).optional() });

export const ActorSchema = z.strictObject({ sub: z.string(), org: z.string(), role: z.string() }).meta({ id: 'Actor' });

export const FormerPartySchema = z
  .strictObject({
    org: z.string(),
    leftAt: z.string(),
    leftSeq: z.number().int().meta({ description: 'The history `seq` at which it left: it reads events and notes up to here' }),
  })
  .meta({ id: 'FormerParty', description: 'An organisation that is no longer a party (redirected away, a declined or withdrawn handoff target)' });

/** A handoff as stored and shown inside a referral (`GET /handoffs/{id}` adds `allowedActions`). */
export const HandoffRecordSchema = z
  .strictObject({
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
  })
  .meta({ id: 'HandoffRecord' });

export const ReferralSchema = z
  .strictObject({
    id: z.string(),
    fromOrg: z.string(),
    fromTeam: z.string().optional(),
    toOrg: z.string(),
    toTeam: z.string().optional(),
    ownerOrg: z.string(),
    ownerTeam: z.string().optional(),
    serviceArea: z.enum(SERVICE_AREAS),
    priority: z.enum(PRIORITIES),
    subject: SubjectSchema,
    reason: z.string(),
    status: z.enum(REFERRAL_STATUSES),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    dueAt: z.string().meta({ description: 'When a response is due; moves back by time spent waiting for information' }),
    infoRequestedAt: z.string().optional(),
    outcome: z.enum(OUTCOME_CODES).optional(),
    reasonCode: z.string().optional().meta({ description: 'Decline or cancel reason code' }),
    parties: z.array(z.string()).meta({ description: 'The organisations that are parties now' }),
    formerParties: z.array(FormerPartySchema).optional(),
    openHandoffId: z.string().optional(),
  })
  .meta({ id: 'Referral' });

export const ReferralDetailSchema = ReferralSchema.extend({
  allowedActions: z.array(z.string()).meta({ description: 'Action path segments this caller may POST now' }),
  handoffs: z.array(HandoffRecordSchema).meta({ description: 'Every handoff of the referral (a former party: those it saw, as they stood)' }),
}).meta({ id: 'ReferralDetail' });

export const ReferralListSchema = z
  .strictObject({ items: z.array(ReferralSchema), nextCursor: z.string().optional() })
  .meta({ id: 'ReferralList' });

export const EventSchema = z
  .strictObject({
    id: z.string(),
    type: z.string(),
    seq: z.number().int(),
    at: z.string(),
    actor: ActorSchema,
    referralId: z.string(),
    handoffId: z.string().optional(),
    data: z.record(z.string(), z.unknown()),
    comment: z.string().optional(),
  })
  .meta({ id: 'Event' });
export const EventListSchema = z.strictObject({ items: z.array(EventSchema), nextCursor: z.string().optional() }).meta({ id: 'EventList' });

export const NoteSchema = z
  .strictObject({ id: z.string(), referralId: z.string(), text: z.string(), author: ActorSchema, createdAt: z.string() })
  .meta({ id: 'Note' });
export const NoteListSchema = z.strictObject({ items: z.array(NoteSchema), nextCursor: z.string().optional() }).meta({ id: 'NoteList' });

export const AccessLogEntrySchema = z
  .strictObject({ at: z.string(), actor: ActorSchema, what: z.string() })
  .meta({ id: 'AccessLogEntry' });
export const AccessLogSchema = z
  .strictObject({ items: z.array(AccessLogEntrySchema), nextCursor: z.string().optional() })
  .meta({ id: 'AccessLog' });

/** Referral ids are ULIDs. */
export const ReferralIdSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a referral id (26-character ULID)');
export const ReferralPathSchema = z.object({ id: ReferralIdSchema });
