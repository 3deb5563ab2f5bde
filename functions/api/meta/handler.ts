/** The meta slice's Lambda: liveness, the OpenAPI document and the catch-all (decision record 44). */
import { metaFunction } from '../../../shared/meta/api/routes.ts';
import { handler as getHealth } from './get-health.ts';
import { handler as getOpenApi } from './get-openapi.ts';
import { handler as notFound } from './not-found.ts';

export const handler = metaFunction.serve({ getHealth, getOpenApi, notFound });
