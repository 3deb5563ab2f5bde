/**
 * zod schemas of the person's-rights routes (`POST /subjects/export`, `POST /subjects/erase`):
 * one source for validation, types and the OpenAPI document. The NHS number is in the body,
 * never the URL (a URL is logged by every proxy on the way).
 */
import * as z from '../../core/zod.ts';
import { InstantSchema } from '../../core/schemas.ts';
import { ERASURE_REASON_CODES } from './disposal.ts';
import {
  AccessLogEntrySchema,
  EventSchema,
  HandoffRecordSchema,
  NhsNumberSchema,
  NoteSchema,
  PAGE_MAX,
  patterned,
  ReferralIdSchema,
  ReferralSchema,
} from './referral-schemas.ts';

/** An IG case reference: letters, digits and `-_./`, so it cannot carry a name or free text. */
export const REQUEST_REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

export const SubjectExportBodySchema = z.strictObject({ nhsNumber: NhsNumberSchema });

export const SubjectEraseBodySchema = z.strictObject({
  nhsNumber: NhsNumberSchema,
  reasonCode: z
    .enum(ERASURE_REASON_CODES, `must be one of ${ERASURE_REASON_CODES.join(', ')}`)
    .register(z.globalRegistry, { description: 'Why the records are erased before their retention ends, as the IG lead decided' }),
  requestReference: patterned(
    REQUEST_REFERENCE_PATTERN,
    64,
    'must be the IG case reference: 1–64 letters, digits or -_./, starting with a letter or digit',
  ).register(z.globalRegistry, { description: 'The information governance case this erasure answers (kept with the audit record)' }),
  referralIds: z
    .optional(z.array(ReferralIdSchema).check(z.minLength(1, 'must name at least one referral'), z.maxLength(PAGE_MAX)))
    .register(z.globalRegistry, {
      description: 'Only these of the person’s referrals (rectifying misfiled records); all of them when absent',
    }),
});
export type SubjectEraseBody = z.infer<typeof SubjectEraseBodySchema>;

/** The most a Lambda response can carry (6 MB): what bounds an export as a whole. */
export const RESPONSE_MAX_BYTES = 6 * 1024 * 1024;

/**
 * The most records of one kind an export's contract states: far above any person's record,
 * and above what the 6 MB response could carry anyway.
 */
export const EXPORT_ITEMS_MAX = 10_000;

/** The CSV files of an export, by file name. */
export const SUBJECT_EXPORT_FILES = ['referrals.csv', 'handoffs.csv', 'events.csv', 'notes.csv', 'access-log.csv'] as const;

export const SubjectExportSchema = z
  .strictObject({
    nhsNumber: z.string().check(z.maxLength(10)),
    generatedAt: InstantSchema,
    referrals: z
      .array(
        z.strictObject({
          referral: ReferralSchema,
          handoffs: z.array(HandoffRecordSchema).check(z.maxLength(EXPORT_ITEMS_MAX)),
          events: z.array(EventSchema).check(z.maxLength(EXPORT_ITEMS_MAX)),
          notes: z.array(NoteSchema).check(z.maxLength(EXPORT_ITEMS_MAX)),
          accessLog: z.array(AccessLogEntrySchema).check(z.maxLength(EXPORT_ITEMS_MAX)),
        }),
      )
      .check(z.maxLength(EXPORT_ITEMS_MAX)),
    files: z
      .strictObject(
        Object.fromEntries(SUBJECT_EXPORT_FILES.map((name) => [name, z.string().check(z.maxLength(RESPONSE_MAX_BYTES))])) as Record<
          (typeof SUBJECT_EXPORT_FILES)[number],
          z.ZodMiniString
        >,
      )
      .register(z.globalRegistry, { description: 'The same records as CSV, one file per record type, by file name' }),
  })
  .register(z.globalRegistry, { id: 'SubjectExport', description: 'Everything Jointly holds about one person, across organisations' });

export const ErasureResultSchema = z
  .strictObject({
    reasonCode: z.enum(ERASURE_REASON_CODES),
    requestReference: z.string().check(z.maxLength(64)),
    erased: z
      .array(
        z.strictObject({
          referralId: z.string().check(z.maxLength(26)),
          itemsDeleted: z.number().check(z.int(), z.gte(0)),
        }),
      )
      .check(z.maxLength(EXPORT_ITEMS_MAX)),
  })
  .register(z.globalRegistry, { id: 'ErasureResult' });
