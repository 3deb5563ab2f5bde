/**
 * Composition root of the SLA sweep: configuration read once per cold start, the DynamoDB
 * sweeper, and the window sweep queueing releases of held pushes on the deliveries queue. The Lambda entry takes a client of its own; the local runtime and
 * tests pass theirs.
 */
import type { DocumentClient } from '../platform/dynamodb/document-client.ts';
import { loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { DynamoSlaSweeper } from '../referrals/data/sla-sweep.ts';
import { createSlaSweepHandler } from '../sla/api/sla-sweep-handler.ts';
import { awsDeliveryQueueOnDemand } from '../platform/aws/aws-job-queue-on-demand.ts';
import { jobQueueOnFirstUse } from '../platform/aws/on-first-use.ts';
import { loadEventConfig } from '../platform/config/event-config.ts';
import type { DeliveryQueueMessage, JobQueue } from '../core/messaging-ports.ts';
import { queueDueReleases } from '../subscriptions/domain/window-sweep.ts';
import { DynamoDeliveryRepository } from '../subscriptions/data/delivery-repository.ts';

/** What the SLA sweep can be given instead of its defaults. */
export interface SlaSweepAdapters {
  readonly documentClient?: DocumentClient;
  /** Where due windows' release jobs go; default: SQS, loaded when a window first falls due. */
  readonly deliveryQueue?: JobQueue<DeliveryQueueMessage>;
}

/** The SLA sweep's handler on `adapters`. Configuration is read now. */
export const slaSweepHandler = (adapters: SlaSweepAdapters = {}) => {
  const config = loadRuntimeConfig();
  const client = adapters.documentClient ?? createDocumentClient({ endpoint: config.dynamodbEndpoint });
  const eventConfig = loadEventConfig();
  const tableName = requireTableName(config);
  const windows = {
    repository: new DynamoDeliveryRepository({ client, tableName }),
    deliveryQueue: adapters.deliveryQueue ?? jobQueueOnFirstUse(() => awsDeliveryQueueOnDemand(eventConfig)),
  };
  return createSlaSweepHandler(new DynamoSlaSweeper({ client, tableName }), {
    queueDue: (now, options) => queueDueReleases(now, windows, options),
  });
};
