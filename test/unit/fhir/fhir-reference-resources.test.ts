/**
 * The FHIR resources that do not come from a referral: Jointly's code systems, the
 * organisations, OperationOutcomes for errors and the CapabilityStatement. Each is valid R4
 * (structure and required bindings, checked by an independent validator) and says what the
 * literal expectations below say.
 */
import { describe, expect, it } from 'vitest';
import { ORGANISATIONS } from '#shared/core/organisations.ts';
import {
  CANCEL_REASON_CODES,
  DECLINE_REASON_CODES,
  HANDOFF_STATUSES,
  ORGANISATION_KINDS,
  OUTCOME_CODES,
  PRIORITIES,
  REFERRAL_STATUSES,
  SERVICE_AREAS,
} from '#shared/core/reference-data.ts';
import { capabilityStatement } from '#shared/fhir/domain/capability-statement.ts';
import { FHIR_BASE_PATH, FHIR_ROUTES } from '#shared/fhir/api/routes.ts';
import { CODE_SYSTEMS, findCodeSystem } from '#shared/fhir/domain/code-systems.ts';
import { issueTypeForStatus, operationOutcome, outcomeOfProblem } from '#shared/fhir/domain/operation-outcome.ts';
import { organizationReference, toOrganization } from '#shared/fhir/domain/organization.ts';
import { fhirIssuesOf } from '#test/support/fhir-validator.ts';

/** The code systems, copied literally: id → name and codes (from the core lists the API publishes). */
const EXPECTED_SYSTEMS: Readonly<Record<string, { name: string; codes: readonly string[] }>> = {
  'service-area': { name: 'ServiceArea', codes: SERVICE_AREAS },
  priority: { name: 'Priority', codes: PRIORITIES },
  'decline-reason': { name: 'DeclineReason', codes: DECLINE_REASON_CODES },
  'cancel-reason': { name: 'CancelReason', codes: CANCEL_REASON_CODES },
  outcome: { name: 'Outcome', codes: OUTCOME_CODES },
  'referral-status': { name: 'ReferralStatus', codes: REFERRAL_STATUSES },
  'handoff-status': { name: 'HandoffStatus', codes: HANDOFF_STATUSES },
  'task-code': { name: 'TaskCode', codes: ['fulfil-referral', 'transfer-of-responsibility'] },
  'organisation-kind': { name: 'OrganisationKind', codes: ORGANISATION_KINDS },
};

describe('code systems', () => {
  it('publishes exactly the nine code lists, in order', () => {
    // Act
    const ids = CODE_SYSTEMS.map((system) => system.id);

    // Assess
    expect(ids).toEqual(Object.keys(EXPECTED_SYSTEMS));
  });

  it.each(Object.keys(EXPECTED_SYSTEMS))('%s is a valid, complete CodeSystem of its list', (id) => {
    // Act
    const system = findCodeSystem(id);

    // Assess
    expect(system).toBeDefined();
    expect(fhirIssuesOf(system)).toEqual([]);
    expect(system).toMatchObject({
      resourceType: 'CodeSystem',
      id,
      url: `https://jointly.dev/fhir/CodeSystem/${id}`,
      version: '1',
      name: EXPECTED_SYSTEMS[id]!.name,
      status: 'active',
      publisher: 'Jointly',
      caseSensitive: true,
      content: 'complete',
    });
    expect(system?.url?.split('/').at(-1)).toBe(system?.id);
    expect(system?.title).toMatch(/\S/);
    expect(system?.description).toMatch(/\S/);
    expect(system?.concept?.map((concept) => concept.code)).toEqual([...EXPECTED_SYSTEMS[id]!.codes]);
    for (const concept of system?.concept ?? []) expect(concept.display).toMatch(/\S/);
  });

  it('labels codes with the labels the JSON API publishes, and the lists CODE_LABELS lacks with words, not codes', () => {
    // Prepare
    const displays = (id: string) => Object.fromEntries((findCodeSystem(id)?.concept ?? []).map((c) => [c.code, c.display]));

    // Act
    const priority = displays('priority');
    const taskCode = displays('task-code');
    const outcome = displays('outcome');
    const unlabelled = ['referral-status', 'handoff-status', 'organisation-kind'].flatMap((id) =>
      Object.entries(displays(id)).filter(([code, display]) => code === display),
    );

    // Assess
    expect(priority).toEqual({ urgent: 'Urgent', soon: 'Soon', routine: 'Routine' });
    expect(taskCode).toEqual({
      'fulfil-referral': 'Respond to and carry out the referral',
      'transfer-of-responsibility': "Take over responsibility for the person's care",
    });
    expect(outcome['admission-avoided']).toBe('Hospital admission avoided');
    expect(unlabelled).toEqual([]);
  });

  it('finds nothing for an unknown id', () => {
    // Act
    const found = [findCodeSystem('no-such-list'), findCodeSystem(''), findCodeSystem('toString')];

    // Assess
    expect(found).toEqual([undefined, undefined, undefined]);
  });
});

describe('organisations', () => {
  const CASES = ORGANISATIONS.flatMap((org) => [
    { org, odsCode: undefined, label: `${org.id} without an ODS code` },
    { org, odsCode: 'RQ8', label: `${org.id} with an ODS code` },
  ]);

  it.each(CASES)('$label is a valid Organization', ({ org, odsCode }) => {
    // Act
    const organization = toOrganization(odsCode ? { ...org, odsCode } : org);

    // Assess
    expect(fhirIssuesOf(organization)).toEqual([]);
    expect(organization).toEqual({
      resourceType: 'Organization',
      id: org.id,
      identifier: [
        { system: 'https://jointly.dev/fhir/Id/organisation', value: org.id },
        ...(odsCode ? [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: odsCode }] : []),
      ],
      active: true,
      type: [{ coding: [expect.objectContaining({ system: 'https://jointly.dev/fhir/CodeSystem/organisation-kind', code: org.kind })] }],
      name: org.name,
    });
  });

  it('references a registered organisation by its name, and a team in the display text', () => {
    // Act
    const plain = organizationReference('ecc');
    const withTeam = organizationReference('ecc', 'MDT-1');

    // Assess
    expect(plain).toEqual({ reference: 'Organization/ecc', display: 'Essex County Council Adult Social Care' });
    expect(withTeam).toEqual({ reference: 'Organization/ecc', display: 'Essex County Council Adult Social Care (team MDT-1)' });
  });

  it('references an unregistered organisation without inventing a name', () => {
    // Act
    const reference = organizationReference('retired-org');

    // Assess
    expect(reference).toEqual({ reference: 'Organization/retired-org' });
  });
});

describe('OperationOutcome', () => {
  /* HTTP status → FHIR issue type, copied literally. */
  const ISSUE_TYPES: readonly [number, string][] = [
    [400, 'invalid'],
    [401, 'login'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [405, 'not-supported'],
    [409, 'conflict'],
    [412, 'conflict'],
    [413, 'too-costly'],
    [415, 'not-supported'],
    [422, 'business-rule'],
    [429, 'throttled'],
    [503, 'transient'],
    [500, 'exception'],
    [502, 'exception'],
    [406, 'exception'],
  ];

  it.each(ISSUE_TYPES)('%i without field errors is one valid %s issue carrying the detail', (status, code) => {
    // Prepare
    const detail = `Problem ${status}: see the documentation.`;

    // Act
    const outcome = outcomeOfProblem({ status, detail });

    // Assess
    expect(issueTypeForStatus(status)).toBe(code);
    expect(fhirIssuesOf(outcome)).toEqual([]);
    expect(outcome).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: detail }] });
  });

  it.each([400, 422])('%i with field errors is one invalid issue per field, each naming it', (status) => {
    // Prepare
    const errors = [
      { path: 'subject.nhsNumber', message: 'must be 10 digits' },
      { path: 'priority', message: 'must be one of urgent, soon, routine' },
    ];

    // Act
    const outcome = outcomeOfProblem({ status, detail: 'The request is not valid.', errors });

    // Assess
    expect(fhirIssuesOf(outcome)).toEqual([]);
    expect(outcome.issue).toEqual([
      { severity: 'error', code: 'invalid', diagnostics: 'subject.nhsNumber must be 10 digits', expression: ['subject.nhsNumber'] },
      { severity: 'error', code: 'invalid', diagnostics: 'priority must be one of urgent, soon, routine', expression: ['priority'] },
    ]);
  });

  it('keeps a field error about the whole body valid: no empty expression', () => {
    // Act
    const outcome = outcomeOfProblem({ status: 400, detail: 'Bad body.', errors: [{ path: '', message: 'must be a JSON object' }] });

    // Assess
    expect(fhirIssuesOf(outcome)).toEqual([]);
    expect(outcome.issue).toEqual([{ severity: 'error', code: 'invalid', diagnostics: 'must be a JSON object' }]);
  });

  it('treats an empty error list as no field errors', () => {
    // Act
    const outcome = outcomeOfProblem({ status: 422, detail: 'A referral must go to another organisation.', errors: [] });

    // Assess
    expect(outcome.issue).toEqual([
      { severity: 'error', code: 'business-rule', diagnostics: 'A referral must go to another organisation.' },
    ]);
  });

  it('builds valid outcomes of every severity', () => {
    // Prepare
    const severities = ['fatal', 'error', 'warning', 'information'] as const;

    // Act
    const outcome = operationOutcome(
      severities.map((severity) => ({ severity, code: 'informational', diagnostics: `${severity} issue`, expression: ['Task.status'] })),
    );

    // Assess
    expect(fhirIssuesOf(outcome)).toEqual([]);
    expect(outcome.issue.map((issue) => issue.severity)).toEqual([...severities]);
    expect(outcome.issue[0]).toEqual({ severity: 'fatal', code: 'informational', diagnostics: 'fatal issue', expression: ['Task.status'] });
  });
});

describe('CapabilityStatement', () => {
  const BASE = 'https://api.example/fhir/R4';
  const statement = capabilityStatement({ base: BASE, date: '2025-03-03T09:00:00.000Z', softwareVersion: '0.1.0' });

  it('is valid R4, an instance statement of this server', () => {
    // Act
    const issues = fhirIssuesOf(statement);

    // Assess
    expect(issues).toEqual([]);
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: '2025-03-03T09:00:00.000Z',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['application/fhir+json', 'json'],
      software: { name: 'Jointly', version: '0.1.0' },
      implementation: { url: BASE },
    });
    expect(statement.implementation?.description).toMatch(/\S/);
    expect(statement.rest).toHaveLength(1);
    expect(statement.rest?.[0]?.mode).toBe('server');
    expect(statement.rest?.[0]?.security?.description).toMatch(/bearer/i);
    expect(statement.rest?.[0]?.security?.description).toMatch(/Cognito ID token/);
  });

  it('declares exactly what the FHIR routes serve: each read, each search and its parameters, each operation', () => {
    // Prepare: what the route table serves, read from the routes themselves.
    const served = new Map<string, { interactions: string[]; searchParams: string[] }>();
    const operations: string[] = [];
    for (const route of FHIR_ROUTES) {
      const path = route.path.slice(FHIR_BASE_PATH.length);
      const [, type, rest] = /^\/([A-Z][A-Za-z]+)(\/.*)?$/.exec(path) ?? [];
      if (path === '/{operation}') {
        // A system-level operation: its path parameter lists the operations served (`$process-message`).
        const operation = (route.request?.path as { _zod: { def: { shape: { operation: { options: string[] } } } } } | undefined)?._zod.def
          .shape.operation.options;
        operations.push(...(operation ?? []).map((name) => name.slice(1)));
        continue;
      }
      // The GET search that only ever refuses (POST _search is the search) serves nothing to declare.
      if (!type || route.operationId.startsWith('refuse')) continue;
      const entry = served.get(type) ?? { interactions: [], searchParams: [] };
      if (rest === '/{id}') entry.interactions.push('read');
      else {
        entry.interactions.push('search-type');
        // A GET search reads its parameters from the query, a POST _search from its form body.
        const parameters = rest === '/_search' ? route.request?.body : route.request?.query;
        const shape = (parameters as { _zod: { def: { shape: Record<string, unknown> } } } | undefined)?._zod.def.shape ?? {};
        entry.searchParams.push(...Object.keys(shape).filter((name) => name !== '_cursor'));
      }
      served.set(type, entry);
    }

    // Act
    const declared = new Map<string, { interactions: string[]; searchParams: string[] }>(
      (statement.rest?.[0]?.resource ?? []).map((entry) => [
        entry.type as string,
        { interactions: entry.interaction?.map((i) => i.code) ?? [], searchParams: entry.searchParam?.map((p) => p.name) ?? [] },
      ]),
    );

    // Assess
    expect([...declared.keys()].sort()).toEqual([...served.keys()].sort());
    for (const [type, entry] of served) {
      expect(declared.get(type)?.interactions.sort(), type).toEqual(entry.interactions.sort());
      expect(declared.get(type)?.searchParams.sort(), type).toEqual(entry.searchParams.sort());
    }
    expect((statement.rest?.[0]?.operation ?? []).map((operation) => operation.name)).toEqual(operations);
  });

  it('names the base profile of every resource type', () => {
    // Act
    const profiles = statement.rest?.[0]?.resource?.map((entry) => [entry.type, entry.profile]);

    // Assess
    expect(profiles).toEqual(
      ['ServiceRequest', 'Task', 'Organization', 'CodeSystem'].map((type) => [type, `http://hl7.org/fhir/StructureDefinition/${type}`]),
    );
  });
});
