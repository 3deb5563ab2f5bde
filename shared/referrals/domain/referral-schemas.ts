/**
 * zod schemas of the referral contract (DESIGN §4): one source for validation, types and
 * the OpenAPI document. Request bodies are strict: unknown fields are a 400 naming them.
 */
import * as z from 'zod';
import { ORGANISATIONS } from '../../core/organisations.ts';
import { isValidNhsNumber } from './nhs-number.ts';
import {
  CANCEL_REASON_CODES,
  DECLINE_REASON_CODES,
  HANDOFF_STATUSES,
  OUTCOME_CODES,
  PRIORITIES,
  REFERRAL_STATUSES,
  ROLES,
  SERVICE_AREAS,
} from '../../core/reference-data.ts';
import { REFERRAL_ACTIONS } from './referral-actions.ts';
import { documentedAs, InstantSchema } from '../../core/schemas.ts';

const trimmed = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/**
 * A string its pattern bounds, with that bound as a `maxLength` too (so the contract states
 * it). A longer value fails with the pattern's own message, once, and goes no further.
 */
export const patterned = (pattern: RegExp, maxLength: number, message: string) =>
  z.string().max(maxLength, { message, abort: true }).regex(pattern, message);

/** Longest organisation, team or local id. */
export const ID_MAX = 64;
/** Free text: a referral's or handoff's reason, a note. */
export const LONG_TEXT_MAX = 4000;
/** Free text: an action's comment. */
export const COMMENT_MAX = 2000;
/** A Cognito `sub` (a UUID on AWS; the local issuer allows up to 128 characters). */
export const SUB_MAX = 128;
/** Ids are ULIDs. */
export const ULID_LENGTH = 26;

export const OrgIdSchema = patterned(/^[a-z0-9][a-z0-9-]{0,63}$/, ID_MAX, 'must be an organisation id such as "ecc"');
export const TeamIdSchema = patterned(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, ID_MAX, 'must be a team id of letters, digits, - or _');

export const NhsNumberSchema = z
  .string()
  .max(10, { message: 'must be 10 digits', abort: true })
  .regex(/^\d{10}$/, 'must be 10 digits')
  .refine(isValidNhsNumber, 'is not a valid NHS number (check digit or all zeros)')
  .meta({ description: 'NHS number, 10 digits, Modulus 11 valid', example: '9434765919' });

export const LocalIdSchema = patterned(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/, ID_MAX, 'must be 1–64 letters, digits, . _ / -').meta({
  description: 'An organisation’s own identifier for the person (e.g. a case-management system id)',
});

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
    dateOfBirth: patterned(/^\d{4}-\d{2}-\d{2}$/, 10, 'must be a date YYYY-MM-DD')
      .refine(isPastOrToday, 'must be a real date, not in the future')
      .optional(),
    postcode: z
      .string()
      .trim()
      .toUpperCase()
      .max(8, { message: 'must be a UK postcode', abort: true })
      .regex(/^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/, 'must be a UK postcode')
      .optional(),
  })
  .refine((s) => s.nhsNumber !== undefined || s.localId !== undefined, {
    message: 'needs an nhsNumber or a localId',
    path: ['nhsNumber'],
  })
  .meta({ id: 'Subject' });
export type Subject = z.infer<typeof SubjectSchema>;

export const ReasonSchema = trimmed(LONG_TEXT_MAX).meta({ description: 'Why the person is being referred' });
export const CommentSchema = trimmed(COMMENT_MAX);

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

export const NoteBodySchema = z.strictObject({ text: trimmed(LONG_TEXT_MAX) }).meta({ id: 'CreateNote' });

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
  .meta({
    id: 'SearchReferrals',
    description: 'Exactly one of nhsNumber or localId (with the issuing organisation: one organisation’s 12345 is not another’s)',
  });

/** Largest page of every list. */
export const PAGE_MAX = 100;

/**
 * `limit`: 1–100 whole number as a query string, documented as the integer it means
 * (the digits of 1–100 are exactly the strings it accepts, leading zeros aside).
 */
export const LimitSchema = z
  .string()
  .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
  .transform(Number)
  .refine((n) => n >= 1 && n <= PAGE_MAX, 'must be a whole number from 1 to 100')
  .optional()
  .meta(
    documentedAs({ type: 'integer', format: 'int32', minimum: 1, maximum: PAGE_MAX, description: `Page size, 1–${PAGE_MAX} (default 25)` }),
  );

/** An opaque `nextCursor`, sent back as `cursor` for the next page. */
export const CURSOR_MAX = 2048;
export const CursorSchema = z.string().max(CURSOR_MAX);

export const ListReferralsQuerySchema = z.strictObject({
  box: z.enum(['inbox', 'outbox', 'owned']).default('inbox'),
  status: z.enum(REFERRAL_STATUSES).optional(),
  serviceArea: z.enum(SERVICE_AREAS).optional(),
  team: TeamIdSchema.optional(),
  sort: z.enum(['newest', 'due']).default('newest'),
  org: OrgIdSchema.optional(),
  limit: LimitSchema,
  cursor: CursorSchema.optional(),
});
export type ListReferralsQuery = z.infer<typeof ListReferralsQuerySchema>;

export const PageQuerySchema = z.strictObject({ limit: LimitSchema, cursor: CursorSchema.optional() });

export const ActorSchema = z
  .strictObject({
    sub: z.string().max(SUB_MAX),
    org: z.string().max(ID_MAX),
    role: z.enum([...ROLES, 'system']).meta({ description: '`system` for marks Jointly makes itself (overdue breaches)' }),
  })
  .meta({ id: 'Actor' });

/** A referral, handoff, event or note id. */
const UlidTextSchema = z.string().max(ULID_LENGTH);
/** An organisation id as stored (every one registered). */
const OrgTextSchema = z.string().max(ID_MAX);
/** What a declined or cancelled referral's `reasonCode` can be (`other` is in both lists). */
type ReferralReasonCode = (typeof DECLINE_REASON_CODES)[number] | (typeof CANCEL_REASON_CODES)[number];
const REFERRAL_REASON_CODES = [...new Set<ReferralReasonCode>([...DECLINE_REASON_CODES, ...CANCEL_REASON_CODES])] as [
  ReferralReasonCode,
  ...ReferralReasonCode[],
];
/** Most organisations a referral can involve: every registered one. */
const PARTIES_MAX = ORGANISATIONS.length;

export const FormerPartySchema = z
  .strictObject({
    org: OrgTextSchema,
    leftAt: InstantSchema,
    leftSeq: z.number().int().min(1).meta({ description: 'The history `seq` at which it left: it reads events and notes up to here' }),
  })
  .meta({
    id: 'FormerParty',
    description: 'An organisation that is no longer a party (redirected away, a declined or withdrawn handoff target)',
  });

/** A handoff as stored and shown inside a referral (`GET /handoffs/{id}` adds `allowedActions`). */
export const HandoffRecordSchema = z
  .strictObject({
    id: UlidTextSchema,
    referralId: UlidTextSchema,
    fromOrg: OrgTextSchema,
    fromTeam: z.string().max(ID_MAX).optional(),
    toOrg: OrgTextSchema,
    toTeam: z.string().max(ID_MAX).optional(),
    reason: z.string().max(LONG_TEXT_MAX),
    status: z.enum(HANDOFF_STATUSES),
    version: z.number().int().min(1),
    createdAt: InstantSchema,
    updatedAt: InstantSchema,
    dueAt: InstantSchema,
    offeredBy: ActorSchema,
    answeredBy: ActorSchema.optional(),
    reasonCode: z.enum(DECLINE_REASON_CODES).optional(),
  })
  .meta({ id: 'HandoffRecord' });

export const ReferralSchema = z
  .strictObject({
    id: UlidTextSchema,
    fromOrg: OrgTextSchema,
    fromTeam: z.string().max(ID_MAX).optional(),
    toOrg: OrgTextSchema,
    toTeam: z.string().max(ID_MAX).optional(),
    ownerOrg: OrgTextSchema,
    ownerTeam: z.string().max(ID_MAX).optional(),
    serviceArea: z.enum(SERVICE_AREAS),
    priority: z.enum(PRIORITIES),
    subject: SubjectSchema,
    reason: z.string().max(LONG_TEXT_MAX),
    status: z.enum(REFERRAL_STATUSES),
    version: z.number().int().min(1),
    createdAt: InstantSchema,
    updatedAt: InstantSchema,
    dueAt: InstantSchema.meta({ description: 'When a response is due; moves back by time spent waiting for information' }),
    infoRequestedAt: InstantSchema.optional(),
    outcome: z.enum(OUTCOME_CODES).optional(),
    reasonCode: z.enum(REFERRAL_REASON_CODES).optional().meta({ description: 'Decline or cancel reason code' }),
    parties: z.array(OrgTextSchema).max(PARTIES_MAX).meta({ description: 'The organisations that are parties now' }),
    formerParties: z.array(FormerPartySchema).max(PARTIES_MAX).optional(),
    openHandoffId: UlidTextSchema.optional(),
  })
  .meta({ id: 'Referral' });

export const ReferralDetailSchema = ReferralSchema.extend({
  allowedActions: z
    .array(z.enum(REFERRAL_ACTIONS))
    .max(REFERRAL_ACTIONS.length)
    .meta({ description: 'Action path segments this caller may POST now' }),
  handoffs: z
    .array(HandoffRecordSchema)
    .meta({ description: 'Every handoff of the referral (a former party: those it saw, as they stood)' }),
}).meta({ id: 'ReferralDetail' });

export const ReferralListSchema = z
  .strictObject({ items: z.array(ReferralSchema).max(PAGE_MAX), nextCursor: CursorSchema.optional() })
  .meta({ id: 'ReferralList' });

export const EventSchema = z
  .strictObject({
    id: UlidTextSchema,
    type: z.string().max(64),
    seq: z.number().int().min(1),
    at: InstantSchema,
    actor: ActorSchema,
    referralId: UlidTextSchema,
    handoffId: UlidTextSchema.optional(),
    data: z.record(z.string().max(64), z.unknown()),
    comment: z.string().max(COMMENT_MAX).optional(),
  })
  .meta({ id: 'Event' });
export const EventListSchema = z
  .strictObject({ items: z.array(EventSchema).max(PAGE_MAX), nextCursor: CursorSchema.optional() })
  .meta({ id: 'EventList' });

export const NoteSchema = z
  .strictObject({
    id: UlidTextSchema,
    referralId: UlidTextSchema,
    text: z.string().max(LONG_TEXT_MAX),
    author: ActorSchema,
    createdAt: InstantSchema,
  })
  .meta({ id: 'Note' });
export const NoteListSchema = z
  .strictObject({ items: z.array(NoteSchema).max(PAGE_MAX), nextCursor: CursorSchema.optional() })
  .meta({ id: 'NoteList' });

export const AccessLogEntrySchema = z
  .strictObject({ at: InstantSchema, actor: ActorSchema, what: z.string().max(64) })
  .meta({ id: 'AccessLogEntry' });
export const AccessLogSchema = z
  .strictObject({ items: z.array(AccessLogEntrySchema).max(PAGE_MAX), nextCursor: CursorSchema.optional() })
  .meta({ id: 'AccessLog' });

/** Referral ids are ULIDs. */
export const ReferralIdSchema = patterned(/^[0-9A-HJKMNP-TV-Z]{26}$/, ULID_LENGTH, 'must be a referral id (26-character ULID)');
export const ReferralPathSchema = z.object({ id: ReferralIdSchema });
