/**
 * The stage's CloudWatch dashboard `jointly-<stage>` (README "Alarms and the dashboard"):
 * alarm states first, then the API (requests, errors, latency), its functions, the event
 * path (functions, stream lag, queues, dead letters) and the alerts it produces.
 *
 * Queues and alarms are referred to by their literal names, so the dashboard adds no
 * cross-stack exports beyond the event functions' names.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  BUSINESS_METRIC_DIMENSION,
  businessMetricsNamespaceOf,
  type BusinessMetricName,
} from '../../shared/metrics/data/business-metrics.ts';
import { SERVICE_AREAS, labelFor } from '../../shared/core/reference-data.ts';
import type { EventPathMonitoring, NamedQueue } from '../stacks/event-path-monitoring.ts';
import { SERVICE_NAME } from './jointly-function.ts';
import { eventBusNameOf } from '../encrypted-resources.ts';
import { API_LATENCY_P99_THRESHOLD_MS, ITERATOR_AGE_THRESHOLD_MS, RUNBOOK_DOC, alarmTopicNameOf, successfulRunsMetric } from './alarms.ts';

/** The stage's dashboard name. */
export const dashboardNameOf = (stage: string): string => `jointly-${stage}`;

/** Properties of the stage dashboard. */
export interface StageDashboardProps {
  readonly stage: string;
  /** The HTTP API's `$default` stage. */
  readonly httpStage: apigwv2.HttpStage;
  /** The API functions, by function id (each once). */
  readonly apiFunctions: ReadonlyMap<string, lambda.IFunction>;
  readonly eventPath: EventPathMonitoring;
  /** Names of every alarm of the stage. */
  readonly alarmNames: readonly string[];
}

const PERIOD = Duration.minutes(5);
const FULL = 24;
const THIRD = 8;
const HEIGHT = 6;

const queueMetric = (queue: NamedQueue, metricName: string): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: 'AWS/SQS',
    metricName,
    dimensionsMap: { QueueName: queue.queueName },
    statistic: 'Maximum',
    period: PERIOD,
    label: queue.queueName,
  });

const perFunction = (
  functions: ReadonlyMap<string, lambda.IFunction>,
  metric: (fn: lambda.IFunction) => cloudwatch.Metric,
): cloudwatch.IMetric[] => [...functions].map(([name, fn]) => metric(fn).with({ label: name }));

const graph = (title: string, left: cloudwatch.IMetric[], options: Partial<cloudwatch.GraphWidgetProps> = {}) =>
  new cloudwatch.GraphWidget({ title, left, width: THIRD, height: HEIGHT, period: PERIOD, ...options });

/**
 * `FailedInvocations` of every rule of the stage's bus, found by search: the rules' names are
 * generated in the events stack, and a search adds no cross-stack export.
 */
const busRuleFailures = (stage: string): cloudwatch.MathExpression =>
  new cloudwatch.MathExpression({
    expression: `SEARCH('{AWS/Events,EventBusName,RuleName} MetricName="FailedInvocations" EventBusName="${eventBusNameOf(stage)}"', 'Sum', 300)`,
    usingMetrics: {},
    label: '',
    period: PERIOD,
  });

/** A business metric (EMF from the metrics consumer) of one service area. */
const businessMetric = (
  stage: string,
  name: BusinessMetricName,
  serviceArea: string,
  statistic: string,
  label: string,
): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: businessMetricsNamespaceOf(stage),
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME, [BUSINESS_METRIC_DIMENSION]: serviceArea },
    statistic,
    period: PERIOD,
    label,
  });

/** A count summed over every service area (one line however many areas). */
const allAreas = (stage: string, name: BusinessMetricName, label: string): cloudwatch.MathExpression => {
  // Ids are unique per graph: named after the metric (`handoffsOffered0` …).
  const id = (i: number) => `${name.charAt(0).toLowerCase()}${name.slice(1)}${i}`;
  return new cloudwatch.MathExpression({
    expression: SERVICE_AREAS.map((_, i) => id(i)).join(' + '),
    usingMetrics: Object.fromEntries(SERVICE_AREAS.map((area, i) => [id(i), businessMetric(stage, name, area, 'Sum', area)])),
    label,
    period: PERIOD,
  });
};

/**
 * The programme's business metrics: per service area, what happened to referrals; how
 * fast and how often within target they were accepted; handoffs; crisis prevention's
 * admissions avoided. The board's figures come from `GET /metrics/summary`; these are trends.
 */
const businessRows = (stage: string, eventPath: EventPathMonitoring): cloudwatch.IWidget[][] => [
  [
    new cloudwatch.TextWidget({
      markdown: `## Programme evaluation\nEMF business metrics (namespace \`${businessMetricsNamespaceOf(stage)}\`, by service area) from the metrics consumer. The programme board's figures — by submission day, org pair, with medians and within-target rates — are \`GET /metrics/summary\` (JSON or CSV).`,
      width: FULL,
      height: 2,
    }),
  ],
  SERVICE_AREAS.map((area) =>
    graph(`${labelFor(area)}: referrals`, [
      businessMetric(stage, 'ReferralsSubmitted', area, 'Sum', 'submitted'),
      businessMetric(stage, 'ReferralsAccepted', area, 'Sum', 'accepted'),
      businessMetric(stage, 'ReferralsDeclined', area, 'Sum', 'declined'),
      businessMetric(stage, 'ReferralsCancelled', area, 'Sum', 'cancelled'),
      businessMetric(stage, 'ReferralsCompleted', area, 'Sum', 'completed'),
      businessMetric(stage, 'ReferralsOverdue', area, 'Sum', 'overdue'),
    ]),
  ),
  [
    graph(
      'Time to accept a referral (minutes)',
      SERVICE_AREAS.flatMap((area) => [
        businessMetric(stage, 'TimeToAcceptMinutes', area, 'p50', `${area} median`),
        businessMetric(stage, 'TimeToAcceptMinutes', area, 'p90', `${area} p90`),
      ]),
    ),
    graph(
      'Accepted within target (share, 0–1)',
      SERVICE_AREAS.map((area) => businessMetric(stage, 'ReferralsAcceptedWithinTarget', area, 'Average', area)),
      { leftYAxis: { min: 0, max: 1 } },
    ),
    graph('Crisis prevention: completions and admissions avoided', [
      businessMetric(stage, 'ReferralsCompleted', 'crisis-prevention', 'Sum', 'completed'),
      businessMetric(stage, 'AdmissionsAvoided', 'crisis-prevention', 'Sum', 'admission avoided'),
    ]),
  ],
  [
    graph('Handoffs (all service areas)', [
      allAreas(stage, 'HandoffsOffered', 'offered'),
      allAreas(stage, 'HandoffsAccepted', 'accepted'),
      allAreas(stage, 'HandoffsDeclined', 'declined'),
      allAreas(stage, 'HandoffsWithdrawn', 'withdrawn'),
      allAreas(stage, 'HandoffsOverdue', 'overdue'),
    ]),
    graph(
      'Time to accept a handoff / complete a referral (minutes, p50)',
      SERVICE_AREAS.flatMap((area) => [
        businessMetric(stage, 'HandoffTimeToAcceptMinutes', area, 'p50', `${area} handoff`),
        businessMetric(stage, 'TimeToCompleteMinutes', area, 'p50', `${area} completion`),
      ]),
    ),
    graph('Referral loops (all service areas)', [
      allAreas(stage, 'InfoRequests', 'information requested'),
      allAreas(stage, 'ReferralsAmended', 'amended'),
      allAreas(stage, 'ReferralsRedirected', 'redirected'),
    ]),
  ],
  [
    graph('Metrics consumer: events counted and redeliveries recognised', [
      eventPath.logMetrics.metricsEventsCounted.with({ label: 'counted' }),
      eventPath.logMetrics.metricsDuplicates.with({ label: 'duplicates (not counted again)' }),
    ]),
  ],
];

/** One dashboard per stage. */
export class StageDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: StageDashboardProps) {
    super(scope, id);
    const { stage, httpStage, apiFunctions, eventPath } = props;
    const alarms = props.alarmNames.map((name) => cloudwatch.Alarm.fromAlarmName(this, `Alarm-${name}`, name));
    const api = (metric: cloudwatch.Metric, label: string) => metric.with({ label, period: PERIOD });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: dashboardNameOf(stage),
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: `# Jointly ${stage}\nEvery alarm below notifies the SNS topic \`${alarmTopicNameOf(stage)}\`. What each means, what to check and what to do: \`${RUNBOOK_DOC}\` in the repository (each alarm's description names its section).`,
            width: FULL,
            height: 2,
          }),
        ],
        [
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms (in ALARM first)',
            alarms,
            width: FULL,
            height: 8,
            sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
          }),
        ],
        [
          graph('API requests', [api(httpStage.metricCount({ statistic: 'Sum' }), 'requests')]),
          graph('API errors', [
            api(httpStage.metricClientError({ statistic: 'Sum' }), '4xx'),
            api(httpStage.metricServerError({ statistic: 'Sum' }), '5xx'),
          ]),
          graph(
            'API latency (ms)',
            [
              api(httpStage.metricLatency({ statistic: 'p50' }), 'p50'),
              api(httpStage.metricLatency({ statistic: 'p99' }), 'p99'),
              api(httpStage.metricIntegrationLatency({ statistic: 'p99' }), 'integration p99'),
            ],
            { leftAnnotations: [{ value: API_LATENCY_P99_THRESHOLD_MS, label: 'p99 alarm' }] },
          ),
        ],
        [
          graph(
            'API function errors',
            perFunction(apiFunctions, (fn) => fn.metricErrors({ statistic: 'Sum' })),
          ),
          graph(
            'API function duration p99 (ms)',
            perFunction(apiFunctions, (fn) => fn.metricDuration({ statistic: 'p99' })),
          ),
          graph('Throttles, every function', [
            ...perFunction(apiFunctions, (fn) => fn.metricThrottles({ statistic: 'Sum' })),
            ...perFunction(eventPath.functions, (fn) => fn.metricThrottles({ statistic: 'Sum' })),
          ]),
        ],
        [
          graph(
            'Event function errors',
            perFunction(eventPath.functions, (fn) => fn.metricErrors({ statistic: 'Sum' })),
          ),
          graph(
            'Event function duration p99 (ms)',
            perFunction(eventPath.functions, (fn) => fn.metricDuration({ statistic: 'p99' })),
          ),
          graph('Stream iterator age (ms)', [eventPath.iteratorAge], {
            leftAnnotations: [{ value: ITERATOR_AGE_THRESHOLD_MS, label: 'alarm' }],
          }),
        ],
        [
          graph(
            'Work queue depth',
            eventPath.workQueues.map((q) => queueMetric(q, 'ApproximateNumberOfMessagesVisible')),
          ),
          graph(
            'Oldest work message (s)',
            eventPath.workQueues.map((q) => queueMetric(q, 'ApproximateAgeOfOldestMessage')),
          ),
          graph(
            'Dead-letter queue depth',
            eventPath.deadLetterQueues.map((q) => queueMetric(q, 'ApproximateNumberOfMessagesVisible')),
          ),
        ],
        [
          graph('Alerts: inbox alerts and delivery jobs', [
            eventPath.logMetrics.alertsWritten.with({ label: 'inbox alerts written' }),
            eventPath.logMetrics.deliveryJobsQueued.with({ label: 'delivery jobs queued' }),
          ]),
          graph('Deliveries (webhook and e-mail)', [
            eventPath.logMetrics.deliveriesDelivered.with({ label: 'delivered' }),
            eventPath.logMetrics.deliveryRetries.with({ label: 'retried' }),
            eventPath.logMetrics.deliveriesDeadLettered.with({ label: 'dead-lettered' }),
          ]),
          graph('Overdue events raised', [eventPath.logMetrics.overdueRaised.with({ label: 'referral/handoff overdue' })]),
        ],
        [
          graph(
            'SLA sweep: successful runs per minute',
            [successfulRunsMetric(eventPath.functions.get('slaSweep')!, Duration.minutes(1))],
            {
              leftAnnotations: [{ value: 1, label: 'stalled below this (3 minutes running)' }],
            },
          ),
          graph('EventBridge: failed rule invocations (bus rules)', [busRuleFailures(stage)]),
        ],
        ...businessRows(stage, eventPath),
      ],
    });
  }
}
