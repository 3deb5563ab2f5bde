/**
 * Jointly's closed code lists published as FHIR `CodeSystem` resources, so the codes a
 * ServiceRequest or Task carries resolve to a definition a receiver can fetch
 * (`GET /CodeSystem/{id}`). The lists themselves stay in `shared/core/reference-data.ts`:
 * these are views of them, never a second copy to keep in step. Pure data.
 */
import type { CodeableConcept, CodeSystem, Coding } from '@medplum/fhirtypes';
import {
  CANCEL_REASON_CODES,
  DECLINE_REASON_CODES,
  HANDOFF_STATUSES,
  ORGANISATION_KINDS,
  OUTCOME_CODES,
  PRIORITIES,
  REFERRAL_STATUSES,
  SERVICE_AREAS,
  labelFor,
  type HandoffStatus,
  type OrganisationKind,
  type ReferralStatus,
} from '../../core/reference-data.ts';
import { codeSystemUrl } from './fhir-systems.ts';

/** The ids of Jointly's code systems: the last segment of each one's canonical URL. */
export const CODE_SYSTEM_IDS = [
  'service-area',
  'priority',
  'decline-reason',
  'cancel-reason',
  'outcome',
  'referral-status',
  'handoff-status',
  'task-code',
  'organisation-kind',
] as const;

/** One of Jointly's code systems. */
export type CodeSystemId = (typeof CODE_SYSTEM_IDS)[number];

/** What a Task is asked to do: answer and carry out a referral, or take over a person's care. */
export const TASK_CODES = ['fulfil-referral', 'transfer-of-responsibility'] as const;

/** One of the {@link TASK_CODES}. */
export type TaskCode = (typeof TASK_CODES)[number];

// CODE_LABELS has no labels for these lists (the JSON API shows them as bare codes), but a
// FHIR `display` is read by people, so they get one here. Typed by the lists: a new status
// or kind fails to compile until it has a label.
const REFERRAL_STATUS_LABELS: Readonly<Record<ReferralStatus, string>> = {
  submitted: 'Submitted, awaiting a response',
  info_requested: 'More information requested',
  accepted: 'Accepted',
  declined: 'Declined',
  cancelled: 'Cancelled',
  completed: 'Completed',
};

const HANDOFF_STATUS_LABELS: Readonly<Record<HandoffStatus, string>> = {
  offered: 'Offered, awaiting an answer',
  accepted: 'Accepted',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
};

const ORGANISATION_KIND_LABELS: Readonly<Record<OrganisationKind, string>> = {
  'nhs-community': 'NHS community health provider',
  'local-authority': 'Local authority',
  'nhs-acute': 'NHS acute hospital trust',
  voluntary: 'Voluntary sector organisation',
};

const TASK_CODE_LABELS: Readonly<Record<TaskCode, string>> = {
  'fulfil-referral': 'Respond to and carry out the referral',
  'transfer-of-responsibility': "Take over responsibility for the person's care",
};

interface CodeListDefinition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly codes: readonly string[];
  /** Labels where `labelFor` has none. */
  readonly labels?: Readonly<Record<string, string>>;
}

const DEFINITIONS: Readonly<Record<CodeSystemId, CodeListDefinition>> = {
  'service-area': {
    name: 'ServiceArea',
    title: 'Jointly service areas',
    description: 'The areas of the integrated care programme a referral belongs to, which the programme evaluates itself by.',
    codes: SERVICE_AREAS,
  },
  priority: {
    name: 'Priority',
    title: 'Jointly referral priorities',
    description: 'How soon a referral needs a response; each priority has a response target in minutes.',
    codes: PRIORITIES,
  },
  'decline-reason': {
    name: 'DeclineReason',
    title: 'Jointly decline reasons',
    description: 'Why a receiving organisation declined a referral or a handoff of responsibility.',
    codes: DECLINE_REASON_CODES,
  },
  'cancel-reason': {
    name: 'CancelReason',
    title: 'Jointly cancel reasons',
    description: 'Why the referring organisation cancelled a referral.',
    codes: CANCEL_REASON_CODES,
  },
  outcome: {
    name: 'Outcome',
    title: 'Jointly referral outcomes',
    description: 'How a completed referral ended: what the programme evaluates crisis prevention by.',
    codes: OUTCOME_CODES,
  },
  'referral-status': {
    name: 'ReferralStatus',
    title: 'Jointly referral statuses',
    description: "A referral's status in Jointly's own terms: the business status of the Task that fulfils it.",
    codes: REFERRAL_STATUSES,
    labels: REFERRAL_STATUS_LABELS,
  },
  'handoff-status': {
    name: 'HandoffStatus',
    title: 'Jointly handoff statuses',
    description: "A handoff of responsibility's status in Jointly's own terms: the business status of its Task.",
    codes: HANDOFF_STATUSES,
    labels: HANDOFF_STATUS_LABELS,
  },
  'task-code': {
    name: 'TaskCode',
    title: 'Jointly task codes',
    description: 'What a Jointly Task asks its owner to do.',
    codes: TASK_CODES,
    labels: TASK_CODE_LABELS,
  },
  'organisation-kind': {
    name: 'OrganisationKind',
    title: 'Jointly organisation kinds',
    description: 'The kinds of organisation taking part in the integrated care programme.',
    codes: ORGANISATION_KINDS,
    labels: ORGANISATION_KIND_LABELS,
  },
};

const displayOf = (definition: CodeListDefinition, code: string): string => definition.labels?.[code] ?? labelFor(code);

const toCodeSystem = (id: CodeSystemId): CodeSystem => {
  const definition = DEFINITIONS[id];
  return {
    resourceType: 'CodeSystem',
    id,
    url: codeSystemUrl(id),
    version: '1',
    name: definition.name,
    title: definition.title,
    status: 'active',
    publisher: 'Jointly',
    description: definition.description,
    caseSensitive: true,
    content: 'complete',
    concept: definition.codes.map((code) => ({ code, display: displayOf(definition, code) })),
  };
};

/** Every code system Jointly publishes, in {@link CODE_SYSTEM_IDS} order. */
export const CODE_SYSTEMS: readonly CodeSystem[] = CODE_SYSTEM_IDS.map(toCodeSystem);

const byId = new Map<string, CodeSystem>(CODE_SYSTEMS.map((system) => [system.id!, system]));

/** The code system with this id (the `GET /CodeSystem/{id}` read), or `undefined` when there is none. */
export const findCodeSystem = (id: string): CodeSystem | undefined => byId.get(id);

/**
 * A Coding of `code` in one of Jointly's systems, with the display the system publishes.
 * A code outside the list (stage config may add some) keeps its code as display rather than failing.
 */
export const codingOf = (system: CodeSystemId, code: string): Coding => ({
  system: codeSystemUrl(system),
  code,
  display: displayOf(DEFINITIONS[system], code),
});

/** A CodeableConcept holding the one {@link codingOf} `code`. */
export const conceptOf = (system: CodeSystemId, code: string): CodeableConcept => ({ coding: [codingOf(system, code)] });
