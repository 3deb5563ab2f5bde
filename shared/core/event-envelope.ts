/**
 * The published form of an event: what goes on the bus (`detail`), into webhooks and
 * emails. Versioned, minimal, and without free text: comments stay in the table.
 */
import * as z from './zod.ts';

/** `source` of every Jointly event on the bus. */
export const EVENT_SOURCE = 'jointly';

/** Version of the published event shape; bump on breaking change. */
export const EVENT_SPEC_VERSION = 1;

export const EVENT_TYPES = [
  'referral.submitted',
  'referral.accepted',
  'referral.declined',
  'referral.redirected',
  'referral.info_requested',
  'referral.info_provided',
  'referral.amended',
  'referral.completed',
  'referral.cancelled',
  'referral.overdue',
  'referral.disposed',
  'handoff.offered',
  'handoff.accepted',
  'handoff.declined',
  'handoff.withdrawn',
  'handoff.overdue',
  'note.added',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const PublishedEventSchema = z
  .object({
    specVersion: z.literal(EVENT_SPEC_VERSION),
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    seq: z.number().check(z.int(), z.gt(0)),
    at: z.string(),
    actor: z.object({ sub: z.string(), org: z.string(), role: z.string() }),
    referralId: z.string(),
    handoffId: z.optional(z.string()),
    /** Organisational classification and action codes; never personal data or free text. */
    data: z.record(z.string(), z.unknown()),
  })
  .register(z.globalRegistry, { id: 'PublishedEvent' });
export type PublishedEvent = z.infer<typeof PublishedEventSchema>;

/** The published event for a stored event item (its `comment` and keys are dropped). */
export const toPublishedEvent = (item: Record<string, unknown>): PublishedEvent =>
  PublishedEventSchema.parse({
    specVersion: EVENT_SPEC_VERSION,
    id: item.id,
    type: item.type,
    seq: item.seq,
    at: item.at,
    actor: item.actor,
    referralId: item.referralId,
    ...(item.handoffId ? { handoffId: item.handoffId } : {}),
    data: item.data ?? {},
  });

/** What the bus carries: EventBridge's envelope around a published event. */
export interface BusEvent {
  readonly source: typeof EVENT_SOURCE;
  readonly 'detail-type': EventType;
  readonly detail: PublishedEvent;
}

/**
 * The orgs an event concerns, for fan-out: its referral's current parties (a former party
 * hears nothing after the event it left with), plus the handoff's ends and the receiver a
 * redirect moved away from (so an org hears the very event that made it leave).
 */
export const orgsOf = (event: PublishedEvent): string[] => {
  const data = event.data as { parties?: unknown; handoffFromOrg?: unknown; handoffToOrg?: unknown; previousToOrg?: unknown };
  const orgs = new Set<string>(Array.isArray(data.parties) ? data.parties.map(String) : []);
  if (event.type === 'referral.redirected' && typeof data.previousToOrg === 'string') orgs.add(data.previousToOrg);
  if (typeof data.handoffFromOrg === 'string') orgs.add(data.handoffFromOrg);
  if (typeof data.handoffToOrg === 'string') orgs.add(data.handoffToOrg);
  return [...orgs];
};
