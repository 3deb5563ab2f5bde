/** The metrics slice's Lambda: the programme's figures (decision record 44). */
import { metricsFunction } from '../../../shared/metrics/api/routes.ts';
import { handler as getMetricsSummary } from './get-metrics-summary.ts';

export const handler = metricsFunction.serve({ getMetricsSummary });
