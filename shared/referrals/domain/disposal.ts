/**
 * Disposal of a referral (docs/records-retention.md): at the end of its retention, or on an
 * erasure the organisations' information governance leads have upheld, a referral is deleted
 * with everything in its partition (events, notes, handoffs, access log, former-party
 * snapshots). What survives is one `referral.disposed` event carrying only the organisational
 * facts the programme's figures are made of; the counters already hold no personal data.
 *
 * Pure: no I/O, no clock.
 */
import { CLOSED_REFERRAL_STATUSES } from '../../core/reference-data.ts';
import { classification, type EventDraft, type Referral } from './referral.ts';

/** Why a record is erased before its retention ends. Each is decided by an IG lead, never by the system. */
export const ERASURE_REASON_CODES = [
  /** The records were filed against the wrong person (rectification: they are not this person's). */
  'misfiled-record',
  /** A duplicate of another record of the same care. */
  'duplicate-record',
  /** The person's request for erasure was upheld (UK GDPR article 17, where no exemption applies). */
  'erasure-request-upheld',
  /** A court or the Information Commissioner ordered it. */
  'legal-order',
] as const;
export type ErasureReasonCode = (typeof ERASURE_REASON_CODES)[number];

/** What ended a referral's life. */
export type DisposalCause =
  | { readonly kind: 'retention' }
  | { readonly kind: 'erasure'; readonly reasonCode: ErasureReasonCode; readonly requestReference: string };

/**
 * The `referral.disposed` event: the referral's organisational classification (orgs, teams,
 * service area, priority, status, when it was submitted and last changed), the codes it closed
 * with (outcome, or the decline or cancel reason as `referralReasonCode`: `reasonCode` is the
 * erasure's) and the cause: for an erasure, its reason code and the IG case reference. No
 * subject, no reason, no comment.
 */
export const disposedEventDraft = (referral: Referral, cause: DisposalCause): EventDraft => ({
  type: 'referral.disposed',
  data: {
    ...classification(referral),
    ...(referral.fromTeam ? { fromTeam: referral.fromTeam } : {}),
    ...(referral.toTeam ? { toTeam: referral.toTeam } : {}),
    ...(referral.ownerTeam ? { ownerTeam: referral.ownerTeam } : {}),
    ...(referral.outcome ? { outcome: referral.outcome } : {}),
    ...(referral.reasonCode ? { referralReasonCode: referral.reasonCode } : {}),
    lastChangedAt: referral.updatedAt,
    cause: cause.kind,
    ...(cause.kind === 'erasure' ? { reasonCode: cause.reasonCode, requestReference: cause.requestReference } : {}),
  },
});

/** Whether a referral in this state is closed, so its retention clock runs. */
export const isClosedReferral = (referral: Pick<Referral, 'status'>): boolean => CLOSED_REFERRAL_STATUSES.includes(referral.status);
