/**
 * Sending to the stage's KMS-encrypted queues with named actions only: CDK's own grants
 * and its `SqsDlq` / `SqsDestination` add `kms:ReEncrypt*` and `kms:GenerateDataKey*`
 * wildcards that sending does not need.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * Lets `fn` send to a KMS-encrypted queue with named actions only (CDK's grant adds
 * `kms:ReEncrypt*` and `kms:GenerateDataKey*` wildcards that sending does not need).
 */
export const allowSendMessages = (fn: lambda.IFunction, queue: sqs.IQueue, key: kms.IKey): void => {
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [queue.queueArn] }),
  );
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
};

/**
 * An encrypted queue as the on-failure destination of a stream mapping (`IEventSourceDlq`)
 * or of asynchronous invocations (`IDestination`), granted with `allowSendMessages`: the
 * same effect as CDK's `SqsDlq` / `SqsDestination`, without their KMS action wildcards.
 */
export class EncryptedQueueOnFailure implements lambda.IEventSourceDlq, lambda.IDestination {
  private readonly queue: sqs.IQueue;
  private readonly key: kms.IKey;

  constructor(queue: sqs.IQueue, key: kms.IKey) {
    this.queue = queue;
    this.key = key;
  }

  bind(_scope: unknown, fn: lambda.IFunction): lambda.DlqDestinationConfig & lambda.DestinationConfig {
    allowSendMessages(fn, this.queue, this.key);
    return { destination: this.queue.queueArn };
  }
}
