/**
 * The work on a referral as FHIR `Task` resources: one fulfilment Task per referral (the
 * receiver answering and carrying it out) and one Task per handoff (another organisation
 * taking over). Status, reason, output, owner and due date come from the rows of
 * `state-mapping.ts`; this module only reads them.
 */
import type { CodeableConcept, Organization, Reference, Task, TaskOutput } from '@medplum/fhirtypes';
import * as z from '../../core/zod.ts';
import type { toHandoffView } from '../../referrals/domain/handoff.ts';
import { HandoffIdSchema } from '../../referrals/domain/handoff-schemas.ts';
import { ReferralIdSchema } from '../../referrals/domain/referral-schemas.ts';
import type { ReferralView } from '../../referrals/domain/referral-service.ts';
import { conceptOf } from './code-systems.ts';
import { HANDOFF_ID_SYSTEM, REFERRAL_ID_SYSTEM } from './fhir-systems.ts';
import { organizationReference } from './organization.ts';
import {
  HANDOFF_STATE_MAPPING,
  INFO_REQUESTED_REASON_TEXT,
  OUTCOME_OUTPUT_TEXT,
  REFERRAL_STATE_MAPPING,
  toFhirPriority,
  type TaskOwnerRule,
} from './state-mapping.ts';

type HandoffView = ReturnType<typeof toHandoffView>;

/** The prefix that keeps handoff Task ids apart from fulfilment Task ids (which are bare referral ids). */
const HANDOFF_TASK_PREFIX = 'handoff-';

/** The prefix of the Task a receiver held until it redirected the referral elsewhere. */
const REDIRECTED_TASK_PREFIX = 'redirected-';

/** What a Task id names: a referral's fulfilment, a handoff, or the fulfilment a receiver held until it redirected. */
export type TaskIdentity =
  | { readonly kind: 'fulfilment'; readonly referralId: string }
  | { readonly kind: 'handoff'; readonly handoffId: string }
  | { readonly kind: 'redirected'; readonly referralId: string; readonly leftSeq: number };

/** A referral's fulfilment Task id: the referral id itself, so `Task/<id>` and `ServiceRequest/<id>` pair up. */
export const fulfilmentTaskId = (referralId: string): string => referralId;

/** A handoff's Task id: `handoff-<handoffId>`. */
export const handoffTaskId = (handoffId: string): string => `${HANDOFF_TASK_PREFIX}${handoffId}`;

/**
 * The Task of a receiver that redirected the referral: `redirected-<referralId>-<seq>`, `seq`
 * the event at which it stopped being the receiver (one receiver may be asked again later).
 */
export const redirectedTaskId = (referralId: string, leftSeq: number): string => `${REDIRECTED_TASK_PREFIX}${referralId}-${leftSeq}`;

/** What a `Task/<id>` names, or `undefined` when the id is none of the three shapes. */
export const parseTaskId = (id: string): TaskIdentity | undefined => {
  if (z.safeParse(ReferralIdSchema, id).success) return { kind: 'fulfilment', referralId: id };
  const redirected = /^redirected-([0-9A-HJKMNP-TV-Z]{26})-([1-9]\d{0,9})$/.exec(id);
  if (redirected) return { kind: 'redirected', referralId: redirected[1]!, leftSeq: Number(redirected[2]) };
  if (id.startsWith(HANDOFF_TASK_PREFIX)) {
    const handoffId = id.slice(HANDOFF_TASK_PREFIX.length);
    if (z.safeParse(HandoffIdSchema, handoffId).success) return { kind: 'handoff', handoffId };
  }
  return undefined;
};

const ownerOf = (referral: ReferralView, rule: TaskOwnerRule): Reference<Organization> => {
  const asked = organizationReference(referral.toOrg, referral.toTeam);
  const responsible = organizationReference(referral.ownerOrg, referral.ownerTeam);
  switch (rule) {
    case 'toOrg':
      return asked;
    case 'ownerOrg':
      return responsible;
  }
};

const referralStatusReason = (referral: ReferralView): CodeableConcept | undefined => {
  const row = REFERRAL_STATE_MAPPING[referral.status];
  if (row.statusReasonFrom === 'info-requested') return { text: INFO_REQUESTED_REASON_TEXT };
  if (row.statusReasonFrom === 'reasonCode' && row.reasonCodeSystem && referral.reasonCode) {
    return conceptOf(row.reasonCodeSystem, referral.reasonCode);
  }
  return undefined;
};

const referralOutput = (referral: ReferralView): TaskOutput[] | undefined =>
  REFERRAL_STATE_MAPPING[referral.status].outputFrom === 'outcome' && referral.outcome
    ? [{ type: { text: OUTCOME_OUTPUT_TEXT }, valueCodeableConcept: conceptOf('outcome', referral.outcome) }]
    : undefined;

/**
 * The referral's fulfilment Task: owned by whoever must act on it now, with the response
 * due date as its restriction while a response is awaited.
 */
export const toFulfilmentTask = (referral: ReferralView): Task => {
  const row = REFERRAL_STATE_MAPPING[referral.status];
  const statusReason = referralStatusReason(referral);
  const output = referralOutput(referral);
  return {
    resourceType: 'Task',
    id: fulfilmentTaskId(referral.id),
    meta: { versionId: String(referral.version), lastUpdated: referral.updatedAt },
    identifier: [{ system: REFERRAL_ID_SYSTEM, value: referral.id }],
    status: row.taskStatus,
    ...(statusReason ? { statusReason } : {}),
    businessStatus: conceptOf('referral-status', referral.status),
    intent: 'order',
    priority: toFhirPriority(referral.priority),
    code: conceptOf('task-code', 'fulfil-referral'),
    focus: { reference: `ServiceRequest/${referral.id}` },
    authoredOn: referral.createdAt,
    lastModified: referral.updatedAt,
    requester: organizationReference(referral.fromOrg, referral.fromTeam),
    owner: ownerOf(referral, row.owner),
    ...(row.dueWhileInState ? { restriction: { period: { end: referral.dueAt } } } : {}),
    ...(output ? { output } : {}),
  };
};

/** Why a receiver's Task was rejected by a redirect (naming no organisation: where it went is not the old receiver's to know). */
export const REDIRECTED_REASON_TEXT = 'Redirected by the receiver to another organisation';

/**
 * The receivers that redirected the referral away, as its view lists them: former parties
 * that did not leave by a handoff (a declined or withdrawn handoff's target leaves when the
 * handoff is answered, at its `updatedAt`). Every other way out of a referral is a redirect.
 */
export const redirectedReceivers = (referral: ReferralView & { readonly handoffs?: readonly HandoffView[] }) =>
  (referral.formerParties ?? []).filter(
    (former) =>
      !(referral.handoffs ?? []).some(
        (handoff) =>
          handoff.toOrg === former.org &&
          (handoff.status === 'declined' || handoff.status === 'withdrawn') &&
          handoff.updatedAt === former.leftAt,
      ),
  );

/**
 * The fulfilment Task a receiver held until it redirected the referral (`redirected → rejected
 * on the old performer`): owned by that receiver, rejected when it left. The referral's own
 * fulfilment Task (`Task/<referral id>`) is the new receiver's.
 */
export const toRedirectedTask = (
  referral: ReferralView,
  former: { readonly org: string; readonly leftAt: string; readonly leftSeq: number },
): Task => ({
  resourceType: 'Task',
  id: redirectedTaskId(referral.id, former.leftSeq),
  meta: { lastUpdated: former.leftAt },
  identifier: [{ system: REFERRAL_ID_SYSTEM, value: referral.id }],
  status: 'rejected',
  statusReason: { text: REDIRECTED_REASON_TEXT },
  intent: 'order',
  priority: toFhirPriority(referral.priority),
  code: conceptOf('task-code', 'fulfil-referral'),
  focus: { reference: `ServiceRequest/${referral.id}` },
  authoredOn: referral.createdAt,
  lastModified: former.leftAt,
  requester: organizationReference(referral.fromOrg, referral.fromTeam),
  owner: organizationReference(former.org),
});

const handoffStatusReason = (handoff: HandoffView): CodeableConcept | undefined => {
  const row = HANDOFF_STATE_MAPPING[handoff.status];
  return row.statusReasonFrom === 'reasonCode' && row.reasonCodeSystem && handoff.reasonCode
    ? conceptOf(row.reasonCodeSystem, handoff.reasonCode)
    : undefined;
};

/**
 * A handoff as a Task, part of the referral's fulfilment Task: its target owns it from the
 * offer on (the offer is addressed to it). A handoff has no priority of its own; pass the
 * referral to carry its priority over.
 */
export const toHandoffTask = (handoff: HandoffView, referral?: Pick<ReferralView, 'priority'>): Task => {
  const row = HANDOFF_STATE_MAPPING[handoff.status];
  const statusReason = handoffStatusReason(handoff);
  return {
    resourceType: 'Task',
    id: handoffTaskId(handoff.id),
    meta: { versionId: String(handoff.version), lastUpdated: handoff.updatedAt },
    identifier: [{ system: HANDOFF_ID_SYSTEM, value: handoff.id }],
    partOf: [{ reference: `Task/${fulfilmentTaskId(handoff.referralId)}` }],
    status: row.taskStatus,
    ...(statusReason ? { statusReason } : {}),
    businessStatus: conceptOf('handoff-status', handoff.status),
    intent: 'order',
    ...(referral ? { priority: toFhirPriority(referral.priority) } : {}),
    code: conceptOf('task-code', 'transfer-of-responsibility'),
    focus: { reference: `ServiceRequest/${handoff.referralId}` },
    authoredOn: handoff.createdAt,
    lastModified: handoff.updatedAt,
    requester: organizationReference(handoff.fromOrg, handoff.fromTeam),
    owner: organizationReference(handoff.toOrg, handoff.toTeam),
    reasonCode: { text: handoff.reason },
    ...(row.dueWhileInState ? { restriction: { period: { end: handoff.dueAt } } } : {}),
  };
};
