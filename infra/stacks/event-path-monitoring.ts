/**
 * What the stage watches of its event path: counts derived from the workers' structured
 * log lines (CloudWatch Logs metric filters), and what the stage dashboard (in the API
 * stack) is handed of the events stack.
 */
import type { Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ALARM_PERIOD, metricNamespaceOf } from '../constructs/alarms.ts';
import type { JointlyFunction } from '../constructs/jointly-function.ts';
import type { EventFunctionName } from '../function-entries.ts';

/** A queue of the stage, by its literal name (metrics need no cross-stack reference). */
export interface NamedQueue {
  /** What it holds, for the dashboard. */
  readonly label: string;
  readonly queueName: string;
}

/**
 * Counts from the workers' structured log lines (CloudWatch Logs metric filters), in the
 * stage's namespace `Jointly/<stage>`. `message` is the Powertools log message matched.
 */
export const LOG_METRICS = {
  /** Inbox alerts written by the fan-out (INFO `Event fanned out`, field `alerted`). */
  alertsWritten: { fn: 'fanOut', message: 'Event fanned out', value: '$.alerted' },
  /** Delivery jobs queued by the fan-out (INFO `Event fanned out`, field `jobsQueued`). */
  deliveryJobsQueued: { fn: 'fanOut', message: 'Event fanned out', value: '$.jobsQueued' },
  /** Webhook/e-mail deliveries that succeeded. */
  deliveriesDelivered: { fn: 'deliver', message: 'Delivery attempt', status: 'delivered', value: '1' },
  /** Failed attempts re-queued with backoff. */
  deliveryRetries: { fn: 'deliver', message: 'Delivery attempt', status: 'retry-queued', value: '1' },
  /** Deliveries that failed their last attempt (WARN `Delivery attempt`, `status: dead-lettered`): alarmed. */
  deliveriesDeadLettered: { fn: 'deliver', message: 'Delivery attempt', status: 'dead-lettered', value: '1' },
  /** Overdue events raised by the SLA sweep (INFO `SLA sweep`, field `raised`). */
  overdueRaised: { fn: 'slaSweep', message: 'SLA sweep', value: '$.raised' },
  /** Events the metrics consumer counted (INFO `Metrics counted`, field `counted`). */
  metricsEventsCounted: { fn: 'metrics', message: 'Metrics counted', value: '$.counted' },
  /** Redelivered events it recognised and did not count again (field `duplicates`). */
  metricsDuplicates: { fn: 'metrics', message: 'Metrics counted', value: '$.duplicates' },
} as const satisfies Record<string, { fn: EventFunctionName; message: string; status?: string; value: string }>;
export type LogMetricName = keyof typeof LOG_METRICS;

/** What the stage dashboard shows of the event path. */
export interface EventPathMonitoring {
  readonly functions: ReadonlyMap<EventFunctionName, lambda.IFunction>;
  readonly workQueues: readonly NamedQueue[];
  readonly deadLetterQueues: readonly NamedQueue[];
  /** Age of the newest stream record the publisher read (Maximum, ms). */
  readonly iteratorAge: cloudwatch.Metric;
  /** Sums of the log-derived counts. */
  readonly logMetrics: Readonly<Record<LogMetricName, cloudwatch.Metric>>;
  /** Names of this stack's alarms. */
  readonly alarmNames: readonly string[];
}

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

/** One metric filter per {@link LOG_METRICS} entry on its function's log group, in the stage's namespace; their sums. */
export const addLogMetrics = (
  stack: Stack,
  stage: string,
  functions: ReadonlyMap<EventFunctionName, JointlyFunction>,
): Record<LogMetricName, cloudwatch.Metric> => {
  const namespace = metricNamespaceOf(stage);
  const logMetrics = {} as Record<LogMetricName, cloudwatch.Metric>;
  for (const [name, spec] of Object.entries(LOG_METRICS) as [LogMetricName, (typeof LOG_METRICS)[LogMetricName]][]) {
    const message = logs.FilterPattern.stringValue('$.message', '=', spec.message);
    const filter = new logs.MetricFilter(stack, `${pascal(name)}Metric`, {
      logGroup: functions.get(spec.fn)!.logGroupResource,
      filterPattern:
        'status' in spec ? logs.FilterPattern.all(message, logs.FilterPattern.stringValue('$.status', '=', spec.status)) : message,
      metricNamespace: namespace,
      metricName: pascal(name),
      metricValue: spec.value,
    });
    logMetrics[name] = filter.metric({ statistic: 'Sum', period: ALARM_PERIOD });
  }
  return logMetrics;
};
