/**
 * The audit archive's unit: one line per access-log entry and per event item committed to the
 * table (docs/audit-archive.md). A line cannot be erased for years, so it keeps ids, codes,
 * times and who acted, and never the person's details: access-log entries hold none and are
 * kept as stored; an event item is kept without its free-text comment (only the comment's
 * hash) and with only the `data` fields known to hold organisational codes. Whatever a line
 * leaves out is named in `omittedFields`, so a new field is seen, never silently archived.
 *
 * Pure: the stream record has already been read into a plain item by the caller.
 */
import { createHash } from 'node:crypto';
import * as z from '../../core/zod.ts';

/** The shape version of every line; bump on a breaking change (an auditor's query reads it). */
export const ARCHIVE_FORMAT_VERSION = 1;

/** What a line records: a read of personal data (`access`) or a change (`event`). */
export const ARCHIVE_KINDS = ['access', 'event'] as const;
export type ArchiveKind = (typeof ARCHIVE_KINDS)[number];

/**
 * The `data` fields of an event that are archived: organisational facts and codes (status,
 * organisations, service area, priority, times, reason and outcome codes, the names of amended
 * fields, ids). Any other field is left out and named in `omittedFields`: adding one here is a
 * decision that it holds nothing about the person.
 */
export const ARCHIVED_EVENT_DATA_FIELDS = [
  'status',
  'fromStatus',
  'submittedAt',
  'fromOrg',
  'toOrg',
  'ownerOrg',
  'previousToOrg',
  'previousOwnerOrg',
  'parties',
  'serviceArea',
  'priority',
  'previousPriority',
  'dueAt',
  'waitedMinutes',
  'reasonCode',
  'outcome',
  'fields',
  'noteId',
  'handoffId',
  'handoffFromOrg',
  'handoffToOrg',
  'offeredAt',
  // `referral.disposed`: when the referral last changed, why it went (retention or erasure)
  // and, for an erasure, the IG case reference its reason code was decided under.
  'lastChangedAt',
  'cause',
  'requestReference',
] as const;

const ActorSchema = z.object({ sub: z.string(), org: z.string(), role: z.string() });

/** An archived access-log entry: the item as stored (every field of it is an id, a time or a code). */
export const ArchivedAccessSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  entity: z.literal('access'),
  referralId: z.string(),
  at: z.string(),
  actor: ActorSchema,
  /** What was read: `detail`, `history`, `notes`, `search`, `list`. */
  what: z.string(),
});
export type ArchivedAccess = z.infer<typeof ArchivedAccessSchema>;

/** An archived event item: the item as stored, its comment replaced by the comment's hash. */
export const ArchivedEventSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  entity: z.literal('event'),
  id: z.string(),
  type: z.string(),
  seq: z.number().check(z.int(), z.gte(1)),
  at: z.string(),
  actor: ActorSchema,
  referralId: z.string(),
  handoffId: z.optional(z.string()),
  data: z.record(z.string(), z.unknown()),
  /** Hex SHA-256 of the event id, a line feed and the comment: proves which comment was written without holding its words. */
  commentSha256: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
});
export type ArchivedEvent = z.infer<typeof ArchivedEventSchema>;

/** Where the line comes from in the table's stream. */
const streamFields = {
  formatVersion: z.literal(ARCHIVE_FORMAT_VERSION),
  /** The stream record's sequence number: unique per record, the key to drop a re-delivered line. */
  sequenceNumber: z.string().check(z.minLength(1)),
  /**
   * When the item was written, as the stream recorded it (ISO 8601, whole seconds); the item's
   * own `at` when the stream gave no time (never in AWS).
   */
  approximateCreationTime: z.iso.datetime(),
  /** Top-level fields of the item, and `data.<field>` of an event, that were left out. */
  omittedFields: z.optional(z.array(z.string())),
};

/** One line of the archive (one JSON object per line in the archive's files). */
export const ArchiveLineSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('access'), ...streamFields, item: ArchivedAccessSchema }),
  z.strictObject({ kind: z.literal('event'), ...streamFields, item: ArchivedEventSchema }),
]);
export type ArchiveLine = z.infer<typeof ArchiveLineSchema>;

/** An access-log or event item that does not have the shape it must have (a bug: it is not archived). */
export class UnarchivableItemError extends Error {
  override readonly name = 'UnarchivableItemError';
}

/** What the archive is told of one stream record. */
export interface ArchiveInput {
  readonly sequenceNumber: string;
  /** The stream record's `ApproximateCreationDateTime`: epoch seconds. */
  readonly approximateCreationTime: number | undefined;
  /** The inserted item (`NewImage`), as plain values. */
  readonly item: Readonly<Record<string, unknown>>;
}

/** The kind of line an item makes, or `undefined` when it is neither an access-log entry nor an event (nothing to archive). */
export const archiveKindOf = (item: Readonly<Record<string, unknown>>): ArchiveKind | undefined =>
  ARCHIVE_KINDS.find((kind) => item.entity === kind);

const ACCESS_FIELDS = Object.keys(ArchivedAccessSchema.shape);
/** The event item's fields that are archived as stored; its comment is not (its hash stands in for it, and it is named as omitted). */
const EVENT_FIELDS = Object.keys(ArchivedEventSchema.shape).filter((field) => field !== 'commentSha256');

/** Hex SHA-256 of `<event id>\n<comment>`: the id makes the same words hash differently on every event. */
export const commentHashOf = (eventId: string, comment: string): string =>
  createHash('sha256').update(`${eventId}\n${comment}`, 'utf8').digest('hex');

const omittedOf = (item: Readonly<Record<string, unknown>>, kept: readonly string[]): string[] =>
  Object.keys(item).filter((field) => !kept.includes(field));

const isoOf = (epochSeconds: number | undefined): string | undefined =>
  typeof epochSeconds === 'number' && Number.isFinite(epochSeconds)
    ? new Date(Math.floor(epochSeconds) * 1000).toISOString().replace('.000Z', 'Z')
    : undefined;

/** The item's own time (`at`), to whole seconds, for a record whose stream time is missing. */
const itemTimeOf = (item: Readonly<Record<string, unknown>>): string | undefined =>
  typeof item.at === 'string' && Number.isFinite(Date.parse(item.at)) ? isoOf(Date.parse(item.at) / 1000) : undefined;

/** `candidate` checked against the line schema (which also drops fields no schema names). */
const checked = (candidate: Record<string, unknown>, where: string): ArchiveLine => {
  const result = ArchiveLineSchema.safeParse(candidate);
  // The item's values are never quoted: an access entry or event sits beside personal data.
  if (!result.success) throw new UnarchivableItemError(`${where} is not a valid archive line (${result.error.issues.length} issue(s)).`);
  return result.data;
};

const pick = (record: Readonly<Record<string, unknown>>, fields: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(fields.filter((field) => record[field] !== undefined).map((field) => [field, record[field]]));

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The archive line of an inserted access-log entry or event item. Throws
 * {@link UnarchivableItemError} for an item of another kind or one missing what it must hold.
 */
export const toArchiveLine = (input: ArchiveInput): ArchiveLine => {
  const { item } = input;
  const kind = archiveKindOf(item);
  const where = `Stream record ${input.sequenceNumber}`;
  if (!kind) throw new UnarchivableItemError(`${where} holds neither an access-log entry nor an event.`);
  const stream = {
    kind,
    formatVersion: ARCHIVE_FORMAT_VERSION,
    sequenceNumber: input.sequenceNumber,
    approximateCreationTime: isoOf(input.approximateCreationTime) ?? itemTimeOf(item),
  };
  const omittedField = (omitted: readonly string[]) => (omitted.length > 0 ? { omittedFields: [...omitted] } : {});
  if (kind === 'access') {
    return checked({ ...stream, item: pick(item, ACCESS_FIELDS), ...omittedField(omittedOf(item, ACCESS_FIELDS)) }, where);
  }
  if (!isRecord(item.data)) throw new UnarchivableItemError(`${where} is an event without data.`);
  const data = item.data;
  const keptData = ARCHIVED_EVENT_DATA_FIELDS.filter((field) => Object.hasOwn(data, field));
  const comment = typeof item.comment === 'string' && item.comment !== '' ? item.comment : undefined;
  const archived = {
    ...pick(
      item,
      EVENT_FIELDS.filter((field) => field !== 'data'),
    ),
    data: pick(data, keptData),
    ...(comment !== undefined && typeof item.id === 'string' ? { commentSha256: commentHashOf(item.id, comment) } : {}),
  };
  const omitted = [...omittedOf(item, EVENT_FIELDS), ...omittedOf(data, keptData).map((field) => `data.${field}`)];
  return checked({ ...stream, item: archived, ...omittedField(omitted) }, where);
};

/** The UTC day a line belongs to (`YYYY-MM-DD`, from the time the stream recorded): the archive's partition. */
export const archiveDayOf = (line: Pick<ArchiveLine, 'approximateCreationTime'>): string => line.approximateCreationTime.slice(0, 10);

/** A line as written to the archive's files: compact JSON and a line feed. */
export const serializeArchiveLine = (line: ArchiveLine): string => `${JSON.stringify(line)}\n`;
