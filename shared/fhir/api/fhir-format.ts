/**
 * How the FHIR face writes its answers: `application/fhir+json`, and every error the API's
 * one error mapping produces rendered as an OperationOutcome (same status, one issue per
 * field error, naming the element).
 */
import type { ResponseFormat } from '../../platform/http/response-format.ts';
import { FHIR_MEDIA_TYPE } from '../domain/fhir-systems.ts';
import { OperationOutcomeSchema } from '../domain/fhir-schemas.ts';
import { outcomeOfProblem } from '../domain/operation-outcome.ts';

/** The FHIR face's response format. */
export const FHIR_FORMAT: ResponseFormat = {
  mediaType: FHIR_MEDIA_TYPE,
  requestMediaType: FHIR_MEDIA_TYPE,
  renderError: (problem) => outcomeOfProblem(problem),
  errorSchema: OperationOutcomeSchema,
};
