import { summaryResponse } from '../../../shared/metrics/api/metrics-csv.ts';
import { getMetricsSummaryRoute } from '../../../shared/metrics/api/routes.ts';
import { metricsService } from '../../../shared/wiring/evaluation.ts';

/**
 * `GET /metrics/summary?from=&to=&serviceArea=&org=&groupBy=&format=` (programme managers):
 * JSON, or the same figures as CSV with `format=csv` / `Accept: text/csv`.
 */
export const handler = getMetricsSummaryRoute.handle(async ({ caller, query, event }) =>
  summaryResponse(await metricsService.summary(caller, query), query.format, event.headers?.accept),
);
