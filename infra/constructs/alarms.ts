/**
 * Alarms of one stage (README "Alarms and the dashboard"). Every alarm:
 * - is named `jointly-<stage>-<what>`, so e-mails say which stage and what, two stages in
 *   one account never collide, and the dashboard can list alarms of every stack by name
 *   (no cross-stack exports);
 * - fires on `> threshold` for one period, treats missing data as fine (no traffic is not
 *   an incident), and notifies the stage's SNS topic on ALARM and on OK — except a heartbeat
 *   (`forStalledSchedule`), which fires on missing data: silence is what it watches for;
 * - ends its description with `Runbook: docs/runbooks.md#<anchor>`, the section saying what
 *   it means, what to check and what to do (one section per kind of alarm).
 */
import { Duration, Fn } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
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

/**
 * Where the runbook lives. A repository path, not a URL: the repository has no public address
 * to link to, and whoever is paged has the repository (README, docs/operations.md).
 */
export const RUNBOOK_DOC = 'docs/runbooks.md';

/** The runbook section (GitHub heading anchor in {@link RUNBOOK_DOC}) of each kind of alarm. */
export const RUNBOOKS = {
  functionErrors: 'function-errors',
  functionThrottles: 'function-throttles',
  deadLetterQueueDepth: 'dead-letter-queue-depth',
  publisherIteratorAge: 'publisher-iterator-age',
  recordKeeperIteratorAge: 'record-keeper-iterator-age',
  deliveriesDeadLettered: 'deliveries-dead-lettered',
  api5xx: 'api-5xx',
  apiLatencyP99: 'api-latency-p99',
  ruleFailedInvocations: 'eventbridge-rule-failed-invocations',
  slaSweepStalled: 'sla-sweep-stalled',
  monthlyBudget: 'monthly-budget',
} as const;
export type RunbookAnchor = (typeof RUNBOOKS)[keyof typeof RUNBOOKS];

/** `Runbook: docs/runbooks.md#<anchor>`: the last words of every alarm description. */
export const runbookReferenceOf = (anchor: RunbookAnchor): string => `Runbook: ${RUNBOOK_DOC}#${anchor}`;

/** How an alarm breaches, when not the default (`> threshold` for one period, missing data fine). */
export interface AlarmBreach {
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
}

/** What one alarm watches. */
export interface AlarmSpec {
  /** The part of the name after `jointly-<stage>-`, e.g. `api-5xx`. */
  readonly name: string;
  readonly metric: cloudwatch.IMetric;
  /** Alarms when the metric is greater than this (or as `breach` says). */
  readonly threshold: number;
  /** What it means, for the e-mail: say what broke and where to look. */
  readonly description: string;
  /** Its runbook section. */
  readonly runbook: RunbookAnchor;
  /** Default: greater than `threshold` for one period; missing data is not breaching. */
  readonly breach?: AlarmBreach;
}

/** A rule of the event path, for its `FailedInvocations` alarm. */
export interface WatchedRule {
  readonly rule: events.Rule;
  /** Short name for the alarm (`fan-out`, `sla-sweep`). */
  readonly name: string;
  /** The custom bus the rule is on; omitted for a default-bus (schedule) rule. */
  readonly eventBusName?: string;
}

/**
 * The rule's name as CloudWatch reports it: the last part of its ARN
 * (`…:rule/<bus>/<name>`, or `…:rule/<name>` on the default bus). Not `rule.ruleName`: that
 * is CloudFormation's `Ref`, which for a rule on a custom bus is `<bus>|<name>`.
 */
const ruleNameOf = (watched: WatchedRule): string =>
  watched.eventBusName === undefined ? watched.rule.ruleName : Fn.select(2, Fn.split('/', watched.rule.ruleArn));

/** `FailedInvocations` (Sum over `ALARM_PERIOD`) of a rule: targets EventBridge gave up on. */
export const ruleFailedInvocationsMetric = (watched: WatchedRule): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName: 'FailedInvocations',
    // A rule on a custom bus is reported under both dimensions; a default-bus rule under RuleName only.
    dimensionsMap: {
      ...(watched.eventBusName === undefined ? {} : { EventBusName: watched.eventBusName }),
      RuleName: ruleNameOf(watched),
    },
    statistic: 'Sum',
    period: ALARM_PERIOD,
    label: watched.name,
  });

/**
 * Runs of `fn` that ended without a function error, per `period`: `Invocations − Errors`,
 * missing values as 0. With no invocation at all the expression has no data points either,
 * which the heartbeat alarm treats as breaching.
 */
export const successfulRunsMetric = (fn: lambda.IFunction, period: Duration): cloudwatch.MathExpression =>
  new cloudwatch.MathExpression({
    expression: 'FILL(invocations, 0) - FILL(errors, 0)',
    usingMetrics: {
      invocations: fn.metricInvocations({ statistic: 'Sum', period }),
      errors: fn.metricErrors({ statistic: 'Sum', period }),
    },
    label: 'successful runs',
    period,
  });

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
      evaluationPeriods: spec.breach?.evaluationPeriods ?? 1,
      comparisonOperator: spec.breach?.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: spec.breach?.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Jointly ${this.stage}: ${spec.description} ${runbookReferenceOf(spec.runbook)}`,
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
      runbook: RUNBOOKS.functionErrors,
    });
    this.add(fn, 'ThrottlesAlarm', {
      name: `fn-${name}-throttles`,
      metric: fn.metricThrottles({ period: ALARM_PERIOD, statistic: 'Sum' }),
      threshold: 0,
      description: `function ${name} was throttled: the account's concurrency limit was reached.`,
      runbook: RUNBOOKS.functionThrottles,
    });
  }

  /** `ApproximateNumberOfMessagesVisible > 0` on a dead-letter queue. */
  forDeadLetterQueue(dlq: sqs.IQueue, queueName: string, what: string): void {
    this.add(dlq, 'DepthAlarm', {
      name: `${queueName.replace(`jointly-${this.stage}-`, '')}-depth`,
      metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      description: `${what} were dead-lettered to ${queueName}; inspect and redrive them.`,
      runbook: RUNBOOKS.deadLetterQueueDepth,
    });
  }

  /** `FailedInvocations > 0` over five minutes on an EventBridge rule. */
  forRule(watched: WatchedRule): void {
    this.add(watched.rule, 'FailedInvocationsAlarm', {
      name: `rule-${watched.name}-failed-invocations`,
      metric: ruleFailedInvocationsMetric(watched),
      threshold: 0,
      description: `EventBridge gave up invoking the target of rule ${watched.name} (after its retries).`,
      runbook: RUNBOOKS.ruleFailedInvocations,
    });
  }

  /**
   * A heartbeat on a scheduled function: alarms when `fn` had no successful run in each of
   * `periods` consecutive schedule periods (`rateMinutes` each), including when it was not
   * invoked at all (missing data is breaching here).
   */
  forStalledSchedule(fn: lambda.IFunction, schedule: { name: string; rateMinutes: number; periods: number; runbook: RunbookAnchor }): void {
    const { name, rateMinutes, periods, runbook } = schedule;
    this.add(fn, 'StalledAlarm', {
      name: `${name}-stalled`,
      metric: successfulRunsMetric(fn, Duration.minutes(rateMinutes)),
      threshold: 1,
      description: `${name} has not completed a run in ${periods * rateMinutes} minutes (it runs every ${rateMinutes === 1 ? 'minute' : `${rateMinutes} minutes`}).`,
      runbook,
      breach: {
        comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: periods,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    });
  }
}

/** A notification of the stage budget: `ACTUAL` or `FORECASTED` spend above `percent` of the limit. */
export interface BudgetNotification {
  readonly notificationType: 'ACTUAL' | 'FORECASTED';
  readonly percent: number;
}

/** 80 % of the limit actually spent; 100 % forecast by the end of the month. */
export const BUDGET_NOTIFICATIONS: readonly BudgetNotification[] = [
  { notificationType: 'ACTUAL', percent: 80 },
  { notificationType: 'FORECASTED', percent: 100 },
];

/** The stage budget's name. */
export const budgetNameOf = (stage: string): string => `jointly-${stage}-monthly`;

/** Properties of the stage budget. */
export interface StageBudgetProps {
  readonly stage: string;
  /** Monthly cost limit in USD (AWS Budgets' unit). */
  readonly limitUsd: number;
  /** Who is e-mailed (the stage's alarm e-mail). */
  readonly email: string;
}

/**
 * The stage's monthly cost budget: the costs of resources tagged `Stage=<stage>` (a
 * cost-allocation tag, which must be activated in the Billing console before it filters
 * anything), e-mailing `email` at {@link BUDGET_NOTIFICATIONS}. E-mail, not the alarm topic:
 * the topic's policy and key admit CloudWatch only, and budgets would need both opened.
 */
export const addStageBudget = (scope: Construct, id: string, props: StageBudgetProps): budgets.CfnBudget =>
  new budgets.CfnBudget(scope, id, {
    budget: {
      budgetName: budgetNameOf(props.stage),
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      budgetLimit: { amount: props.limitUsd, unit: 'USD' },
      costFilters: { TagKeyValue: [`user:Stage$${props.stage}`] },
    },
    notificationsWithSubscribers: BUDGET_NOTIFICATIONS.map(({ notificationType, percent }) => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold: percent, thresholdType: 'PERCENTAGE' },
      subscribers: [{ subscriptionType: 'EMAIL', address: props.email }],
    })),
  });
