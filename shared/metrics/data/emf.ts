/**
 * Business metrics as CloudWatch EMF through Powertools Metrics: one EMF line per service
 * area per batch (metrics of one name in one line share it as a list of values). A fresh
 * `Metrics` per line, so concurrent invocations in one process (the local runtime) never
 * mix dimensions.
 *
 * Off in the local runtime by default — the figures are in `GET /metrics/summary`, and EMF
 * lines would flood `npm start`'s output — unless `POWERTOOLS_METRICS_DISABLED=false` asks
 * for them; on in deployed stages unless `POWERTOOLS_METRICS_DISABLED=true`
 * (`POWERTOOLS_DEV=true` turns them off too, as Powertools does).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { EmfMetric } from '../domain/event-metrics.ts';
import type { BusinessMetricsSink } from '../domain/ports.ts';
import { POWERTOOLS_ENV } from '../../platform/config/environment.ts';
import { BUSINESS_METRIC_DIMENSION, businessMetricsNamespaceOf } from './business-metrics.ts';

/** Options of {@link PowertoolsEmfSink}. */
export interface PowertoolsEmfSinkOptions {
  readonly stage: string;
  readonly serviceName?: string;
  readonly enabled: boolean;
}

/** EMF on stdout (CloudWatch Logs turns it into metrics in AWS). */
export class PowertoolsEmfSink implements BusinessMetricsSink {
  readonly enabled: boolean;
  private readonly namespace: string;
  private readonly serviceName: string;

  constructor(options: PowertoolsEmfSinkOptions) {
    this.enabled = options.enabled;
    this.namespace = businessMetricsNamespaceOf(options.stage);
    this.serviceName = options.serviceName ?? 'jointly';
  }

  publish(events: readonly { readonly serviceArea: string; readonly metrics: readonly EmfMetric[] }[]): void {
    if (!this.enabled) return;
    const byArea = new Map<string, EmfMetric[]>();
    for (const event of events) byArea.set(event.serviceArea, [...(byArea.get(event.serviceArea) ?? []), ...event.metrics]);
    for (const [serviceArea, metrics] of byArea) {
      if (metrics.length === 0) continue;
      const emf = new Metrics({
        namespace: this.namespace,
        serviceName: this.serviceName,
        defaultDimensions: { [BUSINESS_METRIC_DIMENSION]: serviceArea },
      });
      for (const metric of metrics) emf.addMetric(metric.name, metric.unit, metric.value);
      emf.publishStoredMetrics();
    }
  }
}

/**
 * Whether EMF is on: `POWERTOOLS_METRICS_DISABLED` decides when set; otherwise on in a
 * deployed stage and off locally.
 */
export const emfEnabled = (stage: string, env: NodeJS.ProcessEnv = process.env): boolean => {
  const disabled = env[POWERTOOLS_ENV.metricsDisabled];
  if (disabled !== undefined && disabled !== '') return !['1', 'true', 'yes', 'on', 'y'].includes(disabled.trim().toLowerCase());
  return stage !== 'local';
};
