/**
 * A route whose answers are not our own JSON (the FHIR face answers `application/fhir+json`,
 * its errors as OperationOutcome): the media type of every body it sends, and how the
 * problem the stack would otherwise send is rendered in it. The one error mapping
 * (problem.ts) still decides status and detail; a format only changes the body's shape.
 */
import type * as core from 'zod/v4/core';
import type { Problem } from './common-schemas.ts';

/** How a route writes its bodies, errors included. */
export interface ResponseFormat {
  /** `Content-Type` of every body the route answers with, successes and errors alike. */
  readonly mediaType: string;
  /** The error body in this format, from the problem (status, detail, field errors) the API would send. */
  readonly renderError: (problem: Problem) => unknown;
  /** The schema of such an error body, for the OpenAPI document. */
  readonly errorSchema: core.$ZodType;
  /** The media type the route's JSON request body is sent as (default: `application/json`). */
  readonly requestMediaType?: string;
}

/** Rewrites a problem response into `format`: same status and headers, the body and `Content-Type` of the format. */
export const renderProblemAs = (
  format: ResponseFormat,
  response: { statusCode: number; headers: Record<string, string>; body: string },
): { statusCode: number; headers: Record<string, string>; body: string } => ({
  statusCode: response.statusCode,
  headers: { ...response.headers, 'Content-Type': format.mediaType },
  body: JSON.stringify(format.renderError(JSON.parse(response.body) as Problem)),
});
