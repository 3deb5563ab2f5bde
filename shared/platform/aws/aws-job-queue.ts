/**
 * The AWS adapter of the {@link JobQueue} port: an SQS queue (SendMessage), and the maker
 * of the delivery queue. Only the functions that queue deliveries hold the SQS client: the
 * fan-out's composition root imports this module (it queues on nearly every invocation);
 * the delivery worker's retries and the subscription API's redrive load it on demand
 * (aws-job-queue-on-demand.ts). SQS is reached through the JSON-protocol client
 * (aws-json-client.ts, decision record 49), not the SDK's SQS client.
 */
import { type AwsJsonClient, awsJsonClient } from './aws-json-client.ts';
import { requiredSetting, type AwsAdapterMaker } from './on-first-use.ts';
import { EVENT_ENV } from '../config/environment.ts';
import type { DeliveryQueueMessage, JobQueue } from '../../core/messaging-ports.ts';

/** SQS's longest message delay. */
export const SQS_MAX_DELAY_SECONDS = 900;

/** The largest message body we send to SQS (its long-standing 256 KiB limit); the local queue refuses larger ones too. */
export const SQS_MAX_MESSAGE_BYTES = 256 * 1024;

/** Options of {@link SqsJobQueue}. */
export interface SqsJobQueueOptions {
  readonly queueUrl: string;
  /** An SQS client (only `call` is used); a default one otherwise. */
  readonly client?: Pick<AwsJsonClient, 'call'>;
}

/** A delay SQS accepts: whole seconds from 0 to 900. */
export const sqsDelaySeconds = (delaySeconds: number | undefined): number =>
  Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds ?? 0)));

/** A job queue on SQS: one message per job, its JSON as the body, delayed up to 15 minutes. */
export class SqsJobQueue<T> implements JobQueue<T> {
  private readonly client: Pick<AwsJsonClient, 'call'>;
  private readonly queueUrl: string;

  constructor(options: SqsJobQueueOptions) {
    this.client = options.client ?? awsJsonClient('sqs');
    this.queueUrl = options.queueUrl;
  }

  async send(job: T, delaySeconds?: number): Promise<void> {
    await this.client.call('SendMessage', {
      QueueUrl: this.queueUrl,
      MessageBody: JSON.stringify(job),
      DelaySeconds: sqsDelaySeconds(delaySeconds),
    });
  }
}

/** The SQS queue of delivery jobs at `JOINTLY_DELIVERY_QUEUE_URL`. */
export const awsDeliveryQueue: AwsAdapterMaker<JobQueue<DeliveryQueueMessage>> = (config) =>
  new SqsJobQueue<DeliveryQueueMessage>({
    queueUrl: requiredSetting(config.deliveryQueueUrl, EVENT_ENV.deliveryQueueUrl, 'queue deliveries'),
  });
