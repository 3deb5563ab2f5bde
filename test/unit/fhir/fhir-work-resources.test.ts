/**
 * Referrals and handoffs as FHIR R4 (ServiceRequest, fulfilment and handoff Tasks, and a
 * searchset of them): every resource is valid R4 (structure and required bindings, checked
 * by an independent validator), and carries the values of the published mapping. Views are
 * built with the real referral and handoff transitions; expectations come from the literal
 * tables below, never from the module's own tables.
 */
import { describe, expect, it } from 'vitest';
import type { Bundle, CodeableConcept, Coding, Patient, Task } from '@medplum/fhirtypes';
import type { Caller } from '#shared/core/identity.ts';
import type { Priority } from '#shared/core/reference-data.ts';
import { searchsetBundle } from '#shared/fhir/domain/bundles.ts';
import { CODE_SYSTEMS } from '#shared/fhir/domain/code-systems.ts';
import { toServiceRequest } from '#shared/fhir/domain/service-request.ts';
import { fromFhirPriority, toFhirPriority } from '#shared/fhir/domain/state-mapping.ts';
import {
  fulfilmentTaskId,
  handoffTaskId,
  parseTaskId,
  REDIRECTED_REASON_TEXT,
  redirectedReceivers,
  redirectedTaskId,
  toFulfilmentTask,
  toHandoffTask,
  toRedirectedTask,
} from '#shared/fhir/domain/task.ts';
import { answerHandoff, offerHandoff, toHandoffView, type Handoff, type HandoffAnswer } from '#shared/referrals/domain/handoff.ts';
import { toReferralView, type Actor, type Referral, type RuleContext } from '#shared/referrals/domain/referral.ts';
import type { Subject } from '#shared/referrals/domain/referral-schemas.ts';
import { applyAction, createReferral } from '#shared/referrals/domain/referral-transitions.ts';
import { fhirIssuesOf } from '#test/support/fhir-validator.ts';
import { practitioner } from '#test/support/fixtures.ts';

const MINUTE = 60_000;
const TARGETS: Readonly<Record<Priority, number>> = { urgent: 120, soon: 24 * 60, routine: 120 * 60 };
const KNOWN_ORGS = new Set(['provide', 'ecc', 'meht', 'ageuk-essex']);
const T0 = Date.parse('2025-03-03T09:00:00.000Z');
const contextAt = (minutes: number): RuleContext => ({
  now: new Date(T0 + minutes * MINUTE),
  priorityTargetMinutes: TARGETS,
  isKnownOrg: (org) => KNOWN_ORGS.has(org),
});

const REFERRAL_ID = '01JNR0000000000000000000AA';
const HANDOFF_ID = '01JNH0000000000000000000HH';
const NHS_NUMBER = '9434765919';
const LOCAL_ID = 'CASE-77';
const REASON = 'Frequent falls overnight; family worried about coping alone';
const HANDOFF_REASON = 'Discharge to the frailty unit: acute team to lead from here';

/* Provide refers to ECC; ECC may hand the person on to MEHT. */
const SENDER = practitioner('u-provide-nurse', 'provide');
const RECEIVER = practitioner('u-ecc-social-worker', 'ecc');
const TARGET = practitioner('u-meht-discharge', 'meht');
const actorOf = (caller: Caller): Actor => ({ sub: caller.sub, org: caller.org, role: 'practitioner' });

const NAMES = {
  provide: 'Provide Community Interest Company',
  ecc: 'Essex County Council Adult Social Care',
  meht: 'Mid Essex Hospital Services NHS Trust',
} as const;

const SYSTEM = (id: string) => `https://jointly.dev/fhir/CodeSystem/${id}`;
const coded = (system: string, code: string, display: string): CodeableConcept => ({
  coding: [{ system: SYSTEM(system), code, display }],
});

/** The person as each kind of caller may hold them: `none` is a view showing no subject field. */
const SUBJECTS: Readonly<Record<'all' | 'nhs-only' | 'local-only' | 'none', { subject: Subject; priority: Priority }>> = {
  all: {
    subject: { nhsNumber: NHS_NUMBER, localId: LOCAL_ID, name: 'Ada Placeholder', dateOfBirth: '1941-07-19', postcode: 'CM1 1AA' },
    priority: 'urgent',
  },
  'nhs-only': { subject: { nhsNumber: NHS_NUMBER }, priority: 'soon' },
  'local-only': { subject: { localId: LOCAL_ID }, priority: 'routine' },
  none: { subject: {}, priority: 'soon' },
};
type SubjectCase = keyof typeof SUBJECTS;

const TEAMS = { fromTeam: 'community-mdt', toTeam: 'MDT-1' } as const;

/** Ways a referral reaches each of the six statuses; the handoff ones move ownership to MEHT first. */
const JOURNEYS = [
  'submitted',
  'info_requested',
  'accepted',
  'declined',
  'completed',
  'cancelled-while-submitted',
  'cancelled-after-acceptance',
  'accepted-after-handoff',
  'completed-after-handoff',
  'cancelled-after-handoff',
] as const;
type Journey = (typeof JOURNEYS)[number];

const accept = (r: Referral, minute: number) => applyAction(r, { action: 'accept', body: {} }, RECEIVER, contextAt(minute)).referral;

/** ECC accepts, offers to MEHT at +20 min, MEHT accepts at +30 min: MEHT owns the referral. */
const handedToMeht = (r: Referral): Referral => {
  const accepted = accept(r, 10);
  const offered = offerHandoff(accepted, HANDOFF_ID, { toOrg: 'meht', reason: HANDOFF_REASON }, RECEIVER, actorOf(RECEIVER), contextAt(20));
  return answerHandoff(offered.referral, offered.handoff, { action: 'accept', body: {} }, TARGET, actorOf(TARGET), contextAt(30)).referral;
};

const complete = (r: Referral, by: Caller) =>
  applyAction(r, { action: 'complete', body: { outcome: 'admission-avoided' } }, by, contextAt(60)).referral;
const cancel = (r: Referral, reasonCode: string) =>
  applyAction(r, { action: 'cancel', body: { reasonCode } }, SENDER, contextAt(60)).referral;

/** The referral view after `journey`, built with the real transitions. */
const viewAfter = (journey: Journey, subjectCase: SubjectCase = 'all', withTeams = false) => {
  const { subject, priority } = SUBJECTS[subjectCase];
  const created = createReferral(
    REFERRAL_ID,
    { toOrg: 'ecc', serviceArea: 'crisis-prevention', priority, subject, reason: REASON, ...(withTeams ? TEAMS : {}) },
    SENDER,
    contextAt(0),
  ).referral;
  const referral = ((): Referral => {
    switch (journey) {
      case 'submitted':
        return created;
      case 'info_requested':
        return applyAction(created, { action: 'request-info', body: { comment: 'Which GP?' } }, RECEIVER, contextAt(10)).referral;
      case 'accepted':
        return accept(created, 10);
      case 'declined':
        return applyAction(created, { action: 'decline', body: { reasonCode: 'no-capacity', comment: 'Full' } }, RECEIVER, contextAt(10))
          .referral;
      case 'completed':
        return complete(accept(created, 10), RECEIVER);
      case 'cancelled-while-submitted':
        return cancel(created, 'person-admitted');
      case 'cancelled-after-acceptance':
        return cancel(accept(created, 10), 'no-longer-required');
      case 'accepted-after-handoff':
        return handedToMeht(created);
      case 'completed-after-handoff':
        return complete(handedToMeht(created), TARGET);
      case 'cancelled-after-handoff':
        return cancel(handedToMeht(created), 'no-longer-required');
    }
  })();
  return toReferralView(referral);
};

/*
 * The published mapping, copied literally:
 *
 * | status         | Task status | SR status | Task.statusReason                          | Task.output       | owner                                 | due shown |
 * | submitted      | requested   | active    | –                                          | –                 | toOrg                                 | yes       |
 * | info_requested | received    | active    | text "More information was requested…"     | –                 | toOrg                                 | yes       |
 * | accepted       | accepted    | active    | –                                          | –                 | ownerOrg                              | no        |
 * | declined       | rejected    | revoked   | decline-reason                             | –                 | toOrg                                 | no        |
 * | completed      | completed   | completed | –                                          | outcome           | ownerOrg                              | no        |
 * | cancelled      | cancelled   | revoked   | cancel-reason                              | –                 | ownerOrg                              | no        |
 */
interface Expected {
  readonly status: string;
  readonly task: Task['status'];
  readonly serviceRequest: string;
  readonly owner: 'provide' | 'ecc' | 'meht';
  readonly statusReason?: CodeableConcept;
  readonly output?: CodeableConcept;
  readonly due: boolean;
}
const INFO_REASON = { text: 'More information was requested from the referrer' };
const EXPECTED: Readonly<Record<Journey, Expected>> = {
  submitted: { status: 'submitted', task: 'requested', serviceRequest: 'active', owner: 'ecc', due: true },
  info_requested: {
    status: 'info_requested',
    task: 'received',
    serviceRequest: 'active',
    owner: 'ecc',
    statusReason: INFO_REASON,
    due: true,
  },
  accepted: { status: 'accepted', task: 'accepted', serviceRequest: 'active', owner: 'ecc', due: false },
  declined: {
    status: 'declined',
    task: 'rejected',
    serviceRequest: 'revoked',
    owner: 'ecc',
    statusReason: coded('decline-reason', 'no-capacity', 'No capacity'),
    due: false,
  },
  completed: {
    status: 'completed',
    task: 'completed',
    serviceRequest: 'completed',
    owner: 'ecc',
    output: coded('outcome', 'admission-avoided', 'Hospital admission avoided'),
    due: false,
  },
  'cancelled-while-submitted': {
    status: 'cancelled',
    task: 'cancelled',
    serviceRequest: 'revoked',
    owner: 'provide',
    statusReason: coded('cancel-reason', 'person-admitted', 'The person was admitted to hospital'),
    due: false,
  },
  'cancelled-after-acceptance': {
    status: 'cancelled',
    task: 'cancelled',
    serviceRequest: 'revoked',
    owner: 'ecc',
    statusReason: coded('cancel-reason', 'no-longer-required', 'No longer required'),
    due: false,
  },
  'accepted-after-handoff': { status: 'accepted', task: 'accepted', serviceRequest: 'active', owner: 'meht', due: false },
  'completed-after-handoff': {
    status: 'completed',
    task: 'completed',
    serviceRequest: 'completed',
    owner: 'meht',
    output: coded('outcome', 'admission-avoided', 'Hospital admission avoided'),
    due: false,
  },
  'cancelled-after-handoff': {
    status: 'cancelled',
    task: 'cancelled',
    serviceRequest: 'revoked',
    owner: 'meht',
    statusReason: coded('cancel-reason', 'no-longer-required', 'No longer required'),
    due: false,
  },
};

const REFERRAL_GRID = JOURNEYS.flatMap((journey) =>
  (Object.keys(SUBJECTS) as SubjectCase[]).flatMap((subjectCase) =>
    [false, true].map((withTeams) => ({ journey, subjectCase, withTeams, teams: withTeams ? 'with teams' : 'no teams' })),
  ),
);

/** Every Coding anywhere inside a value. */
const codingsIn = (value: unknown): Coding[] => {
  if (Array.isArray(value)) return value.flatMap(codingsIn);
  if (!value || typeof value !== 'object') return [];
  const own = 'system' in value && 'code' in value ? [value as Coding] : [];
  return [...own, ...Object.values(value).flatMap(codingsIn)];
};

describe('the referral grid', () => {
  it('covers all six statuses, four subject shapes and both team cases', () => {
    // Prepare
    const statuses = new Set(REFERRAL_GRID.map(({ journey, subjectCase, withTeams }) => viewAfter(journey, subjectCase, withTeams).status));

    // Act
    const size = REFERRAL_GRID.length;

    // Assess
    expect([...statuses].sort()).toEqual(['accepted', 'cancelled', 'completed', 'declined', 'info_requested', 'submitted']);
    expect(size).toBe(JOURNEYS.length * 4 * 2);
  });
});

describe('toServiceRequest and toFulfilmentTask: valid R4 for every status and view shape', () => {
  it.each(REFERRAL_GRID)('$journey × subject $subjectCase × $teams', ({ journey, subjectCase, withTeams }) => {
    // Prepare
    const view = viewAfter(journey, subjectCase, withTeams);

    // Act
    const serviceRequest = toServiceRequest(view);
    const task = toFulfilmentTask(view);

    // Assess
    expect(fhirIssuesOf(serviceRequest)).toEqual([]);
    expect(fhirIssuesOf(task)).toEqual([]);
    expect(view.status).toBe(EXPECTED[journey].status);
  });

  it('also validates the detail view GET /referrals/{id} returns (allowedActions and handoffs alongside)', () => {
    // Prepare
    const view = viewAfter('accepted-after-handoff', 'all', true);
    const detail = { ...view, allowedActions: ['complete'], handoffs: [] };

    // Act
    const serviceRequest = toServiceRequest(detail);
    const task = toFulfilmentTask(detail);

    // Assess
    expect(fhirIssuesOf(serviceRequest)).toEqual([]);
    expect(fhirIssuesOf(task)).toEqual([]);
    expect(JSON.stringify([serviceRequest, task])).not.toContain('allowedActions');
  });
});

describe('toServiceRequest: mapped values', () => {
  it.each(JOURNEYS)('%s: status per the table, intent order', (journey) => {
    // Prepare
    const view = viewAfter(journey);

    // Act
    const serviceRequest = toServiceRequest(view);

    // Assess
    expect(serviceRequest.status).toBe(EXPECTED[journey].serviceRequest);
    expect(serviceRequest.intent).toBe('order');
  });

  it('carries the referral: id, version, identifier, category, priority, code, parties, reason, dates', () => {
    // Prepare
    const view = viewAfter('accepted', 'all', true);

    // Act
    const serviceRequest = toServiceRequest(view);

    // Assess
    expect(serviceRequest).toMatchObject({
      resourceType: 'ServiceRequest',
      id: REFERRAL_ID,
      meta: { versionId: String(view.version), lastUpdated: view.updatedAt },
      identifier: [{ system: 'https://jointly.dev/fhir/Id/referral', value: REFERRAL_ID }],
      category: [coded('service-area', 'crisis-prevention', 'Crisis prevention')],
      priority: 'asap',
      code: { text: 'Joint health and social care referral' },
      subject: { reference: '#subject' },
      authoredOn: '2025-03-03T09:00:00.000Z',
      requester: { reference: 'Organization/provide', display: `${NAMES.provide} (team community-mdt)` },
      performer: [{ reference: 'Organization/ecc', display: `${NAMES.ecc} (team MDT-1)` }],
      reasonCode: [{ text: REASON }],
    });
    expect(view.version).toBe(2);
    expect(serviceRequest.meta?.lastUpdated).toBe('2025-03-03T09:10:00.000Z');
    expect(serviceRequest).not.toHaveProperty('note');
    expect(serviceRequest).not.toHaveProperty('occurrencePeriod');
  });

  it('still gives a valid request for a view without the subject at all', () => {
    // Prepare: no view omits the subject today (toReferralView keeps it); one trimmed for some reader might.
    const { subject: _subject, ...rest } = viewAfter('submitted');
    const trimmed = rest as ReturnType<typeof viewAfter>;

    // Act
    const serviceRequest = toServiceRequest(trimmed);

    // Assess
    expect(fhirIssuesOf(serviceRequest)).toEqual([]);
    expect(serviceRequest.contained).toEqual([{ resourceType: 'Patient', id: 'subject' }]);
  });

  it('shows parties by organisation name alone when the referral names no teams', () => {
    // Prepare
    const view = viewAfter('submitted', 'nhs-only', false);

    // Act
    const { requester, performer } = toServiceRequest(view);

    // Assess
    expect(requester).toEqual({ reference: 'Organization/provide', display: NAMES.provide });
    expect(performer).toEqual([{ reference: 'Organization/ecc', display: NAMES.ecc }]);
  });

  const PATIENTS: Readonly<Record<SubjectCase, Patient>> = {
    all: {
      resourceType: 'Patient',
      id: 'subject',
      identifier: [
        { system: 'https://fhir.nhs.uk/Id/nhs-number', value: NHS_NUMBER },
        {
          system: 'https://jointly.dev/fhir/Id/local-id',
          value: LOCAL_ID,
          assigner: { reference: 'Organization/provide', display: NAMES.provide },
        },
      ],
      name: [{ text: 'Ada Placeholder' }],
      birthDate: '1941-07-19',
      address: [{ postalCode: 'CM1 1AA' }],
    },
    'nhs-only': {
      resourceType: 'Patient',
      id: 'subject',
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: NHS_NUMBER }],
    },
    'local-only': {
      resourceType: 'Patient',
      id: 'subject',
      identifier: [
        {
          system: 'https://jointly.dev/fhir/Id/local-id',
          value: LOCAL_ID,
          assigner: { reference: 'Organization/provide', display: NAMES.provide },
        },
      ],
    },
    none: { resourceType: 'Patient', id: 'subject' },
  };

  it.each(Object.keys(PATIENTS) as SubjectCase[])(
    'contains the subject (%s) as a UK Core-shaped Patient, mapping only what is present',
    (subjectCase) => {
      // Prepare
      const view = viewAfter('submitted', subjectCase);

      // Act
      const { contained, subject } = toServiceRequest(view);

      // Assess
      expect(contained).toEqual([PATIENTS[subjectCase]]);
      expect(subject).toEqual({ reference: '#subject' });
    },
  );
});

describe('toFulfilmentTask: mapped values', () => {
  it.each(JOURNEYS)('%s: status, statusReason, output, businessStatus and owner per the table', (journey) => {
    // Prepare
    const view = viewAfter(journey);
    const expected = EXPECTED[journey];

    // Act
    const task = toFulfilmentTask(view);

    // Assess
    expect(task.status).toBe(expected.task);
    expect(task.statusReason).toEqual(expected.statusReason);
    expect(task.output).toEqual(expected.output && [{ type: { text: 'Outcome' }, valueCodeableConcept: expected.output }]);
    expect(task.businessStatus?.coding).toEqual([expect.objectContaining({ system: SYSTEM('referral-status'), code: expected.status })]);
    expect(task.owner).toEqual({ reference: `Organization/${expected.owner}`, display: NAMES[expected.owner] });
  });

  it.each(JOURNEYS)('%s: the due date is a restriction only while a response is awaited', (journey) => {
    // Prepare
    const view = viewAfter(journey);

    // Act
    const task = toFulfilmentTask(view);

    // Assess
    if (EXPECTED[journey].due) expect(task.restriction).toEqual({ period: { end: view.dueAt } });
    else expect(task).not.toHaveProperty('restriction');
  });

  it('gives a referral cancelled before anyone accepted it back to the sender, still responsible for the person', () => {
    // Prepare
    const view = viewAfter('cancelled-while-submitted');

    // Act
    const task = toFulfilmentTask(view);

    // Assess
    expect(view.ownerOrg).toBe('provide');
    expect(task.owner?.reference).toBe('Organization/provide');
  });

  it('carries the referral: id, version, identifier, code, focus, requester, dates, priority', () => {
    // Prepare
    const view = viewAfter('info_requested', 'nhs-only', true);

    // Act
    const task = toFulfilmentTask(view);

    // Assess
    expect(task).toMatchObject({
      resourceType: 'Task',
      id: REFERRAL_ID,
      meta: { versionId: '2', lastUpdated: '2025-03-03T09:10:00.000Z' },
      identifier: [{ system: 'https://jointly.dev/fhir/Id/referral', value: REFERRAL_ID }],
      intent: 'order',
      priority: 'urgent',
      code: coded('task-code', 'fulfil-referral', 'Respond to and carry out the referral'),
      focus: { reference: `ServiceRequest/${REFERRAL_ID}` },
      requester: { reference: 'Organization/provide', display: `${NAMES.provide} (team community-mdt)` },
      owner: { reference: 'Organization/ecc', display: `${NAMES.ecc} (team MDT-1)` },
      authoredOn: '2025-03-03T09:00:00.000Z',
      lastModified: '2025-03-03T09:10:00.000Z',
    });
  });

  it("shows the owning team of the organisation responsible now (the handoff target's once it accepted)", () => {
    // Prepare
    const view = viewAfter('accepted', 'all', true);

    // Act
    const task = toFulfilmentTask(view);

    // Assess
    expect(view.ownerTeam).toBe('MDT-1');
    expect(task.owner).toEqual({ reference: 'Organization/ecc', display: `${NAMES.ecc} (team MDT-1)` });
  });
});

describe('every code the resources carry resolves in the code system Jointly publishes', () => {
  it.each(JOURNEYS)('%s', (journey) => {
    // Prepare
    const view = viewAfter(journey, 'all', true);
    const published = new Map(
      CODE_SYSTEMS.flatMap((system) => (system.concept ?? []).map((concept) => [`${system.url}|${concept.code}`, concept.display])),
    );

    // Act
    const codings = codingsIn([toServiceRequest(view), toFulfilmentTask(view)]);

    // Assess
    expect(codings.length).toBeGreaterThanOrEqual(3);
    for (const coding of codings) expect(published.get(`${coding.system}|${coding.code}`)).toBe(coding.display);
  });
});

/*
 * Handoffs, copied literally:
 *
 * | handoff status | Task status | statusReason   | due shown |
 * | offered        | requested   | –              | yes       |
 * | accepted       | completed   | –              | no        |
 * | declined       | rejected    | decline-reason | no        |
 * | withdrawn      | cancelled   | –              | no        |
 */
const HANDOFF_EXPECTED = {
  offered: { task: 'requested', due: true },
  accepted: { task: 'completed', due: false },
  declined: { task: 'rejected', statusReason: coded('decline-reason', 'wrong-service', 'Wrong service'), due: false },
  withdrawn: { task: 'cancelled', due: false },
} as const satisfies Record<string, { task: Task['status']; statusReason?: CodeableConcept; due: boolean }>;
type HandoffCase = keyof typeof HANDOFF_EXPECTED;

/** ECC (owning the accepted referral, with or without teams) offers it to MEHT; MEHT or ECC answers. */
const handoffAfter = (status: HandoffCase, withTeams = false): { handoff: Handoff; referral: Referral } => {
  const created = createReferral(
    REFERRAL_ID,
    {
      toOrg: 'ecc',
      serviceArea: 'rapid-response',
      priority: 'soon',
      subject: { nhsNumber: NHS_NUMBER },
      reason: REASON,
      ...(withTeams ? TEAMS : {}),
    },
    SENDER,
    contextAt(0),
  ).referral;
  const offered = offerHandoff(
    accept(created, 10),
    HANDOFF_ID,
    { toOrg: 'meht', ...(withTeams ? { toTeam: 'frailty-unit' } : {}), reason: HANDOFF_REASON },
    RECEIVER,
    actorOf(RECEIVER),
    contextAt(20),
  );
  if (status === 'offered') return offered;
  const answer: HandoffAnswer =
    status === 'declined'
      ? { action: 'decline', body: { reasonCode: 'wrong-service' } }
      : { action: status === 'accepted' ? 'accept' : 'withdraw', body: {} };
  const by = status === 'withdrawn' ? RECEIVER : TARGET;
  return answerHandoff(offered.referral, offered.handoff, answer, by, actorOf(by), contextAt(30));
};

const HANDOFF_GRID = (Object.keys(HANDOFF_EXPECTED) as HandoffCase[]).flatMap((status) =>
  [false, true].flatMap((withTeams) =>
    [false, true].map((withReferral) => ({
      status,
      withTeams,
      withReferral,
      label: `${withTeams ? 'with teams' : 'no teams'}, ${withReferral ? 'with' : 'without'} the referral's priority`,
    })),
  ),
);

describe('toHandoffTask', () => {
  it.each(HANDOFF_GRID)('$status ($label) is valid R4', ({ status, withTeams, withReferral }) => {
    // Prepare
    const { handoff, referral } = handoffAfter(status, withTeams);

    // Act
    const task = toHandoffTask(toHandoffView(handoff), withReferral ? toReferralView(referral) : undefined);

    // Assess
    expect(handoff.status).toBe(status);
    expect(fhirIssuesOf(task)).toEqual([]);
  });

  it.each(Object.keys(HANDOFF_EXPECTED) as HandoffCase[])(
    '%s: status, statusReason, businessStatus and due date per the table',
    (status) => {
      // Prepare
      const { handoff } = handoffAfter(status);
      const expected: { task: string; statusReason?: CodeableConcept; due: boolean } = HANDOFF_EXPECTED[status];

      // Act
      const task = toHandoffTask(toHandoffView(handoff));

      // Assess
      expect(task.status).toBe(expected.task);
      expect(task.statusReason).toEqual(expected.statusReason);
      expect(task.businessStatus?.coding).toEqual([expect.objectContaining({ system: SYSTEM('handoff-status'), code: status })]);
      if (expected.due) expect(task.restriction).toEqual({ period: { end: handoff.dueAt } });
      else expect(task).not.toHaveProperty('restriction');
    },
  );

  it('carries the handoff: id, identifier, code, focus, partOf, requester, owner, reason, dates, priority', () => {
    // Prepare
    const { handoff, referral } = handoffAfter('offered', true);

    // Act
    const task = toHandoffTask(toHandoffView(handoff), referral);

    // Assess
    expect(task).toMatchObject({
      resourceType: 'Task',
      id: `handoff-${HANDOFF_ID}`,
      meta: { versionId: '1', lastUpdated: '2025-03-03T09:20:00.000Z' },
      identifier: [{ system: 'https://jointly.dev/fhir/Id/handoff', value: HANDOFF_ID }],
      intent: 'order',
      priority: 'urgent',
      code: coded('task-code', 'transfer-of-responsibility', "Take over responsibility for the person's care"),
      focus: { reference: `ServiceRequest/${REFERRAL_ID}` },
      partOf: [{ reference: `Task/${REFERRAL_ID}` }],
      requester: { reference: 'Organization/ecc', display: `${NAMES.ecc} (team MDT-1)` },
      owner: { reference: 'Organization/meht', display: `${NAMES.meht} (team frailty-unit)` },
      reasonCode: { text: HANDOFF_REASON },
      authoredOn: '2025-03-03T09:20:00.000Z',
      lastModified: '2025-03-03T09:20:00.000Z',
    });
  });

  it('has no priority when the referral is not given, and keeps its target as owner once answered', () => {
    // Prepare
    const { handoff } = handoffAfter('accepted');

    // Act
    const task = toHandoffTask(toHandoffView(handoff));

    // Assess
    expect(task).not.toHaveProperty('priority');
    expect(task.owner).toEqual({ reference: 'Organization/meht', display: NAMES.meht });
    expect(task.meta).toEqual({ versionId: '2', lastUpdated: '2025-03-03T09:30:00.000Z' });
  });
});

describe('Task ids', () => {
  const ULID = '01JNR0000000000000000000AA';

  it('round-trips fulfilment and handoff Task ids', () => {
    // Prepare
    const fulfilment = fulfilmentTaskId(ULID);
    const handoff = handoffTaskId(HANDOFF_ID);

    // Act
    const parsed = [parseTaskId(fulfilment), parseTaskId(handoff)];

    // Assess
    expect(fulfilment).toBe(ULID);
    expect(handoff).toBe(`handoff-${HANDOFF_ID}`);
    expect(parsed).toEqual([
      { kind: 'fulfilment', referralId: ULID },
      { kind: 'handoff', handoffId: HANDOFF_ID },
    ]);
  });

  it.each([
    ['empty', ''],
    ['lower-case ULID', ULID.toLowerCase()],
    ['25 characters', ULID.slice(1)],
    ['27 characters', `${ULID}A`],
    ['a ULID with I', `01JNRI${ULID.slice(6)}`],
    ['a ULID with L', `01JNRL${ULID.slice(6)}`],
    ['a ULID with O', `01JNRO${ULID.slice(6)}`],
    ['a ULID with U', `01JNRU${ULID.slice(6)}`],
    ['handoff- alone', 'handoff-'],
    ['handoff- and a short id', `handoff-${ULID.slice(1)}`],
    ['handoff- and a lower-case ULID', `handoff-${ULID.toLowerCase()}`],
    ['Handoff- capitalised', `Handoff-${ULID}`],
    ['another prefix', `task-${ULID}`],
    ['a doubled prefix', `handoff-handoff-${ULID}`],
    ['a FHIR id that is neither', 'ecc'],
  ])('refuses %s', (_name, id) => {
    // Act
    const parsed = parseTaskId(id);

    // Assess
    expect(parsed).toBeUndefined();
  });
});

describe('priority mapping', () => {
  it.each([
    ['urgent', 'asap'],
    ['soon', 'urgent'],
    ['routine', 'routine'],
  ] as const)('%s ⇄ %s', (ours, fhir) => {
    // Act
    const outbound = toFhirPriority(ours);
    const inbound = fromFhirPriority(fhir);

    // Assess
    expect(outbound).toBe(fhir);
    expect(inbound).toBe(ours);
  });

  it('takes `stat` (immediately) as our fastest, urgent', () => {
    // Act
    const inbound = fromFhirPriority('stat');

    // Assess
    expect(inbound).toBe('urgent');
  });

  it.each(['URGENT', 'soon', '', 'toString', 'constructor', '__proto__'])('has no priority of ours for %j', (code) => {
    // Act
    const inbound = fromFhirPriority(code);

    // Assess
    expect(inbound).toBeUndefined();
  });
});

describe('searchsetBundle of Tasks', () => {
  const BASE = 'https://api.example/fhir/R4';

  it('mixes fulfilment and handoff Tasks (and an included ServiceRequest) into a valid searchset', () => {
    // Prepare
    const referral = viewAfter('accepted-after-handoff', 'all', true);
    const { handoff } = handoffAfter('declined', true);
    const fulfilment = toFulfilmentTask(referral) as Task & { id: string };
    const handoffTask = toHandoffTask(toHandoffView(handoff), referral) as Task & { id: string };
    const serviceRequest = toServiceRequest(referral) as ReturnType<typeof toServiceRequest> & { id: string };

    // Act
    const bundle: Bundle = searchsetBundle({
      base: BASE,
      self: `${BASE}/Task?owner=Organization/meht&_count=2`,
      next: `${BASE}/Task?owner=Organization/meht&_count=2&_cursor=abc`,
      entries: [{ resource: fulfilment }, { resource: handoffTask, mode: 'match' }, { resource: serviceRequest, mode: 'include' }],
    });

    // Assess
    expect(fhirIssuesOf(bundle)).toEqual([]);
    expect(bundle.type).toBe('searchset');
    expect(bundle).not.toHaveProperty('total');
    expect(bundle.link).toEqual([
      { relation: 'self', url: `${BASE}/Task?owner=Organization/meht&_count=2` },
      { relation: 'next', url: `${BASE}/Task?owner=Organization/meht&_count=2&_cursor=abc` },
    ]);
    expect(bundle.entry?.map((entry) => [entry.fullUrl, entry.search?.mode])).toEqual([
      [`${BASE}/Task/${REFERRAL_ID}`, 'match'],
      [`${BASE}/Task/handoff-${HANDOFF_ID}`, 'match'],
      [`${BASE}/ServiceRequest/${REFERRAL_ID}`, 'include'],
    ]);
  });

  it('has no next link on the last page and no entry when nothing matched', () => {
    // Act
    const bundle = searchsetBundle({ base: BASE, self: `${BASE}/Task?status=requested`, entries: [] });

    // Assess
    expect(fhirIssuesOf(bundle)).toEqual([]);
    expect(bundle.link).toEqual([{ relation: 'self', url: `${BASE}/Task?status=requested` }]);
    expect(bundle).not.toHaveProperty('entry');
  });
});

describe('a redirect: the Task the old receiver held', () => {
  const redirected = () => {
    const created = createReferral(
      REFERRAL_ID,
      { toOrg: 'ecc', serviceArea: 'crisis-prevention', priority: 'urgent', subject: { nhsNumber: NHS_NUMBER }, reason: REASON },
      SENDER,
      contextAt(0),
    ).referral;
    return applyAction(created, { action: 'redirect', body: { toOrg: 'meht', comment: 'Acute team holds this.' } }, RECEIVER, contextAt(15))
      .referral;
  };

  it('is rejected, owned by the receiver that redirected, valid R4, and its id names it again', () => {
    // Prepare
    const view = { ...toReferralView(redirected()), handoffs: [] };

    // Act
    const [former] = redirectedReceivers(view);
    const task = toRedirectedTask(view, former!);

    // Assess
    expect(former).toMatchObject({ org: 'ecc', leftAt: '2025-03-03T09:15:00.000Z' });
    expect(fhirIssuesOf(task)).toEqual([]);
    expect(task).toMatchObject({
      id: redirectedTaskId(REFERRAL_ID, former!.leftSeq),
      status: 'rejected',
      statusReason: { text: REDIRECTED_REASON_TEXT },
      owner: { reference: 'Organization/ecc' },
      requester: { reference: 'Organization/provide' },
      focus: { reference: `ServiceRequest/${REFERRAL_ID}` },
      lastModified: '2025-03-03T09:15:00.000Z',
    });
    expect(JSON.stringify(task)).not.toContain('meht');
    expect(parseTaskId(task.id!)).toEqual({ kind: 'redirected', referralId: REFERRAL_ID, leftSeq: former!.leftSeq });
    expect(toFulfilmentTask(view).owner?.reference).toBe('Organization/meht');
  });

  it('is not made for a handoff target that declined: it left by the handoff, not by a redirect', () => {
    // Prepare
    const { handoff, referral } = handoffAfter('declined');
    const view = { ...toReferralView(referral), handoffs: [toHandoffView(handoff)] };

    // Act
    const receivers = redirectedReceivers(view);

    // Assess
    expect(view.formerParties?.map((f) => f.org)).toEqual(['meht']);
    expect(receivers).toEqual([]);
  });

  it.each([`redirected-${REFERRAL_ID}-0`, `redirected-${REFERRAL_ID}-x`, `redirected-${REFERRAL_ID}`, `redirected-abc-3`])(
    'refuses the id %s',
    (id) => {
      // Act
      const parsed = parseTaskId(id);

      // Assess
      expect(parsed).toBeUndefined();
    },
  );
});
