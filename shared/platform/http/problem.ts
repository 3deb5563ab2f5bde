/**
 * The one mapping from errors to HTTP: RFC 9457 `application/problem+json`. Domain errors
 * keep their message as `detail`; anything else becomes a 500 whose detail never leaks
 * internals.
 */
import {
  BadRequestError,
  ConflictError,
  DomainError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  ServiceUnavailableError,
  UnauthenticatedError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
  type FieldError,
} from '../../core/errors.ts';
import { PROBLEM_LIMITS, type Problem } from './common-schemas.ts';

/** Base of problem `type` URIs; each type is documented in the README. */
export const PROBLEM_TYPE_BASE = 'https://jointly.dev/problems/';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A ready-to-return API Gateway v2 structured result. */
export interface ProblemResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const STATUS_BY_ERROR = new Map<abstract new (...args: never[]) => DomainError, number>([
  [UnauthenticatedError, 401],
  [BadRequestError, 400],
  [UnprocessableEntityError, 422],
  [NotFoundError, 404],
  [ForbiddenError, 403],
  [MethodNotAllowedError, 405],
  [PreconditionFailedError, 412],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [ServiceUnavailableError, 503],
]);

/** HTTP status for a domain error. */
export const statusOf = (error: DomainError): number => {
  for (const [type, status] of STATUS_BY_ERROR) if (error instanceof type) return status;
  return 500;
};

/** `text` cut to `max` characters, an ellipsis marking the cut. */
const atMost = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * Builds a problem response from its parts, cut to {@link PROBLEM_LIMITS}: the detail,
 * path and field errors can echo the request, and the contract promises maxima.
 */
export const problemResponse = (problem: {
  status: number;
  code: string;
  title: string;
  detail: string;
  instance?: string;
  correlationId?: string;
  errors?: readonly FieldError[];
  headers?: Record<string, string>;
}): ProblemResponse => {
  const errors = (problem.errors ?? [])
    .slice(0, PROBLEM_LIMITS.errors)
    .map((error) => ({ path: atMost(error.path, PROBLEM_LIMITS.errorPath), message: atMost(error.message, PROBLEM_LIMITS.errorMessage) }));
  const body: Problem = {
    type: `${PROBLEM_TYPE_BASE}${problem.code}`,
    title: problem.title,
    status: problem.status,
    detail: atMost(problem.detail, PROBLEM_LIMITS.detail),
    ...(problem.instance ? { instance: atMost(problem.instance, PROBLEM_LIMITS.instance) } : {}),
    ...(problem.correlationId ? { correlationId: problem.correlationId } : {}),
    ...(errors.length > 0 ? { errors } : {}),
  };
  return {
    statusCode: problem.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...problem.headers },
    body: JSON.stringify(body),
  };
};

/** Errors from middy's own middlewares carry a numeric `statusCode` and `expose`. */
interface MiddyHttpError {
  statusCode: number;
  message: string;
  expose?: boolean;
  cause?: { package?: string };
}

const isMiddyHttpError = (error: unknown): error is MiddyHttpError =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as MiddyHttpError).statusCode === 'number' &&
  (error as MiddyHttpError).statusCode < 500;

/**
 * AWS errors that mean "busy, not applied" once the client's own retries are spent:
 * throttling, capacity, a transaction conflict, a server-side fault or a timeout. Matched
 * by name (and the `$retryable` mark errors carry, as the SDK's do) so this module stays
 * free of the AWS client.
 */
const TRANSIENT_ERROR_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
]);

/**
 * Of those, the ones after which a write may still have been applied: a timeout (the SDK's,
 * or middy's own stop just before the Lambda timeout, both named `TimeoutError`) and a
 * server-side fault. Only refusals (throttling, capacity, conflicts) are known to have
 * changed nothing.
 */
const UNCERTAIN_OUTCOME_NAMES = new Set(['InternalServerError', 'ServiceUnavailable', 'ServiceUnavailableException', 'TimeoutError']);

/** Whether a transient error leaves it unknown if the request's write was applied. */
export const isUncertainOutcome = (error: unknown): boolean => {
  const name = (error as { name?: unknown } | undefined)?.name;
  if (typeof name === 'string' && UNCERTAIN_OUTCOME_NAMES.has(name)) return true;
  // An SDK error marked retryable but not as throttling: say less, not more.
  const retryable = (error as { $retryable?: { throttling?: boolean } } | undefined)?.$retryable;
  return typeof name === 'string' && !TRANSIENT_ERROR_NAMES.has(name) && name !== 'TransactionCanceledException' && !retryable?.throttling;
};

const TRANSIENT_CANCELLATION_CODES = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

export const isTransientDependencyError = (error: unknown): boolean => {
  const candidate = error as { name?: unknown; $retryable?: unknown; CancellationReasons?: { Code?: string }[] } | undefined;
  if (!candidate || typeof candidate !== 'object') return false;
  if (candidate.name === 'TransactionCanceledException') {
    return (candidate.CancellationReasons ?? []).some((reason) => TRANSIENT_CANCELLATION_CODES.has(String(reason?.Code)));
  }
  return (typeof candidate.name === 'string' && TRANSIENT_ERROR_NAMES.has(candidate.name)) || Boolean(candidate.$retryable);
};

/**
 * Normalises anything thrown into a domain error, or `undefined` for an internal fault.
 * Middy's JSON body parser reports malformed JSON as 422; the contract calls it a 400.
 */
export const toDomainError = (error: unknown): DomainError | undefined => {
  if (error instanceof DomainError) return error;
  // Powertools idempotency, matched by name so this module stays free of it.
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'IdempotencyAlreadyInProgressError') {
    return new ConflictError('A request with this Idempotency-Key is still being processed: retry shortly.');
  }
  if (name === 'IdempotencyValidationError') {
    return new UnprocessableEntityError('This Idempotency-Key was already used with a different request body.', [
      { path: 'Idempotency-Key', message: 'was used with a different body' },
    ]);
  }
  if (isTransientDependencyError(error)) {
    return new ServiceUnavailableError(
      isUncertainOutcome(error)
        ? 'The service did not answer in time: the change may or may not have been made. Re-read before deciding again, or send the same request with the same Idempotency-Key.'
        : 'The service is busy: nothing was changed, send the same request again shortly.',
    );
  }
  if (!isMiddyHttpError(error)) return undefined;
  if (error.statusCode === 415) {
    return new UnsupportedMediaTypeError(
      error.cause?.package === '@middy/http-urlencode-body-parser'
        ? 'The request body must be application/x-www-form-urlencoded.'
        : 'The request body must be application/json.',
    );
  }
  if (error.statusCode === 413) return new PayloadTooLargeError(error.message);
  if (error.cause?.package === '@middy/http-json-body-parser') {
    return new BadRequestError('The request body is not valid JSON.', [{ path: '(body)', message: 'Malformed JSON' }]);
  }
  return new BadRequestError(error.message);
};

/** The problem response for any error: domain errors verbatim, the rest a generic 500. */
export const problemFromError = (error: unknown, context: { instance?: string; correlationId?: string } = {}): ProblemResponse => {
  const domainError = toDomainError(error);
  if (!domainError) {
    return problemResponse({
      status: 500,
      code: 'internal-error',
      title: 'Internal server error',
      detail: 'Something went wrong on our side. Quote the correlation id if you contact support.',
      ...context,
    });
  }
  const errors = 'errors' in domainError ? (domainError.errors as readonly FieldError[]) : undefined;
  const headers: Record<string, string> | undefined =
    domainError instanceof MethodNotAllowedError
      ? { Allow: domainError.allow.join(', ') }
      : domainError instanceof ServiceUnavailableError
        ? { 'Retry-After': String(domainError.retryAfterSeconds) }
        : domainError instanceof UnauthenticatedError
          ? { 'WWW-Authenticate': 'Bearer' }
          : undefined;
  return problemResponse({
    status: statusOf(domainError),
    code: domainError.code,
    title: domainError.title,
    detail: domainError.message,
    ...context,
    ...(errors ? { errors } : {}),
    ...(headers ? { headers } : {}),
  });
};
