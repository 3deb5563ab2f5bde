/** The metrics consumer (shared/metrics/api/metrics-handler.ts) on the DynamoDB client of its composition root. */
import { metricsHandler } from '../../../shared/wiring/metrics.ts';

export const handler = metricsHandler();
