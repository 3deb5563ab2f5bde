/** `GET /metrics/summary`: the programme evaluation figures, as JSON or CSV. */
import { defineRoute } from '../../platform/http/route-definition.ts';
import { MetricsSummaryQuerySchema, MetricsSummarySchema } from '../domain/metrics-schemas.ts';
import { defineSliceFunction } from '../../platform/http/function-dispatch.ts';

/**
 * The Lambda that serves every route of this slice: one function per feature slice, chosen
 * by simulation (docs/decisions.md, record 44); its entry hands each route to its handler.
 */
export const METRICS_FUNCTION = { functionId: 'metricsApi', entry: 'functions/api/metrics/handler.ts' } as const;

export const getMetricsSummaryRoute = defineRoute({
  operationId: 'getMetricsSummary',
  method: 'GET',
  path: '/metrics/summary',
  auth: 'jwt',
  ...METRICS_FUNCTION,
  summary:
    'Programme evaluation figures by service area, day, org pair or priority (programme managers); CSV with Accept: text/csv or format=csv',
  tags: ['metrics'],
  request: { query: MetricsSummaryQuerySchema },
  success: {
    status: 200,
    description: 'The figures of the period, per group and in total',
    schema: MetricsSummarySchema,
    alternatives: {
      'text/csv':
        'The same figures as RFC 4180 CSV: a header row, one row per group, columns named by the JSON paths of the figures (rates are decimals 0–1)',
    },
  },
  errorStatuses: [401, 403],
  tableAccess: 'read',
});

/** The metrics slice's routes. */
export const METRICS_ROUTES = [getMetricsSummaryRoute] as const;

/** The metrics slice's Lambda and the routes it serves. */
export const metricsFunction = defineSliceFunction(METRICS_FUNCTION, METRICS_ROUTES);
