/**
 * Alarms of one stage (README "Alarms and the dashboard"). Every alarm:
 * - is named `jointly-<stage>-<what>`, so e-mails say which stage and what, two stages in
 *   one account never collide, and the dashboard can list alarms of every stack by name
 *   (no cross-stack exports);
 * - fires on `> threshold` for one period, treats missing data as fine (no traffic is not
 *   an incident), and notifies the stage's SNS topic on ALARM and on OK.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** The period of function, API and dead-letter alarms. */
export const ALARM_PERIOD = Duration.minutes(5);

/** API p99 latency above this (ms) over `ALARM_PERIOD` alarms. */
export const API_LATENCY_P99_THRESHOLD_MS = 2000;

/** Stream records older than this (ms) when read alarm: the publisher is falling behind. */
export const ITERATOR_AGE_THRESHOLD_MS = 60_000;

/** The stage's alarm topic name (defined with the other encrypted resources). */
export { alarmTopicNameOf } from '../encrypted-resources.ts';

/** The custom metrics namespace of a stage (metric filters on the functions' JSON logs). */
export const metricNamespaceOf = (stage: string): string => `Jointly/${stage}`;

/** What one alarm watches. */
export interface AlarmSpec {
  /** The part of the name after `jointly-<stage>-`, e.g. `api-5xx`. */
  readonly name: string;
  readonly metric: cloudwatch.IMetric;
  /** Alarms when the metric is greater than this. */
  readonly threshold: number;
  /** What it means, for the e-mail: say what broke and where to look. */
  readonly description: string;
}

/** Creates the stage's alarms, all notifying `topic`, and remembers their names. */
export class StageAlarms {
  private readonly names: string[] = [];
  private readonly stage: string;
  private readonly action: cwActions.SnsAction;

  constructor(stage: string, topic: sns.ITopic) {
    this.stage = stage;
    this.action = new cwActions.SnsAction(topic);
  }

  /** Names of the alarms created so far (for the dashboard's alarm status widget). */
  get alarmNames(): readonly string[] {
    return [...this.names];
  }

  /** One alarm, under `scope` with construct id `id`. */
  add(scope: Construct, id: string, spec: AlarmSpec): cloudwatch.Alarm {
    const alarmName = `jointly-${this.stage}-${spec.name}`;
    const alarm = new cloudwatch.Alarm(scope, id, {
      alarmName,
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Jointly ${this.stage}: ${spec.description}`,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.names.push(alarmName);
    return alarm;
  }

  /** `Errors > 0` and `Throttles > 0` over five minutes for function `name`. */
  forFunction(fn: lambda.IFunction, name: string): void {
    this.add(fn, 'ErrorsAlarm', {
      name: `fn-${name}-errors`,
      metric: fn.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }),
      threshold: 0,
      description: `function ${name} failed (uncaught error or timeout); see its log group for the correlation id.`,
    });
    this.add(fn, 'ThrottlesAlarm', {
      name: `fn-${name}-throttles`,
      metric: fn.metricThrottles({ period: ALARM_PERIOD, statistic: 'Sum' }),
      threshold: 0,
      description: `function ${name} was throttled: the account's concurrency limit was reached.`,
    });
  }

  /** `ApproximateNumberOfMessagesVisible > 0` on a dead-letter queue. */
  forDeadLetterQueue(dlq: sqs.IQueue, queueName: string, what: string): void {
    this.add(dlq, 'DepthAlarm', {
      name: `${queueName.replace(`jointly-${this.stage}-`, '')}-depth`,
      metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      description: `${what} were dead-lettered to ${queueName}; inspect and redrive them (README "Alarms and the dashboard").`,
    });
  }
}
