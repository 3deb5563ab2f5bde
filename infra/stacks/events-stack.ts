// Over 350 lines because the event path is one stack whose constructs reference each other (stream, bus, rules, queues, workers, schedule); its monitoring (event-path-monitoring.ts) and queues (constructs/encrypted-queues.ts) are already split out.
/**
 * The event path of one stage (DESIGN §1): the table's stream → publisher → EventBridge
 * bus → rules (from `shared/wiring/bus-rules.ts`, the same source as the local bus) →
 * SQS queues → fan-out and delivery workers; the SLA sweep on a schedule; SES for e-mail;
 * the stream → audit archiver → the Object Lock audit archive (constructs/audit-archive.ts);
 * the stage's alarm topic, and alarms on errors, throttles, dead letters, stream lag and
 * dead-lettered deliveries, rule invocations EventBridge gave up on and a stalled SLA sweep; the
 * stage's monthly cost budget. Every async edge has a DLQ or on-failure destination; every
 * queue and topic is encrypted with the stage key.
 */
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { JOINTLY_TABLE, RECORD_KEEPER_STREAM_FILTERS } from '../../shared/platform/dynamodb/table-definition.ts';
import { BUS_RULES, QUEUES, type QueueName } from '../../shared/wiring/bus-rules.ts';
import { EVENT_ENV } from '../../shared/platform/config/environment.ts';
import type { StageConfig } from '../config/stage-config.ts';
import { WEBHOOK_SECRET_PURPOSE, webhookSecretRoleNamesOf } from './data-stack.ts';
import { ITERATOR_AGE_THRESHOLD_MS, RUNBOOKS, StageAlarms, addStageBudget } from '../constructs/alarms.ts';
import {
  SERVICE_WRITERS,
  defaultBusRuleNameOf,
  encryptedResource,
  encryptedResourceNameOf,
  eventBusNameOf,
} from '../encrypted-resources.ts';
import { JointlyFunction } from '../constructs/jointly-function.ts';
import { AuditArchive } from '../constructs/audit-archive.ts';
import { AUDIT_ARCHIVE_ENV } from '../../shared/audit/data/archive-environment.ts';
import { ARCHIVE_FOLDERS } from '../../shared/audit/domain/archive-layout.ts';
import { allowSendMessages, EncryptedQueueOnFailure } from '../constructs/encrypted-queues.ts';
import { addLogMetrics, type EventPathMonitoring, type NamedQueue } from './event-path-monitoring.ts';
import { EVENT_FUNCTIONS, type EventFunctionName } from '../function-entries.ts';
import { EVENT_FUNCTION_SETTINGS, consumerOf, queueVisibilityTimeoutSeconds, type EventSourceSettings } from '../function-settings.ts';

/** Properties of the events stack. */
export interface EventsStackProps extends StackProps {
  /** The validated stage configuration. */
  readonly stageConfig: StageConfig;
  /** The stage's table (from the data stack); its stream feeds the publisher. */
  readonly table: dynamodb.TableV2;
  /** The stage's customer-managed key: queues, topic and logs. */
  readonly key: kms.IKey;
  /** ARN of the data stack's webhook-secret key: the delivery worker opens secrets with it (its role is named in that key's policy). */
  readonly webhookSecretKeyArn: string;
}

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

/** `fanOut` → `fan-out`, for alarm names. */
const kebab = (id: string) => id.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();

/** Schedule periods without a successful SLA sweep run before the stalled alarm fires. */
export const SWEEP_STALLED_PERIODS = 3;

/** SQS mappings cannot have on-failure destinations: the queue's redrive policy is the DLQ. */
const acknowledgeSqsMapping = (fn: lambda.Function): void => {
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaEventSourceMappingDestination',
    reason:
      'An SQS event source mapping cannot have an on-failure destination; failed messages go to the queue’s own dead-letter queue (maxReceiveCount).',
  });
};

/** The event path of one stage. */
export class EventsStack extends Stack {
  readonly bus: events.EventBus;
  /** Queue per `QUEUES` entry (the deliveries queue is what fan-out and redrive send to). */
  readonly queues: ReadonlyMap<QueueName, sqs.Queue>;
  /** The stage's alarm topic: every alarm of every stack notifies it. */
  readonly alarmTopic: sns.Topic;
  readonly functions: ReadonlyMap<EventFunctionName, JointlyFunction>;
  /** The SES identity alerts are e-mailed from. */
  readonly emailIdentity: ses.EmailIdentity;
  /** What the stage dashboard (in the API stack) shows of this stack. */
  readonly monitoring: EventPathMonitoring;
  /** The Object Lock bucket of access-log entries, events and (prod) the table's CloudTrail data events. */
  readonly auditArchive: AuditArchive;

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

    // ── Alarms go to one encrypted topic per stage ───────────────────────────────
    const topicEntry = encryptedResource('AlarmTopic');
    this.alarmTopic = new sns.Topic(this, topicEntry.id, {
      topicName: encryptedResourceNameOf(stage, topicEntry),
      masterKey: key,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: without
    // this statement CloudWatch alarms could not publish at all (the key policy is the other half).
    for (const writer of topicEntry.serviceWriters.map((name) => SERVICE_WRITERS[name])) {
      this.alarmTopic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowAlarmsOfThisStage',
          principals: [new iam.ServicePrincipal(writer.principal)],
          actions: ['sns:Publish'],
          resources: [this.alarmTopic.topicArn],
          conditions: {
            StringEquals: { 'aws:SourceAccount': this.account },
            ArnLike: {
              'aws:SourceArn': writer
                .sourceResources(stage)
                .map((part) => `arn:${this.partition}:${writer.arnService}:${this.region}:${this.account}:${part}`),
            },
          },
        }),
      );
    }
    this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(stageConfig.alarmEmail));
    Validations.of(this.alarmTopic).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        'The only subscriber is the ops alarm e-mail; an undeliverable alarm e-mail stays visible as the CloudWatch alarm state on the stage dashboard, and a DLQ would need the stage key policy to admit SNS.',
    });
    const alarms = new StageAlarms(stage, this.alarmTopic);

    const functions = new Map<EventFunctionName, JointlyFunction>();
    const eventFunction = (name: EventFunctionName, description: string, environment: Record<string, string> = {}, roleName?: string) => {
      const fn = new JointlyFunction(this, pascal(name), {
        entry: EVENT_FUNCTIONS[name].entry,
        functionId: name,
        stageConfig,
        description,
        logEncryptionKey: props.key,
        environment,
        ...(roleName ? { roleName } : {}),
      });
      alarms.forFunction(fn, name);
      functions.set(name, fn);
      return fn;
    };
    /** Invoked by a mapping: failures land in the mapping's or the queue's own dead-letter queue. */
    const acknowledgeMappedFunction = (fn: JointlyFunction) => {
      for (const rule of ['HIPAA.Security-LambdaDLQ', 'Serverless-LambdaDLQ']) {
        Validations.of(fn).acknowledge({
          id: rule,
          reason:
            'Invoked only by an event source mapping (never asynchronously); failed records go to the mapping’s on-failure queue or the source queue’s dead-letter queue, so a function-level DLQ would never receive anything.',
        });
      }
    };

    const queue = (name: string, options: { visibilityTimeout?: Duration; deadLetterQueue?: sqs.DeadLetterQueue } = {}) => {
      // Only queues listed with their writers exist: the key policy is built from the same list.
      const queueName = encryptedResourceNameOf(stage, encryptedResource(name));
      return {
        queueName,
        queue: new sqs.Queue(this, name, {
          queueName,
          encryption: sqs.QueueEncryption.KMS,
          encryptionMasterKey: key,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
          removalPolicy,
          ...options,
        }),
      };
    };
    const deadLetterQueues: NamedQueue[] = [];
    const deadLetterQueue = (name: string, what: string) => {
      const { queue: dlq, queueName } = queue(name);
      Validations.of(dlq).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' });
      Validations.of(dlq).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This queue is itself a dead-letter queue: its depth alarms, and messages are redriven by hand (README).',
      });
      alarms.forDeadLetterQueue(dlq, queueName, what);
      deadLetterQueues.push({ label: what, queueName });
      return dlq;
    };

    // ── The bus and its rules ────────────────────────────────────────────────────
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: eventBusNameOf(stage) });

    // ── Queues and their consumers ───────────────────────────────────────────────
    const queues = new Map<QueueName, sqs.Queue>();
    const workQueues: NamedQueue[] = [];
    for (const [name, spec] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
      const dlq = deadLetterQueue(`${name}Dlq`, `${name} messages that failed ${spec.maxReceiveCount} receives`);
      const { queue: work, queueName } = queue(`${name}Queue`, {
        // 6 × the consumer's own timeout (infra/function-settings.ts), not the stage default's.
        visibilityTimeout: Duration.seconds(queueVisibilityTimeoutSeconds(stageConfig, name)),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
      });
      queues.set(name, work);
      workQueues.push({ label: name, queueName });
    }
    this.queues = queues;
    const deliveries = queues.get('deliveries')!;

    for (const rule of BUS_RULES) {
      const ruleDlq = deadLetterQueue(`${rule.id}RuleDlq`, `events the ${rule.id} rule could not put on its queue`);
      const busRule = new events.Rule(this, `${pascal(rule.id)}Rule`, {
        eventBus: this.bus,
        description: rule.description,
        eventPattern: rule.pattern as events.EventPattern,
        targets: [new targets.SqsQueue(queues.get(rule.target)!, { deadLetterQueue: ruleDlq, retryAttempts: 10 })],
      });
      alarms.forRule({ rule: busRule, name: kebab(rule.id), eventBusName: this.bus.eventBusName });
    }

    this.emailIdentity = new ses.EmailIdentity(this, 'Sender', { identity: ses.Identity.email(stageConfig.sesSender) });
    // Resource references; the stage values the workers read come from infra/function-settings.ts.
    const workerEnvironment = {
      [EVENT_ENV.deliveryQueueUrl]: deliveries.queueUrl,
    };
    /** The SQS mapping of `name`, as infra/function-settings.ts describes it. */
    const sqsSource = (name: EventFunctionName): SqsEventSource => {
      const source: EventSourceSettings = EVENT_FUNCTION_SETTINGS[name].eventSource;
      if (source.kind !== 'sqs' || consumerOf(source.queue) !== name) throw new Error(`${name} is not an SQS consumer.`);
      return new SqsEventSource(queues.get(source.queue)!, {
        batchSize: source.batchSize,
        ...(source.maxBatchingWindowSeconds > 0 ? { maxBatchingWindow: Duration.seconds(source.maxBatchingWindowSeconds) } : {}),
        ...(source.maxConcurrency !== undefined ? { maxConcurrency: source.maxConcurrency } : {}),
        reportBatchItemFailures: true,
      });
    };

    const fanOut = eventFunction('fanOut', 'Fans each event out to matching subscriptions', workerEnvironment);
    fanOut.bindTable(table, 'readWrite');
    allowSendMessages(fanOut, deliveries, key);
    fanOut.addEventSource(sqsSource('fanOut'));
    acknowledgeSqsMapping(fanOut);
    acknowledgeMappedFunction(fanOut);

    const deliver = eventFunction(
      'deliver',
      'Delivers one event to one webhook or e-mail subscription',
      {
        ...workerEnvironment,
        [EVENT_ENV.sealKeyArn]: props.webhookSecretKeyArn,
      },
      webhookSecretRoleNamesOf(stage, stageConfig.region).opener,
    );
    // Opens webhook secrets: Decrypt only, only under the webhook-secret purpose (the key's
    // policy names this role too; both must allow).
    deliver.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [props.webhookSecretKeyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': WEBHOOK_SECRET_PURPOSE } },
      }),
    );
    deliver.bindTable(table, 'readWrite');
    allowSendMessages(deliver, deliveries, key);
    this.emailIdentity.grantSendEmail(deliver);
    // One message per invocation: a slow endpoint holds up nothing but its own delivery.
    deliver.addEventSource(sqsSource('deliver'));
    acknowledgeSqsMapping(deliver);
    acknowledgeMappedFunction(deliver);

    // Programme evaluation: counters in the table (idempotent per event) and EMF business
    // metrics. Batches of up to 10 with no batching window: a lone event is counted at once.
    const metrics = eventFunction('metrics', 'Keeps the programme evaluation counters and publishes business metrics (EMF)');
    metrics.bindTable(table, 'readWrite');
    metrics.addEventSource(sqsSource('metrics'));
    acknowledgeSqsMapping(metrics);
    acknowledgeMappedFunction(metrics);

    // ── The outbox: stream → publisher → bus ─────────────────────────────────────
    const publisher = eventFunction('publisher', 'Publishes committed event items from the stream to the bus', {
      [EVENT_ENV.eventBusName]: this.bus.eventBusName,
    });
    this.bus.grantPutEventsTo(publisher);
    const stream = EVENT_FUNCTION_SETTINGS.publisher.eventSource;
    const streamFailures = deadLetterQueue(
      'publisherFailures',
      `stream batches the publisher failed after ${stream.retryAttempts} retries`,
    );
    publisher.addEventSource(
      new DynamoEventSource(streamTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: stream.batchSize,
        ...(stream.maxBatchingWindowSeconds > 0 ? { maxBatchingWindow: Duration.seconds(stream.maxBatchingWindowSeconds) } : {}),
        bisectBatchOnError: stream.bisectBatchOnError,
        retryAttempts: stream.retryAttempts,
        reportBatchItemFailures: true,
        onFailure: new EncryptedQueueOnFailure(streamFailures, key),
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
    acknowledgeMappedFunction(publisher);
    Validations.of(publisher.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams, which the stream event source mapping needs, supports no resource-level permissions.',
    });
    const iteratorAge = publisher.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) });
    alarms.add(publisher, 'IteratorAgeAlarm', {
      name: 'publisher-iterator-age',
      metric: iteratorAge,
      threshold: ITERATOR_AGE_THRESHOLD_MS,
      description: 'the stream publisher is more than a minute behind: events reach subscribers late.',
      runbook: RUNBOOKS.publisherIteratorAge,
    });

    // ── The record keeper: the stream's second reader (decision 61) ──────────────────
    // Access-log entries and events → the Object Lock audit archive; referral items TTL
    // removed → the disposal of the rest of their partition. DynamoDB advises no more than two
    // readers per stream shard: the publisher is one, this (no latency promise) the other.
    this.auditArchive = new AuditArchive(this, 'AuditArchive', { stageConfig, key, tableArn: table.tableArn });
    const recordKeeper = eventFunction(
      'recordKeeper',
      'Archives every access-log entry and event in the Object Lock audit bucket; disposes of referrals TTL removed',
      { [AUDIT_ARCHIVE_ENV.bucketName]: this.auditArchive.bucket.bucketName },
    );
    // Archive objects: put, and nothing else (no read, no delete, no retention; docs/audit-archive.md).
    this.auditArchive.grantAppend(recordKeeper);
    // Disposal deletes the partition's items and handoff pointers and writes one referral.disposed event.
    recordKeeper.bindTable(table, 'readWrite');
    const keeping = EVENT_FUNCTION_SETTINGS.recordKeeper.eventSource;
    const recordKeeperFailures = deadLetterQueue(
      'recordKeeperFailures',
      `stream batches the record keeper failed after ${keeping.retryAttempts} retries`,
    );
    recordKeeper.addEventSource(
      new DynamoEventSource(streamTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: keeping.batchSize,
        maxBatchingWindow: Duration.seconds(keeping.maxBatchingWindowSeconds),
        bisectBatchOnError: keeping.bisectBatchOnError,
        retryAttempts: keeping.retryAttempts,
        reportBatchItemFailures: true,
        onFailure: new EncryptedQueueOnFailure(recordKeeperFailures, key),
        // The same filters the local stream poller applies: inserted access-log entries and
        // events, and referral items DynamoDB's TTL removed (a record passing either is delivered).
        filters: RECORD_KEEPER_STREAM_FILTERS.map((filter) => lambda.FilterCriteria.filter(filter as Record<string, unknown>)),
      }),
    );
    recordKeeper.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
        resources: [table.tableStreamArn!],
      }),
    );
    acknowledgeMappedFunction(recordKeeper);
    const recordKeeperRole = recordKeeper.executionRole;
    Validations.of(recordKeeperRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams, which the stream event source mapping needs, supports no resource-level permissions.',
    });
    const auditBucketId = this.getLogicalId(this.auditArchive.bucket.node.defaultChild as CfnElement);
    for (const folder of Object.values(ARCHIVE_FOLDERS)) {
      Validations.of(recordKeeperRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${auditBucketId}.Arn>/${folder}/*]`,
        reason: `s3:PutObject only, on the ${folder}/ folder of the audit archive: each object's key carries its day and the stream sequence numbers it holds, so no fixed object ARN can name it.`,
      });
    }
    alarms.add(recordKeeper, 'IteratorAgeAlarm', {
      name: 'record-keeper-iterator-age',
      metric: recordKeeper.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: ITERATOR_AGE_THRESHOLD_MS,
      description:
        'the record keeper is more than a minute behind the table stream: reads and changes reach the audit archive late, and disposals wait.',
      runbook: RUNBOOKS.recordKeeperIteratorAge,
    });

    // ── SLA sweep on a schedule ──────────────────────────────────────────────────
    const sweep = eventFunction(
      'slaSweep',
      'Raises referral.overdue / handoff.overdue once per breach; queues releases of held pushes',
      workerEnvironment,
    );
    sweep.bindTable(table, 'readWrite');
    // Queues the release of each window of held pushes (quiet hours, digests) that fell due.
    allowSendMessages(sweep, deliveries, key);
    // EventBridge invokes the sweep asynchronously: a failed run goes to its own queue
    // (alarmed) instead of being retried, since the next run a minute later redoes it.
    const sweepFailures = deadLetterQueue('slaSweepFailures', 'SLA sweep runs that failed');
    sweep.configureAsyncInvoke({ retryAttempts: 0, onFailure: new EncryptedQueueOnFailure(sweepFailures, key) });
    const sweepSchedule = new events.Rule(this, 'SlaSweepSchedule', {
      // Named: a default-bus rule's ARN must carry the stage for the key policy to admit its DLQ writes.
      ruleName: defaultBusRuleNameOf(stage, 'sla-sweep'),
      schedule: events.Schedule.rate(Duration.minutes(EVENT_FUNCTION_SETTINGS.slaSweep.eventSource.rateMinutes)),
      description: 'Looks for breached response targets every minute',
      targets: [
        new targets.LambdaFunction(sweep, {
          deadLetterQueue: deadLetterQueue('slaSweepDlq', 'SLA sweep schedules EventBridge could not invoke'),
          retryAttempts: 2,
        }),
      ],
    });
    alarms.forRule({ rule: sweepSchedule, name: 'sla-sweep' });
    // Silence is the failure a schedule has: a disabled rule, a broken target or a function that
    // fails every run all leave "no successful run" behind. Three periods ride out one late tick.
    alarms.forStalledSchedule(sweep, {
      name: 'sla-sweep',
      rateMinutes: EVENT_FUNCTION_SETTINGS.slaSweep.eventSource.rateMinutes,
      periods: SWEEP_STALLED_PERIODS,
      runbook: RUNBOOKS.slaSweepStalled,
    });
    for (const rule of ['HIPAA.Security-LambdaDLQ', 'Serverless-LambdaDLQ']) {
      Validations.of(sweep).acknowledge({
        id: rule,
        reason:
          'Asynchronous failures go to an on-failure destination (EventInvokeConfig → the alarmed slaSweepFailures queue), which the rule cannot see; a function-level DeadLetterConfig would duplicate it.',
      });
    }

    // ── Counts from the workers' log lines: alerts, deliveries, dead letters ─────
    const logMetrics = addLogMetrics(this, stage, functions);
    alarms.add(deliver, 'DeadLettersAlarm', {
      name: 'deliveries-dead-lettered',
      metric: logMetrics.deliveriesDeadLettered,
      threshold: 0,
      description:
        'a webhook or e-mail delivery failed its last attempt and was dead-lettered; the subscriber can redrive it (POST /subscriptions/{id}/redrive) once the endpoint is fixed.',
      runbook: RUNBOOKS.deliveriesDeadLettered,
    });

    // ── The stage's monthly cost budget (e-mailed like the alarms) ───────────────
    addStageBudget(this, 'MonthlyBudget', { stage, limitUsd: stageConfig.monthlyBudgetUsd, email: stageConfig.alarmEmail });

    this.functions = functions;
    this.monitoring = {
      functions,
      workQueues,
      deadLetterQueues,
      iteratorAge,
      logMetrics,
      alarmNames: alarms.alarmNames,
    };
  }
}
