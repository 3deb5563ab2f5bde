/**
 * Errors as FHIR `OperationOutcome` resources: what a FHIR client expects in place of the
 * RFC 9457 problem the JSON API answers, carrying the same status, detail and field errors.
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { FieldError } from '../../core/errors.ts';

/** FHIR's issue type codes (required binding `issue-type`). */
export type IssueType = OperationOutcomeIssue['code'];

/** FHIR's issue severities (required binding `issue-severity`). */
export type IssueSeverity = OperationOutcomeIssue['severity'];

/** One issue to report. */
export interface OutcomeIssue {
  readonly severity: IssueSeverity;
  readonly code: IssueType;
  readonly diagnostics: string;
  /** FHIRPath-like locations of the element at fault, for field errors. */
  readonly expression?: readonly string[];
}

/** An OperationOutcome of these issues, in order. */
export const operationOutcome = (issues: readonly OutcomeIssue[]): OperationOutcome => ({
  resourceType: 'OperationOutcome',
  issue: issues.map((issue) => ({
    severity: issue.severity,
    code: issue.code,
    diagnostics: issue.diagnostics,
    ...(issue.expression ? { expression: [...issue.expression] } : {}),
  })),
});

/**
 * The issue type of an HTTP error status, for an outcome with no field errors. A 422 is a
 * broken business rule; a 422 naming fields is `invalid`, which {@link outcomeOfProblem} decides.
 */
const ISSUE_TYPE_BY_STATUS: ReadonlyMap<number, IssueType> = new Map<number, IssueType>([
  [400, 'invalid'],
  [401, 'login'],
  [403, 'forbidden'],
  [404, 'not-found'],
  [405, 'not-supported'],
  [409, 'conflict'],
  // A stale If-Match is a lost race with another writer: FHIR calls that a conflict too.
  [412, 'conflict'],
  [413, 'too-costly'],
  [415, 'not-supported'],
  [422, 'business-rule'],
  [429, 'throttled'],
  [503, 'transient'],
]);

/** The FHIR issue type for an HTTP status; `exception` for any status without a closer one. */
export const issueTypeForStatus = (status: number): IssueType => ISSUE_TYPE_BY_STATUS.get(status) ?? 'exception';

/** A problem as the JSON API reports it: status, detail and any field errors. */
export interface ProblemSummary {
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
}

/**
 * The OperationOutcome of a problem: one issue per field error, each pointing at its field,
 * or a single issue of the status's type with the detail when no field is named.
 */
export const outcomeOfProblem = (problem: ProblemSummary): OperationOutcome => {
  const errors = problem.errors ?? [];
  if (errors.length === 0) {
    return operationOutcome([{ severity: 'error', code: issueTypeForStatus(problem.status), diagnostics: problem.detail }]);
  }
  // A field at fault is an invalid value whatever the status's own type (a 422 is otherwise `business-rule`).
  const code: IssueType = problem.status === 400 || problem.status === 422 ? 'invalid' : issueTypeForStatus(problem.status);
  return operationOutcome(
    errors.map((error) =>
      // An error about the whole body has no path; FHIR strings may not be empty, so it names no expression.
      error.path
        ? { severity: 'error', code, diagnostics: `${error.path} ${error.message}`, expression: [error.path] }
        : { severity: 'error', code, diagnostics: error.message },
    ),
  );
};
