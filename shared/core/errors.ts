/**
 * Typed domain errors. Handlers and domain functions throw these; exactly one place
 * (`shared/platform/http/problem.ts`) maps them to an HTTP status and an RFC 9457 body.
 */

/** One field-level problem, `path` in JSON-pointer-like dotted form (e.g. `subject.nhsNumber`). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** Base class: every error the domain means to report to a caller. */
export abstract class DomainError extends Error {
  /** Short, stable slug used to build the problem `type` URI. */
  abstract readonly code: string;
  /** Short, human-readable summary: the problem `title`. */
  abstract readonly title: string;

  constructor(message?: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** No valid credentials (401). */
export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
  readonly title = 'Authentication required';
}

/** The request is malformed: unparseable, wrong shape, bad query parameter (400). */
export class BadRequestError extends DomainError {
  readonly code = 'bad-request';
  readonly title = 'Bad request';
  readonly errors: readonly FieldError[];
  constructor(detail: string, errors: readonly FieldError[] = []) {
    super(detail);
    this.errors = errors;
  }
}

/** Well-formed, but the values break a rule of the domain (422). */
export class UnprocessableEntityError extends DomainError {
  readonly code = 'unprocessable-entity';
  readonly title = 'Unprocessable entity';
  readonly errors: readonly FieldError[];
  constructor(detail: string, errors: readonly FieldError[] = []) {
    super(detail);
    this.errors = errors;
  }
}

/** The record does not exist or is not visible to the caller: never reveal which (404). */
export class NotFoundError extends DomainError {
  readonly code = 'not-found';
  readonly title = 'Not found';
}

/** Visible to the caller, but not their action by side or role (403). */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
  readonly title = 'Forbidden';
}

/** A route exists for the path but not for this method (405). */
export class MethodNotAllowedError extends DomainError {
  readonly code = 'method-not-allowed';
  readonly title = 'Method not allowed';
  readonly allow: readonly string[];
  constructor(detail: string, allow: readonly string[]) {
    super(detail);
    this.allow = allow;
  }
}

/** The caller's `If-Match` no longer matches the record's version (412). */
export class PreconditionFailedError extends DomainError {
  readonly code = 'precondition-failed';
  readonly title = 'Precondition failed';
}

/** Right caller, wrong state: a status that forbids the action, or a concurrent winner (409). */
export class ConflictError extends DomainError {
  readonly code = 'conflict';
  readonly title = 'Conflict';
}

/** The request body exceeds the contract's limit (413). */
export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload-too-large';
  readonly title = 'Payload too large';
}

/**
 * A dependency was busy or failed transiently past its own retries (503, with
 * `Retry-After`): nothing was applied, and the same request may simply be sent again.
 */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'service-unavailable';
  readonly title = 'Service unavailable';
  /** Seconds the caller should wait before retrying. */
  readonly retryAfterSeconds = 1;
}

/** The body is not in a media type the route accepts (415). */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported-media-type';
  readonly title = 'Unsupported media type';
}
