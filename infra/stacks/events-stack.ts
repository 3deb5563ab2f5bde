/**
 * The event path of one stage (DESIGN §1): the table's stream → publisher → EventBridge
 * bus → rules (from `shared/events/bus-rules.ts`, the same source as the local bus) →
 * SQS queues → fan-out and delivery workers; the SLA sweep on a schedule; SES for e-mail;
 * alarms on dead letters and stream lag. Every async edge has a DLQ or on-failure
 * destination; every queue and topic is encrypted with the stage key.
 */
import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { JOINTLY_TABLE } from '../../shared/data/table-definition.ts';
import { BUS_RULES, QUEUES, type QueueName } from '../../shared/events/bus-rules.ts';
import { EVENT_ENV } from '../../shared/events/event-config.ts';
import type { StageConfig } from '../config/stage-config.ts';
import { JointlyFunction } from '../constructs/jointly-function.ts';

/** Properties of the events stack. */
export interface EventsStackProps extends StackProps {
  /** The validated stage configuration. */
  readonly stageConfig: StageConfig;
  /** The stage's table (from the data stack); its stream feeds the publisher. */
  readonly table: dynamodb.TableV2;
  /** The stage's customer-managed key: queues, topic, logs and webhook secrets. */
  readonly key: kms.IKey;
}

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

/**
 * Lets `fn` send to a KMS-encrypted queue with named actions only (CDK's grant adds
 * `kms:ReEncrypt*` and `kms:GenerateDataKey*` wildcards that sending does not need).
 */
export const allowSendMessages = (fn: lambda.Function, queue: sqs.IQueue, key: kms.IKey): void => {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [queue.queueArn] }));
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
};

/** SQS mappings cannot have on-failure destinations: the queue's redrive policy is the DLQ. */
const acknowledgeSqsMapping = (fn: lambda.Function): void => {
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaEventSourceMappingDestination',
    reason: 'An SQS event source mapping cannot have an on-failure destination; failed messages go to the queue’s own dead-letter queue (maxReceiveCount).',
  });
};

/** The event path of one stage. */
export class EventsStack extends Stack {
  readonly bus: events.EventBus;
  /** Queue per `QUEUES` entry (the deliveries queue is what fan-out and redrive send to). */
  readonly queues: ReadonlyMap<QueueName, sqs.Queue>;
  readonly alarmTopic: sns.Topic;
  readonly functions: ReadonlyMap<string, JointlyFunction>;
  /** The SES identity alerts are e-mailed from. */
  readonly emailIdentity: ses.EmailIdentity;

  constructor(scope: Construct, id: string, props: EventsStackProps) {
    super(scope, id, props);
    const { stageConfig, table } = props;
    const stage = stageConfig.stage;
    const removalPolicy = stageConfig.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    // Imported by ARN so grants land on roles, not on the data stack's key policy.
    const key = kms.Key.fromKeyArn(this, 'StageKey', props.key.keyArn);
    // The stream ARN of a TableV2 in another stack, as the v1 interface event sources take.
    const streamTable = dynamodb.Table.fromTableAttributes(this, 'Table', {
      tableArn: table.tableArn,
      tableStreamArn: table.tableStreamArn,
      encryptionKey: key,
    });

    const functions = new Map<string, JointlyFunction>();
    const eventFunction = (name: string, entry: string, description: string, environment: Record<string, string> = {}) => {
      const fn = new JointlyFunction(this, pascal(name), { entry, stageConfig, description, logEncryptionKey: props.key, environment });
      Validations.of(fn).acknowledge({
        id: 'HIPAA.Security-LambdaDLQ',
        reason: 'Invoked by an event source mapping or a rule whose own DLQ / on-failure destination holds failed events; a function-level DLQ would never receive them.',
      });
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'Invoked by an event source mapping or a rule whose own DLQ / on-failure destination holds failed events.',
      });
      functions.set(name, fn);
      return fn;
    };

    // ── Alarms go to one encrypted topic per stage ───────────────────────────────
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { topicName: `jointly-${stage}-alarms`, masterKey: key, enforceSSL: true });
    const alarmEmail = new subscriptions.EmailSubscription(stageConfig.alarmEmail);
    this.alarmTopic.addSubscription(alarmEmail);
    Validations.of(this.alarmTopic).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        'The only subscriber is the ops alarm e-mail; an undeliverable alarm e-mail stays visible as the CloudWatch alarm state on the stage dashboard, and a DLQ would need the stage key policy to admit SNS.',
    });
    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) =>
      new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(new cwActions.SnsAction(this.alarmTopic));

    const queue = (name: string, options: { visibilityTimeout?: Duration; deadLetterQueue?: sqs.DeadLetterQueue } = {}) =>
      new sqs.Queue(this, name, {
        queueName: `jointly-${stage}-${name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`,
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: key,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy,
        ...options,
      });
    const deadLetterQueue = (name: string) => {
      const dlq = queue(name);
      Validations.of(dlq).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' });
      Validations.of(dlq).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This queue is itself a dead-letter queue: its depth alarms, and messages are redriven by hand (README).',
      });
      alarm(`${pascal(name)}Depth`, dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }), 0, `${name}: messages were dead-lettered`);
      return dlq;
    };

    // ── The bus and its rules ────────────────────────────────────────────────────
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `jointly-${stage}` });

    // ── Queues and their consumers ───────────────────────────────────────────────
    const queues = new Map<QueueName, sqs.Queue>();
    const timeout = Duration.seconds(stageConfig.lambda.timeoutSeconds);
    for (const [name, spec] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
      const dlq = deadLetterQueue(`${name}Dlq`);
      queues.set(
        name,
        queue(`${name}Queue`, {
          visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
          deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
        }),
      );
    }
    this.queues = queues;
    const deliveries = queues.get('deliveries')!;

    for (const rule of BUS_RULES) {
      const ruleDlq = deadLetterQueue(`${rule.id}RuleDlq`);
      new events.Rule(this, `${pascal(rule.id)}Rule`, {
        eventBus: this.bus,
        description: rule.description,
        eventPattern: rule.pattern as events.EventPattern,
        targets: [new targets.SqsQueue(queues.get(rule.target)!, { deadLetterQueue: ruleDlq, retryAttempts: 10 })],
      });
    }

    this.emailIdentity = new ses.EmailIdentity(this, 'Sender', { identity: ses.Identity.email(stageConfig.sesSender) });
    const workerEnvironment = {
      [EVENT_ENV.deliveryQueueUrl]: deliveries.queueUrl,
      [EVENT_ENV.sesSender]: stageConfig.sesSender,
      [EVENT_ENV.sealKeyArn]: props.key.keyArn,
      [EVENT_ENV.webhookPolicy]: 'public-https',
    };

    const fanOut = eventFunction('fanOut', QUEUES.fanOut.entry, 'Fans each event out to matching subscriptions', workerEnvironment);
    fanOut.bindTable(table, 'readWrite');
    allowSendMessages(fanOut, deliveries, key);
    fanOut.addEventSource(new SqsEventSource(queues.get('fanOut')!, { batchSize: 10, reportBatchItemFailures: true }));
    acknowledgeSqsMapping(fanOut);

    const deliver = eventFunction('deliver', QUEUES.deliveries.entry, 'Delivers one event to one webhook or e-mail subscription', workerEnvironment);
    deliver.bindTable(table, 'readWrite');
    allowSendMessages(deliver, deliveries, key);
    this.emailIdentity.grantSendEmail(deliver);
    // One message per invocation: a slow endpoint holds up nothing but its own delivery.
    deliver.addEventSource(new SqsEventSource(deliveries, { batchSize: 1, reportBatchItemFailures: true }));
    acknowledgeSqsMapping(deliver);

    // ── The outbox: stream → publisher → bus ─────────────────────────────────────
    const publisher = eventFunction('publisher', 'functions/events/publisher/handler.ts', 'Publishes committed event items from the stream to the bus', {
      [EVENT_ENV.eventBusName]: this.bus.eventBusName,
    });
    this.bus.grantPutEventsTo(publisher);
    const streamFailures = deadLetterQueue('publisherFailures');
    publisher.addEventSource(
      new DynamoEventSource(streamTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(streamFailures),
        // The same filter the local stream poller applies: outbox event items only.
        filters: [lambda.FilterCriteria.filter(JOINTLY_TABLE.outboxStreamFilter as Record<string, unknown>)],
      }),
    );
    publisher.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        resources: [table.tableStreamArn!],
      }),
    );
    key.grantDecrypt(publisher);
    Validations.of(publisher.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams, which the stream event source mapping needs, supports no resource-level permissions.',
    });
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      Validations.of(publisher.executionRole).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          'Added by CDK’s SqsDlq on-failure destination grant so the mapping can send failed-batch records to the KMS-encrypted failure queue; the statement is scoped to the stage key alone.',
      });
    }
    alarm(
      'PublisherIteratorAge',
      publisher.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
      60_000,
      'The stream publisher is more than a minute behind',
    );

    // ── SLA sweep on a schedule ──────────────────────────────────────────────────
    const sweep = eventFunction('slaSweep', 'functions/scheduled/sla-sweep/handler.ts', 'Raises referral.overdue / handoff.overdue once per breach');
    sweep.bindTable(table, 'readWrite');
    new events.Rule(this, 'SlaSweepSchedule', {
      schedule: events.Schedule.rate(Duration.minutes(1)),
      description: 'Looks for breached response targets every minute',
      targets: [new targets.LambdaFunction(sweep, { deadLetterQueue: deadLetterQueue('slaSweepDlq'), retryAttempts: 2 })],
    });

    this.functions = functions;
  }
}
