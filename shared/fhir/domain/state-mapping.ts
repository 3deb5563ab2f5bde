/**
 * The published mapping between Jointly's states and FHIR's, as data: one row per state.
 * The mapping functions (`service-request.ts`, `task.ts`) read these tables and decide
 * nothing of their own, so the documentation generated from them is the behaviour.
 *
 * FHIR's Task status says where the work is in the workflow everyone understands;
 * `Task.businessStatus` keeps our own status (code system `referral-status` or
 * `handoff-status`), so nothing is lost where two of ours share one of FHIR's.
 */
import type { ServiceRequest, Task } from '@medplum/fhirtypes';
import type { HandoffStatus, Priority, ReferralStatus } from '../../core/reference-data.ts';

/** FHIR's Task.status codes (required binding `task-status`). */
export type TaskStatus = Task['status'];

/** FHIR's ServiceRequest.status codes (required binding `request-status`). */
export type ServiceRequestStatus = ServiceRequest['status'];

/** FHIR's request priority codes (required binding `request-priority`). */
export type RequestPriority = NonNullable<Task['priority']>;

/**
 * Which organisation owns a referral's fulfilment Task: the one asked to respond (`toOrg`)
 * while the referral awaits or has refused its answer, else the one responsible for the
 * person (`ownerOrg`: the receiver once it accepts, whoever a handoff passed it to, and the
 * sender of a referral cancelled before anyone accepted it). Each rule is one of the
 * organisation's list boxes ({@link OWNER_BOX}), so `Task?owner=` is one Query per status.
 */
export type TaskOwnerRule = 'toOrg' | 'ownerOrg';

/** The list box that holds the Tasks an organisation owns under each rule. */
export const OWNER_BOX = { toOrg: 'inbox', ownerOrg: 'owned' } as const satisfies Record<TaskOwnerRule, string>;

/** How one referral status appears in FHIR. */
export interface ReferralStateRow {
  readonly taskStatus: TaskStatus;
  readonly serviceRequestStatus: ServiceRequestStatus;
  /**
   * Where the Task's `statusReason` comes from: the fixed {@link INFO_REQUESTED_REASON_TEXT},
   * or the referral's `reasonCode` (coded in `reasonCodeSystem`; absent when it has none).
   */
  readonly statusReasonFrom?: 'info-requested' | 'reasonCode';
  /** The code system of the referral's `reasonCode`, for rows whose reason comes from it. */
  readonly reasonCodeSystem?: 'decline-reason' | 'cancel-reason';
  /** Whether the Task's `output` carries the referral's `outcome` (coded in `outcome`). */
  readonly outputFrom?: 'outcome';
  readonly owner: TaskOwnerRule;
  /** Whether the Task's `restriction.period.end` carries `dueAt`: only while a response is awaited. */
  readonly dueWhileInState: boolean;
}

/** The Task.statusReason text of a referral waiting for the referrer's information. */
export const INFO_REQUESTED_REASON_TEXT = 'More information was requested from the referrer';

/** The Task.output type text of a completed referral's outcome. */
export const OUTCOME_OUTPUT_TEXT = 'Outcome';

/** Each referral status as a fulfilment Task and its ServiceRequest. */
export const REFERRAL_STATE_MAPPING: Readonly<Record<ReferralStatus, ReferralStateRow>> = {
  submitted: { taskStatus: 'requested', serviceRequestStatus: 'active', owner: 'toOrg', dueWhileInState: true },
  info_requested: {
    taskStatus: 'received',
    serviceRequestStatus: 'active',
    statusReasonFrom: 'info-requested',
    owner: 'toOrg',
    dueWhileInState: true,
  },
  accepted: { taskStatus: 'accepted', serviceRequestStatus: 'active', owner: 'ownerOrg', dueWhileInState: false },
  declined: {
    taskStatus: 'rejected',
    serviceRequestStatus: 'revoked',
    statusReasonFrom: 'reasonCode',
    reasonCodeSystem: 'decline-reason',
    owner: 'toOrg',
    dueWhileInState: false,
  },
  completed: {
    taskStatus: 'completed',
    serviceRequestStatus: 'completed',
    outputFrom: 'outcome',
    owner: 'ownerOrg',
    dueWhileInState: false,
  },
  cancelled: {
    taskStatus: 'cancelled',
    serviceRequestStatus: 'revoked',
    statusReasonFrom: 'reasonCode',
    reasonCodeSystem: 'cancel-reason',
    owner: 'ownerOrg',
    dueWhileInState: false,
  },
};

/** How one handoff status appears as a Task (owned by the handoff's target throughout). */
export interface HandoffStateRow {
  readonly taskStatus: TaskStatus;
  /** Whether the Task's `statusReason` is the handoff's `reasonCode`, coded in `reasonCodeSystem`. */
  readonly statusReasonFrom?: 'reasonCode';
  readonly reasonCodeSystem?: 'decline-reason';
  /** Whether the Task's `restriction.period.end` carries `dueAt`: only while an answer is awaited. */
  readonly dueWhileInState: boolean;
}

/** Each handoff status as a transfer-of-responsibility Task. */
export const HANDOFF_STATE_MAPPING: Readonly<Record<HandoffStatus, HandoffStateRow>> = {
  offered: { taskStatus: 'requested', dueWhileInState: true },
  // The target took over: the transfer the Task asked for is done.
  accepted: { taskStatus: 'completed', dueWhileInState: false },
  declined: { taskStatus: 'rejected', statusReasonFrom: 'reasonCode', reasonCodeSystem: 'decline-reason', dueWhileInState: false },
  withdrawn: { taskStatus: 'cancelled', dueWhileInState: false },
};

/**
 * Our priorities as FHIR request priorities, keeping the order: FHIR ranks them
 * routine < urgent < asap < stat, and ours routine (5 days) < soon (24 h) < urgent (2 h), so a
 * receiving system that sorts by FHIR priority triages as our users do. Our `urgent` (a 2-hour
 * response) is FHIR's `asap`; FHIR's `urgent` ("promptly, above routine") is our `soon`.
 */
export const PRIORITY_TO_FHIR: Readonly<Record<Priority, RequestPriority>> = {
  urgent: 'asap',
  soon: 'urgent',
  routine: 'routine',
};

/**
 * FHIR request priorities back to ours, for inbound requests: the reverse of
 * {@link PRIORITY_TO_FHIR}, and `stat` ("immediately") as our fastest, `urgent`: a sender
 * asking for more than we offer gets the most we offer, not a refusal.
 */
export const PRIORITY_FROM_FHIR: Readonly<Record<RequestPriority, Priority>> = {
  stat: 'urgent',
  asap: 'urgent',
  urgent: 'soon',
  routine: 'routine',
};

/** Our priority as a FHIR request priority. */
export const toFhirPriority = (priority: Priority): RequestPriority => PRIORITY_TO_FHIR[priority];

/** Our priority for a FHIR request priority code, or `undefined` for anything that is not one. */
export const fromFhirPriority = (code: string): Priority | undefined =>
  Object.hasOwn(PRIORITY_FROM_FHIR, code) ? PRIORITY_FROM_FHIR[code as RequestPriority] : undefined;
