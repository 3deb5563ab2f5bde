/**
 * zod schemas of the referral contract (DESIGN §4): one source for validation, types and
 * the OpenAPI document. Request bodies are strict: unknown fields are a 400 naming them.
 */
import * as z from '../../core/zod.ts';
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
import { documentedAs, InstantSchema, withMeta } from '../../core/schemas.ts';

const trimmed = (max: number) =>
  z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max, `must be at most ${max} characters`));

/**
 * A string its pattern bounds, with that bound as a `maxLength` too (so the contract states
 * it). A longer value fails with the pattern's own message, once, and goes no further.
 */
export const patterned = (pattern: RegExp, maxLength: number, message: string) =>
  z.string().check(z.maxLength(maxLength, { message, abort: true }), z.regex(pattern, message));

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
  .check(
    z.maxLength(10, { message: 'must be 10 digits', abort: true }),
    z.regex(/^\d{10}$/, 'must be 10 digits'),
    z.refine(isValidNhsNumber, 'is not a valid NHS number (check digit or all zeros)'),
  )
  .register(z.globalRegistry, { description: 'NHS number, 10 digits, Modulus 11 valid', example: '9434765919' });

export const LocalIdSchema = patterned(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/, ID_MAX, 'must be 1–64 letters, digits, . _ / -').register(
  z.globalRegistry,
  { description: 'An organisation’s own identifier for the person (e.g. a case-management system id)' },
);

const isPastOrToday = (iso: string) => {
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso && date.getTime() <= Date.now();
};

/** The person, minimised: at least one identifier; everything else optional. */
export const SubjectSchema = z
  .strictObject({
    nhsNumber: z.optional(NhsNumberSchema),
    localId: z.optional(LocalIdSchema),
    name: z.optional(trimmed(200)),
    dateOfBirth: z.optional(
      patterned(/^\d{4}-\d{2}-\d{2}$/, 10, 'must be a date YYYY-MM-DD').check(
        z.refine(isPastOrToday, 'must be a real date, not in the future'),
      ),
    ),
    postcode: z.optional(
      z
        .string()
        .check(
          z.trim(),
          z.toUpperCase(),
          z.maxLength(8, { message: 'must be a UK postcode', abort: true }),
          z.regex(/^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/, 'must be a UK postcode'),
        ),
    ),
  })
  .check(
    z.refine((s) => s.nhsNumber !== undefined || s.localId !== undefined, {
      message: 'needs an nhsNumber or a localId',
      path: ['nhsNumber'],
    }),
  )
  .register(z.globalRegistry, { id: 'Subject' });
export type Subject = z.infer<typeof SubjectSchema>;

export const ReasonSchema = trimmed(LONG_TEXT_MAX).register(z.globalRegistry, { description: 'Why the person is being referred' });
export const CommentSchema = trimmed(COMMENT_MAX);

export const CreateReferralBodySchema = z
  .strictObject({
    toOrg: OrgIdSchema,
    toTeam: z.optional(TeamIdSchema),
    fromTeam: z.optional(TeamIdSchema),
    serviceArea: z.enum(SERVICE_AREAS),
    priority: z.enum(PRIORITIES),
    subject: SubjectSchema,
    reason: ReasonSchema,
  })
  .register(z.globalRegistry, { id: 'CreateReferral' });
export type CreateReferralBody = z.infer<typeof CreateReferralBodySchema>;

export const AcceptBodySchema = z.strictObject({ comment: z.optional(CommentSchema) }).register(z.globalRegistry, { id: 'AcceptReferral' });
export const DeclineBodySchema = z
  .strictObject({ reasonCode: z.enum(DECLINE_REASON_CODES), comment: CommentSchema })
  .register(z.globalRegistry, { id: 'DeclineReferral' });
export const RedirectBodySchema = z
  .strictObject({ toOrg: OrgIdSchema, toTeam: z.optional(TeamIdSchema), comment: CommentSchema })
  .register(z.globalRegistry, { id: 'RedirectReferral' });
export const CommentBodySchema = z.strictObject({ comment: CommentSchema }).register(z.globalRegistry, { id: 'CommentRequired' });
export const AmendBodySchema = z
  .strictObject({
    priority: z.optional(z.enum(PRIORITIES)),
    reason: z.optional(ReasonSchema),
    subject: z.optional(SubjectSchema).register(z.globalRegistry, { description: 'Replaces the whole subject' }),
  })
  .check(
    z.refine((b) => b.priority !== undefined || b.reason !== undefined || b.subject !== undefined, {
      message: 'needs at least one of priority, reason, subject',
      path: ['priority'],
    }),
  )
  .register(z.globalRegistry, { id: 'AmendReferral' });
export const CancelBodySchema = z
  .strictObject({ reasonCode: z.enum(CANCEL_REASON_CODES), comment: z.optional(CommentSchema) })
  .register(z.globalRegistry, { id: 'CancelReferral' });
export const CompleteBodySchema = z
  .strictObject({ outcome: z.enum(OUTCOME_CODES), comment: z.optional(CommentSchema) })
  .register(z.globalRegistry, { id: 'CompleteReferral' });

export const NoteBodySchema = z.strictObject({ text: trimmed(LONG_TEXT_MAX) }).register(z.globalRegistry, { id: 'CreateNote' });

export const SearchBodySchema = z
  .union([
    z.strictObject({ nhsNumber: NhsNumberSchema }),
    z.strictObject({
      localId: LocalIdSchema,
      issuer: z.optional(z.string().check(z.minLength(1), z.maxLength(64))).register(z.globalRegistry, {
        description: 'The organisation that issued the local id. Default: the caller’s own; required for programme managers.',
      }),
    }),
  ])
  .register(z.globalRegistry, {
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
  .optional(
    z
      .pipe(z.string().check(z.regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')), z.transform(Number))
      .check(z.refine((n) => n >= 1 && n <= PAGE_MAX, 'must be a whole number from 1 to 100')),
  )
  .register(
    z.globalRegistry,
    documentedAs({ type: 'integer', format: 'int32', minimum: 1, maximum: PAGE_MAX, description: `Page size, 1–${PAGE_MAX} (default 25)` }),
  );

/** An opaque `nextCursor`, sent back as `cursor` for the next page. */
export const CURSOR_MAX = 2048;
export const CursorSchema = z.string().check(z.maxLength(CURSOR_MAX));

export const ListReferralsQuerySchema = z.strictObject({
  box: z._default(z.enum(['inbox', 'outbox', 'owned']), 'inbox'),
  status: z.optional(z.enum(REFERRAL_STATUSES)),
  serviceArea: z.optional(z.enum(SERVICE_AREAS)),
  team: z.optional(TeamIdSchema),
  sort: z._default(z.enum(['newest', 'due']), 'newest'),
  org: z.optional(OrgIdSchema),
  limit: LimitSchema,
  cursor: z.optional(CursorSchema),
});
export type ListReferralsQuery = z.infer<typeof ListReferralsQuerySchema>;

export const PageQuerySchema = z.strictObject({ limit: LimitSchema, cursor: z.optional(CursorSchema) });

export const ActorSchema = z
  .strictObject({
    sub: z.string().check(z.maxLength(SUB_MAX)),
    org: z.string().check(z.maxLength(ID_MAX)),
    role: z
      .enum([...ROLES, 'system'])
      .register(z.globalRegistry, { description: '`system` for marks Jointly makes itself (overdue breaches)' }),
  })
  .register(z.globalRegistry, { id: 'Actor' });

/** A referral, handoff, event or note id. */
const UlidTextSchema = z.string().check(z.maxLength(ULID_LENGTH));
/** An organisation id as stored (every one registered). */
const OrgTextSchema = z.string().check(z.maxLength(ID_MAX));
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
    leftSeq: z
      .number()
      .check(z.int(), z.gte(1))
      .register(z.globalRegistry, { description: 'The history `seq` at which it left: it reads events and notes up to here' }),
  })
  .register(z.globalRegistry, {
    id: 'FormerParty',
    description: 'An organisation that is no longer a party (redirected away, a declined or withdrawn handoff target)',
  });

/** A handoff as stored and shown inside a referral (`GET /handoffs/{id}` adds `allowedActions`). */
export const HandoffRecordSchema = z
  .strictObject({
    id: UlidTextSchema,
    referralId: UlidTextSchema,
    fromOrg: OrgTextSchema,
    fromTeam: z.optional(z.string().check(z.maxLength(ID_MAX))),
    toOrg: OrgTextSchema,
    toTeam: z.optional(z.string().check(z.maxLength(ID_MAX))),
    reason: z.string().check(z.maxLength(LONG_TEXT_MAX)),
    status: z.enum(HANDOFF_STATUSES),
    version: z.number().check(z.int(), z.gte(1)),
    createdAt: InstantSchema,
    updatedAt: InstantSchema,
    dueAt: InstantSchema,
    offeredBy: ActorSchema,
    answeredBy: z.optional(ActorSchema),
    reasonCode: z.optional(z.enum(DECLINE_REASON_CODES)),
  })
  .register(z.globalRegistry, { id: 'HandoffRecord' });

export const ReferralSchema = z
  .strictObject({
    id: UlidTextSchema,
    fromOrg: OrgTextSchema,
    fromTeam: z.optional(z.string().check(z.maxLength(ID_MAX))),
    toOrg: OrgTextSchema,
    toTeam: z.optional(z.string().check(z.maxLength(ID_MAX))),
    ownerOrg: OrgTextSchema,
    ownerTeam: z.optional(z.string().check(z.maxLength(ID_MAX))),
    serviceArea: z.enum(SERVICE_AREAS),
    priority: z.enum(PRIORITIES),
    subject: SubjectSchema,
    reason: z.string().check(z.maxLength(LONG_TEXT_MAX)),
    status: z.enum(REFERRAL_STATUSES),
    version: z.number().check(z.int(), z.gte(1)),
    createdAt: InstantSchema,
    updatedAt: InstantSchema,
    dueAt: withMeta(InstantSchema, { description: 'When a response is due; moves back by time spent waiting for information' }),
    infoRequestedAt: z.optional(InstantSchema),
    outcome: z.optional(z.enum(OUTCOME_CODES)),
    reasonCode: z.optional(z.enum(REFERRAL_REASON_CODES)).register(z.globalRegistry, { description: 'Decline or cancel reason code' }),
    parties: z
      .array(OrgTextSchema)
      .check(z.maxLength(PARTIES_MAX))
      .register(z.globalRegistry, { description: 'The organisations that are parties now' }),
    formerParties: z.optional(z.array(FormerPartySchema).check(z.maxLength(PARTIES_MAX))),
    openHandoffId: z.optional(UlidTextSchema),
  })
  .register(z.globalRegistry, { id: 'Referral' });

export const ReferralDetailSchema = z
  .extend(ReferralSchema, {
    allowedActions: z
      .array(z.enum(REFERRAL_ACTIONS))
      .check(z.maxLength(REFERRAL_ACTIONS.length))
      .register(z.globalRegistry, { description: 'Action path segments this caller may POST now' }),
    handoffs: z
      .array(HandoffRecordSchema)
      .register(z.globalRegistry, { description: 'Every handoff of the referral (a former party: those it saw, as they stood)' }),
  })
  .register(z.globalRegistry, { id: 'ReferralDetail' });

/** A page of `items` and the cursor of the next page, if there is one. */
export const pageOf = <T extends z.core.$ZodType>(item: T) =>
  z.strictObject({ items: z.array(item).check(z.maxLength(PAGE_MAX)), nextCursor: z.optional(CursorSchema) });

export const ReferralListSchema = pageOf(ReferralSchema).register(z.globalRegistry, { id: 'ReferralList' });

export const EventSchema = z
  .strictObject({
    id: UlidTextSchema,
    type: z.string().check(z.maxLength(64)),
    seq: z.number().check(z.int(), z.gte(1)),
    at: InstantSchema,
    actor: ActorSchema,
    referralId: UlidTextSchema,
    handoffId: z.optional(UlidTextSchema),
    data: z.record(z.string().check(z.maxLength(64)), z.unknown()),
    comment: z.optional(z.string().check(z.maxLength(COMMENT_MAX))),
  })
  .register(z.globalRegistry, { id: 'Event' });
export const EventListSchema = pageOf(EventSchema).register(z.globalRegistry, { id: 'EventList' });

export const NoteSchema = z
  .strictObject({
    id: UlidTextSchema,
    referralId: UlidTextSchema,
    text: z.string().check(z.maxLength(LONG_TEXT_MAX)),
    author: ActorSchema,
    createdAt: InstantSchema,
  })
  .register(z.globalRegistry, { id: 'Note' });
export const NoteListSchema = pageOf(NoteSchema).register(z.globalRegistry, { id: 'NoteList' });

export const AccessLogEntrySchema = z
  .strictObject({ at: InstantSchema, actor: ActorSchema, what: z.string().check(z.maxLength(64)) })
  .register(z.globalRegistry, { id: 'AccessLogEntry' });
export const AccessLogSchema = pageOf(AccessLogEntrySchema).register(z.globalRegistry, { id: 'AccessLog' });

/** Referral ids are ULIDs. */
export const ReferralIdSchema = patterned(/^[0-9A-HJKMNP-TV-Z]{26}$/, ULID_LENGTH, 'must be a referral id (26-character ULID)');
export const ReferralPathSchema = z.object({ id: ReferralIdSchema });
