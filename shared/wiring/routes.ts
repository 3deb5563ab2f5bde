/**
 * Every API route, gathered from the slices that define them: the one list the CDK API
 * stack deploys, the local gateway serves, `GET /openapi.json` documents and the
 * catch-all answers 405 from. Local-only routes (`/_local/token`) are deliberately
 * absent: they live in the local gateway, so the CDK app cannot deploy them.
 */
import { FHIR_FORMAT } from '../fhir/api/fhir-format.ts';
import { FHIR_BASE_PATH, FHIR_ROUTES } from '../fhir/api/routes.ts';
import { METRICS_ROUTES } from '../metrics/api/routes.ts';
import { META_ROUTES } from '../meta/api/routes.ts';
import type { PathFormat, RouteDefinition } from '../platform/http/route-definition.ts';
import { REFERENCE_ROUTES } from '../reference/api/routes.ts';
import { REFERRAL_ROUTES } from '../referrals/api/routes.ts';
import { SUBJECT_ROUTES } from '../referrals/api/subject-routes.ts';
import { SUBSCRIPTION_ROUTES } from '../subscriptions/api/routes.ts';

export { DEFAULT_ROUTE } from '../meta/api/routes.ts';

/** Every route, in the order the contract lists them. */
export const ROUTES: readonly RouteDefinition[] = [
  ...META_ROUTES,
  ...REFERENCE_ROUTES,
  ...REFERRAL_ROUTES,
  ...SUBJECT_ROUTES,
  ...SUBSCRIPTION_ROUTES,
  ...METRICS_ROUTES,
  ...FHIR_ROUTES,
];

/** Paths whose unmatched requests are answered in another format than problem+json: the FHIR face's. */
export const PATH_FORMATS: readonly PathFormat[] = [{ pathPrefix: FHIR_BASE_PATH, format: FHIR_FORMAT }];
