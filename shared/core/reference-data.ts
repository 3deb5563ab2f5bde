/**
 * The closed vocabularies of the Jointly contract (DESIGN §3–§4).
 *
 * Pure data: imported by handlers, schemas, the CDK app and tests alike. Lists are
 * `as const` tuples so zod enums and TypeScript unions are derived from one place.
 */

/** Kinds of organisation taking part in the integrated care programme. */
export const ORGANISATION_KINDS = ['nhs-community', 'local-authority', 'nhs-acute', 'voluntary'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** An organisation known to Jointly. */
export interface Organisation {
  /** Stable kebab-case identifier used in tokens (`custom:org`) and records. */
  readonly id: string;
  readonly name: string;
  readonly kind: OrganisationKind;
  /**
   * Domains its staff's e-mail addresses use: e-mail subscriptions may only send there
   * (subdomains included). Stage config may replace a list per deployment.
   */
  readonly emailDomains: readonly string[];
}

/** Areas the programme evaluates itself by. */
export const SERVICE_AREAS = ['rapid-response', 'crisis-prevention', 'joint-referral'] as const;
export type ServiceArea = (typeof SERVICE_AREAS)[number];

export const PRIORITIES = ['urgent', 'soon', 'routine'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Response target per priority, in minutes, unless stage config says otherwise. */
export const DEFAULT_PRIORITY_TARGET_MINUTES: Readonly<Record<Priority, number>> = {
  urgent: 2 * 60,
  soon: 24 * 60,
  routine: 120 * 60,
};

export const REFERRAL_STATUSES = ['submitted', 'info_requested', 'accepted', 'declined', 'cancelled', 'completed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/**
 * The statuses no action leaves: a closed referral's retention clock runs from its last
 * activity (docs/records-retention.md).
 */
export const CLOSED_REFERRAL_STATUSES: readonly ReferralStatus[] = ['declined', 'cancelled', 'completed'];

/** Whether a referral in `status` is closed. */
export const isClosedStatus = (status: ReferralStatus): boolean => CLOSED_REFERRAL_STATUSES.includes(status);

/** The lists a referral appears in: its receiver's inbox, its sender's outbox, its responsible org's owned list. */
export type Box = 'inbox' | 'outbox' | 'owned';

export const HANDOFF_STATUSES = ['offered', 'accepted', 'declined', 'withdrawn'] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];

/** Reasons a receiver may decline a referral or a handoff. */
export const DECLINE_REASON_CODES = [
  'not-eligible',
  'no-capacity',
  'wrong-service',
  'insufficient-information',
  'duplicate',
  'person-declined',
  'other',
] as const;
export type DeclineReasonCode = (typeof DECLINE_REASON_CODES)[number];

/** Reasons a sender may cancel a referral. */
export const CANCEL_REASON_CODES = ['no-longer-required', 'person-admitted', 'person-died', 'entered-in-error', 'other'] as const;
export type CancelReasonCode = (typeof CANCEL_REASON_CODES)[number];

/** How a completed referral ended: what the programme evaluates crisis prevention by. */
export const OUTCOME_CODES = [
  'admission-avoided',
  'care-package-started',
  'discharged-home',
  'admitted-to-hospital',
  'no-further-action',
  'other',
] as const;
export type OutcomeCode = (typeof OUTCOME_CODES)[number];

/**
 * Roles carried as Cognito groups (`cognito:groups`). `information_governance` acts on a
 * person's rights (subject access export, erasure) and only together with `programme_manager`
 * (docs/records-retention.md); it grants nothing on its own.
 */
export const ROLES = ['practitioner', 'programme_manager', 'information_governance'] as const;
export type Role = (typeof ROLES)[number];

/** Human-readable labels for the code lists, for clients that render pick lists. */
export const CODE_LABELS: Readonly<Record<string, string>> = {
  'rapid-response': 'Integrated rapid response',
  'crisis-prevention': 'Crisis prevention',
  'joint-referral': 'Joint processing of referrals',
  urgent: 'Urgent',
  soon: 'Soon',
  routine: 'Routine',
  'not-eligible': 'Not eligible for this service',
  'no-capacity': 'No capacity',
  'wrong-service': 'Wrong service',
  'insufficient-information': 'Insufficient information',
  duplicate: 'Duplicate of an existing referral',
  'person-declined': 'The person declined',
  other: 'Other',
  'no-longer-required': 'No longer required',
  'person-admitted': 'The person was admitted to hospital',
  'person-died': 'The person died',
  'entered-in-error': 'Entered in error',
  'admission-avoided': 'Hospital admission avoided',
  'care-package-started': 'Care package started',
  'discharged-home': 'Discharged home',
  'admitted-to-hospital': 'Admitted to hospital',
  'no-further-action': 'No further action',
};

/** Label for a code, falling back to the code itself for config-added codes. */
export const labelFor = (code: string): string => CODE_LABELS[code] ?? code;
