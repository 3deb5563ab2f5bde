import { MetricsSummaryQuerySchema } from '../../../shared/metrics/domain/metrics-schemas.ts';
import { summaryCsv, summaryFilename, wantsCsv, CSV_CONTENT_TYPE } from '../../../shared/metrics/api/metrics-csv.ts';
import { httpHandler, type HttpResult } from '../../../shared/platform/http/middleware.ts';
import { metricsService } from '../../../shared/wiring/evaluation.ts';

/**
 * `GET /metrics/summary?from=&to=&serviceArea=&org=&groupBy=&format=` (programme managers):
 * JSON, or the same figures as CSV with `format=csv` / `Accept: text/csv`.
 */
export const handler = httpHandler({ auth: 'jwt', query: MetricsSummaryQuerySchema }, async ({ caller, query, event }): Promise<HttpResult> => {
  const summary = await metricsService.summary(caller, query);
  if (wantsCsv(query.format, event.headers?.accept)) {
    return {
      statusCode: 200,
      rawBody: summaryCsv(summary),
      headers: {
        'Content-Type': CSV_CONTENT_TYPE,
        'Content-Disposition': `attachment; filename="${summaryFilename(summary)}"`,
        Vary: 'Accept',
      },
    };
  }
  return { statusCode: 200, body: summary, headers: { Vary: 'Accept' } };
});
